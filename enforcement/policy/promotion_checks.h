// The checks a version must pass to enter a stage: the lifecycle transition (stage moves only),
// the metadata required at that stage, the model card, and the quality gates.
#pragma once

#include <string>
#include <vector>

#include "enforcement/policy/check.h"
#include "enforcement/policy/policy.h"
#include "enforcement/policy/promotion_gate.h"

namespace modelwarden {

// `incumbent` is the version that holds the stage or alias now (for regression gates), or
// null; `via_alias` skips the lifecycle transition check (an alias does not move the stage).
// `candidate_run` and `incumbent_run` hold the versions' run metrics for gates on
// run.metrics.<key> (promotion_gate.h); null when the runs were not read.
std::vector<CheckResult> EvaluatePromotion(const Policy& policy, const RegisteredModel& model,
                                           const ModelVersion& candidate, Stage stage,
                                           const ModelVersion* incumbent,
                                           const std::string& incumbent_label, bool via_alias,
                                           const RunMetrics* candidate_run = nullptr,
                                           const RunMetrics* incumbent_run = nullptr);

// True when some enabled regression gate applies to `stage` (worth looking up the incumbent).
bool HasRegressionGate(const Policy& policy, Stage stage);

}  // namespace modelwarden
