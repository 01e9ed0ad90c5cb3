// Each rule kind on its own: naming, mandatory metadata, model cards, lifecycle, quality gates.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "enforcement/policy/metadata_rule.h"
#include "enforcement/policy/model_card.h"
#include "enforcement/policy/naming_rule.h"
#include "enforcement/policy/policy_loader.h"
#include "enforcement/policy/promotion_gate.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Policy Parse(const std::string& json) {
  Result<Policy> policy = ParsePolicy(json, "test.json");
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  return policy.ok() ? *policy : Policy{};
}

std::vector<std::string> FailedIds(const std::vector<CheckResult>& checks) {
  std::vector<std::string> ids;
  for (const CheckResult& c : checks) {
    if (!c.passed) ids.push_back(c.rule_id);
  }
  return ids;
}

ModelVersion Version(int64_t number, std::vector<Tag> tags, std::string description = "") {
  ModelVersion v;
  v.name = "fraud.detector";
  v.version = number;
  v.tags = std::move(tags);
  v.description = std::move(description);
  return v;
}

TEST(NamingRuleTest, ChecksSlashLengthPrefixAndPattern) {
  Policy policy = Parse(R"({"naming": {"mode": "enforce",
      "pattern": "^[a-z][a-z0-9-]*\\.[a-z][a-z0-9-]*$", "min_length": 3, "max_length": 20,
      "reserved_prefixes": ["tmp."], "hint": "<project>.<model>"}})");
  EXPECT_THAT(FailedIds(CheckModelName(policy.naming, "fraud.detector", false)), IsEmpty());
  EXPECT_THAT(FailedIds(CheckModelName(policy.naming, "fraud/detector", false)),
              ElementsAre("naming.slash", "naming.pattern"));
  EXPECT_THAT(FailedIds(CheckModelName(policy.naming, "tmp.scratch", false)),
              ElementsAre("naming.reserved-prefix"));
  EXPECT_THAT(FailedIds(CheckModelName(policy.naming, "a.very-long-model-name", false)),
              ElementsAre("naming.length"));
  auto checks = CheckModelName(policy.naming, "Fraud.Detector", false);
  ASSERT_THAT(FailedIds(checks), ElementsAre("naming.pattern"));
  for (const CheckResult& c : checks) {
    if (!c.passed) {
      EXPECT_NE(c.fix.find("<project>.<model>"), std::string::npos);
    }
  }
}

TEST(NamingRuleTest, PromptsAreExemptAndOffChecksNothing) {
  Policy policy = Parse(R"({"naming": {"mode": "enforce", "pattern": "^[a-z]+\\.[a-z]+$"}})");
  // Prompts skip the pattern only: '/' still breaks prompts:/ URIs.
  EXPECT_THAT(FailedIds(CheckModelName(policy.naming, "My_Prompt", /*is_prompt=*/true)), IsEmpty());
  EXPECT_THAT(FailedIds(CheckModelName(policy.naming, "my/prompt", /*is_prompt=*/true)),
              ElementsAre("naming.slash"));
  EXPECT_THAT(FailedIds(CheckModelName(policy.naming, "My_Prompt", false)),
              ElementsAre("naming.pattern"));
  Policy off = Parse(R"({"naming": {"mode": "off", "pattern": "^[a-z]+$"}})");
  EXPECT_THAT(CheckModelName(off.naming, "UPPER/slash", false), IsEmpty());
}

TEST(MetadataRuleTest, AppliesOnlyAtItsCheckpoints) {
  Policy policy = Parse(R"({"requirements": [
      {"id": "owner", "target": "model_tag", "key": "owner", "applies_at": ["production"]},
      {"id": "data", "target": "version_tag", "key": "training_data_version",
       "applies_at": ["registration", "staging"]}]})");
  RegisteredModel model;
  ModelVersion version = Version(1, {});
  EXPECT_THAT(
      FailedIds(CheckMetadata(policy.requirements, Checkpoint::kProduction, &model, &version)),
      ElementsAre("owner"));
  EXPECT_THAT(FailedIds(CheckMetadata(policy.requirements, Checkpoint::kStaging, &model, &version)),
              ElementsAre("data"));
  // A model being registered has no version yet: version requirements are skipped.
  EXPECT_THAT(CheckMetadata(policy.requirements, Checkpoint::kRegistration, &model, nullptr),
              IsEmpty());
}

