#include "enforcement/policy/policy_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#ifndef MODELWARDEN_SOURCE_DIR
#error "MODELWARDEN_SOURCE_DIR must name the source tree (the example policy is read from it)"
#endif

namespace modelwarden {
namespace {

constexpr char kSource[] = "policy.json";

Policy ParseOk(std::string_view json) {
  Result<Policy> policy = ParsePolicy(json, kSource);
  EXPECT_TRUE(policy.ok()) << policy.status().message();
  return policy.ok() ? std::move(policy).value() : Policy{};
}

// The message of a rejected policy (checking its code), "" when it loaded.
std::string ErrorOf(std::string_view json) {
  Result<Policy> policy = ParsePolicy(json, kSource);
  if (policy.ok()) return "";
  EXPECT_EQ(policy.status().code(), ErrorCode::kInvalidParameterValue);
  return policy.status().message();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

::testing::AssertionResult Contains(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not found in:\n" << text;
}

// ---------------------------------------------------------------------------------------
// Files that load

TEST(PolicyLoaderTest, ExampleFileLoads) {
  const std::string path = std::string(MODELWARDEN_SOURCE_DIR) + "/enforcement/policy.example.json";
  Result<Policy> loaded = LoadPolicyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Policy& policy = *loaded;
  EXPECT_EQ(policy.source, path);

  EXPECT_EQ(policy.naming.mode, RuleMode::kEnforce);
  ASSERT_TRUE(policy.naming.pattern.has_value());
  EXPECT_TRUE(policy.naming.pattern->regex.FullMatch("fraud.card-transactions"));
  EXPECT_FALSE(policy.naming.pattern->regex.FullMatch("fraud/card-transactions"));
  EXPECT_EQ(policy.naming.max_length, 120u);
  EXPECT_FALSE(policy.naming.hint.empty());

  ASSERT_GE(policy.requirements.size(), 6u);
  EXPECT_EQ(policy.requirements[0].id, "owner-tag");
  EXPECT_EQ(policy.requirements[0].target, MetadataTarget::kModelTag);
  EXPECT_EQ(policy.requirements[0].key, "owner");
  EXPECT_EQ(policy.requirements[0].applies_at,
            (std::vector<Checkpoint>{Checkpoint::kStaging, Checkpoint::kProduction}));
  bool has_version_tag = false;
  bool has_description = false;
  for (const MetadataRequirement& r : policy.requirements) {
    EXPECT_FALSE(r.applies_at.empty()) << r.id;
    has_version_tag = has_version_tag || r.target == MetadataTarget::kVersionTag;
    has_description = has_description || r.target == MetadataTarget::kModelDescription;
  }
  EXPECT_TRUE(has_version_tag);
  EXPECT_TRUE(has_description);

  EXPECT_EQ(policy.model_card.mode, RuleMode::kEnforce);
  EXPECT_FALSE(policy.model_card.staging_sections.empty());
  ASSERT_TRUE(policy.model_card.high_risk.has_value());
  EXPECT_EQ(policy.model_card.high_risk->tag_key, "risk_level");

  EXPECT_EQ(policy.lifecycle.mode, RuleMode::kEnforce);
  const std::vector<Stage>& from_none = policy.lifecycle.allowed_transitions.at(Stage::kNone);
  EXPECT_EQ(std::count(from_none.begin(), from_none.end(), Stage::kProduction), 0);
  EXPECT_EQ(policy.lifecycle.alias_stages.at("champion"), Stage::kProduction);
  EXPECT_EQ(policy.lifecycle.alias_stages.at("challenger"), Stage::kStaging);

  ASSERT_GE(policy.gates.size(), 2u);
  bool has_threshold = false;
  bool has_regression = false;
  for (const QualityGate& gate : policy.gates) {
    has_threshold = has_threshold || gate.comparator.has_value();
    has_regression = has_regression || gate.max_regression.has_value();
  }
  EXPECT_TRUE(has_threshold);
  EXPECT_TRUE(has_regression);
}

TEST(PolicyLoaderTest, EmptyObjectIsPermissive) {
  const Policy policy = ParseOk("{}");
  EXPECT_EQ(policy.source, kSource);
  EXPECT_EQ(policy.naming.mode, RuleMode::kOff);
  EXPECT_FALSE(policy.naming.pattern.has_value());
  EXPECT_TRUE(policy.requirements.empty());
  EXPECT_EQ(policy.model_card.mode, RuleMode::kOff);
  EXPECT_EQ(policy.lifecycle.mode, RuleMode::kOff);
  EXPECT_TRUE(policy.lifecycle.allowed_transitions.empty());
  EXPECT_TRUE(policy.lifecycle.alias_stages.empty());
  EXPECT_TRUE(policy.gates.empty());
}

TEST(PolicyLoaderTest, PresentSectionsDefaultToEnforce) {
  const Policy policy = ParseOk(R"({"naming": {}, "model_card": {}, "lifecycle": {}})");
  EXPECT_EQ(policy.naming.mode, RuleMode::kEnforce);
  EXPECT_EQ(policy.naming.min_length, 1u);
  EXPECT_EQ(policy.naming.max_length, 256u);
  EXPECT_TRUE(policy.naming.exempt_prompts);
  EXPECT_EQ(policy.model_card.mode, RuleMode::kEnforce);
  EXPECT_TRUE(policy.model_card.accept_description);
  EXPECT_EQ(policy.lifecycle.mode, RuleMode::kEnforce);
}

TEST(PolicyLoaderTest, MapsEveryField) {
  const Policy policy = ParseOk(R"({
    "description": "all fields",
    "naming": {"description": "d", "mode": "warn", "pattern": "[a-z]+\\.[a-z]+", "min_length": 0,
               "max_length": 0, "reserved_prefixes": ["tmp."], "hint": "p.m",
               "exempt_prompts": false},
    "requirements": [
      {"description": "d", "id": "r1", "mode": "off", "target": "version_tag", "key": "k",
       "applies_at": ["Registration", "staging", "PRODUCTION"], "allowed_values": ["a", "b"],
       "pattern": "[ab]", "min": -1.5, "max": 2, "hint": "h"},
      {"id": "r2", "target": "version_description", "applies_at": ["production"]},
      {"id": "r3", "key": "owner", "applies_at": ["staging"]}
    ],
    "model_card": {"description": "d", "mode": "off", "staging_sections": ["A"],
                   "production_sections": ["B", "C"], "accept_description": false,
                   "high_risk": {"description": "d", "tag": "risk", "values": ["high", "critical"],
                                 "extra_sections": ["Fairness"]}},
    "lifecycle": {"description": "d", "mode": "warn",
                  "allowed_transitions": {"none": ["staging"], "Production": []},
                  "alias_stages": {"champion": "production", "blue-green": "Staging"}},
    "gates": [
      {"description": "d", "id": "g1", "mode": "warn", "stage": "staging", "metric": "metrics.f1",
       "op": "<", "threshold": 0.85},
      {"id": "g2", "metric": "metrics.loss", "max_regression": 0, "higher_is_better": false}
    ]
  })");
  EXPECT_EQ(policy.naming.mode, RuleMode::kWarn);
  EXPECT_EQ(policy.naming.pattern->text, "[a-z]+\\.[a-z]+");
  EXPECT_EQ(policy.naming.min_length, 0u);
  EXPECT_EQ(policy.naming.max_length, 0u);
  EXPECT_EQ(policy.naming.reserved_prefixes, std::vector<std::string>{"tmp."});
  EXPECT_EQ(policy.naming.hint, "p.m");
  EXPECT_FALSE(policy.naming.exempt_prompts);

  ASSERT_EQ(policy.requirements.size(), 3u);
  const MetadataRequirement& r1 = policy.requirements[0];
  EXPECT_EQ(r1.id, "r1");
  EXPECT_EQ(r1.mode, RuleMode::kOff);
  EXPECT_EQ(r1.target, MetadataTarget::kVersionTag);
  EXPECT_EQ(r1.key, "k");
  EXPECT_EQ(r1.applies_at, (std::vector<Checkpoint>{Checkpoint::kRegistration, Checkpoint::kStaging,
                                                    Checkpoint::kProduction}));
  EXPECT_EQ(r1.allowed_values, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r1.pattern->text, "[ab]");
  EXPECT_EQ(r1.min, -1.5);
  EXPECT_EQ(r1.max, 2.0);
  EXPECT_EQ(r1.hint, "h");
  EXPECT_EQ(policy.requirements[1].target, MetadataTarget::kVersionDescription);
  EXPECT_EQ(policy.requirements[1].mode, RuleMode::kEnforce);
  EXPECT_EQ(policy.requirements[2].target, MetadataTarget::kModelTag);  // The default.
  EXPECT_FALSE(policy.requirements[2].min.has_value());

  EXPECT_EQ(policy.model_card.mode, RuleMode::kOff);
  EXPECT_EQ(policy.model_card.staging_sections, std::vector<std::string>{"A"});
  EXPECT_EQ(policy.model_card.production_sections, (std::vector<std::string>{"B", "C"}));
  EXPECT_FALSE(policy.model_card.accept_description);
  EXPECT_EQ(policy.model_card.high_risk->tag_key, "risk");
  EXPECT_EQ(policy.model_card.high_risk->values, (std::vector<std::string>{"high", "critical"}));
  EXPECT_EQ(policy.model_card.high_risk->extra_sections, std::vector<std::string>{"Fairness"});

  EXPECT_EQ(policy.lifecycle.mode, RuleMode::kWarn);
  EXPECT_EQ(policy.lifecycle.allowed_transitions.at(Stage::kNone),
            std::vector<Stage>{Stage::kStaging});
  EXPECT_TRUE(policy.lifecycle.allowed_transitions.at(Stage::kProduction).empty());
  EXPECT_EQ(policy.lifecycle.allowed_transitions.count(Stage::kStaging), 0u);
  EXPECT_EQ(policy.lifecycle.alias_stages.at("champion"), Stage::kProduction);
  EXPECT_EQ(policy.lifecycle.alias_stages.at("blue-green"), Stage::kStaging);

  ASSERT_EQ(policy.gates.size(), 2u);
  EXPECT_EQ(policy.gates[0].mode, RuleMode::kWarn);
  EXPECT_EQ(policy.gates[0].stage, Stage::kStaging);
  EXPECT_EQ(policy.gates[0].metric, "metrics.f1");
  EXPECT_EQ(policy.gates[0].comparator, GateComparator::kLess);
  EXPECT_FALSE(policy.gates[0].max_regression.has_value());
  // Full-precision parsing: the same double a tag value "0.85" becomes.
  EXPECT_EQ(policy.gates[0].threshold, std::stod("0.85"));
  EXPECT_EQ(policy.gates[1].mode, RuleMode::kEnforce);
  EXPECT_EQ(policy.gates[1].stage, Stage::kProduction);  // The default.
  EXPECT_FALSE(policy.gates[1].comparator.has_value());
  EXPECT_EQ(policy.gates[1].max_regression, 0.0);
  EXPECT_FALSE(policy.gates[1].higher_is_better);
}

TEST(PolicyLoaderTest, AcceptsEveryComparator) {
  const Policy policy = ParseOk(R"({"gates": [
    {"id": "a", "metric": "m", "op": ">=", "threshold": 1},
    {"id": "b", "metric": "m", "op": ">", "threshold": 1},
    {"id": "c", "metric": "m", "op": "<=", "threshold": 1},
    {"id": "d", "metric": "m", "op": "<", "threshold": 1},
    {"id": "e", "metric": "m", "op": "==", "threshold": 1}]})");
  ASSERT_EQ(policy.gates.size(), 5u);
  EXPECT_EQ(policy.gates[0].comparator, GateComparator::kGreaterEqual);
  EXPECT_EQ(policy.gates[1].comparator, GateComparator::kGreater);
  EXPECT_EQ(policy.gates[2].comparator, GateComparator::kLessEqual);
  EXPECT_EQ(policy.gates[3].comparator, GateComparator::kLess);
  EXPECT_EQ(policy.gates[4].comparator, GateComparator::kEqual);
}

