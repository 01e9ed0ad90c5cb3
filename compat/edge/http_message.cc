#include "compat/edge/http_message.h"

#include "registry/text.h"

namespace modelwarden {

const std::string* FindHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreAsciiCase(key, name)) return &value;
  }
  return nullptr;
}

size_t CountHeader(const HeaderList& headers, std::string_view name) {
  size_t count = 0;
  for (const auto& header : headers) count += EqualsIgnoreAsciiCase(header.first, name) ? 1 : 0;
  return count;
}

}  // namespace modelwarden
