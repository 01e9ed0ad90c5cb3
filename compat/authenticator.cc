#include "compat/authenticator.h"

#include <cctype>
#include <string_view>

#include "enforcement/crypto.h"

namespace modelwarden {
namespace {

constexpr char kNotAuthenticated[] =
    "You are not authenticated. Please see "
    "https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to "
    "authenticate.";

bool SchemeIs(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

Result<Principal> Authenticate(AccessControl& access,
                               const std::optional<std::string>& authorization) {
  if (!authorization.has_value() || Trim(*authorization).empty()) {
    return Status::Unauthenticated(kNotAuthenticated);
  }
  const std::string_view header = Trim(*authorization);
  if (SchemeIs(header, "basic")) {
    const std::optional<std::string> decoded = Base64Decode(Trim(header.substr(6)));
    const size_t colon = decoded.has_value() ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return Status::Unauthenticated(
          "Malformed Basic credentials: expected base64 of username:password.");
    }
    return access.AuthenticatePassword(decoded->substr(0, colon), decoded->substr(colon + 1));
  }
  if (SchemeIs(header, "bearer")) {
    const std::string_view token = Trim(header.substr(7));
    if (token.empty()) return Status::Unauthenticated("Malformed Bearer credentials: no token.");
    return access.AuthenticateToken(std::string(token));
  }
  return Status::Unauthenticated("Unsupported Authorization scheme: use Basic or Bearer.");
}

}  // namespace modelwarden
