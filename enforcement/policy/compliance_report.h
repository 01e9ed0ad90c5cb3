// The compliance report: every model and version of a registry checked against a policy, as a
// team migrating a legacy registry runs it first (`modelwarden policy report`). Reads only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "enforcement/policy/check.h"
#include "enforcement/policy/policy.h"
#include "registry/registry.h"

namespace modelwarden {

struct Violation {
  std::string model;
  std::optional<int64_t> version;
  std::string context;  // "name", "registration", "Staging", "Production", "alias champion".
  CheckResult check;    // A failed check (enforce or warn mode).
};

struct ComplianceReport {
  int64_t models = 0;
  int64_t versions = 0;
  std::vector<Violation> violations;
  int64_t models_with_violations = 0;
  // Models whose versions could not be listed (a name with a quote cannot be written in
  // MLflow's filter grammar): their names were checked, their versions were not.
  std::vector<std::string> versions_not_checked;
};

// Checks names and registration metadata of every model (prompts included) and version, and
// the promotion checks of every version in Staging or Production and of every alias the
// lifecycle maps to a stage (regression gates cannot be judged after the fact and are left
// out).
Result<ComplianceReport> BuildComplianceReport(Registry& registry, const Policy& policy);

// The same checks for one model and its live `versions`: every failed check (enforce or warn
// mode). Also what `modelwarden import` reports of a model it brings over.
std::vector<Violation> CheckModelCompliance(const Policy& policy, const RegisteredModel& model,
                                            const std::vector<ModelVersion>& versions);

}  // namespace modelwarden
