#include "compat/edge/query_string.h"

#include "registry/text.h"

namespace modelwarden {

std::multimap<std::string, std::string> ParseQueryString(std::string_view query) {
  std::multimap<std::string, std::string> params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view piece = query.substr(start, end - start);
    if (!piece.empty()) {
      const size_t equals = piece.find('=');
      const std::string_view key = piece.substr(0, equals);
      const std::string_view value =
          equals == std::string_view::npos ? std::string_view() : piece.substr(equals + 1);
      // A multimap inserts after the equal keys already there: repeats keep their order.
      params.emplace(UnquotePlus(key), UnquotePlus(value));
    }
    start = end + 1;
  }
  return params;
}

}  // namespace modelwarden
