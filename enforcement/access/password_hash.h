// Password hashing: PBKDF2-HMAC-SHA256 from OpenSSL with a 16-byte random salt, stored as
// "pbkdf2_sha256$<iterations>$<salt base64>$<hash base64>" so the cost can be raised later
// without invalidating stored hashes. Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace modelwarden {

// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
inline constexpr int kDefaultPasswordIterations = 600000;
// Below this a hash is too cheap to brute-force offline; only tests go near it.
inline constexpr int kMinPasswordIterations = 1000;

std::string HashPassword(std::string_view password, int iterations);

// Whether `password` matches `encoded`; false for anything malformed. Constant-time compare.
bool VerifyPassword(std::string_view password, const std::string& encoded);

}  // namespace modelwarden
