#include <charconv>

#include "registry/sql/sql_connection.h"

namespace modelwarden {

int64_t SqlRow::Int(size_t i) const {
  if (const auto* v = std::get_if<int64_t>(&cells_[i])) return *v;
  if (const auto* s = std::get_if<std::string>(&cells_[i])) {
    int64_t out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}

std::string SqlRow::Text(size_t i) const {
  if (const auto* s = std::get_if<std::string>(&cells_[i])) return *s;
  if (const auto* v = std::get_if<int64_t>(&cells_[i])) return std::to_string(*v);
  return {};
}

}  // namespace modelwarden
