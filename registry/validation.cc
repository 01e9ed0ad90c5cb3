// Ports of mlflow/utils/validation.py and of the source checks in mlflow/server/handlers.py
// (_validate_source_run, _validate_non_local_source_contains_relative_paths).
//
// Python's \w is Unicode-aware; here every byte >= 0x80 counts as a word character, which
// accepts every non-ASCII letter (and, unlike Python, non-ASCII symbols and spaces too).
// Lengths are counted in code points, as Python's len() does, except the model name, which
// is limited in bytes.
#include "registry/validation.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registry/decimal.h"
#include "registry/python_repr.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

bool IsWordByte(char c) {
  return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// Decodes one UTF-8 sequence at s[*i]; malformed input yields U+FFFD and consumes one byte.
uint32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto b0 = static_cast<unsigned char>(s[*i]);
  size_t len = 0;
  uint32_t cp = 0;
  if (b0 < 0x80) {
    ++*i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++*i;
    return 0xFFFD;
  }
  if (*i + len > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[*i + k]);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *i += len;
  return cp > 0x10FFFF ? 0xFFFD : cp;
}

// \uXXXX for a code point (or surrogate) below U+10000.
void AppendHex4(uint32_t v, std::string* out) {
  const char big_endian[] = {static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)};
  *out += "\\u" + HexEncode(std::string_view(big_endian, 2));
}

// json.dumps(value) with Python's default ensure_ascii=True.
std::string JsonDumps(std::string_view s) {
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    const uint32_t cp = NextCodePoint(s, &i);
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (cp >= 0x20 && cp < 0x7f) {
          out += static_cast<char>(cp);
        } else if (cp > 0xFFFF) {
          const uint32_t v = cp - 0x10000;
          AppendHex4(0xD800 | (v >> 10), &out);
          AppendHex4(0xDC00 | (v & 0x3FF), &out);
        } else {
          AppendHex4(cp, &out);
        }
    }
  }
  out += '"';
  return out;
}

// validation.invalid_value(path, value, message).
Status InvalidValue(std::string_view path, std::string_view value, std::string_view message) {
  return Status::InvalidArgument("Invalid value " + JsonDumps(value) + " for parameter '" +
                                 std::string(path) + "' supplied: " + std::string(message));
}

// validation.exceeds_maximum_length(path, limit).
Status ExceedsMaximumLength(std::string_view path, size_t limit) {
  return Status::InvalidArgument("'" + std::string(path) + "' exceeds the maximum length of " +
                                 std::to_string(limit) + " characters");
}

// posixpath.normpath.
std::string PosixNormPath(std::string_view path) {
  if (path.empty()) return ".";
  size_t initial_slashes = path[0] == '/' ? 1 : 0;
  // POSIX keeps exactly two leading slashes, but collapses three or more.
  if (initial_slashes && path.size() >= 2 && path[1] == '/' &&
      !(path.size() >= 3 && path[2] == '/')) {
    initial_slashes = 2;
  }
  std::vector<std::string_view> comps;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view comp = path.substr(start, end - start);
    start = end + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp != ".." || (initial_slashes == 0 && comps.empty()) ||
        (!comps.empty() && comps.back() == "..")) {
      comps.push_back(comp);
    } else if (!comps.empty()) {
      comps.pop_back();
    }
  }
  std::string out(initial_slashes, '/');
  for (size_t i = 0; i < comps.size(); ++i) {
    if (i > 0) out += '/';
    out += comps[i];
  }
  return out.empty() ? "." : out;
}

// The scheme of a URI as urllib.parse.urlsplit finds it (^[A-Za-z][A-Za-z0-9+.-]*:),
// lower-cased; empty when there is none.
std::string SchemeOf(std::string_view uri) {
  if (uri.empty() || !IsAsciiAlpha(uri[0])) return "";
  size_t i = 1;
  while (i < uri.size() && (IsAsciiAlpha(uri[i]) || IsAsciiDigit(uri[i]) || uri[i] == '+' ||
                            uri[i] == '-' || uri[i] == '.')) {
    ++i;
  }
  if (i >= uri.size() || uri[i] != ':') return "";
  return AsciiLower(uri.substr(0, i));
}

