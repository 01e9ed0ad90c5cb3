#include "enforcement/promotion_gate.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

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

}  // namespace

std::optional<double> MetricValue(const ModelVersion& version, const std::string& metric) {
  for (const Tag& tag : version.tags) {
    if (tag.key != metric) continue;
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(tag.value.c_str(), &end);
    if (tag.value.empty() || end != tag.value.c_str() + tag.value.size() || errno != 0 ||
        !std::isfinite(value)) {
      return std::nullopt;
    }
    return value;
  }
  return std::nullopt;
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
                                    const std::string& incumbent_label) {
  std::vector<CheckResult> checks;
  for (const QualityGate& gate : gates) {
    if (gate.mode == RuleMode::kOff || gate.stage != target) continue;
    const std::optional<double> value = MetricValue(candidate, gate.metric);
    if (!value) {
      checks.push_back(Failed(gate.id, gate.mode,
                              "metric '" + gate.metric +
                                  "' is missing or not a number on version " +
                                  std::to_string(candidate.version),
                              SetMetricFix(gate.metric)));
      continue;
    }
    if (gate.comparator) {
      const std::string rule = gate.metric + " " + std::string(ComparatorText(*gate.comparator)) +
                               " " + Number(gate.threshold);
      if (Compare(*value, *gate.comparator, gate.threshold)) {
        checks.push_back(Passed(gate.id, gate.mode,
                                gate.metric + " = " + Number(*value) + " satisfies " + rule));
      } else {
        checks.push_back(Failed(gate.id, gate.mode,
                                gate.metric + " = " + Number(*value) + ", required " + rule,
                                "improve the model or lower the threshold in the policy"));
      }
      continue;
    }
    // Regression gate: nothing to compare with is a pass (the first version to hold it).
    if (!incumbent) {
      checks.push_back(Passed(gate.id, gate.mode,
                              "no other version holds " + std::string(StageName(target)) +
                                  " to compare " + gate.metric + " with"));
      continue;
    }
    const std::optional<double> baseline = MetricValue(*incumbent, gate.metric);
    if (!baseline) {
      checks.push_back(
          Passed(gate.id, gate.mode,
                 incumbent_label + " has no numeric " + gate.metric + " to compare with"));
      continue;
    }
    const double worse_by = gate.higher_is_better ? *baseline - *value : *value - *baseline;
    const std::string facts = gate.metric + " = " + Number(*value) + " vs " + Number(*baseline) +
                              " on " + incumbent_label;
    if (worse_by > *gate.max_regression) {
      checks.push_back(Failed(
          gate.id, gate.mode,
          facts + ": worse by " + Number(worse_by) + ", allowed " + Number(*gate.max_regression),
          "promote a version at least as good as the one it replaces"));
    } else {
      checks.push_back(Passed(gate.id, gate.mode, facts));
    }
  }
  return checks;
}

}  // namespace modelwarden
