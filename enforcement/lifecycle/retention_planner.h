// RetentionPlanner: which versions the policy's retention rules would delete or archive, page
// by page of models, each page read on one snapshot (ModelReader::ReadInventory). The decision
// for each version is retention_rule.h's, the same the unit of work that makes the change
// takes again on the locked state: applying a plan changes what the plan lists, unless the
// registry changed in between (then the unit of work refuses the change, or a later plan
// lists it).
//
// Thread-safe: each call reads the policy in force and its own snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "enforcement/policy/policy.h"
#include "enforcement/policy/policy_holder.h"
#include "registry/clock.h"
#include "registry/model_rows.h"
#include "registry/version_inventory.h"

namespace modelwarden {

// One change a rule would make.
struct PlannedChange {
  std::string model;
  int64_t version = 0;
  std::string rule_id;
  RuleMode mode = RuleMode::kEnforce;  // warn: only reported, never made.
  RetentionAction action = RetentionAction::kDelete;
  std::string reason;
};

struct RetentionPage {
  std::vector<PlannedChange> changes;  // By model name, then newest version first.
  std::string last_model;              // Where the next page starts; empty after the last page.
  int64_t models = 0;                  // Models read.
  int64_t versions = 0;                // Live versions read.
  int64_t protected_versions = 0;      // That a rule would change but something protects.
};

// The changes `rules` would make to `models` at `now`: for each version, the first rule (in
// file order) that selects its model and changes it; protected versions are only counted.
RetentionPage PlanInventory(const std::vector<RetentionRule>& rules,
                            const std::vector<InventoryModel>& models, int64_t now);

class RetentionPlanner {
 public:
  // All borrowed; they must outlive this object.
  RetentionPlanner(const PolicyHolder& policy, ModelSnapshots& snapshots, const Clock& clock)
      : policy_(policy), snapshots_(snapshots), clock_(clock) {}

  // The plan for the models named after `after` ("" for the first page), at most
  // `max_models` of them.
  Result<RetentionPage> Plan(const std::string& after, int64_t max_models);

 private:
  const PolicyHolder& policy_;
  ModelSnapshots& snapshots_;
  const Clock& clock_;
};

}  // namespace modelwarden