// urllib.parse.urlparse(uri).path: without scheme, netloc, query, fragment and, for the
// schemes urlparse splits them for, ";params" of the last segment.
std::string_view UrlPath(std::string_view uri, const std::string& scheme) {
  std::string_view rest = scheme.empty() ? uri : uri.substr(scheme.size() + 1);
  if (StartsWith(rest, "//")) {
    size_t end = rest.find_first_of("/?#", 2);
    if (end == std::string_view::npos) end = rest.size();
    rest = rest.substr(end);
  }
  rest = rest.substr(0, rest.find_first_of("?#"));
  static constexpr std::string_view kUsesParams[] = {
      "",     "ftp",   "hdl",   "prospero", "http", "imap", "https", "shttp",
      "rtsp", "rtsps", "rtspu", "sip",      "sips", "mms",  "sftp",  "tel"};
  bool uses_params = false;
  for (std::string_view s : kUsesParams) uses_params = uses_params || s == scheme;
  if (uses_params) {
    const size_t last_slash = rest.rfind('/');
    const size_t semicolon = rest.find(';', last_slash == std::string_view::npos ? 0 : last_slash);
    if (semicolon != std::string_view::npos) rest = rest.substr(0, semicolon);
  }
  return rest;
}

// re.sub(r"/+", "/", path.rstrip("/")).
std::string CollapseSlashes(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::string out;
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  return out;
}

bool HasSegment(std::string_view s, std::string_view segment) {
  size_t start = 0;
  while (true) {
    const size_t end = s.find('/', start);
    if (s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start) ==
        segment) {
      return true;
    }
    if (end == std::string_view::npos) return false;
    start = end + 1;
  }
}

}  // namespace

Status MissingParameterError(std::string_view field) {
  return Status::InvalidArgument("Missing value for required parameter '" + std::string(field) +
                                 "'. See the API docs for more information about request "
                                 "parameters.");
}

Status ValidateModelName(std::string_view name, std::string_view parameter) {
  if (name.empty()) {
    return MissingParameterError(parameter);
  }
  // MLflow has no check here and fails in the database (VARCHAR(256)); a clean 400 instead.
  if (name.size() > kMaxModelNameLength) {
    return Status::InvalidArgument("'" + std::string(parameter) +
                                   "' exceeds the maximum length of " +
                                   std::to_string(kMaxModelNameLength) + " bytes");
  }
  // A control character (NUL above all) cannot travel in a models:/ URI or a log line intact.
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("Invalid value for parameter '" + std::string(parameter) +
                                     "': names must not contain control characters.");
    }
  }
  return Status::Ok();
}

Status ValidateTagKey(std::string_view key) {
  // ^[/\w.\- :]*$ (POSIX servers). Python's $ would also let one trailing "\n" through; we
  // do not copy that.
  for (char c : key) {
    if (!(IsWordByte(c) || c == '/' || c == '.' || c == '-' || c == ' ' || c == ':')) {
      return InvalidValue("key", key,
                          "Names may only contain alphanumerics, underscores (_), dashes (-), "
                          "periods (.), spaces ( ), colon(:) and slashes (/).");
    }
  }
  // path_not_unique: the key must be its own normalised path, relative and not "." / "..".
  const std::string norm = PosixNormPath(key);
  if (norm != key || norm == "." || StartsWith(norm, "..") || StartsWith(norm, "/")) {
    return InvalidValue(
        "key", key,
        "Names may be treated as files in certain cases, and must not resolve to other names "
        "when treated as such. This name would resolve to " +
            PyRepr(norm));
  }
  if (CountCodePoints(key) > kMaxTagKeyLength) {
    return ExceedsMaximumLength("key", kMaxTagKeyLength);
  }
  return Status::Ok();
}

Status ValidateTagValue(std::string_view value) {
  if (CountCodePoints(value) > kMaxTagValueLength) {
    return ExceedsMaximumLength("value", kMaxTagValueLength);
  }
  return Status::Ok();
}

