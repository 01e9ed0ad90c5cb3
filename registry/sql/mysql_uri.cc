#include "registry/sql/mysql_uri.h"

#include <cstddef>
#include <optional>

#include "registry/text.h"

namespace modelwarden {
namespace {

// The spellings MLflow users put in --backend-store-uri (SQLAlchemy dialect+driver names); the
// driver part only matters to Python, we always use Connector/C++.
constexpr std::string_view kSchemes[] = {"mysql", "mysql+pymysql", "mysql+mysqldb",
                                         "mysql+mysqlconnector"};

constexpr char kExpected[] = "expected mysql://user:password@host:port/database";

Status Invalid(const std::string& what) {
  return Status::InvalidArgument("Invalid MySQL URI: " + what + " (" + kExpected + ").");
}

// The offset just past "://" when `uri` has an accepted scheme.
std::optional<size_t> AuthorityStart(std::string_view uri) {
  const size_t separator = uri.find("://");
  if (separator == std::string_view::npos) return std::nullopt;
  const std::string scheme = AsciiLower(uri.substr(0, separator));
  for (std::string_view accepted : kSchemes) {
    if (scheme == accepted) return separator + 3;
  }
  return std::nullopt;
}

std::optional<int> ParseBoundedInt(std::string_view text, int min, int max) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) return std::nullopt;
  return value;
}

bool HasSpaceOrControl(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

bool IsMysqlUri(std::string_view uri) { return AuthorityStart(uri).has_value(); }

Result<MysqlConnectionOptions> ParseMysqlUri(std::string_view uri) {
  const std::optional<size_t> start = AuthorityStart(uri);
  if (!start) {
    const size_t separator = uri.find("://");
    if (separator != std::string_view::npos && AsciiLower(uri.substr(0, 5)) == "mysql") {
      return Invalid("unsupported scheme '" + std::string(uri.substr(0, separator)) +
                     "'; use mysql://, mysql+pymysql:// or mysql+mysqldb://");
    }
    return Invalid("not a mysql:// URI");
  }
  MysqlConnectionOptions options;
  std::string_view rest = uri.substr(*start);
  const size_t query_start = rest.find('?');
  std::string_view query;
  if (query_start != std::string_view::npos) {
    query = rest.substr(query_start + 1);
    rest = rest.substr(0, query_start);
  }

  // The last '@' ends the userinfo, so an unencoded '@' in a password still parses.
  const size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = userinfo.find(':');
    std::optional<std::string> user = PercentDecode(userinfo.substr(0, colon), false);
    std::optional<std::string> password;
    if (colon != std::string_view::npos) {
      password = PercentDecode(userinfo.substr(colon + 1), false);
      if (!password) return Invalid("malformed percent-encoding in the password");
      options.password = std::move(*password);
    }
    if (!user) return Invalid("malformed percent-encoding in the user name");
    options.user = std::move(*user);
  }

  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return Invalid("missing database name");
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = rest.substr(slash + 1);

  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid("unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Invalid("unexpected text after the IPv6 address");
      port = after.substr(1);
      has_port = true;
    }
    if (host.empty()) return Invalid("empty IPv6 address");
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      has_port = true;
      if (port.find(':') != std::string_view::npos) {
        return Invalid("too many ':' in the host (put IPv6 addresses in brackets)");
      }
    }
  }
  if (HasSpaceOrControl(host)) return Invalid("the host contains spaces or control characters");
  if (!host.empty()) options.host = std::string(host);
  if (has_port) {
    const std::optional<int> parsed = ParseBoundedInt(port, 1, 65535);
    if (!parsed) return Invalid("the port must be a number from 1 to 65535");
    options.port = *parsed;
  }

  std::optional<std::string> database = PercentDecode(path, false);
  if (!database) return Invalid("malformed percent-encoding in the database name");
  if (database->empty()) return Invalid("missing database name");
  if (database->find('/') != std::string::npos || database->find('\0') != std::string::npos) {
    return Invalid("the database name must not contain '/' or NUL");
  }
  options.database = std::move(*database);

  // In the query '+' also means space, as Python's parse_qsl (which SQLAlchemy uses) reads it.
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    std::optional<std::string> key = PercentDecode(pair.substr(0, equals), true);
    std::optional<std::string> value = equals == std::string_view::npos
                                           ? std::string()
                                           : PercentDecode(pair.substr(equals + 1), true);
    if (!key || !value) return Invalid("malformed percent-encoding in the query string");
    if (key->empty()) return Invalid("empty query parameter name");
    if (*key == "unix_socket") {
      if (value->empty()) return Invalid("empty unix_socket");
      options.unix_socket = std::move(*value);
    } else if (*key == "connect_timeout") {
      const std::optional<int> seconds = ParseBoundedInt(*value, 1, 3600);
      if (!seconds) return Invalid("connect_timeout must be a number of seconds from 1 to 3600");
      options.connect_timeout_s = *seconds;
    } else {
      options.params[*key] = std::move(*value);
    }
  }
  return options;
}

}  // namespace modelwarden
