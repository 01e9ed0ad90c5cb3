// Naming rule: what registered-model names may look like (checked on create and rename).
#pragma once

#include <string>
#include <vector>

#include "enforcement/check.h"
#include "enforcement/policy.h"

namespace modelwarden {

// One result per aspect (slash, length, reserved prefixes, pattern); none when the rule is off
// or the model is a prompt and prompts are exempt.
std::vector<CheckResult> CheckModelName(const NamingPolicy& naming, const std::string& name,
                                        bool is_prompt);

}  // namespace modelwarden
