#include "enforcement/policy/check.h"

#include <algorithm>

namespace modelwarden {

CheckResult Passed(std::string rule_id, RuleMode mode, std::string message) {
  return {std::move(rule_id), mode, true, std::move(message), "", {}};
}

CheckResult Failed(std::string rule_id, RuleMode mode, std::string message, std::string fix) {
  return {std::move(rule_id), mode, false, std::move(message), std::move(fix), {}};
}

std::string_view RuleModeName(RuleMode mode) {
  switch (mode) {
    case RuleMode::kOff:
      return "off";
    case RuleMode::kWarn:
      return "warn";
    case RuleMode::kEnforce:
      return "enforce";
  }
  return "off";
}

CheckOutcome OutcomeOf(const CheckResult& check) {
  if (check.passed) return CheckOutcome::kPassed;
  return check.mode == RuleMode::kEnforce ? CheckOutcome::kFailed : CheckOutcome::kWarned;
}

bool IsDenied(const std::vector<CheckResult>& checks) {
  return std::any_of(checks.begin(), checks.end(), [](const CheckResult& c) {
    return !c.passed && c.mode == RuleMode::kEnforce;
  });
}

namespace {
std::string Line(const CheckResult& check) {
  std::string line = "[" + check.rule_id + "] " + check.message;
  if (!check.fix.empty()) line += ". Fix: " + check.fix;
  return line;
}
}  // namespace

std::vector<std::string> Warnings(const std::vector<CheckResult>& checks) {
  std::vector<std::string> out;
  for (const CheckResult& c : checks) {
    if (!c.passed && c.mode == RuleMode::kWarn) out.push_back(Line(c));
  }
  return out;
}

std::vector<std::string> Findings(const std::vector<CheckResult>& checks) {
  std::vector<std::string> out;
  for (const CheckResult& c : checks) {
    if (c.passed || c.mode == RuleMode::kOff) continue;
    std::string line = Line(c);
    line.insert(line.find(']') + 1, " (" + std::string(RuleModeName(c.mode)) + ")");
    out.push_back(std::move(line));
  }
  return out;
}

Status DenialStatus(const std::string& what, const std::vector<CheckResult>& checks) {
  std::vector<const CheckResult*> failed;
  for (const CheckResult& c : checks) {
    if (!c.passed && c.mode == RuleMode::kEnforce) failed.push_back(&c);
  }
  std::string message = what + " (" + std::to_string(failed.size()) +
                        (failed.size() == 1 ? " check" : " checks") + " failed):";
  for (const CheckResult* c : failed) message += "\n" + Line(*c);
  return Status::InvalidArgument(message);
}

std::vector<AuditCheck> ToAuditChecks(const std::vector<CheckResult>& checks) {
  std::vector<AuditCheck> out;
  out.reserve(checks.size());
  for (const CheckResult& c : checks) {
    out.push_back({c.rule_id, OutcomeOf(c), c.message});
  }
  return out;
}

std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kShownLength = 80;
  if (text.size() <= kShownLength) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kShownLength)) + "...' (" + std::to_string(text.size()) +
         " characters)";
}

}  // namespace modelwarden
