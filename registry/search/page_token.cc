// Page tokens as MLflow writes them (SearchUtils.create_page_token / parse_start_offset_from_
// page_token in mlflow/utils/search_utils.py): base64 of json.dumps({"offset": N}).
//
// Deliberate difference from MLflow: a token must hold a non-negative integer offset; MLflow
// also takes numeric strings and floats, and rejects offset 0 (which it never issues).
#include "registry/search/page_token.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "registry/decimal.h"
#include "registry/python_repr.h"

namespace modelwarden {
namespace {

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

// Parses [+-]?[0-9]+ into an int64, rejecting overflow.
bool ParseSignedInt64(std::string_view s, int64_t* out) {
  const std::optional<int64_t> value = ParseDecimalInt64(s);
  if (value) *out = *value;
  return value.has_value();
}

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (IsAsciiUpper(c)) return c - 'A';
  if (IsAsciiLower(c)) return c - 'a' + 26;
  if (IsAsciiDigit(c)) return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += kBase64Alphabet[(n >> 6) & 63];
    out += kBase64Alphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t n =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += kBase64Alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// Python's base64.b64decode(str) (binascii.a2b_base64, non-strict): characters outside the
// alphabet are skipped, decoding stops at the first complete padding, and a final partial
// quantum is an error. Non-ASCII input is an error (Python raises ValueError).
bool PyBase64Decode(std::string_view in, std::string* out) {
  int quad_pos = 0;
  int pads = 0;
  unsigned left = 0;
  for (char c : in) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
    if (c == '=') {
      if (quad_pos >= 2) {
        ++pads;
        if (quad_pos + pads >= 4) return true;
      }
      continue;
    }
    const int v = Base64Value(c);
    if (v < 0) continue;
    pads = 0;
    switch (quad_pos) {
      case 0:
        left = static_cast<unsigned>(v);
        quad_pos = 1;
        break;
      case 1:
        out->push_back(static_cast<char>((left << 2) | (static_cast<unsigned>(v) >> 4)));
        left = static_cast<unsigned>(v) & 0x0f;
        quad_pos = 2;
        break;
      case 2:
        out->push_back(static_cast<char>(((left << 4) | (static_cast<unsigned>(v) >> 2)) & 0xff));
        left = static_cast<unsigned>(v) & 0x03;
        quad_pos = 3;
        break;
      default:
        out->push_back(static_cast<char>(((left << 6) | static_cast<unsigned>(v)) & 0xff));
        quad_pos = 0;
        break;
    }
  }
  return quad_pos == 0;
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Accepts exactly the JSON object {"offset": <non-negative integer>} with optional JSON
// whitespace; anything else (other keys, strings, fractions, exponents) is rejected.
bool ParseOffsetJson(std::string_view json, int64_t* offset) {
  size_t i = 0;
  auto skip = [&] {
    while (i < json.size() && IsJsonSpace(json[i])) ++i;
  };
  auto expect = [&](std::string_view token) {
    skip();
    if (json.substr(i, token.size()) != token) return false;
    i += token.size();
    return true;
  };
  if (!expect("{") || !expect("\"offset\"") || !expect(":")) return false;
  skip();
  const size_t start = i;
  while (i < json.size() && IsAsciiDigit(json[i])) ++i;
  const std::string_view digits = json.substr(start, i - start);
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return false;
  if (!ParseSignedInt64(digits, offset)) return false;
  if (!expect("}")) return false;
  skip();
  return i == json.size();
}

}  // namespace

std::string EncodePageToken(int64_t offset) {
  // json.dumps({"offset": offset}) puts a space after the colon.
  return Base64Encode("{\"offset\": " + std::to_string(offset) + "}");
}

Result<int64_t> DecodePageToken(std::string_view token) {
  if (token.empty()) return int64_t{0};
  std::string decoded;
  if (!PyBase64Decode(token, &decoded)) {
    return Status::InvalidArgument("Invalid page token, could not base64-decode");
  }
  int64_t offset = 0;
  if (!ParseOffsetJson(decoded, &offset)) {
    return Status::InvalidArgument("Invalid page token, decoded value=" + PyBytesRepr(decoded));
  }
  return offset;
}

}  // namespace modelwarden
