#include "enforcement/policy/approval_rule.h"

#include <algorithm>

namespace modelwarden {

const ApprovalRule* ApprovalRuleFor(const Policy& policy, const std::string& model, Stage stage,
                                    bool by_alias) {
  const ApprovalRule* warn = nullptr;
  for (const ApprovalRule& rule : policy.approvals.rules) {
    if (rule.mode == RuleMode::kOff || (by_alias && !rule.aliases)) continue;
    if (std::find(rule.stages.begin(), rule.stages.end(), stage) == rule.stages.end()) continue;
    if (rule.model_pattern && !rule.model_pattern->regex.FullMatch(model)) continue;
    if (rule.mode == RuleMode::kEnforce) return &rule;
    if (warn == nullptr) warn = &rule;
  }
  return warn;
}

CheckResult ApprovalWarning(const ApprovalRule& rule, const std::string& move) {
  return Failed(rule.id, RuleMode::kWarn, move + " needs a second person's approval",
                "ask someone with PROMOTE on the model to approve such moves once the rule is "
                "enforced (POST /api/2.0/modelwarden/approvals/create)");
}

}  // namespace modelwarden
