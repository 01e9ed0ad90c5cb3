// Checks and clean-ups for text that crosses the HTTP edge. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace modelwarden {

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` with every ill-formed sequence replaced by U+FFFD.
std::string ToValidUtf8(std::string_view text);

// `text` with control characters (below 0x20, and 0x7f) replaced by '?': a decoded path or
// header written to a log line must not forge lines of its own.
std::string Printable(std::string_view text);

}  // namespace modelwarden
