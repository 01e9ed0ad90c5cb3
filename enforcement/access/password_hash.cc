#include "enforcement/access/password_hash.h"

#include <cstdlib>
#include <optional>
#include <vector>

#include "enforcement/access/crypto.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr char kScheme[] = "pbkdf2_sha256";
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
// A stored hash cannot make a login cost more than this (a corrupt row must not hang a worker).
constexpr long kMaxIterations = 10000000;

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t end = text.find(separator); end != std::string_view::npos;
       end = text.find(separator, start)) {
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

}  // namespace

std::string HashPassword(std::string_view password, int iterations) {
  const std::string salt = RandomBytes(kSaltBytes);
  const std::string hash = Pbkdf2Sha256(password, salt, iterations, kHashBytes);
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + EncodeBase64(salt) + "$" +
         EncodeBase64(hash);
}

bool VerifyPassword(std::string_view password, const std::string& encoded) {
  const std::vector<std::string_view> parts = Split(encoded, '$');
  if (parts.size() != 4 || parts[0] != kScheme) return false;
  const std::string iterations_text(parts[1]);
  char* end = nullptr;
  const long iterations = std::strtol(iterations_text.c_str(), &end, 10);
  if (iterations_text.empty() || *end != '\0' || iterations < 1 || iterations > kMaxIterations) {
    return false;
  }
  const std::optional<std::string> salt = DecodeBase64(parts[2]);
  const std::optional<std::string> expected = DecodeBase64(parts[3]);
  if (!salt.has_value() || !expected.has_value() || expected->empty()) return false;
  const std::string actual =
      Pbkdf2Sha256(password, *salt, static_cast<int>(iterations), expected->size());
  return ConstantTimeEquals(actual, *expected);
}

}  // namespace modelwarden
