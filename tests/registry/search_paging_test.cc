// Paging through both searches with page tokens, on every backend: pages resume after the last
// row of the page before (keyset) whatever ties the ordered column has, rows deleted or added
// between pages shift nothing, and MLflow's offset tokens (and tokens of another search) still
// mean what MLflow makes them mean.

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "registry/registry_service.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::TestDatabase;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// Time stands still until moved, so that rows written together tie on their timestamps.
class FrozenClock final : public Clock {
 public:
  int64_t NowMillis() const override { return now_.load(); }
  void Set(int64_t millis) { now_.store(millis); }

 private:
  std::atomic<int64_t> now_{1'700'000'000'000};
};

constexpr char kNotPrompt[] = "tag.`mlflow.prompt.is_prompt` != 'true'";

class SearchPagingTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (!::modelwarden::testing::BackendConfigured(GetParam())) {
      GTEST_SKIP() << "MODELWARDEN_TEST_MYSQL_URI is not set";
    }
    auto db = TestDatabase::Create(GetParam());
    ASSERT_OK(db);
    database_ = std::move(*db);
    auto store = database_->OpenStore();
    ASSERT_OK(store);
    store_ = std::move(*store);
    service_ = std::make_unique<RegistryService>(*store_, permit_all_, clock_);
  }

  void CreateModel(const std::string& name, std::vector<Tag> tags = {}) {
    EXPECT_OK(service_->CreateRegisteredModel(ctx_, {name, "", std::move(tags)}));
  }
  void CreateVersion(const std::string& name) {
    NewModelVersion version;
    version.name = name;
    version.source = "s3://bucket/" + name;
    EXPECT_OK(service_->CreateModelVersion(ctx_, version));
  }
  void Touch(const std::string& name) {
    EXPECT_OK(service_->UpdateRegisteredModel(ctx_, name, "touched"));
  }

  Page<RegisteredModel> ModelPage(SearchQuery& query) {
    auto page = service_->SearchRegisteredModels(ctx_, query);
    EXPECT_OK(page);
    if (!page.ok()) return {};
    query.page_token = page->next_page_token;
    return std::move(*page);
  }
  static std::vector<std::string> Names(const Page<RegisteredModel>& page) {
    std::vector<std::string> names;
    for (const RegisteredModel& m : page.items) names.push_back(m.name);
    return names;
  }

  // Every page of a model search, `page_size` at a time; checks that only the last page lacks
  // a token and that every page before it is full.
  std::vector<std::string> AllModelPages(const std::string& filter,
                                         std::vector<std::string> order_by, int page_size) {
    SearchQuery query;
    query.filter = filter;
    query.order_by = std::move(order_by);
    query.max_results = page_size;
    std::vector<std::string> all;
    for (int pages = 0; pages < 100; ++pages) {
      const Page<RegisteredModel> page = ModelPage(query);
      for (const RegisteredModel& m : page.items) all.push_back(m.name);
      if (query.page_token.empty()) return all;
      EXPECT_EQ(page.items.size(), static_cast<size_t>(page_size));
      auto token = DecodeSearchPageToken(query.page_token);
      EXPECT_OK(token);
      if (token.ok()) {
        EXPECT_FALSE(token->after.empty()) << "a search token resumes by key";
      }
    }
    ADD_FAILURE() << "paging did not end";
    return all;
  }

  std::vector<std::string> AllVersionPages(const std::string& filter,
                                           std::vector<std::string> order_by, int page_size) {
    SearchQuery query;
    query.filter = filter;
    query.order_by = std::move(order_by);
    query.max_results = page_size;
    std::vector<std::string> all;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = service_->SearchModelVersions(ctx_, query);
      EXPECT_OK(page);
      if (!page.ok()) return all;
      for (const ModelVersion& v : page->items) {
        all.push_back(v.name + "/" + std::to_string(v.version));
      }
      if (page->next_page_token.empty()) return all;
      EXPECT_EQ(page->items.size(), static_cast<size_t>(page_size));
      query.page_token = page->next_page_token;
    }
    ADD_FAILURE() << "paging did not end";
    return all;
  }

  FrozenClock clock_;
  PermitAll permit_all_;
  CallContext ctx_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<ModelStore> store_;
  std::unique_ptr<RegistryService> service_;
};

