#include "enforcement/policy/policy_util.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace modelwarden {

const std::string* FindTag(const std::vector<Tag>& tags, std::string_view key) {
  for (const Tag& tag : tags) {
    if (tag.key == key) return &tag.value;
  }
  return nullptr;
}

std::optional<double> ParseFiniteNumber(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace modelwarden
