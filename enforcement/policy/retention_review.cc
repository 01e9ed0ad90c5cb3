#include "enforcement/policy/retention_review.h"

#include <string>

#include "enforcement/policy/retention_rule.h"

namespace modelwarden {

Result<std::vector<CheckResult>> ReviewRetention(const Policy& policy, const RetentionMark& mark,
                                                 RetentionAction action,
                                                 const RegisteredModel& model,
                                                 const ModelVersion& version, ModelReader& reader,
                                                 int64_t now) {
  const std::string& id = mark.rule_id;
  const std::string label = "version " + std::to_string(version.version);
  const auto refuse = [&](const std::string& why) {
    return std::vector<CheckResult>{Failed(id, RuleMode::kEnforce, why, "")};
  };
  const RetentionRule* rule = nullptr;
  for (const RetentionRule& r : policy.retention) {
    if (r.id == id) rule = &r;
  }
  if (rule == nullptr || rule->mode != RuleMode::kEnforce) {
    return refuse("retention rule '" + id + "' is no longer enforced by the policy");
  }
  if (rule->action != action) {
    return refuse("retention rule '" + id + "' now says " +
                  std::string(RetentionActionName(rule->action)));
  }
  if (!RetentionSelects(*rule, model.name, model.tags)) {
    return refuse("retention rule '" + id + "' no longer selects model '" + model.name + "'");
  }
  ASSIGN_OR_RETURN(bool pending, reader.HasPendingApproval(model.name, version.version, now));
  if (std::optional<std::string> protection = RetentionProtection(
          version.current_stage, version.aliases, pending, version.creation_timestamp, now)) {
    return refuse(label + " " + *protection + ": retention never touches it");
  }
  ASSIGN_OR_RETURN(int64_t newer,
                   reader.CountNewerVersions(model.name, version.version, rule->stages));
  std::optional<std::string> reason = RetentionReason(
      *rule, RetentionFacts{version.current_stage, version.creation_timestamp, newer}, now);
  if (!reason) return refuse("retention rule '" + id + "' keeps " + label + " now");
  return std::vector<CheckResult>{Passed(id, RuleMode::kEnforce, *reason)};
}

}  // namespace modelwarden
