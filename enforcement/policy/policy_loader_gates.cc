// $.gates[i]: a promotion quality gate, either a threshold ("op" and "threshold") or a
// regression gate ("max_regression") on a metric from the version's tags or its run.
#include <optional>
#include <string>

#include "enforcement/policy/policy_loader_sections.h"

namespace modelwarden {
namespace policy_loader {
namespace {

void ReadMetric(PolicyReader& in, const rj::Value& v, const std::string& path, QualityGate& gate) {
  const rj::Value* m = Member(v, "metric");
  if (m == nullptr) {
    in.Problem(Child(path, "metric"), "the version tag that holds the metric, e.g. \"metrics.auc\"",
               "nothing");
    return;
  }
  auto metric = in.ReadString(*m, Child(path, "metric"), /*non_empty=*/true);
  if (!metric) return;
  gate.metric = std::move(*metric);
  if (ReadsRunMetric(gate.metric) && gate.metric.size() == kRunMetricsPrefix.size()) {
    in.Problem(Child(path, "metric"), "run.metrics.<key> with a metric key", Quote(gate.metric));
  } else if (ReadsRunMetric(gate.metric) && !in.options().tracker_configured) {
    in.Problem(Child(path, "metric"),
               "a version tag key (run.metrics.<key> reads the run on the tracking server: "
               "start the server with --tracking-upstream)",
               Quote(gate.metric) + " with no tracking upstream configured");
  }
}

std::optional<GateComparator> ReadComparator(PolicyReader& in, const rj::Value& op,
                                             const std::string& path) {
  std::optional<int> w = in.ReadWord(op, path,
                                     {{">=", static_cast<int>(GateComparator::kGreaterEqual)},
                                      {">", static_cast<int>(GateComparator::kGreater)},
                                      {"<=", static_cast<int>(GateComparator::kLessEqual)},
                                      {"<", static_cast<int>(GateComparator::kLess)},
                                      {"==", static_cast<int>(GateComparator::kEqual)}},
                                     /*ignore_case=*/false);
  if (!w) return std::nullopt;
  return static_cast<GateComparator>(*w);
}

// Exactly one kind of gate, and each with what it needs.
void CheckGateKind(PolicyReader& in, const std::string& path, const rj::Value* op,
                   const rj::Value* threshold, const rj::Value* regression) {
  const bool is_threshold = op != nullptr || threshold != nullptr;
  if (is_threshold && regression != nullptr) {
    in.Problem(path,
               "either \"op\" with \"threshold\" (a threshold gate) or \"max_regression\" (a "
               "regression gate); write two gates for two checks",
               "both");
  } else if (!is_threshold && regression == nullptr) {
    in.Problem(path,
               "either \"op\" with \"threshold\" (a threshold gate) or \"max_regression\" (a "
               "regression gate)",
               "neither");
  } else if (is_threshold && op == nullptr) {
    in.Problem(Child(path, "op"),
               "a comparison for the threshold (\">=\", \">\", \"<=\", \"<\", \"==\")", "nothing");
  } else if (is_threshold && threshold == nullptr) {
    in.Problem(Child(path, "threshold"), "the number \"op\" compares the metric with", "nothing");
  }
}

void ReadComparison(PolicyReader& in, const rj::Value& v, const std::string& path,
                    QualityGate& gate) {
  const rj::Value* op = Member(v, "op");
  const rj::Value* threshold = Member(v, "threshold");
  const rj::Value* regression = Member(v, "max_regression");
  if (op != nullptr) gate.comparator = ReadComparator(in, *op, Child(path, "op"));
  if (threshold != nullptr) {
    if (auto t = in.ReadNumber(*threshold, Child(path, "threshold"))) gate.threshold = *t;
  }
  if (regression != nullptr) {
    const std::string r_path = Child(path, "max_regression");
    gate.max_regression = in.ReadNumber(*regression, r_path);
    if (gate.max_regression && *gate.max_regression < 0) {
      in.Problem(r_path, "a number >= 0 (the largest allowed drop)",
                 FormatNumber(*gate.max_regression));
    }
  }
  CheckGateKind(in, path, op, threshold, regression);
  if (const rj::Value* b = Member(v, "higher_is_better")) {
    if (auto higher = in.ReadBool(*b, Child(path, "higher_is_better"))) {
      gate.higher_is_better = *higher;
    }
    if ((op != nullptr || threshold != nullptr) && regression == nullptr) {
      in.Problem(Child(path, "higher_is_better"),
                 "no \"higher_is_better\" on a threshold gate (\"op\" already says which way is "
                 "better)",
                 Describe(*b));
    }
  }
}

}  // namespace

void ParseGate(PolicyReader& in, const rj::Value& v, const std::string& path, QualityGate& gate) {
  if (!in.CheckObject(v, path,
                      {"description", "id", "mode", "stage", "metric", "op", "threshold",
                       "max_regression", "higher_is_better"})) {
    return;
  }
  in.ReadDescription(v, path);
  if (auto id = in.ReadRuleId(v, path)) gate.id = std::move(*id);
  if (const rj::Value* m = Member(v, "mode")) {
    if (auto mode = in.ReadMode(*m, Child(path, "mode"))) gate.mode = *mode;
  }
  if (const rj::Value* s = Member(v, "stage")) {
    if (auto stage = in.ReadStage(*s, Child(path, "stage"), /*promotion_only=*/true)) {
      gate.stage = *stage;
    }
  }
  ReadMetric(in, v, path, gate);
  ReadComparison(in, v, path, gate);
}

}  // namespace policy_loader
}  // namespace modelwarden
