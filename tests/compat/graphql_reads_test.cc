#include "compat/tracker/graphql_reads.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

namespace modelwarden {
namespace {

constexpr char kRunPage[] =
    R"(query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
  mlflowGetRun(input: $data) {
    apiError { helpUrl code message }
    run { info { runUuid experimentId } experiment { name tags { key value } } modelVersions { name } }
  }
})";

TEST(GraphqlReadsTest, TheUiQueriesReadTheirRunsAndExperiments) {
  Result<GraphqlReads> run = ReadGraphqlRequest(kRunPage, R"({"data":{"runId":"r1"}})");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->runs, std::vector<std::string>{"r1"});
  EXPECT_TRUE(run->experiments.empty());

  Result<GraphqlReads> experiment = ReadGraphqlRequest(
      "query MlflowGetExperimentQuery($input: MlflowGetExperimentInput!) { "
      "mlflowGetExperiment(input: $input) { experiment { name } } }",
      R"({"input":{"experimentId":"7"}})");
  ASSERT_TRUE(experiment.ok()) << experiment.status().ToString();
  EXPECT_EQ(experiment->experiments, std::vector<std::string>{"7"});

  Result<GraphqlReads> search = ReadGraphqlRequest(
      "query SearchRuns($data: MlflowSearchRunsInput!) { mlflowSearchRuns(input: $data) { runs { "
      "info { runUuid } } } }",
      R"({"data":{"experimentIds":["1","2"],"maxResults":10}})");
  ASSERT_TRUE(search.ok());
  EXPECT_EQ(search->experiments, (std::vector<std::string>{"1", "2"}));

  Result<GraphqlReads> bulk = ReadGraphqlRequest(
      "query B($data: MlflowGetMetricHistoryBulkIntervalInput!) { "
      "mlflowGetMetricHistoryBulkInterval(input: $data) { metrics { key } } }",
      R"({"data":{"runIds":["a","b"],"metricKey":"m"}})");
  ASSERT_TRUE(bulk.ok());
  EXPECT_EQ(bulk->runs, (std::vector<std::string>{"a", "b"}));
}

TEST(GraphqlReadsTest, LiteralsAliasesAndSeveralRootFieldsAreAllRead) {
  Result<GraphqlReads> reads = ReadGraphqlRequest(
      "# a comment\n{ a: mlflowGetRun(input: {runId: \"r1\"}) { run { info { runUuid } } }, "
      "b: mlflowGetExperiment(input: {experimentId: 3}) { experiment { name } } __typename }",
      "");
  ASSERT_TRUE(reads.ok()) << reads.status().ToString();
  EXPECT_EQ(reads->runs, std::vector<std::string>{"r1"});
  EXPECT_EQ(reads->experiments, std::vector<std::string>{"3"});
  // A search naming no experiment is decided by the default permission ("").
  Result<GraphqlReads> all =
      ReadGraphqlRequest("{ mlflowSearchRuns(input: {}) { runs { info { runUuid } } } }", "");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->experiments, std::vector<std::string>{""});
}

TEST(GraphqlReadsTest, WhatCannotBeAttributedIsForAdmins) {
  for (const char* query :
       {"{ mlflowSearchModelVersions(input: {filter: \"\"}) { modelVersions { name } } }",
        "query { ...F } fragment F on Query { test }", "subscription { x }",
        "{ __schema { types { name } } }",
        "{ mlflowGetRun(input: {runId: \"r\"}) { ...Spread } }"}) {
    Result<GraphqlReads> reads = ReadGraphqlRequest(query, "");
    ASSERT_FALSE(reads.ok()) << query;
    EXPECT_EQ(reads.status().code(), ErrorCode::kPermissionDenied) << query;
  }
  for (const char* query :
       {"", "{", "{ mlflowGetRun(input: ", "{ \"unterminated }",
        "{ mlflowGetRun(input: {}) { run { info { runUuid } } } }", "query ("}) {
    Result<GraphqlReads> reads = ReadGraphqlRequest(query, "");
    ASSERT_FALSE(reads.ok()) << query;
    EXPECT_EQ(reads.status().code(), ErrorCode::kInvalidParameterValue) << query;
  }
  EXPECT_EQ(ReadGraphqlRequest(kRunPage, "[1]").status().code(), ErrorCode::kInvalidParameterValue);
}

TEST(GraphqlReadsTest, DeepNestingIsRefusedNotRecursedInto) {
  std::string deep = "{ ";
  for (int i = 0; i < 100000; ++i) deep += "a { ";
  EXPECT_EQ(ReadGraphqlRequest(deep, "").status().code(), ErrorCode::kInvalidParameterValue);
  std::string list = "{ mlflowSearchRuns(input: {experimentIds: " + std::string(100000, '[');
  EXPECT_EQ(ReadGraphqlRequest(list, "").status().code(), ErrorCode::kInvalidParameterValue);
  std::string vars = "{\"data\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_FALSE(ReadGraphqlRequest(kRunPage, vars).ok());
}

// Mutations of the UI's query and random bytes: an answer for each, never a crash or a hang.
TEST(GraphqlReadsTest, FuzzedDocumentsGetAnAnswer) {
  std::mt19937 random(15);
  const std::string seed = kRunPage;
  const std::string alphabet = "{}()[]$@:!.\"\\#,\n abcXYZ019-_";
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20000; ++i) {
    std::string doc = seed;
    const int edits = 1 + static_cast<int>(random() % 8);
    for (int e = 0; e < edits && !doc.empty(); ++e) {
      const size_t at = random() % doc.size();
      switch (random() % 3) {
        case 0:
          doc[at] = alphabet[random() % alphabet.size()];
          break;
        case 1:
          doc.erase(at, 1 + random() % 4);
          break;
        default:
          doc.insert(at, 1, alphabet[random() % alphabet.size()]);
      }
    }
    Result<GraphqlReads> reads = ReadGraphqlRequest(doc, R"({"data":{"runId":"r"}})");
    if (reads.ok()) {
      for (const std::string& run : reads->runs) EXPECT_FALSE(run.empty());
    }
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
}

}  // namespace
}  // namespace modelwarden
