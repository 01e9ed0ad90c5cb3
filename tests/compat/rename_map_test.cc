#include "compat/importer/rename_map.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace modelwarden {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

TEST(RenameMapTest, ReadsPairsWithQuotesHeaderBlankLinesAndCrlf) {
  auto map = ParseRenameMap(
      "old,new\r\n"
      "Churn Model,churn.model\r\n"
      "\r\n"
      "\"a,b\",\"x.\"\"quoted\"\"\"\n"
      "\"line\nbreak\",line.break\n"
      "  spaced  ,spaced.name",
      "renames.csv");
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_THAT(*map, UnorderedElementsAre(
                        Pair("Churn Model", "churn.model"), Pair("a,b", "x.\"quoted\""),
                        Pair("line\nbreak", "line.break"), Pair("  spaced  ", "spaced.name")));
}

TEST(RenameMapTest, MistakesNameTheLine) {
  const struct {
    const char* csv;
    const char* message;
  } cases[] = {
      {"a,b\nc\n", "renames.csv:2: expected old,new"},
      {"a,b,c\n", "renames.csv:1: expected old,new"},
      {"a,\n", "renames.csv:1: expected old,new"},
      {"a,b\na,c\n", "renames.csv:2: 'a' is renamed twice"},
      {"a,x\nb,x\n", "renames.csv:2: 'b' and 'a' would both be named 'x'"},
      {"\"a,b\n", "renames.csv:1: a quoted field is not closed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.csv);
    auto map = ParseRenameMap(c.csv, "renames.csv");
    ASSERT_FALSE(map.ok());
    EXPECT_EQ(map.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_THAT(map.status().message(), HasSubstr(c.message));
  }
}

TEST(RenameMapTest, WhatIsWrittenReadsBack) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"Churn Model", "churn.model"}, {"a,b", "a-b"}, {"say \"hi\"", "say-hi"}, {"x\ny", "x-y"}};
  const std::string csv = FormatRenameMap(pairs);
  EXPECT_EQ(csv.substr(0, 8), "old,new\n");
  auto map = ParseRenameMap(csv, "suggested.csv");
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->size(), pairs.size());
  for (const auto& [from, to] : pairs) EXPECT_EQ(map->at(from), to);
  EXPECT_EQ(ReadRenameMap("/nonexistent/renames.csv").status().code(),
            ErrorCode::kResourceDoesNotExist);
}

}  // namespace
}  // namespace modelwarden
