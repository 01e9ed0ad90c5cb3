#include "enforcement/policy/promotion_gate.h"

#include <algorithm>
#include <sstream>

#include "enforcement/policy/policy_util.h"

namespace modelwarden {
namespace {

std::string Number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string_view ComparatorText(GateComparator op) {
  switch (op) {
    case GateComparator::kGreaterEqual:
      return ">=";
    case GateComparator::kGreater:
      return ">";
    case GateComparator::kLessEqual:
      return "<=";
    case GateComparator::kLess:
      return "<";
    case GateComparator::kEqual:
      return "==";
  }
  return "==";
}

bool Compare(double value, GateComparator op, double threshold) {
  switch (op) {
    case GateComparator::kGreaterEqual:
      return value >= threshold;
    case GateComparator::kGreater:
      return value > threshold;
    case GateComparator::kLessEqual:
      return value <= threshold;
    case GateComparator::kLess:
      return value < threshold;
    case GateComparator::kEqual:
      return value == threshold;
  }
  return false;
}

std::string SetMetricFix(const std::string& metric) {
  return "record it as a version tag: MlflowClient.set_model_version_tag(name, version, '" +
         metric + "', value)";
}

// A gate's metric on one version: the number, or why there is none (and how to fix it), plus
// where it came from for the dry run.
struct Reading {
  std::optional<double> value;
  std::string problem;
  std::string fix;
  std::string run_id;
};

Reading ReadMetric(const ModelVersion& version, const std::string& metric, const RunMetrics* run) {
  Reading reading;
  if (!ReadsRunMetric(metric)) {
    reading.value = MetricValue(version, metric);
    if (!reading.value) {
      reading.problem = "metric '" + metric + "' is missing or not a number on version " +
                        std::to_string(version.version);
      reading.fix = SetMetricFix(metric);
    }
    return reading;
  }
  const std::string key = metric.substr(kRunMetricsPrefix.size());
  if (run == nullptr) {
    reading.problem = metric + " of version " + std::to_string(version.version) +
                      " was not read: no tracking server was asked";
    reading.fix = "check it on a server started with --tracking-upstream";
    return reading;
  }
  reading.run_id = run->run_id;
  if (run->run_id.empty()) {
    reading.problem =
        "version " + std::to_string(version.version) + " names no run, so it has no " + metric;
    reading.fix = "register the version from a run (run_id, or a runs:/ source)";
  } else if (!run->status.ok()) {
    // Fail closed: a gate that cannot be read is not passed.
    reading.problem =
        "cannot read " + metric + " of run " + run->run_id + ": " + run->status.message();
    reading.fix = "retry when the tracking server answers";
  } else if (auto it = run->values.find(key); it == run->values.end()) {
    reading.problem = "run " + run->run_id + " of version " + std::to_string(version.version) +
                      " has no metric '" + key + "'";
    reading.fix = "log it in the run: mlflow.log_metric('" + key + "', value)";
  } else {
    reading.value = it->second;
  }
  return reading;
}

void AddValues(CheckResult& check, const std::string& metric, const Reading& reading,
               const std::string& label) {
  if (reading.value) check.values.emplace_back(label + metric, Number(*reading.value));
  if (!reading.run_id.empty()) check.values.emplace_back(label + "run_id", reading.run_id);
}

}  // namespace

bool GatesReadRun(const std::vector<QualityGate>& gates, Stage stage, bool regression_only) {
  return std::any_of(gates.begin(), gates.end(), [&](const QualityGate& g) {
    return g.stage == stage && g.mode != RuleMode::kOff && ReadsRunMetric(g.metric) &&
           (!regression_only || g.max_regression);
  });
}

std::optional<double> MetricValue(const ModelVersion& version, const std::string& metric) {
  const std::string* value = FindTag(version.tags, metric);
  if (value == nullptr) return std::nullopt;
  return ParseFiniteNumber(*value);
}

std::vector<CheckResult> CheckTransition(const LifecyclePolicy& lifecycle, Stage from, Stage to) {
  std::vector<CheckResult> checks;
  if (lifecycle.mode == RuleMode::kOff || lifecycle.allowed_transitions.empty() || from == to) {
    return checks;
  }
  const std::string move = std::string(StageName(from)) + " -> " + std::string(StageName(to));
  auto allowed = lifecycle.allowed_transitions.find(from);
  if (allowed == lifecycle.allowed_transitions.end() ||
      std::find(allowed->second.begin(), allowed->second.end(), to) == allowed->second.end()) {
    std::string options;
    if (allowed != lifecycle.allowed_transitions.end()) {
      for (Stage s : allowed->second) {
        options += (options.empty() ? "" : ", ") + std::string(StageName(s));
      }
    }
    checks.push_back(Failed(
        "lifecycle.transition", lifecycle.mode, "transition " + move + " is not allowed",
        options.empty() ? "versions in " + std::string(StageName(from)) + " cannot move"
                        : "from " + std::string(StageName(from)) + " go to " + options + " first"));
  } else {
    checks.push_back(Passed("lifecycle.transition", lifecycle.mode, "transition " + move));
  }
  return checks;
}

std::vector<CheckResult> CheckGates(const std::vector<QualityGate>& gates, Stage target,
                                    const ModelVersion& candidate, const ModelVersion* incumbent,
                                    const std::string& incumbent_label,
                                    const RunMetrics* candidate_run,
                                    const RunMetrics* incumbent_run) {
  std::vector<CheckResult> checks;
  for (const QualityGate& gate : gates) {
    if (gate.mode == RuleMode::kOff || gate.stage != target) continue;
    const Reading reading = ReadMetric(candidate, gate.metric, candidate_run);
    if (!reading.value) {
      checks.push_back(Failed(gate.id, gate.mode, reading.problem, reading.fix));
      AddValues(checks.back(), gate.metric, reading, "");
      continue;
    }
    const double value = *reading.value;
    const std::string from_run = reading.run_id.empty() ? "" : " (run " + reading.run_id + ")";
    if (gate.comparator) {
      const std::string rule = gate.metric + " " + std::string(ComparatorText(*gate.comparator)) +
                               " " + Number(gate.threshold);
      if (Compare(value, *gate.comparator, gate.threshold)) {
        checks.push_back(
            Passed(gate.id, gate.mode,
                   gate.metric + " = " + Number(value) + from_run + " satisfies " + rule));
      } else {
        checks.push_back(
            Failed(gate.id, gate.mode,
                   gate.metric + " = " + Number(value) + from_run + ", required " + rule,
                   "improve the model or lower the threshold in the policy"));
      }
      AddValues(checks.back(), gate.metric, reading, "");
      continue;
    }
    // Regression gate: nothing to compare with is a pass (the first version to hold it).
    if (!incumbent) {
      checks.push_back(Passed(gate.id, gate.mode,
                              "no other version holds " + std::string(StageName(target)) +
                                  " to compare " + gate.metric + " with"));
      AddValues(checks.back(), gate.metric, reading, "");
      continue;
    }
    const Reading baseline = ReadMetric(*incumbent, gate.metric, incumbent_run);
    if (!baseline.value) {
      checks.push_back(
          Passed(gate.id, gate.mode,
                 incumbent_label + " has no numeric " + gate.metric + " to compare with"));
      AddValues(checks.back(), gate.metric, reading, "");
      continue;
    }
    const double worse_by =
        gate.higher_is_better ? *baseline.value - value : value - *baseline.value;
    const std::string facts = gate.metric + " = " + Number(value) + " vs " +
                              Number(*baseline.value) + " on " + incumbent_label;
    if (worse_by > *gate.max_regression) {
      checks.push_back(Failed(
          gate.id, gate.mode,
          facts + ": worse by " + Number(worse_by) + ", allowed " + Number(*gate.max_regression),
          "promote a version at least as good as the one it replaces"));
    } else {
      checks.push_back(Passed(gate.id, gate.mode, facts));
    }
    AddValues(checks.back(), gate.metric, reading, "");
    AddValues(checks.back(), gate.metric, baseline, "incumbent ");
  }
  return checks;
}

}  // namespace modelwarden
