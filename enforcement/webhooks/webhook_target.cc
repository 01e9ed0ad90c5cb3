#include "enforcement/webhooks/webhook_target.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>

namespace modelwarden {
namespace {

std::optional<std::string> Ipv4Kind(uint32_t a) {  // Host byte order.
  const auto in = [a](uint32_t net, int bits) {
    const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    return (a & mask) == net;
  };
  if (in(0x7F000000, 8)) return "loopback";
  if (in(0xA9FE0000, 16)) return "link-local";
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) || in(0x64400000, 10)) {
    return "private";
  }
  if (in(0x00000000, 8)) return "unspecified";
  if (in(0xE0000000, 4)) return "multicast";
  if (in(0xF0000000, 4)) return "reserved";  // 240/4 and 255.255.255.255.
  return std::nullopt;
}

std::optional<std::string> Ipv6Kind(const unsigned char* b) {
  static const unsigned char kZero[16] = {};
  if (std::memcmp(b, kZero, 15) == 0 && (b[15] == 0 || b[15] == 1)) {
    return b[15] == 0 ? "unspecified" : "loopback";
  }
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) reach the IPv4 address.
  const bool mapped = std::memcmp(b, kZero, 10) == 0 && b[10] == 0xFF && b[11] == 0xFF;
  const bool compatible = std::memcmp(b, kZero, 12) == 0;
  if (mapped || compatible) {
    return Ipv4Kind((uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) |
                    b[15]);
  }
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return "link-local";
  if ((b[0] & 0xFE) == 0xFC) return "private";
  if (b[0] == 0xFF) return "multicast";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> NonPublicAddressKind(std::string_view address) {
  const std::string text(address);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return Ipv4Kind(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) return Ipv6Kind(v6.s6_addr);
  return std::nullopt;
}

Status CheckPublicTarget(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    return Status::InvalidArgument("The webhook's host '" + host +
                                   "' does not resolve, and this server only sends to public "
                                   "addresses (--webhook-deny-private-targets).");
  }
  Status status;
  for (const addrinfo* a = found; a != nullptr && status.ok(); a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (inet_ntop(a->ai_family, raw, text, sizeof(text)) == nullptr) continue;
    if (std::optional<std::string> kind = NonPublicAddressKind(text)) {
      status = Status::InvalidArgument("The webhook's host '" + host + "' is a " + *kind +
                                       " address (" + text +
                                       "); this server only sends to public addresses "
                                       "(--webhook-deny-private-targets).");
    }
  }
  freeaddrinfo(found);
  return status;
}

}  // namespace modelwarden
