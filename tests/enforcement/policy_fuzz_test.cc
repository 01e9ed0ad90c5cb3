// A bounded fuzz of policy evaluation (issue 16): random and pathological names, tag values,
// descriptions, model cards and sources, from a fixed seed, evaluated against the example policy,
// a policy of nested-quantifier patterns and source regexes. No input may crash (run it in a
// SANITIZE build too) or make one evaluation slow.
//
// Environment, for longer runs by hand:
//   MODELWARDEN_FUZZ_ITERATIONS  inputs per policy (default 300)
//   MODELWARDEN_FUZZ_SEED        the seed (default 16, the issue)
//   MODELWARDEN_FUZZ_MAX_MS      the bound on one evaluation (default 1000; the issue's target is
//                                50, which a loaded machine running the whole suite can miss)

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "enforcement/policy/metadata_rule.h"
#include "enforcement/policy/naming_rule.h"
#include "enforcement/policy/policy_loader.h"
#include "enforcement/policy/promotion_checks.h"
#include "registry/regex.h"
#include "registry/validation.h"

#ifndef MODELWARDEN_SOURCE_DIR
#error "MODELWARDEN_SOURCE_DIR must name the source tree (the example policy is read from it)"
#endif

namespace modelwarden {
namespace {

constexpr char kNestedPolicy[] = R"({
  "naming": {"pattern": "^([a-z0-9-]+)+\\.[a-z0-9-]+$", "max_length": 256},
  "requirements": [
    {"id": "owner", "key": "owner", "pattern": "^([a-zA-Z0-9._%+-]+)+@example\\.com$",
     "applies_at": ["registration", "staging", "production"]},
    {"id": "summary", "target": "version_tag", "key": "summary", "pattern": "^(\\w+\\s?)*$",
     "applies_at": ["registration", "production"]},
    {"id": "alternation", "target": "version_tag", "key": "git_commit", "pattern": "^(a|aa)+$",
     "applies_at": ["registration"]},
    {"id": "prose", "target": "model_description", "pattern": "^(\\w+[\\s,.]*)+$",
     "applies_at": ["registration", "staging"]},
    {"id": "card-words", "target": "version_description", "pattern": "^([\\s\\S]*\\s)*$",
     "applies_at": ["production"]}
  ],
  "model_card": {"staging_sections": ["Intended use"], "production_sections": ["Evaluation"]}
})";

// MLflow-style source validation, and one with nested quantifiers.
constexpr const char* kSourcePatterns[] = {"^s3://approved-bucket/", "^(s3|gs)://([a-z0-9-]+/?)+$",
                                           "(?i)^(file|s3)://(\\w+[/.-]?)*$"};

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

class Fuzzer {
 public:
  explicit Fuzzer(unsigned seed) : rng_(seed) {}

  // A string made to hurt backtracking engines, or random bytes, or something ordinary.
  std::string Text(size_t max_length) {
    switch (Below(6)) {
      case 0:
      case 1:
        return Pathological(max_length);
      case 2:
        return Random(Length(max_length));
      case 3:
        return Card();
      default:
        return Ordinary();
    }
  }

  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

 private:
  // Mostly short; sometimes up to the maximum (names 256 bytes, tag values 100,000).
  size_t Length(size_t max_length) {
    switch (Below(4)) {
      case 0:
        return max_length - Below(std::min<size_t>(max_length, 8));
      case 1:
        return Below(max_length + 1);
      default:
        return Below(std::min<size_t>(max_length, 64) + 1);
    }
  }

  std::string Pathological(size_t max_length) {
    static const char* const kUnits[] = {"a", "a-", "word ", "ab", "a.",      "aa",
                                         "1", " ",  "a@",    "x/", "\xc3\xa9"};
    static const char* const kEnds[] = {"!", "/", ".", "", " !", "@example.com", "\n", "\x01"};
    const std::string unit = kUnits[Below(std::size(kUnits))];
    const std::string end = kEnds[Below(std::size(kEnds))];
    std::string out;
    const size_t length = Length(max_length);
    while (out.size() + unit.size() + end.size() <= length) out += unit;
    return out + end;
  }

  std::string Random(size_t length) {
    static const std::string kAlphabet =
        "abcxyzABZ0189-_./@!:% \t\n\r\\()[]{}*+?|^$,#\"'\xc3\xa9\xf0\x9f\x98\x80";
    std::string out;
    while (out.size() < length) {
      // Now and then any byte at all, even one that is not UTF-8 (the edge refuses those, the
      // rules must still not crash on them).
      out += Below(50) == 0 ? static_cast<char>(Below(256)) : kAlphabet[Below(kAlphabet.size())];
    }
    return out;
  }