// ---------------------------------------------------------------------------------------
// Errors, one class per test

TEST(PolicyLoaderTest, RejectsInvalidJsonWithLineAndColumn) {
  const std::string error = ErrorOf("{\n  \"naming\": {\"mode\": \"warn\",}\n}");
  EXPECT_EQ(error,
            "policy.json: line 2, column 29: expected valid JSON, got a syntax error: Missing a "
            "name for object member. (byte offset 30)");
  EXPECT_TRUE(Contains(ErrorOf(""), "policy.json: line 1, column 1: expected valid JSON"));
  EXPECT_TRUE(Contains(ErrorOf("{} {}"), "line 1, column 4"));
  // Columns count characters: "é" is two bytes.
  EXPECT_TRUE(Contains(ErrorOf("{\"é\": }"), "line 1, column 7"));
}

TEST(PolicyLoaderTest, RejectsRootThatIsNotAnObject) {
  EXPECT_EQ(ErrorOf("[]"), "policy.json: $: expected an object, got an array");
  EXPECT_EQ(ErrorOf("\"policy\""), "policy.json: $: expected an object, got \"policy\"");
  EXPECT_EQ(ErrorOf("null"), "policy.json: $: expected an object, got null");
}

TEST(PolicyLoaderTest, RejectsUnknownKeysNamingTheAllowedOnes) {
  const std::string error = ErrorOf(R"({"_comment": "x", "naming": {"patern": "x"},
    "requirements": [{"id": "a", "key": "k", "applies_at": ["staging"], "value": "x"}],
    "model_card": {"high_risk": {"tag": "t", "values": ["v"], "extra_sections": ["s"], "x": 1}},
    "lifecycle": {"aliases": {}}, "gates": [{"id": "g", "metric": "m", "max_regression": 0,
    "lower_is_better": true}]})");
  const std::vector<std::string> lines = Lines(error);
  ASSERT_EQ(lines.size(), 6u) << error;
  EXPECT_EQ(lines[0],
            "policy.json: $._comment: expected one of the keys \"description\", \"naming\", "
            "\"requirements\", \"model_card\", \"lifecycle\", \"gates\", \"runs\", "
            "\"approvals\", \"retention\", got unknown key \"_comment\"");
  EXPECT_TRUE(Contains(lines[1], "$.naming.patern: expected one of the keys"));
  EXPECT_TRUE(Contains(lines[1], "\"pattern\""));
  EXPECT_TRUE(Contains(lines[1], "got unknown key \"patern\""));
  EXPECT_TRUE(Contains(lines[2], "$.requirements[0].value: expected one of the keys"));
  EXPECT_TRUE(Contains(lines[2], "\"allowed_values\""));
  EXPECT_TRUE(Contains(lines[3], "$.model_card.high_risk.x: expected one of the keys"));
  EXPECT_TRUE(Contains(lines[4], "$.lifecycle.aliases: expected one of the keys"));
  EXPECT_TRUE(Contains(lines[4], "\"alias_stages\""));
  EXPECT_TRUE(Contains(lines[5], "$.gates[0].lower_is_better: expected one of the keys"));
}

