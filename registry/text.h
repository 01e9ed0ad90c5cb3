// The small text helpers every layer shares, defined once: ASCII character classes and case
// mapping, prefixes, trimming, hex, UTF-8 code points, percent-decoding, base64 and random UUIDs.
// Strings are bytes (UTF-8 or binary); only ASCII is ever classified or case-mapped, whatever the
// locale. In the lowest layer so that registry, enforcement and compat all use these. Pure
// functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace modelwarden {

// ASCII character classes: a byte >= 0x80 is never a digit, letter or space.
bool IsAsciiDigit(char c);
bool IsAsciiUpper(char c);
bool IsAsciiLower(char c);
bool IsAsciiAlpha(char c);
// ' ', '\t', '\n', '\r', '\f', '\v': C's isspace() in the "C" locale.
bool IsAsciiSpace(char c);

// `text` with A-Z (or a-z) mapped to the other case; every other byte unchanged.
std::string AsciiLower(std::string_view text);
std::string AsciiUpper(std::string_view text);
// Same length, and equal bytes once A-Z are lower-cased.
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

bool StartsWith(std::string_view text, std::string_view prefix);

// `text` without leading and trailing ASCII whitespace (IsAsciiSpace).
std::string_view Trim(std::string_view text);
// `text` without leading and trailing bytes that occur in `chars`.
std::string_view TrimAny(std::string_view text, std::string_view chars);

// Two hex digits per byte, lower case ("0a1b") or upper case ("0A1B").
std::string HexEncode(std::string_view bytes);
std::string HexEncodeUpper(std::string_view bytes);
// 0-15 for [0-9a-fA-F], -1 for any other byte.
int HexDigitValue(char c);

// The number of code points in UTF-8 text, as Python's len() counts the decoded string: every
// byte that does not continue a sequence (is not 10xxxxxx) starts one.
size_t CountCodePoints(std::string_view utf8);

// RFC 3986 percent-decoding: %XX escapes become their byte; with `plus_is_space`, '+' becomes
// ' ' as well (query strings, as Python's parse_qsl reads them). nullopt when a '%' is not
// followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);
// Python's urllib.parse.unquote and unquote_plus, on bytes: the same decoding, but a malformed
// escape (a '%' not followed by two hex digits) is kept as it is.
std::string Unquote(std::string_view text);
std::string UnquotePlus(std::string_view text);
// Python's urllib.parse.quote: every byte but letters, digits, "_.-~" and those in `safe`
// becomes %XX.
std::string Quote(std::string_view text, std::string_view safe = "/");

// Base64 (RFC 4648), all on OpenSSL's codec.
// Standard alphabet with '=' padding (section 4).
std::string EncodeBase64(std::string_view bytes);
// The inverse of EncodeBase64 only: nullopt for anything EncodeBase64 would not have written
// (whitespace, missing or extra padding, non-zero trailing bits).
std::optional<std::string> DecodeBase64(std::string_view text);
// URL- and filename-safe alphabet ('-', '_'), without padding (section 5).
std::string EncodeBase64Url(std::string_view bytes);
// Python's base64.b64decode(text) (binascii.a2b_base64, non-strict): bytes outside the
// alphabet are skipped, decoding stops at the first padding that completes a quantum, and a
// final partial quantum without it is an error (nullopt). A non-ASCII byte before that end is
// an error too; Python rejects one anywhere (str.encode('ascii')), but bytes after the padding
// that ends the input are not looked at, as by the page-token decoder this replaced.
std::optional<std::string> DecodeBase64LikePython(std::string_view text);

// A random (version 4) UUID from OpenSSL's CSPRNG, as Python's str(uuid.uuid4()) writes it:
// "1b4e28ba-2fa1-41d2-883f-0016d3cca427". Aborts if the generator fails.
std::string NewUuid4();

}  // namespace modelwarden
