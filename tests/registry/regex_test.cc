// Regex: RE2 compiled once, full matches and searches, RE2's reasons for what it cannot do, and
// linear time on the inputs that made std::regex take seconds (issue 16).

#include "registry/regex.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "registry/validation.h"

namespace modelwarden {
namespace {

using ::testing::HasSubstr;

Regex CompileOk(const std::string& pattern) {
  Result<Regex> regex = Regex::Compile(pattern);
  EXPECT_TRUE(regex.ok()) << pattern << ": " << regex.status().message();
  return regex.ok() ? *regex : *Regex::Compile("^$");
}

// Far above what RE2 needs (microseconds to a few milliseconds), so a loaded machine or a
// sanitizer build cannot make it flaky; std::regex took seconds to hours on these inputs.
constexpr auto kGenerous = std::chrono::seconds(1);

template <typename F>
std::chrono::steady_clock::duration Timed(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::steady_clock::now() - start;
}

TEST(RegexTest, FullMatchIsTheWholeTextAndPartialMatchASearch) {
  const Regex regex = CompileOk("[a-z]+\\.[a-z]+");
  EXPECT_TRUE(regex.FullMatch("fraud.detector"));
  EXPECT_FALSE(regex.FullMatch("fraud.detector!"));
  EXPECT_FALSE(regex.FullMatch("Fraud.detector"));
  EXPECT_TRUE(regex.PartialMatch("Fraud.detector!"));
  EXPECT_FALSE(regex.PartialMatch("fraud"));
  EXPECT_EQ(regex.pattern(), "[a-z]+\\.[a-z]+");

  // MLflow's source validation is re.search: an anchor anchors, the rest may follow.
  const Regex source = CompileOk("^s3://approved/");
  EXPECT_TRUE(source.PartialMatch("s3://approved/models/1"));
  EXPECT_FALSE(source.PartialMatch("s3://other/s3://approved/"));
  EXPECT_FALSE(source.FullMatch("s3://approved/models/1"));
}

TEST(RegexTest, TakesPythonStyleSyntaxAndMatchesUtf8Text) {
  EXPECT_TRUE(CompileOk("(?i)^s3://APPROVED/").PartialMatch("s3://approved/m"));
  EXPECT_TRUE(CompileOk("^(?P<project>[a-z]+)\\.[a-z]+$").FullMatch("fraud.detector"));
  EXPECT_TRUE(CompileOk("^[\\s\\S]{3,}$").FullMatch("a\nb"));
  EXPECT_FALSE(CompileOk("^a.b$").FullMatch("a\nb"));  // '.' stops at a newline.
  EXPECT_FALSE(CompileOk("b$").PartialMatch("ab\n"));  // '$' is the end of the text (\z).
  EXPECT_TRUE(CompileOk("^\\d{4}-\\d{2}$").FullMatch("2025-06"));
  // UTF-8: '.' and {n} count characters, not bytes.
  EXPECT_TRUE(CompileOk("^.{2}$").FullMatch("\xc3\xa9t"));
}

TEST(RegexTest, RejectsWhatOnlyABacktrackingEngineCanDoWithRe2sReason) {
  const struct {
    const char* pattern;
    const char* reason;
  } kCases[] = {
      {"(a)\\1", "invalid escape sequence: \\1"},     // backreference
      {"(?=a)a", "invalid perl operator: (?="},       // lookahead
      {"(?!.*/).*", "invalid perl operator: (?!"},    // negative lookahead
      {"(?<=a)b", "invalid perl operator: (?<"},      // lookbehind
      {"(?<!a)b", "invalid perl operator: (?<"},      // negative lookbehind
      {"a\\Z", "invalid escape sequence: \\Z"},       // Python's \Z: RE2 spells it \z
      {"a++", "bad repetition operator: ++"},         // possessive
      {"(?>a)", "invalid perl operator: (?>"},        // atomic group
      {"([a-z]", "missing ): ([a-z]"},                // plain syntax error
      {"a{1001}", "invalid repetition size: {1001}"}  // RE2 bounds counted repetition
  };
  for (const auto& c : kCases) {
    Result<Regex> regex = Regex::Compile(c.pattern);
    ASSERT_FALSE(regex.ok()) << c.pattern;
    EXPECT_EQ(regex.status().code(), ErrorCode::kInvalidParameterValue) << c.pattern;
    EXPECT_EQ(regex.status().message(), c.reason) << c.pattern;
  }
}

TEST(RegexTest, NestedQuantifiersRunInLinearTimeOnPathologicalNames) {
  // Issue 16: 28 x 'a' + '!' took 17 s with std::regex; names go up to 256 bytes.
  const Regex regex = CompileOk("^([a-z0-9-]+)+\\.[a-z0-9-]+$");
  for (size_t n : {20, 28, 64, 128, 255}) {
    const std::string denied = std::string(n, 'a') + "!";
    const std::string allowed = std::string(n / 2, 'a') + "." + std::string(n / 2, 'b');
    bool denied_matched = true;
    bool allowed_matched = false;
    EXPECT_LT(Timed([&] { denied_matched = regex.FullMatch(denied); }), kGenerous) << n;
    EXPECT_LT(Timed([&] { allowed_matched = regex.FullMatch(allowed); }), kGenerous) << n;
    EXPECT_FALSE(denied_matched) << n;
    EXPECT_TRUE(allowed_matched) << n;
  }
  EXPECT_FALSE(regex.FullMatch(std::string(kMaxModelNameLength, 'a')));
}

TEST(RegexTest, NestedQuantifiersRunInLinearTimeOnTagValuesUpToMlflowsLimit) {
  const Regex regex = CompileOk("^(\\w+\\s?)*$");
  std::string words;
  while (words.size() + 6 < kMaxTagValueLength) words += "word5 ";
  for (const std::string& value : {std::string(5000, 'a') + "!",
                                   std::string(kMaxTagValueLength - 1, 'a') + "!", words + "!"}) {
    bool matched = true;
    EXPECT_LT(Timed([&] { matched = regex.FullMatch(value); }), kGenerous) << value.size();
    EXPECT_FALSE(matched) << value.size();
    // Anchored at both ends, a search is the same question.
    EXPECT_LT(Timed([&] { matched = regex.PartialMatch(value); }), kGenerous) << value.size();
    EXPECT_FALSE(matched) << value.size();
  }
  bool matched = false;
  EXPECT_LT(Timed([&] { matched = regex.FullMatch(words); }), kGenerous);
  EXPECT_TRUE(matched);
}

TEST(RegexTest, CopiesShareTheCompiledExpression) {
  const Regex original = CompileOk("^x+$");
  const Regex copy = original;  // NOLINT: the copy is the point.
  EXPECT_TRUE(copy.FullMatch("xxx"));
  EXPECT_EQ(&copy.pattern(), &original.pattern());
  EXPECT_THAT(copy.pattern(), HasSubstr("x+"));
}

}  // namespace
}  // namespace modelwarden
