// The policy's patterns on RE2 (issue 16): what RE2 cannot do is refused at load and on reload
// with the JSON path, the pattern and RE2's reason; patterns an admin could easily write with
// nested quantifiers answer pathological names and tag values quickly and correctly.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "enforcement/policy/metadata_rule.h"
#include "enforcement/policy/naming_rule.h"
#include "enforcement/policy/policy_holder.h"
#include "enforcement/policy/policy_loader.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The naming rule of the issue, accepted by `policy validate` and 17 s for 28 x 'a' + '!'
// under std::regex.
constexpr char kNestedNaming[] = R"({"naming": {"pattern": "^([a-z0-9-]+)+\\.[a-z0-9-]+$"},
  "requirements": [
    {"id": "words", "target": "version_tag", "key": "summary", "pattern": "^(\\w+\\s?)*$",
     "applies_at": ["registration"]},
    {"id": "prose", "target": "version_description", "pattern": "^(\\w+\\s?)*$",
     "applies_at": ["registration"]}]})";

// Far above what RE2 needs; never a tight bound (a loaded machine, a sanitizer build).
constexpr auto kGenerous = std::chrono::seconds(1);

Policy Parse(const std::string& json) {
  Result<Policy> policy = ParsePolicy(json, "policy.json");
  EXPECT_TRUE(policy.ok()) << policy.status().message();
  return policy.ok() ? *policy : Policy{};
}

std::string ErrorOf(const std::string& json) {
  Result<Policy> policy = ParsePolicy(json, "policy.json");
  return policy.ok() ? "" : policy.status().message();
}

std::vector<std::string> FailedIds(const std::vector<CheckResult>& checks) {
  std::vector<std::string> ids;
  for (const CheckResult& c : checks) {
    if (!c.passed) ids.push_back(c.rule_id);
  }
  return ids;
}

template <typename F>
auto TimedChecks(std::chrono::steady_clock::duration& took, F&& f) {
  const auto start = std::chrono::steady_clock::now();
  auto checks = f();
  took = std::chrono::steady_clock::now() - start;
  return checks;
}

TEST(PolicyPatternsTest, LoaderRejectsBackreferencesAndLookaroundWithPathPatternAndReason) {
  EXPECT_EQ(ErrorOf(R"({"naming": {"pattern": "^([a-z]+)\\.\\1$"}})"),
            "policy.json: $.naming.pattern: expected a regular expression in RE2 syntax (no "
            "backreferences, no lookahead or lookbehind), got \"^([a-z]+)\\\\.\\\\1$\" (invalid "
            "escape sequence: \\1)");
  const std::string error = ErrorOf(R"({"requirements": [
      {"id": "a", "key": "k", "applies_at": ["staging"], "pattern": "^(?!tmp)[a-z]+$"},
      {"id": "b", "key": "k", "applies_at": ["staging"], "pattern": "(?<=v)[0-9]+"},
      {"id": "c", "key": "k", "applies_at": ["staging"], "pattern": "^[a-z]+\\Z"},
      {"id": "d", "key": "k", "applies_at": ["staging"], "pattern": "^(?>a+)b"}]})");
  EXPECT_THAT(error,
              HasSubstr("policy.json: $.requirements[0].pattern: expected a regular "
                        "expression in RE2 syntax (no backreferences, no lookahead or "
                        "lookbehind), got \"^(?!tmp)[a-z]+$\" (invalid perl operator: (?!)"));
  EXPECT_THAT(error, HasSubstr("$.requirements[1].pattern: expected a regular expression in RE2 "
                               "syntax (no backreferences, no lookahead or lookbehind), got "
                               "\"(?<=v)[0-9]+\" (invalid perl operator: (?<)"));
  EXPECT_THAT(error, HasSubstr("$.requirements[2].pattern: expected a regular expression in RE2 "
                               "syntax (no backreferences, no lookahead or lookbehind), got "
                               "\"^[a-z]+\\\\Z\" (invalid escape sequence: \\Z)"));
  EXPECT_THAT(error, HasSubstr("$.requirements[3].pattern: expected a regular expression in RE2 "
                               "syntax (no backreferences, no lookahead or lookbehind), got "
                               "\"^(?>a+)b\" (invalid perl operator: (?>)"));
}

