// CheckResult: the outcome of one policy check, and how a list of them becomes a decision.
// Rules are plain functions returning CheckResults, so composing them is concatenation and a
// denial can list every failed check at once.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "enforcement/policy/policy.h"
#include "registry/entities.h"
#include "registry/status.h"

namespace modelwarden {

struct CheckResult {
  std::string rule_id;
  RuleMode mode = RuleMode::kEnforce;
  bool passed = true;
  std::string message;  // What was checked and found, e.g. "tag 'owner' is missing".
  std::string fix;      // How to comply; empty when passed.
  // The inputs the check used, in order, e.g. {"run.metrics.val_auc", "0.93"}, {"run_id", ...};
  // shown by the dry-run endpoint.
  std::vector<std::pair<std::string, std::string>> values;
};

CheckResult Passed(std::string rule_id, RuleMode mode, std::string message);
CheckResult Failed(std::string rule_id, RuleMode mode, std::string message, std::string fix);

std::string_view RuleModeName(RuleMode mode);

// Passed, failed (enforce mode) or warned (a failure in warn mode).
CheckOutcome OutcomeOf(const CheckResult& check);

bool IsDenied(const std::vector<CheckResult>& checks);

// One line per failed check in warn mode: "[rule] message. Fix: ...".
std::vector<std::string> Warnings(const std::vector<CheckResult>& checks);
// One line per failed check in either mode: "[rule] (enforce) message. Fix: ...".
std::vector<std::string> Findings(const std::vector<CheckResult>& checks);

// INVALID_PARAMETER_VALUE listing every failed enforced check on its own line, under `what`
// (e.g. "Promotion of m version 3 to Production denied by policy").
Status DenialStatus(const std::string& what, const std::vector<CheckResult>& checks);

std::vector<AuditCheck> ToAuditChecks(const std::vector<CheckResult>& checks);

// `text` in single quotes for a message, cut to 80 bytes with its full length noted, so that
// no value a client sends makes a message or header unbounded.
std::string QuoteForMessage(std::string_view text);

}  // namespace modelwarden