TEST(PolicyLoaderTest, RejectsDuplicateKeys) {
  EXPECT_EQ(ErrorOf(R"({"naming": {"mode": "warn", "mode": "off"}})"),
            "policy.json: $.naming.mode: expected each key once, got a duplicate key \"mode\"");
  EXPECT_TRUE(Contains(ErrorOf(R"({"lifecycle": {"allowed_transitions": {"None": [],
                                    "none": []}}})"),
                       "$.lifecycle.allowed_transitions.none: expected each stage once (stage "
                       "names are case-insensitive), got a second entry for None after "
                       "$.lifecycle.allowed_transitions.None"));
}

TEST(PolicyLoaderTest, RejectsWrongTypes) {
  const std::vector<std::string> lines = Lines(ErrorOf(R"({
    "description": 1,
    "naming": {"min_length": "3", "max_length": -1, "exempt_prompts": "yes", "hint": null,
               "reserved_prefixes": "tmp."},
    "requirements": {"id": "a"},
    "model_card": {"staging_sections": [1], "accept_description": 1},
    "lifecycle": {"allowed_transitions": [], "alias_stages": {"champion": 1}},
    "gates": [{"id": "g", "metric": "m", "op": ">=", "threshold": "0.85"}, 7]})"));
  const std::vector<std::string> expected = {
      "policy.json: $.description: expected a string, got 1",
      "policy.json: $.naming.min_length: expected a non-negative integer, got \"3\"",
      "policy.json: $.naming.max_length: expected a non-negative integer, got -1",
      "policy.json: $.naming.reserved_prefixes: expected an array of strings, got \"tmp.\"",
      "policy.json: $.naming.hint: expected a string, got null",
      "policy.json: $.naming.exempt_prompts: expected true or false, got \"yes\"",
      "policy.json: $.requirements: expected an array of requirement objects, got an object",
      "policy.json: $.model_card.staging_sections[0]: expected a non-empty string, got 1",
      "policy.json: $.model_card.accept_description: expected true or false, got 1",
      "policy.json: $.lifecycle.allowed_transitions: expected an object from stage to the stages "
      "it may move to, got an array",
      "policy.json: $.lifecycle.alias_stages.champion: expected \"Staging\" or \"Production\", "
      "got 1",
      "policy.json: $.gates[0].threshold: expected a finite number, got \"0.85\"",
      "policy.json: $.gates[1]: expected an object, got 7",
  };
  EXPECT_EQ(lines, expected);
}

