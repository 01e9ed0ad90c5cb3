// Regex: a regular expression an administrator wrote (a naming rule, a tag's format, MLflow's
// MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX), compiled once with RE2 and matched
// against what callers send. RE2 matches in time linear in the input with a small fixed stack,
// so no name, tag value or source can make a match slow or overflow a thread's stack, whatever
// the pattern: there are no catastrophic cases, hence no length limit beyond MLflow's own.
//
// Syntax is RE2's (https://github.com/google/re2/wiki/Syntax), close to Python's `re` but
// without what only a backtracking engine can do: backreferences, lookahead and lookbehind,
// atomic groups and possessive quantifiers; `\Z` is `\z`. Text and pattern are UTF-8: `.` and
// `{n}` count characters; `\w`, `\d`, `\s`, `\b` are ASCII.
//
// Immutable once compiled; copies share the compiled expression; every method is thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "registry/status.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace modelwarden {

class Regex {
 public:
  // kInvalidParameterValue with RE2's reason when it cannot compile `pattern`, e.g.
  // "invalid perl operator: (?!" for a lookahead or "invalid escape sequence: \1" for a
  // backreference.
  static Result<Regex> Compile(std::string_view pattern);

  // Whether the whole of `text` matches (std::regex_match, Python's re.fullmatch).
  bool FullMatch(std::string_view text) const;
  // Whether some part of `text` matches (std::regex_search, Python's re.search).
  bool PartialMatch(std::string_view text) const;

  // The pattern as written.
  const std::string& pattern() const;

 private:
  explicit Regex(std::shared_ptr<const re2::RE2> re2) : re2_(std::move(re2)) {}

  std::shared_ptr<const re2::RE2> re2_;  // Never null.
};

}  // namespace modelwarden
