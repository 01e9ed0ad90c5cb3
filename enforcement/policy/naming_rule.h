// Naming rule: what registered-model names may look like (checked on create and rename).
#pragma once

#include <string>
#include <vector>

#include "enforcement/policy/check.h"
#include "enforcement/policy/policy.h"

namespace modelwarden {

// One result per aspect (slash, length, reserved prefixes, pattern); none when the rule is off.
// A prompt is exempt from the pattern only, when the policy says so.
std::vector<CheckResult> CheckModelName(const NamingPolicy& naming, const std::string& name,
                                        bool is_prompt);

}  // namespace modelwarden
