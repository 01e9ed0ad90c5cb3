#include "registry/search/filter_parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace modelwarden {
namespace {

constexpr SearchTarget kModels = SearchTarget::kRegisteredModels;
constexpr SearchTarget kVersions = SearchTarget::kModelVersions;

// What the Python client appends to every registered-model search.
constexpr char kClientPromptClause[] = "tag.`mlflow.prompt.is_prompt` != 'true'";

SearchFilter MustParse(const std::string& filter, SearchTarget target) {
  Result<SearchFilter> r = ParseSearchFilter(filter, target);
  EXPECT_TRUE(r.ok()) << filter << " -> " << r.status().ToString();
  return r.ok() ? *r : SearchFilter{};
}

FilterClause MustParseOne(const std::string& filter, SearchTarget target) {
  SearchFilter f = MustParse(filter, target);
  EXPECT_EQ(f.clauses.size(), 1u) << filter;
  return f.clauses.empty() ? FilterClause{} : f.clauses[0];
}

void ExpectAttribute(const FilterClause& c, FilterAttribute attribute, Comparator comparator,
                     const std::string& value) {
  EXPECT_EQ(c.kind, FilterKind::kAttribute);
  EXPECT_EQ(c.attribute, attribute);
  EXPECT_EQ(c.comparator, comparator);
  EXPECT_EQ(c.value, value);
}

void ExpectTag(const FilterClause& c, const std::string& key, Comparator comparator,
               const std::string& value) {
  EXPECT_EQ(c.kind, FilterKind::kTag);
  EXPECT_EQ(c.tag_key, key);
  EXPECT_EQ(c.comparator, comparator);
  EXPECT_EQ(c.value, value);
}

std::string ErrorOf(const std::string& filter, SearchTarget target) {
  Result<SearchFilter> r = ParseSearchFilter(filter, target);
  EXPECT_FALSE(r.ok()) << "accepted: " << filter;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue) << filter;
  return r.status().message();
}

// ---------------------------------------------------------------------------------------
// Accepted grammar

TEST(SearchFilterTest, EmptyAndBlankFiltersMatchEverything) {
  for (const char* filter : {"", " ", "  \t\n "}) {
    for (SearchTarget target : {kModels, kVersions}) {
      SearchFilter f = MustParse(filter, target);
      EXPECT_TRUE(f.clauses.empty());
      EXPECT_TRUE(f.exclude_prompts);
    }
  }
}

TEST(SearchFilterTest, NameEqualsWithSingleAndDoubleQuotes) {
  ExpectAttribute(MustParseOne("name = 'fraud-detector'", kModels), FilterAttribute::kName,
                  Comparator::kEqual, "fraud-detector");
  ExpectAttribute(MustParseOne("name = \"it's\"", kModels), FilterAttribute::kName,
                  Comparator::kEqual, "it's");
  ExpectAttribute(MustParseOne("name='m'", kModels), FilterAttribute::kName, Comparator::kEqual,
                  "m");
  ExpectAttribute(MustParseOne("  name   =   ''  ", kModels), FilterAttribute::kName,
                  Comparator::kEqual, "");
}

TEST(SearchFilterTest, AttributePrefix) {
  ExpectAttribute(MustParseOne("attribute.name != 'x'", kModels), FilterAttribute::kName,
                  Comparator::kNotEqual, "x");
  ExpectAttribute(MustParseOne("attribute.run_id = 'abc'", kVersions), FilterAttribute::kRunId,
                  Comparator::kEqual, "abc");
}

TEST(SearchFilterTest, LikeAndIlikeAreCaseInsensitiveKeywords) {
  ExpectAttribute(MustParseOne("name LIKE 'churn%'", kModels), FilterAttribute::kName,
                  Comparator::kLike, "churn%");
  ExpectAttribute(MustParseOne("name like 'churn%'", kModels), FilterAttribute::kName,
                  Comparator::kLike, "churn%");
  ExpectAttribute(MustParseOne("name ilike '%x%'", kModels), FilterAttribute::kName,
                  Comparator::kILike, "%x%");
  ExpectAttribute(MustParseOne("name IlIkE \"%x%\"", kModels), FilterAttribute::kName,
                  Comparator::kILike, "%x%");
  // No space is needed between the keyword and a quoted value.
  ExpectAttribute(MustParseOne("name LIKE'a%'", kModels), FilterAttribute::kName, Comparator::kLike,
                  "a%");
}

