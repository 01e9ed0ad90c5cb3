// Promotion rules: which stage transitions the lifecycle allows, and the quality gates a version
// must pass to enter Staging or Production (or take an alias mapped to them).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "enforcement/check.h"
#include "enforcement/policy.h"

namespace modelwarden {

// Empty when the lifecycle rule is off or allows any transition.
std::vector<CheckResult> CheckTransition(const LifecyclePolicy& lifecycle, Stage from, Stage to);

// The gates for `target`. Threshold gates read the metric from `candidate`'s tags; regression
// gates compare it with `incumbent` (the version holding the stage or alias now, if another),
// described by `incumbent_label` (e.g. "version 3, current Production").
std::vector<CheckResult> CheckGates(const std::vector<QualityGate>& gates, Stage target,
                                    const ModelVersion& candidate, const ModelVersion* incumbent,
                                    const std::string& incumbent_label);

// The metric's value on `version`, parsed as a finite number; nullopt when absent or not a
// number.
std::optional<double> MetricValue(const ModelVersion& version, const std::string& metric);

}  // namespace modelwarden