TEST(MetadataRuleTest, AllowedValuesPatternAndRange) {
  Policy policy = Parse(R"({"requirements": [
      {"id": "risk", "target": "model_tag", "key": "risk_level",
       "allowed_values": ["low", "medium", "high"], "applies_at": ["production"]},
      {"id": "owner", "target": "model_tag", "key": "owner", "pattern": "^[^@]+@[^@]+$",
       "applies_at": ["production"]},
      {"id": "auc", "target": "version_tag", "key": "metrics.auc", "min": 0, "max": 1,
       "applies_at": ["production"]},
      {"id": "desc", "target": "model_description", "applies_at": ["production"]}]})");
  RegisteredModel model;
  model.tags = {{"risk_level", "extreme"}, {"owner", "alice"}};
  ModelVersion version = Version(1, {{"metrics.auc", "1.5"}});
  auto checks = CheckMetadata(policy.requirements, Checkpoint::kProduction, &model, &version);
  EXPECT_THAT(FailedIds(checks), ElementsAre("risk", "owner", "auc", "desc"));
  EXPECT_NE(checks[0].message.find("allowed: low, medium, high"), std::string::npos);
  EXPECT_NE(checks[2].message.find("outside [0, 1]"), std::string::npos);

  model.tags = {{"risk_level", "low"}, {"owner", "alice@example.com"}};
  model.description = "Scores card transactions.";
  version = Version(1, {{"metrics.auc", "0.91"}});
  EXPECT_THAT(
      FailedIds(CheckMetadata(policy.requirements, Checkpoint::kProduction, &model, &version)),
      IsEmpty());
  version = Version(1, {{"metrics.auc", "high"}});
  EXPECT_THAT(
      FailedIds(CheckMetadata(policy.requirements, Checkpoint::kProduction, &model, &version)),
      ElementsAre("auc"));
}

TEST(ModelCardTest, FindsFilledSectionsOnly) {
  const std::string card =
      "# Fraud detector\n\n## Intended use\nScoring card payments.\n\n## Limitations\n\n"
      "## Training data\n```\n# not a heading\n```\n### Evaluation\nAUC 0.91\n";
  // "Fraud detector" and "Limitations" have no text of their own; the fenced "# not a
  // heading" is text, not a heading.
  EXPECT_THAT(FilledSections(card), ElementsAre("Intended use", "Training data", "Evaluation"));
  EXPECT_THAT(MissingSections(card, {"intended use", "Limitations", "EVALUATION"}),
              ElementsAre("Limitations"));
}

TEST(ModelCardTest, ClosingHashesTabsAndTildeFences) {
  const std::string card =
      "##\tIntended use ##\nFraud.\n~~~\n## Not a heading\n~~~\n## Limitations #\nLoans.\n";
  EXPECT_THAT(FilledSections(card), ElementsAre("Intended use", "Limitations"));
  EXPECT_THAT(FilledSections("## C# ##\ntext\n"), ElementsAre("C#"));
}

TEST(MetadataRuleTest, HugeValuesAreMatchedWholeAndQuotedShort) {
  Policy policy = Parse(R"({"requirements": [{"id": "desc", "target": "model_description",
      "pattern": "^[\\s\\S]{40,}$", "applies_at": ["production"]},
      {"id": "word", "target": "model_description", "pattern": "^[a-z]+$",
       "applies_at": ["staging"]}]})");
  RegisteredModel model;
  // Matched whole whatever their length: no cut-off beyond MLflow's own limits.
  model.description = std::string(1000000, 'a');
  EXPECT_THAT(
      FailedIds(CheckMetadata(policy.requirements, Checkpoint::kProduction, &model, nullptr)),
      IsEmpty());
  EXPECT_THAT(FailedIds(CheckMetadata(policy.requirements, Checkpoint::kStaging, &model, nullptr)),
              IsEmpty());
  model.description = std::string(kMaxTagValueLength, 'a') + "!";
  auto checks = CheckMetadata(policy.requirements, Checkpoint::kStaging, &model, nullptr);
  ASSERT_THAT(FailedIds(checks), ElementsAre("word"));
  EXPECT_LT(checks[0].message.size(), 300u);
  EXPECT_NE(checks[0].message.find("(100001 characters), which does not match ^[a-z]+$"),
            std::string::npos);
}

TEST(NamingRuleTest, HugeNamesFailOnLengthOnly) {
  Policy policy = Parse(R"({"naming": {"mode": "enforce", "pattern": "^[a-z.]+$"}})");
  EXPECT_THAT(FailedIds(CheckModelName(policy.naming, std::string(1000000, 'a'), false)),
              ElementsAre("naming.length"));
  EXPECT_THAT(FailedIds(CheckModelName(policy.naming, std::string(60000, 'a') + "!", false)),
              ElementsAre("naming.length", "naming.pattern"));
}

