// Full-string regular-expression matching that no input can turn into a crash.
//
// libstdc++'s std::regex matcher recurses once per input character (about 200 bytes of stack
// a character, over 1 KB under AddressSanitizer), so a long tag value or name would overflow
// a worker thread's stack. Matches run on a thread of their own with a large stack, and inputs
// over kMaxPatternInputLength are not matched at all.
#pragma once

#include <optional>
#include <regex>
#include <string_view>

namespace modelwarden {

// Tag values are at most 100,000 characters; names and short values are far below.
inline constexpr size_t kMaxPatternInputLength = 100000;

// std::regex_match of the whole `text`; nullopt when `text` is longer than
// kMaxPatternInputLength or the matching thread could not be started.
std::optional<bool> FullMatch(const std::regex& pattern, std::string_view text);

}  // namespace modelwarden
