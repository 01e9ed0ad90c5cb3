#include "compat/route_table.h"

#include <utility>

namespace modelwarden {
namespace {

bool IsPlaceholder(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// {*name}: the rest of the path, as the last segment of a pattern.
bool IsRest(std::string_view segment) {
  return IsPlaceholder(segment) && segment.size() >= 3 && segment[1] == '*';
}

// The segments between slashes: "/a/b" is {"", "a", "b"}, "/a/" is {"", "a", ""}.
std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      segments.push_back(path.substr(start));
      return segments;
    }
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

}  // namespace

std::string AllowHeader(std::set<std::string> methods) {
  if (methods.count("GET") != 0) methods.insert("HEAD");
  methods.insert("OPTIONS");
  std::string allow;
  for (const std::string& method : methods) allow += (allow.empty() ? "" : ", ") + method;
  return allow;
}

void RouteTable::Add(std::string_view method, std::string_view path, int call) {
  const std::vector<std::string_view> parts = Split(path);
  bool has_placeholder = false;
  for (std::string_view part : parts) has_placeholder |= IsPlaceholder(part);
  if (!has_placeholder) {
    literal_[std::string(path)].by_method[std::string(method)] = call;
    return;
  }
  std::vector<std::string> segments(parts.begin(), parts.end());
  for (Pattern& pattern : patterns_) {
    if (pattern.segments == segments) {
      pattern.methods.by_method[std::string(method)] = call;
      return;
    }
  }
  patterns_.push_back(Pattern{std::move(segments), {}});
  patterns_.back().methods.by_method[std::string(method)] = call;
}

RouteTable::Match RouteTable::Find(std::string_view method, std::string_view path) const {
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  Match match;
  std::set<std::string> allowed;
  const auto consider = [&](const Methods& methods, std::vector<std::string> values) {
    if (auto found = methods.by_method.find(wanted); found != methods.by_method.end()) {
      match.kind = Match::Kind::kFound;
      match.call = found->second;
      match.values = std::move(values);
      return true;
    }
    for (const auto& entry : methods.by_method) allowed.insert(entry.first);
    return false;
  };
  if (auto literal = literal_.find(std::string(path)); literal != literal_.end()) {
    if (consider(literal->second, {})) return match;
  }
  if (!patterns_.empty()) {
    const std::vector<std::string_view> parts = Split(path);
    for (const Pattern& pattern : patterns_) {
      const size_t count = pattern.segments.size();
      const bool rest = IsRest(pattern.segments.back());
      if (rest ? parts.size() < count : parts.size() != count) continue;
      std::vector<std::string> values;
      bool matches = true;
      for (size_t i = 0; i < count && matches; ++i) {
        if (rest && i + 1 == count) {
          std::string joined(parts[i]);
          for (size_t j = i + 1; j < parts.size(); ++j) joined += "/" + std::string(parts[j]);
          matches = !joined.empty();
          values.push_back(std::move(joined));
        } else if (IsPlaceholder(pattern.segments[i])) {
          matches = !parts[i].empty();
          values.emplace_back(parts[i]);
        } else {
          matches = pattern.segments[i] == parts[i];
        }
      }
      if (matches && consider(pattern.methods, std::move(values))) return match;
    }
  }
  if (!allowed.empty()) {
    match.kind = Match::Kind::kWrongMethod;
    match.allow = AllowHeader(std::move(allowed));
  }
  return match;
}

}  // namespace modelwarden
