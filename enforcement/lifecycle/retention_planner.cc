#include "enforcement/lifecycle/retention_planner.h"

#include <algorithm>
#include <set>

#include "enforcement/policy/retention_rule.h"

namespace modelwarden {
namespace {

bool InStages(const RetentionRule& rule, Stage stage) {
  return std::find(rule.stages.begin(), rule.stages.end(), stage) != rule.stages.end();
}

}  // namespace

RetentionPage PlanInventory(const std::vector<RetentionRule>& rules,
                            const std::vector<InventoryModel>& models, int64_t now) {
  RetentionPage page;
  for (const InventoryModel& model : models) {
    ++page.models;
    page.versions += static_cast<int64_t>(model.versions.size());
    std::set<int64_t> decided;  // Changed or protected: no later rule looks at it.
    for (const RetentionRule& rule : rules) {
      if (!RetentionSelects(rule, model.name, model.tags)) continue;
      int64_t newer = 0;  // Versions above the current one in the rule's stages.
      for (const InventoryVersion& v : model.versions) {
        if (!InStages(rule, v.stage)) continue;
        const std::optional<std::string> reason =
            RetentionReason(rule, RetentionFacts{v.stage, v.creation_timestamp, newer}, now);
        ++newer;
        if (!reason || !decided.insert(v.version).second) continue;
        if (RetentionProtection(v.stage, v.aliases, v.pending_approval, v.creation_timestamp,
                                now)) {
          ++page.protected_versions;
          continue;
        }
        page.changes.push_back(
            PlannedChange{model.name, v.version, rule.id, rule.mode, rule.action, *reason});
      }
    }
  }
  return page;
}

Result<RetentionPage> RetentionPlanner::Plan(const std::string& after, int64_t max_models) {
  const auto policy = policy_.Current();
  const int64_t now = clock_.NowMillis();
  std::vector<InventoryModel> models;
  RETURN_IF_ERROR(snapshots_.Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(models, reader.ReadInventory(after, max_models, now));
    return Status::Ok();
  }));
  RetentionPage page = PlanInventory(policy->retention, models, now);
  if (static_cast<int64_t>(models.size()) == max_models) page.last_model = models.back().name;
  return page;
}

}  // namespace modelwarden