TEST(PolicyLoaderTest, RejectsBadEnumWords) {
  EXPECT_EQ(ErrorOf(R"({"requirements": [
                 {"id": "a", "key": "k", "applies_at": ["staging"]},
                 {"id": "b", "key": "k", "applies_at": ["staging"], "mode": "block"}]})"),
            "policy.json: $.requirements[1].mode: expected one of \"off\", \"warn\", \"enforce\", "
            "got \"block\"");
  EXPECT_EQ(ErrorOf(R"({"requirements": [{"id": "a", "target": "tag", "applies_at": ["qa"]}]})"),
            "policy.json: $.requirements[0].target: expected one of \"model_tag\", "
            "\"version_tag\", \"model_description\", \"version_description\", got \"tag\"\n"
            "policy.json: $.requirements[0].applies_at[0]: expected one of \"registration\", "
            "\"staging\", \"production\", got \"qa\"");
  EXPECT_EQ(ErrorOf(R"({"gates": [{"id": "g", "metric": "m", "op": "=>", "threshold": 1}]})"),
            "policy.json: $.gates[0].op: expected one of \">=\", \">\", \"<=\", \"<\", \"==\", "
            "got \"=>\"");
  EXPECT_EQ(ErrorOf(R"({"lifecycle": {"allowed_transitions": {"Prod": ["Staging"],
                                                               "None": ["Live"]}}})"),
            "policy.json: $.lifecycle.allowed_transitions.Prod: expected a stage name (\"None\", "
            "\"Staging\", \"Production\", \"Archived\"), got key \"Prod\"\n"
            "policy.json: $.lifecycle.allowed_transitions.None[0]: expected one of \"None\", "
            "\"Staging\", \"Production\", \"Archived\", got \"Live\"");
  // Modes are lower-case words; stages and checkpoints are case-insensitive.
  EXPECT_TRUE(Contains(ErrorOf(R"({"naming": {"mode": "Enforce"}})"), "$.naming.mode"));
}

