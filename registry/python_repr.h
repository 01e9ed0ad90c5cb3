// Python's repr() of str and bytes values, which MLflow's error messages quote values with
// ("Invalid value 'x' for parameter ..."). Close enough for messages; pure functions.
#pragma once

#include <string>
#include <string_view>

namespace modelwarden {

// 'text' (or "text" when it holds a single quote but no double one); non-ASCII kept as is.
std::string PyRepr(std::string_view text);
// b'...' with every byte outside printable ASCII escaped as \xNN.
std::string PyBytesRepr(std::string_view bytes);

}  // namespace modelwarden
