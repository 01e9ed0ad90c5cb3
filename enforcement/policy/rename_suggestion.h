// Names that fit the naming rule, for models whose names do not: what
// `modelwarden import --suggest-renames FILE` writes as a starting rename map for a team to
// edit. A naming rule is a regular expression, so no name can be derived from it; instead a few
// transformations of the old name are tried, in order, and the first the rule accepts (and no
// other model takes) is suggested. Pure functions; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "enforcement/policy/policy.h"

namespace modelwarden {

// True when `name` passes every enabled aspect of the naming rule (CheckModelName).
bool FitsNamingRule(const NamingPolicy& naming, const std::string& name, bool is_prompt);

// A name for `name` that FitsNamingRule and for which `taken` is false. Candidates, each
// lower-cased with characters other than [a-z0-9._-] turned into '-', reserved prefixes removed
// and cut to the maximum length: the name so cleaned; with '_' as '-'; with its first '-' as
// '.' ("Fraud Detector" -> "fraud.detector"); "legacy." before it; with every '.' as '-'. A
// taken candidate is tried again with "-2", "-3", ... nullopt when none fits.
std::optional<std::string> SuggestName(const NamingPolicy& naming, const std::string& name,
                                       bool is_prompt,
                                       const std::function<bool(const std::string&)>& taken);

}  // namespace modelwarden