Status ValidateAliasName(std::string_view alias) {
  if (alias.empty()) {
    return Status::InvalidArgument("Registered model alias name cannot be empty.");
  }
  for (char c : alias) {
    if (!IsWordByte(c) && c != '-') {
      return Status::InvalidArgument(
          "Invalid alias name: '" + std::string(alias) +
          "'. Names may only contain alphanumerics, underscores (_), and dashes (-).");
    }
  }
  if (CountCodePoints(alias) > kMaxAliasLength) {
    return ExceedsMaximumLength("Registered model alias name", kMaxAliasLength);
  }
  return Status::Ok();
}

bool IsLatestAlias(std::string_view alias) { return EqualsIgnoreAsciiCase(alias, "latest"); }

// ^[vV]\d+$ with ASCII digits (Python's \d would also take other scripts' digits).
bool IsVersionAlias(std::string_view alias) {
  if (alias.size() < 2 || (alias[0] != 'v' && alias[0] != 'V')) return false;
  for (char c : alias.substr(1)) {
    if (!IsAsciiDigit(c)) return false;
  }
  return true;
}

Status ValidateAliasForSet(std::string_view alias) {
  if (Status s = ValidateAliasName(alias); !s.ok()) return s;
  if (IsLatestAlias(alias)) {
    return Status::InvalidArgument("'latest' alias name (case insensitive) is reserved.");
  }
  if (IsVersionAlias(alias)) {
    return Status::InvalidArgument("Version alias name '" + std::string(alias) + "' is reserved.");
  }
  return Status::Ok();
}

Result<int64_t> ParseVersion(std::string_view version) {
  // Python int(str): surrounding whitespace, an optional sign, ASCII digits. Python also
  // accepts '_' between digits and non-ASCII digits and whitespace; those are rejected here.
  const Status invalid = Status::InvalidArgument("Parameter 'version' must be an integer, got '" +
                                                 std::string(version) + "'.");
  const std::optional<int64_t> value = ParseDecimalInt64(Trim(version));
  if (!value) return invalid;
  return *value;
}

Status ValidateModelVersionSource(std::string_view source) {
  const std::string scheme = SchemeOf(source);
  if (scheme.empty() || scheme == "file") {
    // MLflow accepts a local source only inside the artifact directory of the run named by
    // run_id; modelwarden has no tracking store to look the run up in.
    return Status::InvalidArgument(
        "Invalid model version source: '" + std::string(source) +
        "'. To use a local path as a model version source, the run_id request parameter has "
        "to be specified and the local path has to be contained within the artifact "
        "directory of the run specified by the run_id.");
  }
  const Status relative = Status::InvalidArgument(
      "Invalid model version source: '" + std::string(source) +
      "'. If supplying a source as an http, https, local file path, ftp, objectstore, or "
      "mlflow-artifacts uri, an absolute path must be provided without relative path "
      "references present. Please provide an absolute path.");

  std::string decoded(source);
  while (true) {
    // urllib.parse.unquote_plus. (Python then decodes UTF-8 with replacement; that only
    // changes non-ASCII bytes, which no check below looks at.)
    std::string next = UnquotePlus(decoded);
    if (next == decoded) break;
    decoded = std::move(next);
  }
  // MLflow rejects NUL in the path only, and urlsplit silently drops tab/CR/LF; any control
  // character anywhere is rejected here.
  for (char c : decoded) {
    if (IsControl(c)) return relative;
  }
  if (HasSegment(decoded, "..")) return relative;

  const std::string path = CollapseSlashes(UrlPath(decoded, scheme));
  // An empty path (bucket-only URIs such as s3://bucket) is fine. MLflow resolves it against
  // the server's working directory and rejects it, which is an accident of the check.
  if (path.empty()) return Status::Ok();
  // Otherwise it must be absolute and already normalised (MLflow compares it with
  // Path(path).resolve(); symlinks on the server host are not considered here).
  if (path[0] != '/') return relative;
  const std::string_view segments = std::string_view(path).substr(1);
  if (HasSegment(segments, ".") || HasSegment(segments, "..")) return relative;
  return Status::Ok();
}

}  // namespace modelwarden