TEST(SearchFilterTest, AndIsCaseInsensitiveAndNeedsNoSpaceAfterAString) {
  SearchFilter f = MustParse("name = 'a' and tags.team = 'x' AnD name != 'b'", kModels);
  ASSERT_EQ(f.clauses.size(), 3u);
  ExpectAttribute(f.clauses[0], FilterAttribute::kName, Comparator::kEqual, "a");
  ExpectTag(f.clauses[1], "team", Comparator::kEqual, "x");
  ExpectAttribute(f.clauses[2], FilterAttribute::kName, Comparator::kNotEqual, "b");

  f = MustParse("name='a'AND name='b'", kModels);
  ASSERT_EQ(f.clauses.size(), 2u);
  EXPECT_EQ(f.clauses[1].value, "b");
}

TEST(SearchFilterTest, TagKeysBareQuotedAndSplitOnFirstDot) {
  ExpectTag(MustParseOne("tags.team = 'growth'", kModels), "team", Comparator::kEqual, "growth");
  ExpectTag(MustParseOne("tag.team = 'growth'", kModels), "team", Comparator::kEqual, "growth");
  ExpectTag(MustParseOne("tags.`a.b-c:d` = 'v'", kModels), "a.b-c:d", Comparator::kEqual, "v");
  ExpectTag(MustParseOne("tags.\"key with space\" = 'v'", kModels), "key with space",
            Comparator::kEqual, "v");
  ExpectTag(MustParseOne("tags.'x-y' = 'v'", kModels), "x-y", Comparator::kEqual, "v");
  ExpectTag(MustParseOne("tags.mlflow.source.type LIKE 'NOTE%'", kVersions), "mlflow.source.type",
            Comparator::kLike, "NOTE%");
  ExpectTag(MustParseOne("tags.`mlflow.prompt.run_ids` ILIKE \"%abc%\"", kVersions),
            "mlflow.prompt.run_ids", Comparator::kILike, "%abc%");
  // A key that is an SQL keyword is fine after the dot.
  ExpectTag(MustParseOne("tags.owner = 'x'", kModels), "owner", Comparator::kEqual, "x");
}

TEST(SearchFilterTest, TagComparators) {
  EXPECT_EQ(MustParseOne("tags.k != 'v'", kModels).comparator, Comparator::kNotEqual);
  EXPECT_EQ(MustParseOne("tags.k LIKE 'v'", kModels).comparator, Comparator::kLike);
  EXPECT_EQ(MustParseOne("tags.k ILIKE 'v'", kVersions).comparator, Comparator::kILike);
}

TEST(SearchFilterTest, QuotedValuesAreNotUnescapedLikeMlflow) {
  // sqlparse keeps '' and \' inside the token and MLflow only strips the outer quotes.
  EXPECT_EQ(MustParseOne("name = 'it''s'", kModels).value, "it''s");
  EXPECT_EQ(MustParseOne("name = 'a\\'b'", kModels).value, "a\\'b");
  EXPECT_EQ(MustParseOne("name = \"say \"\"hi\"\"\"", kModels).value, "say \"\"hi\"\"");
  // A backslash before the closing quote with no later quote is a plain character.
  EXPECT_EQ(MustParseOne("name = 'abc\\'", kModels).value, "abc\\");
  // A doubled quote with no later quote closes the string and leaves a stray quote.
  ErrorOf("name = 'a''", kModels);
}

TEST(SearchFilterTest, ValuesAreOpaqueText) {
  // SQL-looking text inside a quoted value is just a value.
  SearchFilter f = MustParse("name = 'x'' OR 1=1; DROP TABLE t; --' AND tags.k = 'v'", kModels);
  ASSERT_EQ(f.clauses.size(), 2u);
  EXPECT_EQ(f.clauses[0].value, "x'' OR 1=1; DROP TABLE t; --");
  ExpectTag(f.clauses[1], "k", Comparator::kEqual, "v");
  EXPECT_EQ(MustParseOne("name = 'a AND b'", kModels).value, "a AND b");
  EXPECT_EQ(MustParseOne("name = \"caf\xC3\xA9\"", kModels).value, "caf\xC3\xA9");
}

TEST(SearchFilterTest, VersionAttributes) {
  ExpectAttribute(MustParseOne("run_id = 'a1b2'", kVersions), FilterAttribute::kRunId,
                  Comparator::kEqual, "a1b2");
  ExpectAttribute(MustParseOne("source_path LIKE 's3://%'", kVersions),
                  FilterAttribute::kSourcePath, Comparator::kLike, "s3://%");
  ExpectAttribute(MustParseOne("name = 'm'", kVersions), FilterAttribute::kName, Comparator::kEqual,
                  "m");
}

