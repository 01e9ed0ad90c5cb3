#include "enforcement/policy/promotion_checks.h"

#include <algorithm>
#include <iterator>

#include "enforcement/policy/metadata_rule.h"
#include "enforcement/policy/model_card.h"
#include "enforcement/policy/promotion_gate.h"

namespace modelwarden {

std::vector<CheckResult> EvaluatePromotion(const Policy& policy, const RegisteredModel& model,
                                           const ModelVersion& candidate, Stage stage,
                                           const ModelVersion* incumbent,
                                           const std::string& incumbent_label, bool via_alias,
                                           const RunMetrics* candidate_run,
                                           const RunMetrics* incumbent_run) {
  std::vector<CheckResult> checks;
  if (!via_alias) checks = CheckTransition(policy.lifecycle, candidate.current_stage, stage);
  const std::optional<Checkpoint> checkpoint = CheckpointForStage(stage);
  if (!checkpoint) return checks;
  const auto append = [&checks](std::vector<CheckResult> more) {
    checks.insert(checks.end(), std::make_move_iterator(more.begin()),
                  std::make_move_iterator(more.end()));
  };
  append(CheckMetadata(policy.requirements, *checkpoint, &model, &candidate));
  append(CheckModelCard(policy.model_card, stage, model, candidate));
  append(CheckGates(policy.gates, stage, candidate, incumbent, incumbent_label, candidate_run,
                    incumbent_run));
  return checks;
}

bool HasRegressionGate(const Policy& policy, Stage stage) {
  return std::any_of(policy.gates.begin(), policy.gates.end(), [stage](const QualityGate& g) {
    return g.stage == stage && g.max_regression && g.mode != RuleMode::kOff;
  });
}

}  // namespace modelwarden
