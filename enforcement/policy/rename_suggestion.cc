#include "enforcement/policy/rename_suggestion.h"

#include <vector>

#include "enforcement/policy/naming_rule.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr int kMaxSuffix = 100;

std::string Clean(const std::string& name, const NamingPolicy& naming) {
  std::string out;
  for (char c : AsciiLower(name)) {
    const bool kept = IsAsciiLower(c) || IsAsciiDigit(c) || c == '.' || c == '_' || c == '-';
    const char next = kept ? c : '-';
    // One separator at a time: "a -- b" is "a-b", "a..b" is "a.b".
    if ((next == '-' || next == '.') && !out.empty() && out.back() == next) continue;
    out += next;
  }
  bool stripped = true;
  while (stripped) {
    stripped = false;
    for (const std::string& prefix : naming.reserved_prefixes) {
      if (!prefix.empty() && StartsWith(out, AsciiLower(prefix))) {
        out.erase(0, prefix.size());
        stripped = true;
      }
    }
  }
  return std::string(TrimAny(out, "-._"));
}

std::string Replace(std::string text, char from, char to) {
  for (char& c : text) c = c == from ? to : c;
  return text;
}

std::string Cut(std::string text, size_t max) {
  if (text.size() > max) text.resize(max);
  return std::string(TrimAny(text, "-._"));
}

}  // namespace

bool FitsNamingRule(const NamingPolicy& naming, const std::string& name, bool is_prompt) {
  for (const CheckResult& check : CheckModelName(naming, name, is_prompt)) {
    if (!check.passed) return false;
  }
  return true;
}

std::optional<std::string> SuggestName(const NamingPolicy& naming, const std::string& name,
                                       bool is_prompt,
                                       const std::function<bool(const std::string&)>& taken) {
  const std::string cleaned = Clean(name, naming);
  const std::string dashed = Replace(cleaned, '_', '-');
  std::string dotted = dashed;
  if (dotted.find('.') == std::string::npos) {
    if (size_t dash = dotted.find('-'); dash != std::string::npos) dotted[dash] = '.';
  }
  const std::vector<std::string> candidates = {
      cleaned, dashed, dotted, "legacy." + Replace(dashed, '.', '-'), Replace(dashed, '.', '-')};
  for (const std::string& candidate : candidates) {
    const std::string base = Cut(candidate, naming.max_length);
    if (base.empty()) continue;
    for (int n = 1; n <= kMaxSuffix; ++n) {
      const std::string suffix = n == 1 ? "" : "-" + std::to_string(n);
      const std::string suggestion = Cut(base, naming.max_length - suffix.size()) + suffix;
      if (!FitsNamingRule(naming, suggestion, is_prompt)) break;
      if (!taken(suggestion)) return suggestion;
    }
  }
  return std::nullopt;
}

}  // namespace modelwarden