TEST(ModelCardTest, RequiredSectionsGrowWithStageAndRisk) {
  Policy policy = Parse(R"({"model_card": {"mode": "enforce",
      "staging_sections": ["Intended use"], "production_sections": ["Evaluation"],
      "high_risk": {"tag": "risk_level", "values": ["high"], "extra_sections": ["Fairness"]}}})");
  RegisteredModel model;
  EXPECT_THAT(RequiredSections(policy.model_card, Stage::kStaging, model),
              ElementsAre("Intended use"));
  EXPECT_THAT(RequiredSections(policy.model_card, Stage::kProduction, model),
              ElementsAre("Intended use", "Evaluation"));
  model.tags = {{"risk_level", "high"}};
  EXPECT_THAT(RequiredSections(policy.model_card, Stage::kProduction, model),
              ElementsAre("Intended use", "Evaluation", "Fairness"));
  EXPECT_THAT(RequiredSections(policy.model_card, Stage::kArchived, model), IsEmpty());
}

TEST(ModelCardTest, CardTagOrDescription) {
  Policy policy = Parse(R"({"model_card": {"mode": "enforce",
      "staging_sections": ["Intended use", "Limitations"]}})");
  RegisteredModel model;
  ModelVersion none = Version(1, {});
  EXPECT_THAT(FailedIds(CheckModelCard(policy.model_card, Stage::kStaging, model, none)),
              ElementsAre("model-card.staging"));
  ModelVersion described =
      Version(1, {}, "## Intended use\nfraud\n## Limitations\nnot for loans\n");
  EXPECT_THAT(FailedIds(CheckModelCard(policy.model_card, Stage::kStaging, model, described)),
              IsEmpty());
  ModelVersion partial = Version(1, {{kModelCardTagKey, "## Intended use\nfraud\n"}});
  auto checks = CheckModelCard(policy.model_card, Stage::kStaging, model, partial);
  ASSERT_THAT(FailedIds(checks), ElementsAre("model-card.staging"));
  EXPECT_NE(checks[0].message.find("'Limitations'"), std::string::npos);

  Policy strict = Parse(R"({"model_card": {"mode": "enforce", "accept_description": false,
      "staging_sections": ["Intended use"]}})");
  ModelVersion only_description = Version(1, {}, "## Intended use\nfraud\n");
  EXPECT_THAT(
      FailedIds(CheckModelCard(strict.model_card, Stage::kStaging, model, only_description)),
      ElementsAre("model-card.staging"));
}

TEST(LifecycleTest, AllowedTransitions) {
  Policy policy = Parse(R"({"lifecycle": {"mode": "enforce", "allowed_transitions": {
      "None": ["Staging", "Archived"], "Staging": ["Production", "None"],
      "Production": ["Archived"]}}})");
  EXPECT_THAT(FailedIds(CheckTransition(policy.lifecycle, Stage::kNone, Stage::kStaging)),
              IsEmpty());
  EXPECT_THAT(FailedIds(CheckTransition(policy.lifecycle, Stage::kNone, Stage::kProduction)),
              ElementsAre("lifecycle.transition"));
  // Archived is not a key: versions there cannot move.
  EXPECT_THAT(FailedIds(CheckTransition(policy.lifecycle, Stage::kArchived, Stage::kStaging)),
              ElementsAre("lifecycle.transition"));
  EXPECT_THAT(CheckTransition(policy.lifecycle, Stage::kStaging, Stage::kStaging), IsEmpty());
  Policy any = Parse(R"({"lifecycle": {"mode": "enforce"}})");
  EXPECT_THAT(CheckTransition(any.lifecycle, Stage::kNone, Stage::kProduction), IsEmpty());
}

TEST(QualityGateTest, ThresholdGate) {
  Policy policy = Parse(R"({"gates": [{"id": "auc", "stage": "Production",
      "metric": "metrics.auc", "op": ">=", "threshold": 0.85}]})");
  auto low = CheckGates(policy.gates, Stage::kProduction, Version(2, {{"metrics.auc", "0.8"}}),
                        nullptr, "");
  ASSERT_THAT(FailedIds(low), ElementsAre("auc"));
  EXPECT_NE(low[0].message.find("0.8"), std::string::npos);
  EXPECT_THAT(FailedIds(CheckGates(policy.gates, Stage::kProduction,
                                   Version(2, {{"metrics.auc", "0.85"}}), nullptr, "")),
              IsEmpty());
  EXPECT_THAT(FailedIds(CheckGates(policy.gates, Stage::kProduction, Version(2, {}), nullptr, "")),
              ElementsAre("auc"));
  EXPECT_THAT(CheckGates(policy.gates, Stage::kStaging, Version(2, {}), nullptr, ""), IsEmpty());
}