TEST_P(SearchPagingTest, ModelPagesKeepTiesOnLastUpdatedInNameOrder) {
  for (const char* name : {"m4", "m0", "m8", "m2", "m6", "m1", "m5", "m3", "m7"}) {
    CreateModel(name);
  }
  clock_.Set(1'700'000'000'500);
  for (const char* name : {"m7", "m2", "m5"}) Touch(name);
  CreateModel("p", {{"mlflow.prompt.is_prompt", "true"}});  // Never listed.

  const std::vector<std::string> newest_first = {"m2", "m5", "m7", "m0", "m1",
                                                 "m3", "m4", "m6", "m8"};
  const std::vector<std::string> oldest_first = {"m0", "m1", "m3", "m4", "m6",
                                                 "m8", "m2", "m5", "m7"};
  for (int size : {1, 2, 3, 4, 9, 100}) {
    SCOPED_TRACE("max_results=" + std::to_string(size));
    EXPECT_THAT(AllModelPages(kNotPrompt, {"last_updated_timestamp DESC"}, size),
                ElementsAreArray(newest_first));
    EXPECT_THAT(AllModelPages("", {"timestamp ASC"}, size), ElementsAreArray(oldest_first));
    EXPECT_THAT(AllModelPages("", {"timestamp DESC", "name DESC"}, size),
                ElementsAre("m7", "m5", "m2", "m8", "m6", "m4", "m3", "m1", "m0"));
    EXPECT_THAT(AllModelPages("name LIKE 'm%'", {"timestamp ASC", "name DESC"}, size),
                ElementsAre("m8", "m6", "m4", "m3", "m1", "m0", "m7", "m5", "m2"));
  }
}

TEST_P(SearchPagingTest, VersionPagesKeepTiesOnTimestamps) {
  CreateModel("b");
  CreateModel("a");
  for (int i = 0; i < 3; ++i) CreateVersion("b");
  for (int i = 0; i < 2; ++i) CreateVersion("a");
  clock_.Set(1'700'000'000'500);
  CreateVersion("a");  // a/3, newer than the others.

  for (int size : {1, 2, 4, 100}) {
    SCOPED_TRACE("max_results=" + std::to_string(size));
    // MLflow's default: last_updated_timestamp DESC, name ASC, version DESC.
    EXPECT_THAT(AllVersionPages("", {}, size),
                ElementsAre("a/3", "a/2", "a/1", "b/3", "b/2", "b/1"));
    EXPECT_THAT(AllVersionPages("", {"creation_timestamp ASC"}, size),
                ElementsAre("a/2", "a/1", "b/3", "b/2", "b/1", "a/3"));
    EXPECT_THAT(
        AllVersionPages("name LIKE '%'", {"creation_timestamp ASC", "version_number"}, size),
        ElementsAre("a/1", "b/1", "a/2", "b/2", "b/3", "a/3"));
    EXPECT_THAT(AllVersionPages("name = 'b'", {"version_number ASC"}, size),
                ElementsAre("b/1", "b/2", "b/3"));
  }
}

TEST_P(SearchPagingTest, RowsDeletedBetweenPagesShiftNothing) {
  for (const char* name : {"a", "b", "c", "d", "e", "f", "g", "h"}) {
    CreateModel(name, {{"team", "risk"}});
  }
  for (const std::string filter :
       {"", "tags.team = 'risk'", "tags.team = 'risk' AND name LIKE '%'"}) {
    SCOPED_TRACE(filter);
    SearchQuery query;
    query.filter = filter;
    query.max_results = 3;
    EXPECT_THAT(Names(ModelPage(query)), ElementsAre("a", "b", "c"));
    // A model already seen and the page's last one (whose key the token holds) go; one not
    // yet seen goes too; and models appear before and after the position.
    ASSERT_OK(service_->DeleteRegisteredModel(ctx_, "b"));
    ASSERT_OK(service_->DeleteRegisteredModel(ctx_, "c"));
    ASSERT_OK(service_->DeleteRegisteredModel(ctx_, "e"));
    CreateModel("bb", {{"team", "risk"}});
    CreateModel("z", {{"team", "risk"}});
    EXPECT_THAT(Names(ModelPage(query)), ElementsAre("d", "f", "g"));
    EXPECT_THAT(Names(ModelPage(query)), ElementsAre("h", "z"));
    EXPECT_TRUE(query.page_token.empty());
    // Put the registry back for the next filter.
    for (const char* name : {"bb", "z"}) ASSERT_OK(service_->DeleteRegisteredModel(ctx_, name));
    for (const char* name : {"b", "c", "e"}) CreateModel(name, {{"team", "risk"}});
  }
}

TEST_P(SearchPagingTest, VersionsDeletedBetweenPagesShiftNothing) {
  CreateModel("m");
  for (int i = 0; i < 7; ++i) CreateVersion("m");
  SearchQuery query;
  query.filter = "name = 'm'";
  query.order_by = {"version_number ASC"};
  query.max_results = 3;
  auto first = service_->SearchModelVersions(ctx_, query);
  ASSERT_OK(first);
  ASSERT_EQ(first->items.size(), 3u);
  EXPECT_EQ(first->items.back().version, 3);
  ASSERT_OK(service_->DeleteModelVersion(ctx_, "m", 1));
  ASSERT_OK(service_->DeleteModelVersion(ctx_, "m", 3));
  query.page_token = first->next_page_token;
  auto second = service_->SearchModelVersions(ctx_, query);
  ASSERT_OK(second);
  std::vector<int64_t> versions;
  for (const ModelVersion& v : second->items) versions.push_back(v.version);
  EXPECT_THAT(versions, ElementsAre(4, 5, 6));
}

