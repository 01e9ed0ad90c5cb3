// Four-eyes approval rules: which moves the policy holds until a second person approves them
// (the request and the decision are enforcement/lifecycle/approval_service.h's). Pure
// functions; thread-safe.
#pragma once

#include <string>

#include "enforcement/policy/check.h"
#include "enforcement/policy/policy.h"

namespace modelwarden {

// The rule that covers moving a version of `model` into `stage` (`by_alias`: by setting an
// alias that stands for `stage`): the first enforced one, else the first in warn mode; null
// when none does (or every covering rule is off).
const ApprovalRule* ApprovalRuleFor(const Policy& policy, const std::string& model, Stage stage,
                                    bool by_alias);

// A warn-mode rule's report: the move is made, and the caller told that it would have waited.
CheckResult ApprovalWarning(const ApprovalRule& rule, const std::string& move);

}  // namespace modelwarden
