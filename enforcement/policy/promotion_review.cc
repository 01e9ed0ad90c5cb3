#include "enforcement/policy/promotion_review.h"

#include "enforcement/policy/promotion_checks.h"
#include "enforcement/policy/promotion_gate.h"

namespace modelwarden {
namespace {

// The version a regression gate compares with: the alias's holder, or the newest version in
// the stage; never the candidate itself.
struct Incumbent {
  ModelVersion version;
  std::string label;  // e.g. "version 3 (current Production)".
};

Result<std::optional<Incumbent>> FindIncumbent(const Policy& policy, const Promotion& promotion,
                                               ModelReader& reader) {
  std::optional<Incumbent> incumbent;
  if (!HasRegressionGate(policy, promotion.stage)) return incumbent;
  const std::string& name = promotion.model->name;
  const int64_t candidate = promotion.candidate->version;
  if (!promotion.alias.empty()) {
    ASSIGN_OR_RETURN(std::optional<int64_t> holder, reader.FindAlias(name, promotion.alias));
    if (!holder || *holder == candidate) return incumbent;
    ASSIGN_OR_RETURN(std::optional<ModelVersion> version, reader.FindVersion(name, *holder));
    if (version) {
      incumbent = Incumbent{std::move(*version), "version " + std::to_string(*holder) +
                                                     " (current " + promotion.alias + ")"};
    }
    return incumbent;
  }
  for (const ModelVersion& v : promotion.model->latest_versions) {
    if (v.current_stage != promotion.stage || v.version == candidate) continue;
    incumbent = Incumbent{v, "version " + std::to_string(v.version) + " (current " +
                                 std::string(StageName(promotion.stage)) + ")"};
  }
  return incumbent;
}

RunMetrics MetricsOf(const ModelVersion& version, const OutsideFacts& facts) {
  RunMetrics metrics;
  metrics.run_id = version.run_id.value_or("");
  if (metrics.run_id.empty()) return metrics;
  auto it = facts.runs.find(metrics.run_id);
  if (it == facts.runs.end()) {
    metrics.status = Status::Unavailable(
        "the run of version " + std::to_string(version.version) +
        " was not read before the change (the model changed meanwhile); try again");
  } else if (it->second.ok()) {
    metrics.values = it->second->metrics;
  } else {
    metrics.status = it->second.status();
  }
  return metrics;
}

}  // namespace

std::optional<Stage> AliasStage(const Policy& policy, const std::string& alias) {
  if (policy.lifecycle.mode == RuleMode::kOff) return std::nullopt;
  auto it = policy.lifecycle.alias_stages.find(alias);
  if (it == policy.lifecycle.alias_stages.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<std::string>> RunsToReview(const Policy& policy, const Promotion& promotion,
                                              ModelReader& reader) {
  std::vector<std::string> runs;
  if (!GatesReadRun(policy.gates, promotion.stage, /*regression_only=*/false)) return runs;
  if (promotion.candidate->run_id) runs.push_back(*promotion.candidate->run_id);
  if (GatesReadRun(policy.gates, promotion.stage, /*regression_only=*/true)) {
    ASSIGN_OR_RETURN(std::optional<Incumbent> incumbent, FindIncumbent(policy, promotion, reader));
    if (incumbent && incumbent->version.run_id) runs.push_back(*incumbent->version.run_id);
  }
  return runs;
}

Result<std::vector<CheckResult>> ReviewPromotion(const Policy& policy, const Promotion& promotion,
                                                 ModelReader& reader, const OutsideFacts& facts) {
  ASSIGN_OR_RETURN(std::optional<Incumbent> incumbent, FindIncumbent(policy, promotion, reader));
  std::optional<RunMetrics> candidate_run;
  std::optional<RunMetrics> incumbent_run;
  if (GatesReadRun(policy.gates, promotion.stage, /*regression_only=*/false)) {
    candidate_run = MetricsOf(*promotion.candidate, facts);
  }
  if (incumbent && GatesReadRun(policy.gates, promotion.stage, /*regression_only=*/true)) {
    incumbent_run = MetricsOf(incumbent->version, facts);
  }
  return EvaluatePromotion(policy, *promotion.model, *promotion.candidate, promotion.stage,
                           incumbent ? &incumbent->version : nullptr,
                           incumbent ? incumbent->label : "", !promotion.alias.empty(),
                           candidate_run ? &*candidate_run : nullptr,
                           incumbent_run ? &*incumbent_run : nullptr);
}

}  // namespace modelwarden
