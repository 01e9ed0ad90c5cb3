// The few cryptographic primitives access control and webhooks need, all from OpenSSL (never
// our own): random bytes, SHA-256, HMAC-SHA256, PBKDF2-HMAC-SHA256, HKDF-SHA256, AES-256-GCM,
// constant-time comparison. (Base64 is registry/text.h's.) Stateless and thread-safe.
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

// HKDF-SHA256 (RFC 5869): `length` bytes derived from `key` for the purpose `info`.
std::string HkdfSha256(std::string_view key, std::string_view salt, std::string_view info,
                       size_t length);

// AES-256-GCM, an authenticated cipher: a fresh random 12-byte nonce, the ciphertext, then the
// 16-byte tag. `key` is 32 bytes; `associated` is authenticated but not encrypted.
std::string AesGcmSeal(std::string_view key, std::string_view plaintext,
                       std::string_view associated);
// The plaintext, or nullopt when `sealed` was not sealed with `key` and `associated` (a wrong
// key, another record's ciphertext, or any alteration).
std::optional<std::string> AesGcmOpen(std::string_view key, std::string_view sealed,
                                      std::string_view associated);

// Equal length and content, in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace modelwarden
