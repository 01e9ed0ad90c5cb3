#include "registry/regex.h"

#include <re2/re2.h>

#include <utility>

namespace modelwarden {

Result<Regex> Regex::Compile(std::string_view pattern) {
  RE2::Options options;
  // The caller reports the error, with where the pattern came from; RE2 would also log it.
  options.set_log_errors(false);
  auto re2 = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re2->ok()) return Status::InvalidArgument(re2->error());
  return Regex(std::move(re2));
}

bool Regex::FullMatch(std::string_view text) const {
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re2_);
}

bool Regex::PartialMatch(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re2_);
}

const std::string& Regex::pattern() const { return re2_->pattern(); }

}  // namespace modelwarden