TEST(PolicyLoaderTest, RejectsBadRegularExpressions) {
  const std::string error = ErrorOf(R"({"naming": {"pattern": "([a-z]"},
    "requirements": [{"id": "a", "key": "k", "applies_at": ["staging"], "pattern": "[z-a]"}]})");
  const std::vector<std::string> lines = Lines(error);
  ASSERT_EQ(lines.size(), 2u) << error;
  EXPECT_EQ(lines[0],
            "policy.json: $.naming.pattern: expected a regular expression in RE2 syntax (no "
            "backreferences, no lookahead or lookbehind), got \"([a-z]\" (missing ): ([a-z])");
  EXPECT_EQ(lines[1],
            "policy.json: $.requirements[0].pattern: expected a regular expression in RE2 syntax "
            "(no backreferences, no lookahead or lookbehind), got \"[z-a]\" (invalid character "
            "class range: z-a)");
  EXPECT_EQ(ErrorOf(R"({"naming": {"pattern": ""}})"),
            "policy.json: $.naming.pattern: expected a non-empty string, got \"\"");
}

TEST(PolicyLoaderTest, RejectsDuplicateRuleIdsAcrossRequirementsAndGates) {
  EXPECT_EQ(ErrorOf(R"({"requirements": [{"id": "auc", "key": "k", "applies_at": ["staging"]}],
                        "gates": [{"id": "auc", "metric": "m", "op": ">", "threshold": 0}]})"),
            "policy.json: $.gates[0].id: expected a rule id used once across requirements, gates, "
            "approvals and retention, got \"auc\", already the id of $.requirements[0].id");
  EXPECT_TRUE(Contains(ErrorOf(R"({"requirements": [
                         {"id": "x", "key": "k", "applies_at": ["staging"]},
                         {"id": "x", "key": "k", "applies_at": ["staging"]}]})"),
                       "$.requirements[1].id: expected a rule id used once"));
}

TEST(PolicyLoaderTest, RejectsMissingOrMalformedRuleIds) {
  EXPECT_EQ(ErrorOf(R"({"requirements": [{"key": "k", "applies_at": ["staging"]}]})"),
            "policy.json: $.requirements[0].id: expected a rule id of letters, digits, \"_\", "
            "\"-\", \".\" and \":\", got nothing (every rule needs an id for its messages)");
  EXPECT_EQ(ErrorOf(R"({"gates": [{"id": "auc gate", "metric": "m", "max_regression": 0}]})"),
            "policy.json: $.gates[0].id: expected a rule id of letters, digits, \"_\", \"-\", "
            "\".\" and \":\", got \"auc gate\"");
}

TEST(PolicyLoaderTest, RejectsRequirementWithoutCheckpoints) {
  EXPECT_EQ(ErrorOf(R"({"requirements": [{"id": "owner", "key": "owner"}]})"),
            "policy.json: $.requirements[0].applies_at: expected the checkpoints the requirement "
            "applies at (a non-empty array of \"registration\", \"staging\", \"production\"), got "
            "nothing");
  EXPECT_EQ(ErrorOf(R"({"requirements": [{"id": "owner", "key": "owner", "applies_at": []}]})"),
            "policy.json: $.requirements[0].applies_at: expected a non-empty array of checkpoints "
            "(\"registration\", \"staging\", \"production\"), got []");
}

TEST(PolicyLoaderTest, RejectsTagTargetWithoutKeyAndKeyOnDescriptions) {
  EXPECT_EQ(ErrorOf(R"({"requirements": [{"id": "a", "target": "version_tag",
                                          "applies_at": ["staging"]}]})"),
            "policy.json: $.requirements[0].key: expected the tag key the requirement checks "
            "(target \"version_tag\"), got nothing");
  EXPECT_EQ(ErrorOf(R"({"requirements": [{"id": "a", "applies_at": ["staging"]}]})"),
            "policy.json: $.requirements[0].key: expected the tag key the requirement checks "
            "(target \"model_tag\"), got nothing");
  const std::string error =
      ErrorOf(R"({"requirements": [{"id": "a", "target": "model_description", "key": "k",
                                    "allowed_values": ["x"], "applies_at": ["production"]}]})");
  const std::vector<std::string> expected = {
      "policy.json: $.requirements[0].key: expected no \"key\" for target \"model_description\" "
      "(keys name tags: use target \"model_tag\" or \"version_tag\"), got \"k\"",
      "policy.json: $.requirements[0].allowed_values: expected no \"allowed_values\" for target "
      "\"model_description\" (descriptions take only \"pattern\"), got an array",
  };
  EXPECT_EQ(Lines(error), expected);
}