TEST(SearchFilterTest, VersionNumberComparisons) {
  struct Case {
    const char* filter;
    Comparator comparator;
    int64_t number;
  };
  const Case cases[] = {
      {"version_number = 3", Comparator::kEqual, 3},
      {"version_number != 3", Comparator::kNotEqual, 3},
      {"version_number < 10", Comparator::kLess, 10},
      {"version_number <= 10", Comparator::kLessEqual, 10},
      {"version_number > 0", Comparator::kGreater, 0},
      {"version_number >= 2", Comparator::kGreaterEqual, 2},
      {"version_number>=2", Comparator::kGreaterEqual, 2},
      {"version_number > -1", Comparator::kGreater, -1},
      {"version_number = '7'", Comparator::kEqual, 7},
      {"version_number = \"007\"", Comparator::kEqual, 7},
      {"version_number = 9223372036854775807", Comparator::kEqual,
       std::numeric_limits<int64_t>::max()},
  };
  for (const Case& c : cases) {
    FilterClause clause = MustParseOne(c.filter, kVersions);
    EXPECT_EQ(clause.kind, FilterKind::kAttribute) << c.filter;
    EXPECT_EQ(clause.attribute, FilterAttribute::kVersionNumber) << c.filter;
    EXPECT_EQ(clause.comparator, c.comparator) << c.filter;
    EXPECT_EQ(clause.number, c.number) << c.filter;
    EXPECT_EQ(clause.value, std::to_string(c.number)) << c.filter;
  }
}

TEST(SearchFilterTest, RunIdInDropsValuesThatAreNotLowercaseLikeMlflow) {
  FilterClause c =
      MustParseOne("run_id IN ('abc123', 'ABC', '12345', 'aBc', 'def', \"a-b\")", kVersions);
  EXPECT_EQ(c.kind, FilterKind::kAttribute);
  EXPECT_EQ(c.attribute, FilterAttribute::kRunId);
  EXPECT_EQ(c.comparator, Comparator::kIn);
  EXPECT_EQ(c.values, (std::vector<std::string>{"abc123", "def", "a-b"}));

  EXPECT_EQ(MustParseOne("run_id in ('a')", kVersions).values, std::vector<std::string>{"a"});
  EXPECT_EQ(MustParseOne("run_id IN('a',)", kVersions).values, std::vector<std::string>{"a"});
  EXPECT_EQ(MustParseOne("run_id IN ( 'a' , 'b' )", kVersions).values,
            (std::vector<std::string>{"a", "b"}));
  // Every value dropped: an empty list, which matches nothing.
  FilterClause none = MustParseOne("run_id IN ('ABC', '123')", kVersions);
  EXPECT_EQ(none.comparator, Comparator::kIn);
  EXPECT_TRUE(none.values.empty());
  // A ')' inside a quoted item does not end the list.
  EXPECT_EQ(MustParseOne("run_id IN ('a)b')", kVersions).values, std::vector<std::string>{"a)b"});

  SearchFilter f = MustParse("run_id IN ('a','b') AND name = 'm'", kVersions);
  ASSERT_EQ(f.clauses.size(), 2u);
  EXPECT_EQ(f.clauses[1].value, "m");
}

// ---------------------------------------------------------------------------------------
// Prompts

TEST(SearchFilterTest, ClientAppendedPromptClauseMeansExcludePrompts) {
  SearchFilter f = MustParse(kClientPromptClause, kModels);
  EXPECT_TRUE(f.exclude_prompts);
  EXPECT_TRUE(f.clauses.empty());

  f = MustParse(std::string("name = 'recommender' AND ") + kClientPromptClause, kModels);
  EXPECT_TRUE(f.exclude_prompts);
  ASSERT_EQ(f.clauses.size(), 1u);
  ExpectAttribute(f.clauses[0], FilterAttribute::kName, Comparator::kEqual, "recommender");

  f = MustParse(std::string("tags.team = 'growth' AND name LIKE '%EU' AND ") + kClientPromptClause,
                kModels);
  EXPECT_TRUE(f.exclude_prompts);
  ASSERT_EQ(f.clauses.size(), 2u);
  ExpectTag(f.clauses[0], "team", Comparator::kEqual, "growth");
  ExpectAttribute(f.clauses[1], FilterAttribute::kName, Comparator::kLike, "%EU");
}

