// Both searches over HTTP as the clients drive them: the Python client's prompt filter,
// paging by next_page_token, empty results, form-encoded query strings.

#include <gmock/gmock.h>

#include <algorithm>

#include "tests/api/api_test.h"

namespace modelwarden::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// What MlflowClient.search_registered_models appends to every filter.
constexpr char kNotPrompt[] = "tag.`mlflow.prompt.is_prompt` != 'true'";

class SearchTest : public ApiTest {
 protected:
  // The `field` of every entry of `array` (e.g. "/registered_models", "name").
  static std::vector<std::string> Column(const ApiResponse& response, const char* array,
                                         const char* field) {
    std::vector<std::string> values;
    const rapidjson::Value* items = response.At(array);
    if (items == nullptr || !items->IsArray()) return values;
    for (const auto& item : items->GetArray()) {
      if (item.IsObject() && item.HasMember(field) && item[field].IsString()) {
        values.push_back(item[field].GetString());
      } else {
        values.push_back("<missing " + std::string(field) + ">");
      }
    }
    return values;
  }

  std::vector<std::string> ModelNames(const std::string& filter) {
    const ApiResponse found = api().Get("/registered-models/search", {{"filter", filter}});
    EXPECT_TRUE(IsOkJson(found)) << filter;
    return Column(found, "/registered_models", "name");
  }

  // Follows next_page_token from the first page to the last, `page_size` at a time, and
  // returns the `field` of every result in order. Checks each page's size and that only the
  // last page lacks a token.
  std::vector<std::string> AllPages(const std::string& endpoint, Query query, int page_size,
                                    const char* array, const char* field, int* pages) {
    std::vector<std::string> all;
    query.emplace_back("max_results", std::to_string(page_size));
    std::string token;
    *pages = 0;
    for (int guard = 0; guard < 50; ++guard) {
      Query page_query = query;
      if (!token.empty()) page_query.emplace_back("page_token", token);
      const ApiResponse page = api().Get(endpoint, page_query);
      EXPECT_TRUE(IsOkJson(page)) << endpoint << " page " << *pages + 1;
      if (!IsOkJson(page)) break;
      ++*pages;
      const std::vector<std::string> items = Column(page, array, field);
      all.insert(all.end(), items.begin(), items.end());
      const rapidjson::Value* next = page.At("/next_page_token");
      if (next == nullptr) {
        EXPECT_LE(items.size(), static_cast<size_t>(page_size)) << page.body;
        return all;
      }
      EXPECT_TRUE(next->IsString() && next->GetStringLength() > 0) << page.body;
      EXPECT_EQ(items.size(), static_cast<size_t>(page_size))
          << "a page with a next_page_token must be full: " << page.body;
      token = next->IsString() ? next->GetString() : "";
      if (token.empty()) break;
    }
    ADD_FAILURE() << "paging did not end";
    return all;
  }
};

TEST_P(SearchTest, ClientPromptFilterExcludesPromptsAndKeepsOrdinaryModels) {
  CreateModel("alpha");
  CreateModel("beta", {{"team", "growth"}});
  CreateModel("gamma", {{"mlflow.prompt.is_prompt", "false"}});
  CreateModel("summarizer-prompt", {{"mlflow.prompt.is_prompt", "true"}});

  EXPECT_THAT(ModelNames(kNotPrompt), ElementsAre("alpha", "beta", "gamma"));
  EXPECT_THAT(ModelNames(std::string("name LIKE '%m%' AND ") + kNotPrompt), ElementsAre("gamma"));
  EXPECT_THAT(ModelNames(std::string("tags.team = 'growth' AND ") + kNotPrompt),
              ElementsAre("beta"));
  // Without the clause prompts are excluded too; asked for explicitly, they are found.
  EXPECT_THAT(ModelNames(""), ElementsAre("alpha", "beta", "gamma"));
  EXPECT_THAT(ModelNames("tags.`mlflow.prompt.is_prompt` = 'true'"),
              ElementsAre("summarizer-prompt"));
}

