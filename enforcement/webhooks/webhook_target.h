// Which receivers an admin may refuse (--webhook-deny-private-targets): a webhook URL is a way
// to make the server send requests, so a server next to internal services or a cloud metadata
// endpoint can be told to send only to public addresses. Checked when a webhook is created or
// its URL changed, and again before every delivery (a name may resolve differently later).
// Pure functions over the system resolver; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "registry/status.h"

namespace modelwarden {

// For an IP literal (IPv4 dotted, or IPv6 without brackets): "loopback" (127.0.0.0/8, ::1),
// "link-local" (169.254.0.0/16, fe80::/10: where cloud metadata services answer), "private"
// (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), "unspecified" (0.0.0.0/8, ::),
// "multicast" or "reserved" (240/4, broadcast); IPv4-mapped and -compatible IPv6 addresses as
// their IPv4 address. nullopt for a public address and for text that is not an IP literal.
std::optional<std::string> NonPublicAddressKind(std::string_view address);

// Resolves `host` (an IP literal or a name) and fails with kInvalidParameterValue when it does
// not resolve or when any address it resolves to is not public.
Status CheckPublicTarget(const std::string& host);

}  // namespace modelwarden