TEST(PolicyLoaderTest, RejectsMinAboveMax) {
  EXPECT_EQ(ErrorOf(R"({"requirements": [{"id": "auc", "target": "version_tag", "key": "auc",
                                          "min": 1, "max": 0.5, "applies_at": ["staging"]}]})"),
            "policy.json: $.requirements[0].min: expected at most max (0.5), got 1");
  EXPECT_EQ(ErrorOf(R"({"naming": {"min_length": 10, "max_length": 5}})"),
            "policy.json: $.naming.min_length: expected at most max_length (5), got 10");
  EXPECT_EQ(ErrorOf(R"({"naming": {"min_length": 300}})"),
            "policy.json: $.naming.min_length: expected at most max_length (256), got 300");
}

TEST(PolicyLoaderTest, RejectsGateWithNeitherOrBothKinds) {
  EXPECT_EQ(ErrorOf(R"({"gates": [{"id": "g", "metric": "m"}]})"),
            "policy.json: $.gates[0]: expected either \"op\" with \"threshold\" (a threshold "
            "gate) or \"max_regression\" (a regression gate), got neither");
  EXPECT_EQ(ErrorOf(R"({"gates": [{"id": "g", "metric": "m", "op": ">=", "threshold": 1,
                                   "max_regression": 0.1}]})"),
            "policy.json: $.gates[0]: expected either \"op\" with \"threshold\" (a threshold "
            "gate) or \"max_regression\" (a regression gate); write two gates for two checks, got "
            "both");
  EXPECT_EQ(ErrorOf(R"({"gates": [{"id": "g", "metric": "m", "threshold": 1}]})"),
            "policy.json: $.gates[0].op: expected a comparison for the threshold (\">=\", \">\", "
            "\"<=\", \"<\", \"==\"), got nothing");
  EXPECT_EQ(ErrorOf(R"({"gates": [{"id": "g", "metric": "m", "op": ">"}]})"),
            "policy.json: $.gates[0].threshold: expected the number \"op\" compares the metric "
            "with, got nothing");
  EXPECT_EQ(ErrorOf(R"({"gates": [{"id": "g", "op": ">", "threshold": 1}]})"),
            "policy.json: $.gates[0].metric: expected the version tag that holds the metric, e.g. "
            "\"metrics.auc\", got nothing");
  EXPECT_TRUE(Contains(ErrorOf(R"({"gates": [{"id": "g", "metric": "m", "op": ">",
                                              "threshold": 1, "higher_is_better": true}]})"),
                       "$.gates[0].higher_is_better: expected no \"higher_is_better\" on a "
                       "threshold gate"));
}

TEST(PolicyLoaderTest, RejectsGateStageOtherThanStagingOrProduction) {
  EXPECT_EQ(ErrorOf(R"({"gates": [{"id": "g", "stage": "Archived", "metric": "m", "op": ">",
                                   "threshold": 0}]})"),
            "policy.json: $.gates[0].stage: expected \"Staging\" or \"Production\", got "
            "\"Archived\"");
  EXPECT_TRUE(Contains(ErrorOf(R"({"gates": [{"id": "g", "stage": "none", "metric": "m",
                                              "max_regression": 0}]})"),
                       "$.gates[0].stage: expected \"Staging\" or \"Production\", got \"none\""));
}

TEST(PolicyLoaderTest, RejectsReservedAndInvalidAliases) {
  const std::string error = ErrorOf(R"({"lifecycle": {"alias_stages": {
    "latest": "Production", "LATEST": "Production", "v2": "Staging", "V10": "Staging",
    "blue green": "Production", "": "Staging", "canary": "Archived", "v2a": "Staging"}}})");
  const std::vector<std::string> expected = {
      "policy.json: $.lifecycle.alias_stages.latest: expected an alias MLflow lets clients set, "
      "got the reserved alias \"latest\" (it always resolves to the newest version)",
      "policy.json: $.lifecycle.alias_stages.LATEST: expected an alias MLflow lets clients set, "
      "got the reserved alias \"LATEST\" (it always resolves to the newest version)",
      "policy.json: $.lifecycle.alias_stages.v2: expected an alias MLflow lets clients set, got "
      "the reserved alias \"v2\" (v<digits> names a version number)",
      "policy.json: $.lifecycle.alias_stages.V10: expected an alias MLflow lets clients set, got "
      "the reserved alias \"V10\" (v<digits> names a version number)",
      "policy.json: $.lifecycle.alias_stages[\"blue green\"]: expected an alias name of letters, "
      "digits, \"_\" and \"-\", got \"blue green\"",
      "policy.json: $.lifecycle.alias_stages[\"\"]: expected an alias name, got an empty name",
      "policy.json: $.lifecycle.alias_stages.canary: expected \"Staging\" or \"Production\", got "
      "\"Archived\"",
  };
  EXPECT_EQ(Lines(error), expected);  // "v2a" is an ordinary alias.
}

