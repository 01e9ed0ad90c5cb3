// The few cryptographic primitives access control needs, all from OpenSSL (never our own):
// random bytes, SHA-256, HMAC-SHA256, PBKDF2-HMAC-SHA256, constant-time comparison, base64.
// Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace modelwarden {

// `count` bytes from OpenSSL's CSPRNG. Aborts if the generator fails (nothing safe to do).
std::string RandomBytes(size_t count);

std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string Pbkdf2Sha256(std::string_view password, std::string_view salt, int iterations,
                         size_t length);

// Equal length and content, in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Standard base64 with padding (RFC 4648 section 4).
std::string Base64Encode(std::string_view data);
// nullopt for anything that is not canonical padded base64.
std::optional<std::string> Base64Decode(std::string_view text);
// URL-safe alphabet, no padding (RFC 4648 section 5): for token secrets.
std::string Base64UrlEncode(std::string_view data);

}  // namespace modelwarden