TEST(SearchFilterTest, QueryingPromptsKeepsThePromptClause) {
  for (const char* filter : {"tags.`mlflow.prompt.is_prompt` = 'true' AND name ILIKE '%x%'",
                             "tags.mlflow.prompt.is_prompt = 'TRUE' AND name ILIKE '%x%'",
                             "tag.\"mlflow.prompt.is_prompt\" != 'False' AND name ILIKE '%x%'"}) {
    SearchFilter f = MustParse(filter, kModels);
    EXPECT_FALSE(f.exclude_prompts) << filter;
    ASSERT_EQ(f.clauses.size(), 2u) << filter;
    EXPECT_EQ(f.clauses[0].kind, FilterKind::kTag);
    EXPECT_EQ(f.clauses[0].tag_key, "mlflow.prompt.is_prompt");
    ExpectAttribute(f.clauses[1], FilterAttribute::kName, Comparator::kILike, "%x%");
  }
  SearchFilter v = MustParse("name='p' AND tags.`mlflow.prompt.is_prompt` = 'true'", kVersions);
  EXPECT_FALSE(v.exclude_prompts);
  EXPECT_EQ(v.clauses.size(), 2u);
}

TEST(SearchFilterTest, OtherPromptClausesExcludePromptsAndAreRemoved) {
  for (const char* filter :
       {"tags.`mlflow.prompt.is_prompt` = 'false'", "tags.`mlflow.prompt.is_prompt` != 'TRUE'",
        "tags.`mlflow.prompt.is_prompt` LIKE 'true'", "tags.`mlflow.prompt.is_prompt` = 'yes'"}) {
    SearchFilter f = MustParse(std::string(filter) + " AND tags.k = 'v'", kVersions);
    EXPECT_TRUE(f.exclude_prompts) << filter;
    ASSERT_EQ(f.clauses.size(), 1u) << filter;
    ExpectTag(f.clauses[0], "k", Comparator::kEqual, "v");
  }
}

TEST(SearchFilterTest, OnlyTheFirstPromptClauseDecides) {
  SearchFilter f = MustParse(
      "tags.`mlflow.prompt.is_prompt` = 'true' AND tags.`mlflow.prompt.is_prompt` != 'true'",
      kModels);
  EXPECT_FALSE(f.exclude_prompts);
  EXPECT_EQ(f.clauses.size(), 2u);

  f = MustParse(
      "tags.`mlflow.prompt.is_prompt` != 'true' AND name = 'a' AND "
      "tags.`mlflow.prompt.is_prompt` = 'true'",
      kModels);
  EXPECT_TRUE(f.exclude_prompts);
  ASSERT_EQ(f.clauses.size(), 1u);
  EXPECT_EQ(f.clauses[0].value, "a");
}

TEST(SearchFilterTest, SimilarTagKeysAreNotThePromptTag) {
  SearchFilter f = MustParse("tags.`mlflow.prompt.is_prompt ` = 'true'", kModels);
  EXPECT_TRUE(f.exclude_prompts);
  EXPECT_EQ(f.clauses.size(), 1u);
  f = MustParse("tags.`mlflow.prompt.text` = 'true'", kModels);
  EXPECT_TRUE(f.exclude_prompts);
  EXPECT_EQ(f.clauses.size(), 1u);
  // An attribute clause never decides.
  f = MustParse("name = 'mlflow.prompt.is_prompt'", kModels);
  EXPECT_TRUE(f.exclude_prompts);
  EXPECT_EQ(f.clauses.size(), 1u);
}

// ---------------------------------------------------------------------------------------
// Rejections

TEST(SearchFilterTest, RejectsOrWithMlflowMessage) {
  EXPECT_EQ(ErrorOf("name = 'recommender' OR name = 'churn-model' AND " +
                        std::string(kClientPromptClause),
                    kModels),
            "Invalid clause(s) in filter string: OR");
}

TEST(SearchFilterTest, RejectsIncompleteClauses) {
  EXPECT_EQ(ErrorOf("name LIKE", kVersions), "Invalid clause(s) in filter string: name LIKE");
  EXPECT_EQ(ErrorOf("name =  AND " + std::string(kClientPromptClause), kModels),
            "Invalid clause(s) in filter string: name =");
  ErrorOf("name", kModels);
  ErrorOf("name =", kModels);
  ErrorOf("= 'a'", kModels);
  ErrorOf("'a' = name", kModels);
}

