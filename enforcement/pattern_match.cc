#include "enforcement/pattern_match.h"

#include <pthread.h>

#include <string>

namespace modelwarden {
namespace {

// Virtual address space only: pages are committed as the recursion touches them.
constexpr size_t kMatchStackBytes = size_t{512} << 20;

struct MatchJob {
  const std::regex* pattern;
  std::string text;
  bool matched = false;
};

void* RunMatch(void* arg) {
  auto* job = static_cast<MatchJob*>(arg);
  job->matched = std::regex_match(job->text, *job->pattern);
  return nullptr;
}

}  // namespace

std::optional<bool> FullMatch(const std::regex& pattern, std::string_view text) {
  if (text.size() > kMaxPatternInputLength) return std::nullopt;
  // Short inputs cannot exhaust any stack: match in place.
  if (text.size() <= 1024) return std::regex_match(text.begin(), text.end(), pattern);
  MatchJob job{&pattern, std::string(text)};
  pthread_attr_t attributes;
  if (pthread_attr_init(&attributes) != 0) return std::nullopt;
  pthread_t thread;
  const bool started = pthread_attr_setstacksize(&attributes, kMatchStackBytes) == 0 &&
                       pthread_create(&thread, &attributes, &RunMatch, &job) == 0;
  pthread_attr_destroy(&attributes);
  if (!started) return std::nullopt;
  pthread_join(thread, nullptr);
  return job.matched;
}

}  // namespace modelwarden
