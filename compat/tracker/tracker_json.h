// JSON as the tracker code reads it from clients and the tracker: parsed without recursion
// (RapidJSON's iterative parser) and refused past a nesting depth, so that no body can exhaust
// the stack of a parse, a copy or a serialization. Pure functions; thread-safe.
#pragma once

#include <rapidjson/document.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace modelwarden {

// Deeper than any MLflow request or answer.
inline constexpr size_t kMaxJsonDepth = 64;

// Parses `text` into `doc`; false when it is not JSON or nests deeper than kMaxJsonDepth.
bool ParseBoundedJson(std::string_view text, rapidjson::Document& doc);

// The member at `path` below `value` (through objects only), or null.
const rapidjson::Value* JsonAt(const rapidjson::Value& value,
                               std::initializer_list<const char*> path);
// An id as MLflow's JSON carries it: a string, or an integer written as its decimal text.
std::optional<std::string> JsonId(const rapidjson::Value& value);
// JsonId of the member at `path`; "" when absent or not an id.
std::string JsonIdAt(const rapidjson::Value& value, std::initializer_list<const char*> path);

// Compact JSON text of `value` (which must be bounded, e.g. parsed by ParseBoundedJson).
std::string WriteJson(const rapidjson::Value& value);

}  // namespace modelwarden
