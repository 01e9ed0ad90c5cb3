// The "approvals" and "retention" sections of the policy file: what loads, and every mistake
// reported with its JSON path in the loader's words. Retention rules destroy data, so what they
// do must be written out: their mode, action, selector and what they keep.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "enforcement/policy/policy_loader.h"

namespace modelwarden {
namespace {

constexpr char kSource[] = "policy.json";

PolicyLoadOptions WithAuth(bool auth = true) {
  PolicyLoadOptions options;
  options.auth_enabled = auth;
  return options;
}

std::string ErrorOf(std::string_view json, bool auth = true) {
  Result<Policy> policy = ParsePolicy(json, kSource, WithAuth(auth));
  if (policy.ok()) return "";
  EXPECT_EQ(policy.status().code(), ErrorCode::kInvalidParameterValue);
  return policy.status().message();
}

::testing::AssertionResult Contains(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not found in:\n" << text;
}

TEST(PolicyLoaderLifecycleTest, ApprovalsLoad) {
  Result<Policy> policy = ParsePolicy(R"({"approvals": {"expires_after_hours": 12, "rules": [
      {"id": "prod", "stages": ["Production", "staging"], "aliases": false,
       "model_pattern": "^fraud\\..*$"},
      {"id": "all", "mode": "warn", "stages": ["Production"]}]}})",
                                      kSource, WithAuth());
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  ASSERT_EQ(policy->approvals.rules.size(), 2u);
  EXPECT_EQ(policy->approvals.expires_after_hours, 12);
  const ApprovalRule& prod = policy->approvals.rules[0];
  EXPECT_EQ(prod.mode, RuleMode::kEnforce);
  EXPECT_EQ(prod.stages, (std::vector<Stage>{Stage::kProduction, Stage::kStaging}));
  EXPECT_FALSE(prod.aliases);
  ASSERT_TRUE(prod.model_pattern.has_value());
  EXPECT_TRUE(prod.model_pattern->regex.FullMatch("fraud.scorer"));
  EXPECT_TRUE(policy->approvals.rules[1].aliases);
  EXPECT_FALSE(policy->approvals.rules[1].model_pattern.has_value());
}

TEST(PolicyLoaderLifecycleTest, ApprovalMistakesAreReportedWithTheirPath) {
  EXPECT_EQ(ErrorOf(R"({"approvals": {"rules": [{"id": "a", "stages": ["Archived"]}]}})"),
            "policy.json: $.approvals.rules[0].stages[0]: expected \"Staging\" or "
            "\"Production\", got \"Archived\"");
  EXPECT_EQ(ErrorOf(R"({"approvals": {"rules": [{"id": "a"}]}})"),
            "policy.json: $.approvals.rules[0].stages: expected a non-empty array of "
            "\"Staging\" and/or \"Production\", got nothing (which moves does the rule hold for "
            "approval?)");
  EXPECT_EQ(ErrorOf(R"({"approvals": {"expires_after_hours": 0, "rules": []}})"),
            "policy.json: $.approvals.expires_after_hours: expected a whole number of hours "
            "from 1 to 8784, got 0");
  EXPECT_EQ(ErrorOf(R"({"approvals": {"rule": []}})"),
            "policy.json: $.approvals.rule: expected one of the keys \"description\", "
            "\"expires_after_hours\", \"rules\", got unknown key \"rule\"\n"
            "policy.json: $.approvals.rules: expected an array of approval rules, got nothing");
  EXPECT_TRUE(Contains(ErrorOf(R"json({"approvals": {"rules": [
      {"id": "a", "stages": ["Production"], "model_pattern": "(?=x)"}]}})json"),
                       "$.approvals.rules[0].model_pattern: expected a regular expression in "
                       "RE2 syntax"));
  // Ids are shared with the other rules.
  EXPECT_TRUE(Contains(ErrorOf(R"({"gates": [{"id": "a", "metric": "m", "op": ">",
      "threshold": 0}], "approvals": {"rules": [{"id": "a", "stages": ["Production"]}]}})"),
                       "$.approvals.rules[0].id: expected a rule id used once"));
}

TEST(PolicyLoaderLifecycleTest, EnforcedApprovalsNeedAuthentication) {
  const char* json = R"({"approvals": {"rules": [{"id": "a", "stages": ["Production"]}]}})";
  EXPECT_EQ(ErrorOf(json, /*auth=*/false),
            "policy.json: $.approvals.rules[0]: expected a server that authenticates its "
            "callers (start it with --auth: without it every caller is anonymous and no one "
            "could approve another's request), got an enforced approval rule and "
            "authentication off");
  EXPECT_EQ(ErrorOf(R"({"approvals": {"rules": [{"id": "a", "mode": "warn",
      "stages": ["Production"]}]}})",
                    /*auth=*/false),
            "");
}