TEST_P(SearchPagingTest, OffsetTokensAndTokensOfAnotherSearchCountRows) {
  for (const char* name : {"a", "b", "c", "d", "e"}) CreateModel(name, {{"team", "risk"}});
  CreateModel("x");
  SearchQuery query;
  query.max_results = 2;
  query.page_token = EncodePageToken(2);  // What MLflow's server writes: {"offset": 2}.
  EXPECT_THAT(Names(ModelPage(query)), ElementsAre("c", "d"));
  EXPECT_THAT(Names(ModelPage(query)), ElementsAre("e", "x"));  // Resumed by key.
  EXPECT_TRUE(query.page_token.empty());

  // A token of the tag search, given to the unfiltered one: its offset counts, as in MLflow.
  SearchQuery tagged;
  tagged.filter = "tags.team = 'risk'";
  tagged.max_results = 3;
  EXPECT_THAT(Names(ModelPage(tagged)), ElementsAre("a", "b", "c"));
  SearchQuery other;
  other.filter = "name != 'a'";
  other.max_results = 2;
  other.page_token = tagged.page_token;
  EXPECT_THAT(Names(ModelPage(other)), ElementsAre("e", "x"));
  // The same filter in another order: the key means nothing there, the offset does.
  other.filter = tagged.filter;
  other.order_by = {"name DESC"};
  other.page_token = tagged.page_token;
  EXPECT_THAT(Names(ModelPage(other)), ElementsAre("b", "a"));
}

TEST_P(SearchPagingTest, MadeUpPositionsAreRejected) {
  CreateModel("a");
  SearchQuery query;
  query.max_results = 1;
  const std::string search = SearchFingerprint(SearchTarget::kRegisteredModels, "", {});
  for (const std::vector<SortValue>& after :
       {std::vector<SortValue>{int64_t{5}}, std::vector<SortValue>{"a", "b"},
        std::vector<SortValue>{"a", int64_t{1}}}) {
    query.page_token = EncodePageToken(PageToken{1, search, after});
    EXPECT_CODE(service_->SearchRegisteredModels(ctx_, query), ErrorCode::kInvalidParameterValue);
  }
  query.order_by = {"last_updated_timestamp"};
  query.page_token = EncodePageToken(PageToken{
      1, SearchFingerprint(SearchTarget::kRegisteredModels, "", query.order_by), {"a", "a"}});
  EXPECT_CODE(service_->SearchRegisteredModels(ctx_, query), ErrorCode::kInvalidParameterValue);
  // A well-formed position that no row has is simply a place in the order.
  query.page_token = EncodePageToken(
      PageToken{1,
                SearchFingerprint(SearchTarget::kRegisteredModels, "", query.order_by),
                {int64_t{-5}, "zzz"}});
  auto page = service_->SearchRegisteredModels(ctx_, query);
  ASSERT_OK(page);
  EXPECT_THAT(Names(*page), ElementsAre("a"));
}

TEST_P(SearchPagingTest, TagEqualityPagesInNameOrderWithoutPrompts) {
  std::vector<std::string> expected;
  for (int i = 0; i < 12; ++i) {
    const std::string name = "n" + std::to_string(100 + i * 7 % 12);
    std::vector<Tag> tags = {{"team", i % 3 == 0 ? "other" : "risk"}, {"tier", "gold"}};
    if (i % 4 == 1) tags.push_back({"mlflow.prompt.is_prompt", "true"});
    CreateModel(name, tags);
    if (i % 3 != 0 && i % 4 != 1) expected.push_back(name);
  }
  std::sort(expected.begin(), expected.end());
  for (int size : {1, 2, 5, 100}) {
    SCOPED_TRACE("max_results=" + std::to_string(size));
    EXPECT_THAT(AllModelPages(std::string("tags.team = 'risk' AND ") + kNotPrompt, {}, size),
                ElementsAreArray(expected));
    EXPECT_THAT(AllModelPages("tags.tier = 'gold' AND tags.team = 'risk'", {}, size),
                ElementsAreArray(expected));
    std::vector<std::string> reversed(expected.rbegin(), expected.rend());
    EXPECT_THAT(AllModelPages("tags.team = 'risk'", {"name DESC"}, size),
                ElementsAreArray(reversed));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchPagingTest,
                         ::testing::ValuesIn(::modelwarden::testing::AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