TEST(PolicyLoaderTest, RejectsNegativeMaxRegression) {
  EXPECT_EQ(ErrorOf(R"({"gates": [{"id": "g", "metric": "m", "max_regression": -0.01}]})"),
            "policy.json: $.gates[0].max_regression: expected a number >= 0 (the largest allowed "
            "drop), got -0.01");
}

TEST(PolicyLoaderTest, RejectsNanAndInfinity) {
  const std::string error = ErrorOf(R"({
    "requirements": [{"id": "a", "key": "k", "applies_at": ["staging"], "min": NaN,
                      "max": Infinity}],
    "gates": [{"id": "g", "metric": "m", "max_regression": -Infinity}]})");
  const std::vector<std::string> expected = {
      "policy.json: $.requirements[0].min: expected a finite number, got NaN",
      "policy.json: $.requirements[0].max: expected a finite number, got Infinity",
      "policy.json: $.gates[0].max_regression: expected a finite number, got -Infinity",
  };
  EXPECT_EQ(Lines(error), expected);
}

TEST(PolicyLoaderTest, RejectsEmptyStringsWhereTheyMeanNothing) {
  const std::vector<std::string> expected = {
      "policy.json: $.naming.reserved_prefixes[1]: expected a non-empty string, got \"\"",
      "policy.json: $.requirements[0].allowed_values: expected a non-empty array of strings, got "
      "[]",
      "policy.json: $.model_card.production_sections[0]: expected a non-empty string, got \"\"",
  };
  EXPECT_EQ(Lines(ErrorOf(R"({"naming": {"reserved_prefixes": ["tmp.", ""]},
    "requirements": [{"id": "a", "key": "k", "allowed_values": [], "applies_at": ["staging"]}],
    "model_card": {"production_sections": [""]}})")),
            expected);
}

TEST(PolicyLoaderTest, RejectsIncompleteHighRiskRule) {
  const std::vector<std::string> expected = {
      "policy.json: $.model_card.high_risk.tag: expected the registered-model tag that holds the "
      "risk level, got nothing",
      "policy.json: $.model_card.high_risk.extra_sections: expected a non-empty array of strings, "
      "got nothing",
  };
  EXPECT_EQ(Lines(ErrorOf(R"({"model_card": {"high_risk": {"values": ["high"]}}})")), expected);
}

TEST(PolicyLoaderTest, AcceptsDescriptionsEverywhereButOnlyAsStrings) {
  ParseOk(R"({"description": "root",
    "naming": {"description": "n"},
    "requirements": [{"description": "r", "id": "a", "key": "k", "applies_at": ["staging"]}],
    "model_card": {"description": "c", "high_risk": {"description": "h", "tag": "t",
                   "values": ["v"], "extra_sections": ["s"]}},
    "lifecycle": {"description": "l"},
    "gates": [{"description": "g", "id": "g", "metric": "m", "max_regression": 0}]})");
  EXPECT_EQ(ErrorOf(R"({"gates": [{"description": ["x"], "id": "g", "metric": "m",
                                   "max_regression": 0}]})"),
            "policy.json: $.gates[0].description: expected a string, got an array");
}

TEST(PolicyLoaderTest, ReportsEveryProblemTogether) {
  const std::string error = ErrorOf(R"({
    "naming": {"mode": "strict", "max_length": "long"},
    "requirements": [
      {"id": "owner", "key": "owner", "applies_at": ["staging"]},
      {"id": "risk", "key": "risk_level", "mode": "block", "applies_at": ["launch"]}
    ],
    "gates": [{"id": "owner", "metric": "metrics.auc", "op": ">=", "threshold": 2,
               "max_regression": 0.1}]})");
  const std::vector<std::string> expected = {
      "policy.json: $.naming.mode: expected one of \"off\", \"warn\", \"enforce\", got \"strict\"",
      "policy.json: $.naming.max_length: expected a non-negative integer, got \"long\"",
      "policy.json: $.requirements[1].mode: expected one of \"off\", \"warn\", \"enforce\", got "
      "\"block\"",
      "policy.json: $.requirements[1].applies_at[0]: expected one of \"registration\", "
      "\"staging\", \"production\", got \"launch\"",
      "policy.json: $.gates[0].id: expected a rule id used once across requirements, gates, "
      "approvals and retention, got \"owner\", already the id of $.requirements[0].id",
      "policy.json: $.gates[0]: expected either \"op\" with \"threshold\" (a threshold gate) or "
      "\"max_regression\" (a regression gate); write two gates for two checks, got both",
  };
  EXPECT_EQ(Lines(error), expected);
}

