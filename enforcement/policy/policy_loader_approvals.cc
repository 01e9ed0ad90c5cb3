// $.approvals: four-eyes rules, the moves a second person must approve before they are made.
#include <set>
#include <string>
#include <utility>

#include "enforcement/policy/policy_loader_sections.h"

namespace modelwarden {
namespace policy_loader {
namespace {

// A year: an approval left open longer is a request nobody means to decide.
constexpr int64_t kMaxExpiryHours = 24 * 366;

void ReadStages(PolicyReader& in, const rj::Value* s, const std::string& path, ApprovalRule& rule) {
  const char* expected = "a non-empty array of \"Staging\" and/or \"Production\"";
  if (s == nullptr) {
    in.Problem(path, expected, "nothing (which moves does the rule hold for approval?)");
    return;
  }
  if (!s->IsArray() || s->Empty()) {
    in.Problem(path, expected, s->IsArray() ? "[]" : Describe(*s));
    return;
  }
  std::set<Stage> seen;
  for (rj::SizeType i = 0; i < s->Size(); ++i) {
    std::optional<Stage> stage = in.ReadStage((*s)[i], Index(path, i), /*promotion_only=*/true);
    if (!stage) continue;
    if (!seen.insert(*stage).second) {
      in.Problem(Index(path, i), "each stage once", Describe((*s)[i]));
      continue;
    }
    rule.stages.push_back(*stage);
  }
}

void ParseRule(PolicyReader& in, const rj::Value& v, const std::string& path, ApprovalRule& rule) {
  if (!in.CheckObject(v, path,
                      {"description", "id", "mode", "stages", "aliases", "model_pattern"})) {
    return;
  }
  in.ReadDescription(v, path);
  if (auto id = in.ReadRuleId(v, path)) rule.id = std::move(*id);
  if (const rj::Value* m = Member(v, "mode")) {
    if (auto mode = in.ReadMode(*m, Child(path, "mode"))) rule.mode = *mode;
  }
  ReadStages(in, Member(v, "stages"), Child(path, "stages"), rule);
  if (const rj::Value* a = Member(v, "aliases")) {
    if (auto aliases = in.ReadBool(*a, Child(path, "aliases"))) rule.aliases = *aliases;
  }
  if (const rj::Value* p = Member(v, "model_pattern")) {
    rule.model_pattern = in.ReadPattern(*p, Child(path, "model_pattern"));
  }
  if (rule.mode == RuleMode::kEnforce && !in.options().auth_enabled) {
    in.Problem(path,
               "a server that authenticates its callers (start it with --auth: without it "
               "every caller is anonymous and no one could approve another's request)",
               "an enforced approval rule and authentication off");
  }
}

}  // namespace

void ParseApprovals(PolicyReader& in, const rj::Value& v, const std::string& path,
                    ApprovalsPolicy& approvals) {
  if (!in.CheckObject(v, path, {"description", "expires_after_hours", "rules"})) return;
  in.ReadDescription(v, path);
  if (const rj::Value* e = Member(v, "expires_after_hours")) {
    const std::string e_path = Child(path, "expires_after_hours");
    if (!e->IsInt64() || e->GetInt64() < 1 || e->GetInt64() > kMaxExpiryHours) {
      in.Problem(e_path, "a whole number of hours from 1 to " + std::to_string(kMaxExpiryHours),
                 Describe(*e));
    } else {
      approvals.expires_after_hours = e->GetInt64();
    }
  }
  const rj::Value* rules = Member(v, "rules");
  const std::string rules_path = Child(path, "rules");
  if (rules == nullptr) {
    in.Problem(rules_path, "an array of approval rules", "nothing");
    return;
  }
  if (!rules->IsArray()) {
    in.Problem(rules_path, "an array of approval rules", Describe(*rules));
    return;
  }
  for (rj::SizeType i = 0; i < rules->Size(); ++i) {
    ApprovalRule rule;
    ParseRule(in, (*rules)[i], Index(rules_path, i), rule);
    approvals.rules.push_back(std::move(rule));
  }
}

}  // namespace policy_loader
}  // namespace modelwarden
