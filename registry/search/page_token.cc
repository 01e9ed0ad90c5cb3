// Page tokens as MLflow writes them (SearchUtils.create_page_token / parse_start_offset_from_
// page_token in mlflow/utils/search_utils.py): base64 of json.dumps({"offset": N}), plus
// modelwarden's keyset form. MLflow reads only the "offset" key of the JSON object
// (parsed_token.get("offset")), so its parser still understands the longer form.
//
// Deliberate difference from MLflow: a token must hold a non-negative integer offset; MLflow
// also takes numeric strings and floats, and rejects offset 0 (which it never issues). JSON is
// read only in the shapes written here (keys in this order, strings with the escapes written
// here), with any JSON whitespace between tokens.
#include "registry/search/page_token.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "registry/decimal.h"
#include "registry/python_repr.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A JSON string as json.dumps(ensure_ascii=False) would write `text` for the characters that
// matter here: quote, backslash and control characters escaped, other bytes as they are.
void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof(escape), "\\u%04x", byte);
      out += escape;
    } else {
      out += c;
    }
  }
  out += '"';
}

// Reads the token JSON from left to right; every method returns false on anything else.
class TokenReader {
 public:
  explicit TokenReader(std::string_view json) : json_(json) {}

  bool Expect(std::string_view token) {
    SkipSpace();
    if (json_.substr(i_, token.size()) != token) return false;
    i_ += token.size();
    return true;
  }
  bool AtEnd() {
    SkipSpace();
    return i_ == json_.size();
  }
  bool Peek(char c) {
    SkipSpace();
    return i_ < json_.size() && json_[i_] == c;
  }

  // An integer without leading zeros, a fraction or an exponent.
  std::optional<int64_t> Integer(bool allow_negative) {
    SkipSpace();
    const size_t start = i_;
    if (allow_negative && i_ < json_.size() && json_[i_] == '-') ++i_;
    const size_t digits_start = i_;
    while (i_ < json_.size() && IsAsciiDigit(json_[i_])) ++i_;
    const std::string_view digits = json_.substr(digits_start, i_ - digits_start);
    if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
    return ParseDecimalInt64(json_.substr(start, i_ - start));
  }

  // A string with the escapes AppendJsonString writes (and \u00XX for any ASCII character).
  std::optional<std::string> String() {
    if (!Expect("\"")) return std::nullopt;
    std::string out;
    while (i_ < json_.size()) {
      const char c = json_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= json_.size()) return std::nullopt;
      const char escaped = json_[i_++];
      if (escaped == '"' || escaped == '\\') {
        out += escaped;
        continue;
      }
      if (escaped != 'u' || i_ + 4 > json_.size()) return std::nullopt;
      int code = 0;
      for (int k = 0; k < 4; ++k) {
        const int digit = HexDigitValue(json_[i_++]);
        if (digit < 0) return std::nullopt;
        code = code * 16 + digit;
      }
      if (code >= 0x80) return std::nullopt;
      out += static_cast<char>(code);
    }
    return std::nullopt;
  }

 private:
  void SkipSpace() {
    while (i_ < json_.size() && IsJsonSpace(json_[i_])) ++i_;
  }

  std::string_view json_;
  size_t i_ = 0;
};

// {"offset": N} or {"offset": N, "search": "...", "after": [v, ...]}.
std::optional<PageToken> ParseTokenJson(std::string_view json) {
  TokenReader reader(json);
  PageToken token;
  if (!reader.Expect("{") || !reader.Expect("\"offset\"") || !reader.Expect(":")) {
    return std::nullopt;
  }
  const std::optional<int64_t> offset = reader.Integer(/*allow_negative=*/false);
  if (!offset) return std::nullopt;
  token.offset = *offset;
  if (reader.Expect(",")) {
    if (!reader.Expect("\"search\"") || !reader.Expect(":")) return std::nullopt;
    std::optional<std::string> search = reader.String();
    if (!search || !reader.Expect(",") || !reader.Expect("\"after\"") || !reader.Expect(":") ||
        !reader.Expect("[")) {
      return std::nullopt;
    }
    token.search = std::move(*search);
    do {
      if (token.after.size() == kMaxSortValues) return std::nullopt;
      if (reader.Peek('"')) {
        std::optional<std::string> text = reader.String();
        if (!text) return std::nullopt;
        token.after.emplace_back(std::move(*text));
      } else {
        const std::optional<int64_t> number = reader.Integer(/*allow_negative=*/true);
        if (!number) return std::nullopt;
        token.after.emplace_back(*number);
      }
    } while (reader.Expect(","));
    if (!reader.Expect("]")) return std::nullopt;
  }
  if (!reader.Expect("}") || !reader.AtEnd()) return std::nullopt;
  return token;
}

Status InvalidToken(std::string_view decoded) {
  return Status::InvalidArgument("Invalid page token, decoded value=" + PyBytesRepr(decoded));
}

// `offset_only`: the token must not hold a sort key.
Result<PageToken> Decode(std::string_view token, bool offset_only) {
  if (token.empty()) return PageToken{};
  // MLflow decodes with base64.b64decode, which is lenient.
  const std::optional<std::string> decoded = DecodeBase64LikePython(token);
  if (!decoded) return Status::InvalidArgument("Invalid page token, could not base64-decode");
  std::optional<PageToken> parsed = ParseTokenJson(*decoded);
  if (!parsed || (offset_only && !parsed->after.empty())) return InvalidToken(*decoded);
  return std::move(*parsed);
}

// FNV-1a, 64 bits: enough to tell one client's searches apart; a collision only makes a token
// resume by key in a search it did not come from, which still returns rows of that search.
uint64_t Fnv1a(std::string_view bytes, uint64_t hash) {
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

std::string EncodePageToken(int64_t offset) {
  // json.dumps({"offset": offset}) puts a space after the colon.
  return EncodeBase64("{\"offset\": " + std::to_string(offset) + "}");
}

std::string EncodePageToken(const PageToken& token) {
  if (token.after.empty()) return EncodePageToken(token.offset);
  std::string json = "{\"offset\": " + std::to_string(token.offset) + ", \"search\": ";
  AppendJsonString(json, token.search);
  json += ", \"after\": [";
  for (size_t i = 0; i < token.after.size(); ++i) {
    if (i > 0) json += ", ";
    if (const auto* number = std::get_if<int64_t>(&token.after[i])) {
      json += std::to_string(*number);
    } else {
      AppendJsonString(json, std::get<std::string>(token.after[i]));
    }
  }
  json += "]}";
  return EncodeBase64(json);
}

Result<int64_t> DecodePageToken(std::string_view token) {
  ASSIGN_OR_RETURN(PageToken decoded, Decode(token, /*offset_only=*/true));
  return decoded.offset;
}

Result<PageToken> DecodeSearchPageToken(std::string_view token) {
  return Decode(token, /*offset_only=*/false);
}

std::string SearchFingerprint(SearchTarget target, std::string_view filter,
                              const std::vector<std::string>& order_by) {
  // Each part is preceded by its length, so that no two lists of parts hash alike by running
  // together.
  uint64_t hash = 14695981039346656037ull;
  hash = Fnv1a(target == SearchTarget::kModelVersions ? "versions/1" : "models/1", hash);
  const auto add = [&hash](std::string_view part) {
    hash = Fnv1a(std::to_string(part.size()) + ":", hash);
    hash = Fnv1a(part, hash);
  };
  add(filter);
  for (const std::string& key : order_by) add(key);
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

}  // namespace modelwarden
