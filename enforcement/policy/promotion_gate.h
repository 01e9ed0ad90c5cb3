// Promotion rules: which stage transitions the lifecycle allows, and the quality gates a version
// must pass to enter Staging or Production (or take an alias mapped to them).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "enforcement/policy/check.h"
#include "enforcement/policy/policy.h"
#include "registry/status.h"

namespace modelwarden {

// Empty when the lifecycle rule is off or allows any transition.
std::vector<CheckResult> CheckTransition(const LifecyclePolicy& lifecycle, Stage from, Stage to);

// The metrics of a version's run, as the tracking server answered, for gates on
// run.metrics.<key>.
struct RunMetrics {
  std::string run_id;  // Empty: the version names no run.
  Status status;       // Not OK: why the metrics could not be read (e.g. tracker unreachable).
  std::map<std::string, double> values;
};

// The gates for `target`. Threshold gates read the metric from `candidate`'s tags, or from
// `candidate_run` for run.metrics.<key>; regression gates compare it with `incumbent` (the
// version holding the stage or alias now, if another; its run in `incumbent_run`), described
// by `incumbent_label` (e.g. "version 3, current Production"). A null run means the runs were
// not read (no tracking server): such gates fail. A run that could not be read fails them too.
std::vector<CheckResult> CheckGates(const std::vector<QualityGate>& gates, Stage target,
                                    const ModelVersion& candidate, const ModelVersion* incumbent,
                                    const std::string& incumbent_label,
                                    const RunMetrics* candidate_run = nullptr,
                                    const RunMetrics* incumbent_run = nullptr);

// True when some enabled gate for `stage` reads run.metrics.<key>; `regression_only` counts
// only regression gates (which read the incumbent's run too).
bool GatesReadRun(const std::vector<QualityGate>& gates, Stage stage, bool regression_only);

// The metric's value on `version`, parsed as a finite number; nullopt when absent or not a
// number.
std::optional<double> MetricValue(const ModelVersion& version, const std::string& metric);

}  // namespace modelwarden
