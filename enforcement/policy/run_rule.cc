#include "enforcement/policy/run_rule.h"

namespace modelwarden {

std::vector<CheckResult> CheckSourceRun(const RunPolicy& runs, const std::string& run_id,
                                        bool is_prompt, const Result<TrackedRun>* answer) {
  constexpr char kRuleId[] = "runs.exists";
  std::vector<CheckResult> checks;
  if (runs.mode == RuleMode::kOff || is_prompt) return checks;
  if (run_id.empty()) {
    if (runs.require_run) {
      checks.push_back(Failed(kRuleId, runs.mode, "the version names no run",
                              "register it from a run: pass run_id, or a runs:/ source"));
    }
    return checks;
  }
  const Result<TrackedRun> run =
      answer != nullptr ? *answer
                        : Result<TrackedRun>(Status::Unavailable("no tracking server configured"));
  if (run.ok()) {
    checks.push_back(Passed(kRuleId, runs.mode, "run " + run_id + " exists"));
    checks.back().values.emplace_back("run_id", run_id);
  } else if (run.status().code() == ErrorCode::kResourceDoesNotExist) {
    checks.push_back(
        Failed(kRuleId, runs.mode,
               "run " + QuoteForMessage(run_id) + " does not exist on the tracking server",
               "pass the run_id of the run that produced the model"));
  } else {
    checks.push_back(
        Failed(kRuleId, runs.mode,
               "cannot check run " + QuoteForMessage(run_id) + ": " + run.status().message(),
               "retry when the tracking server answers"));
  }
  return checks;
}

}  // namespace modelwarden