TEST(PolicyPatternsTest, ReloadWithALookaroundKeepsThePreviousPolicy) {
  const std::string path =
      ::testing::TempDir() + "/policy_patterns_test_" + std::to_string(getpid()) + ".json";
  std::ofstream(path) << R"({"naming": {"pattern": "^[a-z]+\\.[a-z]+$"}})";
  auto holder = PolicyHolder::Load(path);
  ASSERT_TRUE(holder.ok()) << holder.status().message();
  std::ofstream(path) << R"({"naming": {"pattern": "^(?!tmp\\.)[a-z]+\\.[a-z]+$"}})";
  const Status reloaded = (*holder)->Reload();
  EXPECT_EQ(reloaded.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(reloaded.message(), HasSubstr(path + ": $.naming.pattern: expected a regular "
                                                   "expression in RE2 syntax"));
  EXPECT_THAT(reloaded.message(),
              HasSubstr("got \"^(?!tmp\\\\.)[a-z]+\\\\.[a-z]+$\" (invalid perl operator: (?!)"));
  const std::shared_ptr<const Policy> current = (*holder)->Current();
  ASSERT_TRUE(current->naming.pattern.has_value());
  EXPECT_EQ(current->naming.pattern->text, "^[a-z]+\\.[a-z]+$");
  EXPECT_THAT(FailedIds(CheckModelName(current->naming, "tmp.model", false)), IsEmpty());
  std::remove(path.c_str());
}

TEST(PolicyPatternsTest, PathologicalNamesAreAnsweredQuicklyAndRight) {
  const Policy policy = Parse(kNestedNaming);
  for (size_t n : std::vector<size_t>{20, 24, 26, 28, 64, 128, kMaxModelNameLength - 1}) {
    std::chrono::steady_clock::duration took{};
    const std::string denied = std::string(n, 'a') + "!";
    auto checks = TimedChecks(took, [&] { return CheckModelName(policy.naming, denied, false); });
    EXPECT_LT(took, kGenerous) << n;
    EXPECT_THAT(FailedIds(checks), ElementsAre("naming.pattern")) << n;

    const std::string allowed = std::string(n - 1, 'a') + ".b";
    checks = TimedChecks(took, [&] { return CheckModelName(policy.naming, allowed, false); });
    EXPECT_LT(took, kGenerous) << n;
    EXPECT_THAT(FailedIds(checks), IsEmpty()) << n;
  }
}

TEST(PolicyPatternsTest, PathologicalTagValuesAndDescriptionsAreAnsweredQuicklyAndRight) {
  const Policy policy = Parse(kNestedNaming);
  RegisteredModel model;
  std::string words;
  while (words.size() + 6 < kMaxTagValueLength) words += "word5 ";
  for (const std::string& text :
       {std::string(5000, 'a') + "!", std::string(kMaxTagValueLength - 1, 'a') + "!", words + "!",
        std::string(5000, 'a'), words}) {
    const bool good = text.back() != '!';
    ModelVersion version;
    version.tags = {{"summary", text}};
    version.description = text;
    std::chrono::steady_clock::duration took{};
    auto checks = TimedChecks(took, [&] {
      return CheckMetadata(policy.requirements, Checkpoint::kRegistration, &model, &version);
    });
    // Two patterns over up to 100,000 characters each.
    EXPECT_LT(took, kGenerous) << text.size();
    if (good) {
      EXPECT_THAT(FailedIds(checks), IsEmpty()) << text.size();
    } else {
      EXPECT_THAT(FailedIds(checks), ElementsAre("words", "prose")) << text.size();
    }
  }
}

}  // namespace
}  // namespace modelwarden
