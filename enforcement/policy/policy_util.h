// Small helpers shared by the policy files (the loader and the rules), one definition each.
// Internal to enforcement/. General text helpers are registry/text.h's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/entities.h"
#include "registry/text.h"

namespace modelwarden {

// The value of the first tag with `key`, or null.
const std::string* FindTag(const std::vector<Tag>& tags, std::string_view key);

// `text` as a finite number when all of it is one (strtod's syntax: "0.85", "1e-3", " 2" with
// leading space, hex floats); nullopt for "", "0.85x", "nan", "inf" or out of range.
std::optional<double> ParseFiniteNumber(const std::string& text);

}  // namespace modelwarden
