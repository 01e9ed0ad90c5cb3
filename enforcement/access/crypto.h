// The few cryptographic primitives access control needs, all from OpenSSL (never our own):
// random bytes, HMAC-SHA256, PBKDF2-HMAC-SHA256, constant-time comparison. (Base64 and SHA-256
// are registry/text.h's: the registry fingerprints versions with it.) Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "registry/text.h"

namespace modelwarden {

// `count` bytes from OpenSSL's CSPRNG. Aborts if the generator fails (nothing safe to do).
std::string RandomBytes(size_t count);

std::string HmacSha256(std::string_view key, std::string_view data);
std::string Pbkdf2Sha256(std::string_view password, std::string_view salt, int iterations,
                         size_t length);

// Equal length and content, in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace modelwarden
