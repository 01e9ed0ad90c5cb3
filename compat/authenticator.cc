#include "compat/authenticator.h"

#include <string_view>

#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr char kNotAuthenticated[] =
    "You are not authenticated. Please see "
    "https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to "
    "authenticate.";

bool SchemeIs(std::string_view header, std::string_view scheme) {
  return header.size() > scheme.size() && header[scheme.size()] == ' ' &&
         EqualsIgnoreAsciiCase(header.substr(0, scheme.size()), scheme);
}

// HTTP's optional whitespace (RFC 9110 section 5.6.3) is spaces and tabs only.
std::string_view TrimOws(std::string_view text) { return TrimAny(text, " \t"); }

}  // namespace

Result<Principal> Authenticate(AccessControl& access,
                               const std::optional<std::string>& authorization,
                               AccessControl::Blocking blocking) {
  if (!authorization.has_value() || TrimOws(*authorization).empty()) {
    return Status::Unauthenticated(kNotAuthenticated);
  }
  const std::string_view header = TrimOws(*authorization);
  if (SchemeIs(header, "basic")) {
    const std::optional<std::string> decoded = DecodeBase64(TrimOws(header.substr(6)));
    const size_t colon = decoded.has_value() ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return Status::Unauthenticated(
          "Malformed Basic credentials: expected base64 of username:password.");
    }
    return access.AuthenticatePassword(decoded->substr(0, colon), decoded->substr(colon + 1),
                                       blocking);
  }
  if (SchemeIs(header, "bearer")) {
    const std::string_view token = TrimOws(header.substr(7));
    if (token.empty()) return Status::Unauthenticated("Malformed Bearer credentials: no token.");
    return access.AuthenticateToken(std::string(token), blocking);
  }
  return Status::Unauthenticated("Unsupported Authorization scheme: use Basic or Bearer.");
}

}  // namespace modelwarden