TEST(SearchFilterTest, RejectsStructuralGarbageAndInjectionAttempts) {
  const char* const filters[] = {
      "name = 'a'; DROP TABLE registered_models",
      "name = 'a';",
      "name = 'a' -- comment",
      "name = 'a' /* c */",
      "name = 'a' # c",
      "name = 'a' OR 1=1",
      "name = 'a' or name = 'b'",
      "(name = 'a')",
      "name = 'a' AND (name = 'b')",
      "name = ('a')",
      "name = 'a",
      "name = \"a",
      "name = 'a' AND tags.k = 'b",
      "tags.`k = 'a'",
      "name = 'a' name = 'b'",
      "name = 'a' && name = 'b'",
      "name = 'a' ANDname = 'b'",
      "NOT name = 'a'",
      "name = 'a' 'b'",
      "name = 'a' AND 1=1",
      "name = 'a'\x01",
  };
  for (const char* filter : filters) {
    ErrorOf(filter, kModels);
    ErrorOf(filter, kVersions);
  }
}

// sqlparse keeps AND keywords wherever they stand and MLflow drops them all (the reference
// server answers these with 200).
TEST(SearchFilterTest, AcceptsStrayAnds) {
  for (SearchTarget target : {kModels, kVersions}) {
    EXPECT_EQ(MustParse("AND name = 'a'", target).clauses.size(), 1u);
    EXPECT_EQ(MustParse("name = 'a' AND", target).clauses.size(), 1u);
    EXPECT_EQ(MustParse("name = 'a' and ", target).clauses.size(), 1u);
    EXPECT_EQ(MustParse(" AND AND name = 'a' AND  AND name LIKE 'b%' AND", target).clauses.size(),
              2u);
    EXPECT_TRUE(MustParse("AND", target).clauses.empty());
    EXPECT_TRUE(MustParse("AND and AND", target).clauses.empty());
  }
  EXPECT_EQ(MustParseOne("AND name = 'AND'", kModels).value, "AND");
  // A word that only starts with AND is not the keyword.
  ErrorOf("ANDname = 'a'", kModels);
  ErrorOf("name = 'a' AND OR", kModels);
}

TEST(SearchFilterTest, LongGarbageIsNotEchoedInFull) {
  const std::string filter = "name = 'a' " + std::string(100000, ';');
  const std::string message = ErrorOf(filter, kModels);
  EXPECT_EQ(message.rfind("Invalid clause(s) in filter string: ;;;", 0), 0u);
  EXPECT_LT(message.size(), 300u);
}

TEST(SearchFilterTest, RejectsUnknownAttributesAndEntities) {
  EXPECT_EQ(ErrorOf("current_stage = 'Staging'", kVersions),
            "Invalid attribute key 'current_stage' specified. Valid keys are '{'name', "
            "'run_id', 'source_path', 'version_number'}'");
  EXPECT_EQ(ErrorOf("owner = 'x'", kModels),
            "Invalid attribute key 'owner' specified. Valid keys are '{'name'}'");
  // Version-only attributes are unknown for registered models.
  ErrorOf("run_id = 'a'", kModels);
  ErrorOf("source_path = 'a'", kModels);
  ErrorOf("version_number = 1", kModels);
  // Attribute keys are case-sensitive and never quoted (MLflow checks before unquoting).
  ErrorOf("NAME = 'a'", kModels);
  ErrorOf("attribute.`name` = 'a'", kModels);
  ErrorOf("attribute.\"name\" = 'a'", kModels);
  ErrorOf("`name` = 'a'", kModels);
  ErrorOf("\"name\" = 'a'", kModels);
  ErrorOf("attribute.creation_timestamp = 'a'", kVersions);
  // Entity prefixes.
  EXPECT_NE(ErrorOf("metric.acc > 1", kVersions).find("Invalid entity type 'metric'"),
            std::string::npos);
  ErrorOf("params.x = 'a'", kModels);
  ErrorOf("Tags.x = 'a'", kModels);
  ErrorOf("TAG.x = 'a'", kModels);
  ErrorOf("`tags`.x = 'a'", kModels);
  // Malformed tag keys.
  ErrorOf("tags. = 'a'", kModels);
  ErrorOf("tags.x. = 'a'", kModels);
  ErrorOf("tags.x.`y` = 'a'", kModels);
  ErrorOf("tags.`x`.y = 'a'", kModels);
  ErrorOf("tags.`x`y = 'a'", kModels);
  ErrorOf("tags.my-key = 'a'", kModels);
  ErrorOf("tags . x = 'a'", kModels);
}