TEST(PolicyLoaderTest, CapsTheNumberOfReportedProblems) {
  std::string json = "{\"naming\": {";
  for (int i = 0; i < 150; ++i) json += (i ? ", \"k" : "\"k") + std::to_string(i) + "\": 1";
  json += "}}";
  const std::vector<std::string> lines = Lines(ErrorOf(json));
  ASSERT_EQ(lines.size(), 101u);
  EXPECT_EQ(lines.back(), "policy.json: ... and 50 more problems");
}

// ---------------------------------------------------------------------------------------
// Names with "/"

TEST(PolicyLoaderTest, RejectsNamingPatternThatAcceptsSlash) {
  EXPECT_EQ(ErrorOf(R"({"naming": {"pattern": "^[a-z0-9./-]+$"}})"),
            "policy.json: $.naming.pattern: expected a pattern that rejects \"/\" in names "
            "(MLflow clients load models:/<name>/<version> by splitting on \"/\", so such a model "
            "could never be loaded by URI), got \"^[a-z0-9./-]+$\", which accepts \"a/b\"");
  EXPECT_TRUE(Contains(ErrorOf(R"({"naming": {"pattern": ".*"}})"), "which accepts \"a/b\""));
  EXPECT_TRUE(Contains(ErrorOf(R"({"naming": {"pattern": "[^.]+\\.[^.]+"}})"),
                       "which accepts \"proj.a/b\""));
  // Only probes built from a name the pattern accepts ("proj.model") find this one.
  EXPECT_TRUE(Contains(ErrorOf(R"({"naming": {"pattern": "^[a-z]{4,}\\.[a-z/]{5,}$"}})"),
                       "$.naming.pattern: expected a pattern that rejects \"/\""));
  // Rejected whatever the mode: the file is wrong either way.
  EXPECT_TRUE(
      Contains(ErrorOf(R"({"naming": {"mode": "off", "pattern": "[a-z/]+"}})"), "rejects \"/\""));
}

TEST(PolicyLoaderTest, AcceptsNamingPatternsWithoutSlash) {
  for (const char* json : {R"({"naming": {"pattern": "^[a-z][a-z0-9-]*\\.[a-z][a-z0-9-]*$"}})",
                           R"({"naming": {"pattern": "[^/]+"}})",
                           R"({"naming": {"pattern": "(fraud|pricing)\\.[a-z_]+"}})",
                           R"({"naming": {"pattern": "[^/]*"}})"}) {
    EXPECT_EQ(ErrorOf(json), "") << json;
  }
}

// ---------------------------------------------------------------------------------------
// Files

TEST(PolicyLoaderTest, MissingFileIsAnError) {
  Result<Policy> policy = LoadPolicyFile("/nonexistent/modelwarden/policy.json");
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(policy.status().message(),
            "/nonexistent/modelwarden/policy.json: expected a readable policy file, got No such "
            "file or directory");
}

TEST(PolicyLoaderTest, FileErrorsNameTheFile) {
  const std::string path = ::testing::TempDir() + "policy_loader_test_bad.json";
  std::FILE* file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  std::fputs("{\"naming\": {\"mode\": \"loud\"}}", file);
  std::fclose(file);
  Result<Policy> policy = LoadPolicyFile(path);
  std::remove(path.c_str());
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().message(),
            path + ": $.naming.mode: expected one of \"off\", \"warn\", \"enforce\", got \"loud\"");
}

}  // namespace
}  // namespace modelwarden

namespace modelwarden {
namespace {

TEST(PolicyLoaderTest, RunReadingRulesNeedATrackingUpstream) {
  constexpr char kJson[] = R"({"runs": {"require_run": true}, "gates": [{"id": "auc",
      "metric": "run.metrics.val_auc", "op": ">=", "threshold": 0.9}]})";
  const std::string error = ErrorOf(kJson);
  EXPECT_NE(error.find("policy.json: $.gates[0].metric: expected a version tag key"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("$.runs: expected a tracking server"), std::string::npos) << error;

  PolicyLoadOptions with_tracker;
  with_tracker.tracker_configured = true;
  Result<Policy> policy = ParsePolicy(kJson, kSource, with_tracker);
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  EXPECT_EQ(policy->gates[0].metric, "run.metrics.val_auc");
  EXPECT_EQ(policy->runs.mode, RuleMode::kEnforce);
  EXPECT_TRUE(policy->runs.require_run);
  EXPECT_NE(ErrorOf(R"({"gates": [{"id": "a", "metric": "run.metrics.", "op": ">=",
      "threshold": 1}]})")
                .find("run.metrics.<key> with a metric key"),
            std::string::npos);
}

}  // namespace
}  // namespace modelwarden
