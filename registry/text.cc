#include "registry/text.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>

namespace modelwarden {
namespace {

// The byte-level decoder under PercentDecode and Unquote. With `keep_malformed` a '%' not
// followed by two hex digits is copied as it is; without, the decoding fails.
bool DecodePercent(std::string_view text, bool plus_is_space, bool keep_malformed,
                   std::string* out) {
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      const bool escape =
          i + 2 < text.size() && HexDigitValue(text[i + 1]) >= 0 && HexDigitValue(text[i + 2]) >= 0;
      if (escape) {
        out->push_back(
            static_cast<char>(HexDigitValue(text[i + 1]) * 16 + HexDigitValue(text[i + 2])));
        i += 2;
        continue;
      }
      if (!keep_malformed) return false;
      out->push_back('%');
    } else if (plus_is_space && text[i] == '+') {
      out->push_back(' ');
    } else {
      out->push_back(text[i]);
    }
  }
  return true;
}

std::string Hex(std::string_view bytes, const char (&digits)[17]) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out += digits[u >> 4];
    out += digits[u & 0xf];
  }
  return out;
}

bool IsBase64Alphabet(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '+' || c == '/'; }

// OpenSSL's block decoder over `text`, which must be whole quanta of the standard alphabet with
// at most two '=' at the end. EVP_DecodeBlock reads padding as zero bits and returns three
// bytes per quantum, so the padding's bytes are dropped here.
std::optional<std::string> DecodeBlocks(std::string_view text) {
  std::string out(text.size() / 4 * 3, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(written) - padding);
  return out;
}

}  // namespace

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiAlpha(char c) { return IsAsciiUpper(c) || IsAsciiLower(c); }
bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (IsAsciiUpper(c)) c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string AsciiUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (IsAsciiLower(c)) c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = IsAsciiUpper(a[i]) ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    const char y = IsAsciiUpper(b[i]) ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string_view TrimAny(std::string_view text, std::string_view chars) {
  const size_t begin = text.find_first_not_of(chars);
  if (begin == std::string_view::npos) return text.substr(text.size());
  return text.substr(begin, text.find_last_not_of(chars) - begin + 1);
}

std::string HexEncode(std::string_view bytes) { return Hex(bytes, "0123456789abcdef"); }

std::string HexEncodeUpper(std::string_view bytes) { return Hex(bytes, "0123456789ABCDEF"); }

int HexDigitValue(char c) {
  if (IsAsciiDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

size_t CountCodePoints(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  if (!DecodePercent(text, plus_is_space, /*keep_malformed=*/false, &out)) return std::nullopt;
  return out;
}

std::string Unquote(std::string_view text) {
  std::string out;
  DecodePercent(text, /*plus_is_space=*/false, /*keep_malformed=*/true, &out);
  return out;
}

std::string UnquotePlus(std::string_view text) {
  std::string out;
  DecodePercent(text, /*plus_is_space=*/true, /*keep_malformed=*/true, &out);
  return out;
}

std::string Quote(std::string_view text, std::string_view safe) {
  std::string out;
  for (char c : text) {
    if (IsAsciiAlpha(c) || IsAsciiDigit(c) ||
        std::string_view("_.-~").find(c) != std::string_view::npos ||
        safe.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%' + HexEncodeUpper(std::string_view(&c, 1));
    }
  }
  return out;
}

std::string EncodeBase64(std::string_view bytes) {
  // EVP_EncodeBlock writes a terminating NUL after the 4 * ceil(n / 3) characters.
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  // EVP_DecodeBlock also skips leading and trailing whitespace and ignores trailing bits;
  // re-encoding the result and comparing rejects every non-canonical input.
  std::optional<std::string> out = DecodeBlocks(text);
  if (!out || EncodeBase64(*out) != text) return std::nullopt;
  return out;
}

std::string EncodeBase64Url(std::string_view bytes) {
  std::string out = EncodeBase64(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> DecodeBase64LikePython(std::string_view text) {
  // The scan of CPython's binascii_a2b_base64_impl, keeping the alphabet bytes it would decode;
  // OpenSSL then decodes them, padded to whole quanta. `quad_pos` counts the alphabet bytes of
  // the current quantum, `pads` the '=' seen since the last of them.
  std::string kept;
  kept.reserve(text.size());
  int quad_pos = 0;
  int pads = 0;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;
    if (c == '=') {
      // Padding counts only after two bytes of a quantum, and ends the input once it
      // completes one.
      if (quad_pos >= 2 && quad_pos + ++pads >= 4) {
        kept.append(static_cast<size_t>(4 - quad_pos), '=');
        return DecodeBlocks(kept);
      }
      continue;
    }
    if (!IsBase64Alphabet(c)) continue;
    kept += c;
    pads = 0;
    quad_pos = (quad_pos + 1) % 4;
  }
  if (quad_pos != 0) return std::nullopt;
  return DecodeBlocks(kept);
}

std::string NewUuid4() {
  unsigned char bytes[16];
  // Nothing is safe to do without randomness: an id could repeat.
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // Version 4.
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant.
  const std::string hex = HexEncode(std::string_view(reinterpret_cast<char*>(bytes), 16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace modelwarden
