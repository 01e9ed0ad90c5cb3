// JSON as the tracker code reads it from clients and the tracker: parsed without recursion
// (RapidJSON's iterative parser) and refused past a nesting depth, so that no body can exhaust
// the stack of a parse, a copy or a serialization. Pure functions; thread-safe.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace modelwarden {

// Deeper than any MLflow request or answer.
inline constexpr size_t kMaxJsonDepth = 64;

// Parses `text` into `doc`; false when it is not JSON or nests deeper than kMaxJsonDepth.
bool ParseBoundedJson(std::string_view text, rapidjson::Document& doc);

// Compact JSON text of `value` (which must be bounded, e.g. parsed by ParseBoundedJson).
std::string WriteJson(const rapidjson::Value& value);

}  // namespace modelwarden