TEST_P(SearchTest, PagingFollowsNextPageTokenUntilAbsentVisitingEachModelOnceInNameOrder) {
  // Created out of order; byte-wise name order puts upper case first.
  std::vector<std::string> names = {"m-07", "M-02", "m-01", "a-10", "Z-3", "m-05", "b-1", "m-10"};
  for (const std::string& name : names) CreateModel(name);
  CreateModel("m-06-prompt", {{"mlflow.prompt.is_prompt", "true"}});
  std::sort(names.begin(), names.end());

  for (int page_size : {2, 3, 8, 100}) {
    int pages = 0;
    const std::vector<std::string> seen =
        AllPages("/registered-models/search", {{"filter", kNotPrompt}}, page_size,
                 "/registered_models", "name", &pages);
    EXPECT_THAT(seen, ElementsAreArray(names)) << "max_results=" << page_size;
    EXPECT_EQ(pages, (static_cast<int>(names.size()) + page_size - 1) / page_size)
        << "max_results=" << page_size;
  }
}

TEST_P(SearchTest, VersionPagingFollowsNextPageTokenUntilAbsent) {
  CreateModel("paged");
  for (int i = 1; i <= 5; ++i) CreateVersion("paged", "s3://models/paged/" + std::to_string(i));
  int pages = 0;
  const std::vector<std::string> seen = AllPages(
      "/model-versions/search", {{"filter", "name = 'paged'"}, {"order_by", "version_number ASC"}},
      2, "/model_versions", "version", &pages);
  EXPECT_THAT(seen, ElementsAre("1", "2", "3", "4", "5"));
  EXPECT_EQ(pages, 3);
}

TEST_P(SearchTest, EmptyResultsAreExactlyAnEmptyObject) {
  for (const char* endpoint : {"/registered-models/search", "/model-versions/search"}) {
    for (const Query& query : std::vector<Query>{{}, {{"max_results", "5"}}}) {
      const ApiResponse empty = api().Get(endpoint, query);
      ASSERT_TRUE(IsOkJson(empty)) << endpoint;
      EXPECT_EQ(empty.json->MemberCount(), 0u) << endpoint << ": " << empty.body;
    }
  }
  CreateModel("present");
  CreateVersion("present", "s3://models/present/1");
  for (const char* endpoint : {"/registered-models/search", "/model-versions/search"}) {
    const ApiResponse none = api().Get(endpoint, {{"filter", "name = 'absent'"}});
    ASSERT_TRUE(IsOkJson(none)) << endpoint;
    EXPECT_EQ(none.json->MemberCount(), 0u) << endpoint << ": " << none.body;
    const ApiResponse some = api().Get(endpoint, {{"filter", "name = 'present'"}});
    ASSERT_TRUE(IsOkJson(some)) << endpoint;
    EXPECT_EQ(some.json->MemberCount(), 1u) << endpoint << ": " << some.body;
  }
}

TEST_P(SearchTest, QueryStringPlusDecodesToSpaceAndRepeatedOrderByKeysAllApply) {
  CreateModel("beta model");
  CreateModel("beta+model");
  const std::string search = std::string(kApiPrefix) + "/registered-models/search?filter=";
  const ApiResponse spaced = api().Send("GET", search + "name+%3D+%27beta+model%27", "", "");
  ASSERT_TRUE(IsOkJson(spaced));
  EXPECT_THAT(Column(spaced, "/registered_models", "name"), ElementsAre("beta model"));
  const ApiResponse plus = api().Send("GET", search + "name+%3D+%27beta%2Bmodel%27", "", "");
  ASSERT_TRUE(IsOkJson(plus));
  EXPECT_THAT(Column(plus, "/registered_models", "name"), ElementsAre("beta+model"));

  for (const char* name : {"zeta", "alpha"}) {
    CreateModel(name);
    CreateVersion(name, std::string("s3://models/") + name + "/1");
    CreateVersion(name, std::string("s3://models/") + name + "/2");
  }
  // Only the first key would give zeta 2, zeta 1 (version DESC breaks ties); only the second
  // would interleave the names.
  const ApiResponse ordered =
      api().Send("GET",
                 std::string(kApiPrefix) +
                     "/model-versions/search?filter=name+LIKE+%27%25a%27&order_by=name+DESC"
                     "&order_by=version_number+ASC",
                 "", "");
  ASSERT_TRUE(IsOkJson(ordered));
  std::vector<std::string> order;
  const std::vector<std::string> names = Column(ordered, "/model_versions", "name");
  const std::vector<std::string> versions = Column(ordered, "/model_versions", "version");
  for (size_t i = 0; i < names.size() && i < versions.size(); ++i) {
    order.push_back(names[i] + "/" + versions[i]);
  }
  EXPECT_THAT(order, ElementsAre("zeta/1", "zeta/2", "alpha/1", "alpha/2")) << ordered.body;
}

MODELWARDEN_INSTANTIATE_API_TESTS(SearchTest);

}  // namespace
}  // namespace modelwarden::testing
