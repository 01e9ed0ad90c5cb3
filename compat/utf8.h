// UTF-8 checks for text that crosses the HTTP edge. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace modelwarden {

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` with every ill-formed sequence replaced by U+FFFD.
std::string ToValidUtf8(std::string_view text);

}  // namespace modelwarden