TEST(QualityGateTest, RegressionGateComparesWithTheIncumbent) {
  Policy policy = Parse(R"({"gates": [
      {"id": "auc-regression", "stage": "Production", "metric": "metrics.auc",
       "max_regression": 0.01},
      {"id": "latency-regression", "stage": "Production", "metric": "metrics.p99_ms",
       "max_regression": 5, "higher_is_better": false}]})");
  ModelVersion incumbent = Version(3, {{"metrics.auc", "0.90"}, {"metrics.p99_ms", "40"}});
  ModelVersion slightly_worse = Version(4, {{"metrics.auc", "0.895"}, {"metrics.p99_ms", "44"}});
  EXPECT_THAT(FailedIds(CheckGates(policy.gates, Stage::kProduction, slightly_worse, &incumbent,
                                   "version 3")),
              IsEmpty());
  ModelVersion worse = Version(4, {{"metrics.auc", "0.85"}, {"metrics.p99_ms", "60"}});
  auto checks = CheckGates(policy.gates, Stage::kProduction, worse, &incumbent, "version 3");
  EXPECT_THAT(FailedIds(checks), ElementsAre("auc-regression", "latency-regression"));
  EXPECT_NE(checks[0].message.find("version 3"), std::string::npos);
  // The first version to hold the stage has nothing to regress from.
  EXPECT_THAT(FailedIds(CheckGates(policy.gates, Stage::kProduction, worse, nullptr, "")),
              IsEmpty());
}

TEST(CheckTest, DenialListsEveryEnforcedFailureOnItsOwnLine) {
  std::vector<CheckResult> checks = {
      Failed("a", RuleMode::kEnforce, "first", "fix a"),
      Failed("b", RuleMode::kWarn, "second", "fix b"),
      Passed("c", RuleMode::kEnforce, "third"),
      Failed("d", RuleMode::kEnforce, "fourth", ""),
  };
  EXPECT_TRUE(IsDenied(checks));
  Status status = DenialStatus("Promotion denied", checks);
  EXPECT_EQ(status.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(status.message(),
            "Promotion denied (2 checks failed):\n[a] first. Fix: fix a\n[d] fourth");
  EXPECT_THAT(Warnings(checks), ElementsAre("[b] second. Fix: fix b"));
  EXPECT_FALSE(IsDenied({checks[1], checks[2]}));
}

}  // namespace
}  // namespace modelwarden

namespace modelwarden {
namespace {

TEST(QualityGateTest, RunMetricGateReadsTheRunAndFailsClosed) {
  PolicyLoadOptions options;
  options.tracker_configured = true;
  Result<Policy> policy = ParsePolicy(R"({"gates": [{"id": "val-auc", "stage": "Production",
      "metric": "run.metrics.val_auc", "op": ">=", "threshold": 0.9}]})",
                                      "test.json", options);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  const ModelVersion version = Version(3, {{"run.metrics.val_auc", "0.99"}});  // Tags ignored.
  RunMetrics good{"run1", Status::Ok(), {{"val_auc", 0.93}}};
  auto passed = CheckGates(policy->gates, Stage::kProduction, version, nullptr, "", &good);
  ASSERT_EQ(passed.size(), 1u);
  EXPECT_TRUE(passed[0].passed) << passed[0].message;
  EXPECT_THAT(passed[0].values,
              ElementsAre(std::pair<std::string, std::string>{"run.metrics.val_auc", "0.93"},
                          std::pair<std::string, std::string>{"run_id", "run1"}));

  RunMetrics low{"run2", Status::Ok(), {{"val_auc", 0.7}}};
  EXPECT_THAT(FailedIds(CheckGates(policy->gates, Stage::kProduction, version, nullptr, "", &low)),
              ElementsAre("val-auc"));
  RunMetrics unreachable{"run1", Status::Unavailable("tracker down"), {}};
  auto closed = CheckGates(policy->gates, Stage::kProduction, version, nullptr, "", &unreachable);
  ASSERT_THAT(FailedIds(closed), ElementsAre("val-auc"));
  EXPECT_NE(closed[0].message.find("tracker down"), std::string::npos);
  RunMetrics no_run{"", Status::Ok(), {}};
  EXPECT_THAT(
      FailedIds(CheckGates(policy->gates, Stage::kProduction, version, nullptr, "", &no_run)),
      ElementsAre("val-auc"));
  // Not read at all (the offline report): failed, never passed by default.
  EXPECT_THAT(FailedIds(CheckGates(policy->gates, Stage::kProduction, version, nullptr, "")),
              ElementsAre("val-auc"));
}

}  // namespace
}  // namespace modelwarden
