// Small helpers shared by the policy files (the loader and the rules), one definition each.
// Internal to enforcement/. AsciiLower and StartsWith are general text helpers: swap them for
// the shared ones in registry/text.h when that exists.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/entities.h"

namespace modelwarden {

// `text` with A-Z lowered; other bytes (UTF-8 included) unchanged.
std::string AsciiLower(std::string_view text);

bool StartsWith(std::string_view text, std::string_view prefix);

// The value of the first tag with `key`, or null.
const std::string* FindTag(const std::vector<Tag>& tags, std::string_view key);

// `text` as a finite number when all of it is one (strtod's syntax: "0.85", "1e-3", " 2" with
// leading space, hex floats); nullopt for "", "0.85x", "nan", "inf" or out of range.
std::optional<double> ParseFiniteNumber(const std::string& text);

}  // namespace modelwarden
