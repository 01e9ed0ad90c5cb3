// Reads the caller's credentials from the Authorization header, as MLflow clients send them:
// "Basic base64(username:password)" (MLFLOW_TRACKING_USERNAME/PASSWORD) or "Bearer <token>"
// (MLFLOW_TRACKING_TOKEN), and verifies them with AccessControl. Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>

#include "enforcement/access/access_control.h"
#include "registry/status.h"

namespace modelwarden {

// kUnauthenticated when the header is absent, malformed or of another scheme, or the
// credentials are wrong. The message never repeats what the client sent.
// With Blocking::kNever, kWouldBlock when the credentials are not in AccessControl's caches.
Result<Principal> Authenticate(
    AccessControl& access, const std::optional<std::string>& authorization,
    AccessControl::Blocking blocking = AccessControl::Blocking::kAllowed);

}  // namespace modelwarden