TEST(SearchFilterTest, RejectsBadComparators) {
  ErrorOf("name == 'a'", kModels);
  ErrorOf("name <> 'a'", kModels);
  ErrorOf("name =! 'a'", kModels);
  ErrorOf("name ~ 'a'", kModels);
  ErrorOf("name NOT LIKE 'a'", kModels);
  ErrorOf("run_id NOT IN ('a')", kVersions);
  ErrorOf("name RLIKE 'a'", kModels);
  ErrorOf("name IS 'a'", kModels);
  EXPECT_EQ(ErrorOf("name > 'a'", kModels), "Invalid comparator for attribute: >");
  ErrorOf("name <= 'a'", kVersions);
  ErrorOf("source_path > 'a'", kVersions);
  ErrorOf("run_id < 'a'", kVersions);
  EXPECT_EQ(ErrorOf("tags.k > 'a'", kModels), "Invalid comparator for tag: >");
  ErrorOf("tags.k >= 'a'", kVersions);
  EXPECT_EQ(ErrorOf("version_number LIKE '1'", kVersions),
            "Invalid comparator for attribute version_number: LIKE");
  ErrorOf("version_number ILIKE '1'", kVersions);
}

TEST(SearchFilterTest, RejectsUnquotedAndMistypedValues) {
  EXPECT_NE(ErrorOf("name = abc", kModels).find("not quoted"), std::string::npos);
  ErrorOf("name = `abc`", kModels);
  ErrorOf("tags.k = abc", kModels);
  ErrorOf("tags.k = `abc`", kVersions);
  // Numbers only for version_number.
  ErrorOf("name = 1", kModels);
  ErrorOf("name = 1", kVersions);
  ErrorOf("run_id = 12", kVersions);
  ErrorOf("tags.k = 1", kModels);
  // Lists only for run_id IN.
  ErrorOf("name IN ('a')", kModels);
  ErrorOf("name IN ('a')", kVersions);
  ErrorOf("source_path IN ('a')", kVersions);
  ErrorOf("tags.k IN ('a')", kVersions);
  ErrorOf("version_number IN ('1')", kVersions);
  ErrorOf("run_id = ('a')", kVersions);
  ErrorOf("run_id != ('a', 'b')", kVersions);
  ErrorOf("run_id IN 'a'", kVersions);
}

TEST(SearchFilterTest, RejectsBadVersionNumbers) {
  ErrorOf("version_number = 1.5", kVersions);
  ErrorOf("version_number = 1.", kVersions);
  ErrorOf("version_number = 1e3", kVersions);
  ErrorOf("version_number = 0x10", kVersions);
  ErrorOf("version_number = 1abc", kVersions);
  ErrorOf("version_number = 1AND name = 'a'", kVersions);
  ErrorOf("version_number = 'abc'", kVersions);
  ErrorOf("version_number = ''", kVersions);
  ErrorOf("version_number = '1.0'", kVersions);
  ErrorOf("version_number = ' 1'", kVersions);
  ErrorOf("version_number = - 1", kVersions);
  ErrorOf("version_number = 9223372036854775808", kVersions);
  ErrorOf("version_number = '99999999999999999999'", kVersions);
  ErrorOf("version_number = abc", kVersions);
}

TEST(SearchFilterTest, RejectsBadRunIdLists) {
  EXPECT_NE(ErrorOf("run_id IN ()", kVersions).find("empty list"), std::string::npos);
  ErrorOf("run_id IN ( )", kVersions);
  ErrorOf("run_id IN (1, 2)", kVersions);
  ErrorOf("run_id IN ('a' 'b')", kVersions);
  ErrorOf("run_id IN ('a',,'b')", kVersions);
  ErrorOf("run_id IN (,)", kVersions);
  ErrorOf("run_id IN ('a'", kVersions);
  ErrorOf("run_id IN ('a", kVersions);
  ErrorOf("run_id IN (a)", kVersions);
  ErrorOf("run_id IN ('a\\'b')", kVersions);
  ErrorOf("run_id IN (('a'))", kVersions);
  ErrorOf("run_id IN ('a') )", kVersions);
}

}  // namespace
}  // namespace modelwarden