  std::string Card() {
    static const char* const kLines[] = {
        "## Intended use",     "## Evaluation",  "#", "```", "~~~", "text", "", "## ", "#######",
        "### Limitations ###", "\t## Monitoring"};
    std::string out;
    for (size_t i = Below(200); i > 0; --i)
      out += std::string(kLines[Below(std::size(kLines))]) + "\n";
    return out;
  }

  std::string Ordinary() {
    static const char* const kValues[] = {
        "fraud.detector", "jane@example.com",         "0.91", "2025-06-30", "abc1234",
        "high",           "s3://approved-bucket/m/1", "risk"};
    return kValues[Below(std::size(kValues))];
  }

  std::mt19937 rng_;
};

class PolicyFuzzTest : public ::testing::Test {
 protected:
  // Times one evaluation and keeps the slowest.
  template <typename F>
  void Evaluate(const char* what, F&& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ++evaluations_;
    if (ms > 50) ++over_50ms_;
    if (ms > slowest_ms_) {
      slowest_ms_ = ms;
      slowest_ = what;
    }
  }

  void FuzzPolicy(const Policy& policy, Fuzzer& fuzz, int iterations) {
    for (int i = 0; i < iterations; ++i) {
      const std::string name = fuzz.Text(kMaxModelNameLength);
      Evaluate("naming", [&] { CheckModelName(policy.naming, name, fuzz.Below(4) == 0); });
      RegisteredModel model;
      model.name = name;
      model.description = fuzz.Text(kMaxTagValueLength);
      ModelVersion version;
      version.name = name;
      version.version = 1;
      version.description = fuzz.Text(kMaxTagValueLength);
      for (const char* key : {"owner", "team", "use_case", "risk_level", "summary"}) {
        if (fuzz.Below(3) != 0) model.tags.push_back({key, fuzz.Text(kMaxTagValueLength)});
      }
      for (const char* key : {"training_data_version", "metrics.auc", "git_commit", "summary",
                              "metrics.eval_dataset", kModelCardTagKey}) {
        if (fuzz.Below(3) != 0) version.tags.push_back({key, fuzz.Text(kMaxTagValueLength)});
      }
      Evaluate("registration", [&] {
        CheckMetadata(policy.requirements, Checkpoint::kRegistration, &model, &version);
      });
      for (Stage stage : {Stage::kStaging, Stage::kProduction}) {
        Evaluate("promotion", [&] {
          EvaluatePromotion(policy, model, version, stage, &version, "version 1", false);
        });
      }
    }
  }

  int evaluations_ = 0;
  int over_50ms_ = 0;
  double slowest_ms_ = 0;
  std::string slowest_;
};

TEST_F(PolicyFuzzTest, NoInputCrashesOrSlowsPolicyEvaluation) {
  const int iterations = EnvInt("MODELWARDEN_FUZZ_ITERATIONS", 300);
  const unsigned seed = static_cast<unsigned>(EnvInt("MODELWARDEN_FUZZ_SEED", 16));
  const double max_ms = EnvInt("MODELWARDEN_FUZZ_MAX_MS", 1000);
  Result<Policy> example =
      LoadPolicyFile(std::string(MODELWARDEN_SOURCE_DIR) + "/enforcement/policy.example.json");
  ASSERT_TRUE(example.ok()) << example.status().message();
  Result<Policy> nested = ParsePolicy(kNestedPolicy, "nested.json");
  ASSERT_TRUE(nested.ok()) << nested.status().message();
  std::vector<Regex> sources;
  for (const char* pattern : kSourcePatterns) sources.push_back(*Regex::Compile(pattern));

  Fuzzer fuzz(seed);
  FuzzPolicy(*example, fuzz, iterations);
  FuzzPolicy(*nested, fuzz, iterations);
  for (int i = 0; i < iterations; ++i) {
    const std::string source = fuzz.Text(kMaxTagValueLength);
    for (const Regex& regex : sources) Evaluate("source", [&] { regex.PartialMatch(source); });
  }

  std::cout << "policy fuzz: seed " << seed << ", " << evaluations_ << " evaluations, slowest "
            << slowest_ms_ << " ms (" << slowest_ << "), " << over_50ms_ << " over 50 ms\n";
  RecordProperty("evaluations", evaluations_);
  RecordProperty("slowest_ms", std::to_string(slowest_ms_));
  EXPECT_GT(evaluations_, 0);
  EXPECT_LT(slowest_ms_, max_ms) << "slowest: " << slowest_;
}

}  // namespace
}  // namespace modelwarden
