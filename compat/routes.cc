#include "compat/routes.h"

namespace modelwarden {

std::string_view HttpMethodName(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet:
      return "GET";
    case HttpMethod::kPost:
      return "POST";
    case HttpMethod::kPatch:
      return "PATCH";
    case HttpMethod::kDelete:
      return "DELETE";
  }
  return "GET";
}

std::string RoutePattern(std::string_view prefix, std::string_view path) {
  std::string pattern;
  const auto literal = [&pattern](std::string_view text) {
    for (char c : text) {
      if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) pattern += '\\';
      pattern += c;
    }
  };
  literal(prefix);
  while (!path.empty()) {
    const size_t open = path.find('{');
    const size_t close = open == std::string_view::npos ? open : path.find('}', open);
    if (close == std::string_view::npos) {
      literal(path);
      break;
    }
    literal(path.substr(0, open));
    pattern += "([^/]+)";
    path.remove_prefix(close + 1);
  }
  return pattern;
}

}  // namespace modelwarden