TEST(PolicyLoaderLifecycleTest, RetentionLoads) {
  Result<Policy> policy = ParsePolicy(R"({"retention": {"rules": [
      {"id": "dev", "mode": "enforce", "model_pattern": "^dev\\.", "model_tag":
       {"key": "team", "value": "risk"}, "include_prompts": true, "stages": ["none", "Archived"],
       "keep_latest": 5, "older_than_days": 30, "action": "delete"},
      {"id": "tidy", "mode": "warn", "model_tag": {"key": "tier"}, "keep_latest": 0,
       "action": "archive"}]}})",
                                      kSource);
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  ASSERT_EQ(policy->retention.size(), 2u);
  const RetentionRule& dev = policy->retention[0];
  EXPECT_EQ(dev.stages, (std::vector<Stage>{Stage::kNone, Stage::kArchived}));
  EXPECT_EQ(dev.keep_latest, 5);
  EXPECT_EQ(dev.older_than_days, 30);
  EXPECT_EQ(dev.tag_key, "team");
  EXPECT_EQ(dev.tag_value, "risk");
  EXPECT_TRUE(dev.include_prompts);
  const RetentionRule& tidy = policy->retention[1];
  EXPECT_EQ(tidy.mode, RuleMode::kWarn);
  EXPECT_EQ(tidy.action, RetentionAction::kArchive);
  EXPECT_EQ(tidy.stages, (std::vector<Stage>{Stage::kNone}));
  EXPECT_FALSE(tidy.tag_value.has_value());
  EXPECT_FALSE(tidy.older_than_days.has_value());
  EXPECT_FALSE(tidy.include_prompts);
}

TEST(PolicyLoaderLifecycleTest, ARetentionRuleMustSayWhatItDestroys) {
  EXPECT_EQ(ErrorOf(R"({"retention": {"rules": [{"id": "r"}]}})"),
            "policy.json: $.retention.rules[0].mode: expected one of \"off\", \"warn\", "
            "\"enforce\", got nothing (a retention rule must say it; \"warn\" only reports)\n"
            "policy.json: $.retention.rules[0].action: expected one of \"delete\", \"archive\", "
            "got nothing (a retention rule must say it)\n"
            "policy.json: $.retention.rules[0]: expected \"model_pattern\", \"model_tag\" or both "
            "(which models the rule cleans up; \"model_pattern\": \".*\" for every model), got "
            "neither\n"
            "policy.json: $.retention.rules[0]: expected \"keep_latest\", \"older_than_days\" or "
            "both (which versions the rule leaves alone), got neither");
}

TEST(PolicyLoaderLifecycleTest, RetentionMistakesAreReportedWithTheirPath) {
  const auto rule = [](const std::string& fields) {
    return R"({"retention": {"rules": [{"id": "r", "mode": "enforce", "action": "delete",
        "model_pattern": ".*", "keep_latest": 1)" +
           fields + "}]}}";
  };
  EXPECT_EQ(ErrorOf(rule(R"(, "stages": ["Production"])")),
            "policy.json: $.retention.rules[0].stages[0]: expected a non-empty array of "
            "\"None\" and/or \"Archived\" (versions in Staging and Production are never "
            "touched), got \"Production\"");
  EXPECT_EQ(ErrorOf(rule(R"(, "older_than_days": -1)")),
            "policy.json: $.retention.rules[0].older_than_days: expected a whole number from 0 "
            "to 36600 (only versions created longer ago are touched), got -1");
  EXPECT_EQ(ErrorOf(rule(R"(, "stages": ["None", "none"])")),
            "policy.json: $.retention.rules[0].stages[1]: expected each stage once, got "
            "\"none\"");
  EXPECT_EQ(ErrorOf(rule(R"(, "model_tag": {"value": "x"})")),
            "policy.json: $.retention.rules[0].model_tag.key: expected the registered-model tag "
            "a model must have, got nothing");
  EXPECT_EQ(ErrorOf(R"({"retention": {"rules": [{"id": "r", "mode": "enforce",
      "action": "archive", "model_pattern": ".*", "keep_latest": 1,
      "stages": ["Archived"]}]}})"),
            "policy.json: $.retention.rules[0].stages: expected only \"None\" for an "
            "\"archive\" rule (archiving an Archived version changes nothing), got "
            "\"Archived\"");
  EXPECT_EQ(ErrorOf(rule(R"(, "action": "purge")")),
            "policy.json: $.retention.rules[0].action: expected each key once, got a duplicate "
            "key \"action\"");
  EXPECT_EQ(ErrorOf(R"({"retention": {"rules": [{"id": "r", "mode": "enforce",
      "action": "purge", "model_pattern": ".*", "keep_latest": 1}]}})"),
            "policy.json: $.retention.rules[0].action: expected one of \"delete\", \"archive\", "
            "got \"purge\"");
  EXPECT_EQ(ErrorOf(R"({"retention": []})"),
            "policy.json: $.retention: expected an object, got an array");
}

}  // namespace
}  // namespace modelwarden
