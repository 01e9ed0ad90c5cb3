// Paging through searches while another thread keeps creating models and versions, on every
// backend: each walk returns every row that existed before it began exactly once, in the order
// asked for, never a row twice and never going back. Offset tokens fail this (a row created
// before the position shifts the next page by one, repeating a row); tokens that resume after
// the last row's sort key do not.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "registry/registry_service.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::TestDatabase;

constexpr char kNotPrompt[] = "tag.`mlflow.prompt.is_prompt` != 'true'";
constexpr int kModels = 40;   // proj.m000, proj.m002, ... before any walk starts.
constexpr int kPageSize = 7;  // Not a divisor of anything here.
constexpr int kMaxWrites = 4000;

// Time that moves only when the writer moves it, so that rows tie on their timestamps as well.
class SteppedClock final : public Clock {
 public:
  int64_t NowMillis() const override { return now_.load(); }
  void Step() { now_.fetch_add(1); }

 private:
  std::atomic<int64_t> now_{1'700'000'000'000};
};

// One row of a walk: its identity and the sort key it was listed under.
struct Seen {
  std::string id;                                 // "name" or "name/version".
  std::tuple<int64_t, std::string, int64_t> key;  // As the walk orders: ascending.
};

class SearchPagingRaceTest : public ::testing::TestWithParam<Backend> {
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
    for (int i = 0; i < kModels; ++i) {
      const std::string name = OriginalName(i);
      ASSERT_OK(service_->CreateRegisteredModel(ctx_, {name, "", Tags(i % 5 == 4)}));
      for (int v = 0; v < 2; ++v) ASSERT_OK(service_->CreateModelVersion(ctx_, Version(name)));
    }
  }

  void TearDown() override { StopWriter(); }

  static std::string OriginalName(int i) {
    char name[16];
    std::snprintf(name, sizeof(name), "proj.m%03d", 2 * i);
    return name;
  }
  static std::vector<Tag> Tags(bool prompt) {
    std::vector<Tag> tags = {{"team", "risk"}};
    if (prompt) tags.push_back({"mlflow.prompt.is_prompt", "true"});
    return tags;
  }
  static NewModelVersion Version(const std::string& name) {
    NewModelVersion version;
    version.name = name;
    version.source = "s3://bucket/" + name;
    return version;
  }

  // Creates models between the originals (proj.m004-17 sorts between proj.m004 and proj.m006)
  // and, with `versions`, versions of the originals, at the current time or one a step later,
  // until stopped. (A new version makes its model newer: a model walk newest first may then
  // rightly miss it, so model walks run without them.)
  void StartWriter(bool versions) {
    writer_ = std::thread([this, versions] {
      std::mt19937 rng(7);
      for (int n = 0; n < kMaxWrites && !stop_.load(); ++n) {
        const int slot = static_cast<int>(rng() % kModels);
        if (rng() % 2) clock_.Step();
        Status status;
        if (versions && n % 3 == 2) {
          status = service_->CreateModelVersion(ctx_, Version(OriginalName(slot))).status();
        } else {
          const std::string name = OriginalName(slot) + "-" + std::to_string(n);
          status = service_->CreateRegisteredModel(ctx_, {name, "", Tags(n % 4 == 0)}).status();
        }
        if (!status.ok() && status.code() != ErrorCode::kTemporarilyUnavailable) {
          write_error_ = status.ToString();
          break;
        }
        std::lock_guard<std::mutex> lock(mu_);
        ++writes_;
        progressed_.notify_all();
      }
      std::lock_guard<std::mutex> lock(mu_);
      writer_done_ = true;
      progressed_.notify_all();
    });
  }
  void StopWriter() {
    stop_.store(true);
    if (writer_.joinable()) writer_.join();
  }

  // Before each page: at least one more write since the page before, so that every page of a
  // walk is read across writes.
  void AwaitWrite() {
    std::unique_lock<std::mutex> lock(mu_);
    const int64_t before = writes_;
    progressed_.wait_for(lock, std::chrono::seconds(30),
                         [&] { return writes_ > before || writer_done_; });
  }

  // Every page of a search, each read after another write.
  template <typename Item, typename SearchFn, typename SeenFn>
  std::vector<Seen> Walk(SearchQuery query, SearchFn search, SeenFn seen) {
    query.max_results = kPageSize;
    std::vector<Seen> all;
    for (int pages = 0; pages < 1000; ++pages) {
      AwaitWrite();
      Result<Page<Item>> page = search(query);
      EXPECT_OK(page);
      if (!page.ok()) return all;
      for (const Item& item : page->items) all.push_back(seen(item));
      if (page->next_page_token.empty()) return all;
      query.page_token = page->next_page_token;
    }
    ADD_FAILURE() << "paging did not end";
    return all;
  }

  // Every original in `expected` exactly once, keys strictly ascending, nothing unexpected.
  static void ExpectWalk(const std::vector<Seen>& walk, const std::vector<std::string>& expected,
                         bool (*allowed)(const std::string&)) {
    std::map<std::string, int> count;
    for (size_t i = 0; i < walk.size(); ++i) {
      ++count[walk[i].id];
      if (i > 0) {
        EXPECT_LT(walk[i - 1].key, walk[i].key)
            << walk[i - 1].id << " then " << walk[i].id << " at row " << i;
      }
      EXPECT_TRUE(allowed(walk[i].id)) << walk[i].id;
    }
    for (const std::string& id : expected) EXPECT_EQ(count[id], 1) << id;
    for (const auto& [id, n] : count) EXPECT_EQ(n, 1) << id << " listed " << n << " times";
  }

  SteppedClock clock_;
  PermitAll permit_all_;
  CallContext ctx_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<ModelStore> store_;
  std::unique_ptr<RegistryService> service_;
  std::thread writer_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable progressed_;
  int64_t writes_ = 0;
  bool writer_done_ = false;
  std::string write_error_;
};

// Models the writer made as prompts are "-<n>" with n % 4 == 0; originals i % 5 == 4.
bool NotAPrompt(const std::string& name) {
  const size_t dash = name.find('-');
  if (dash != std::string::npos) return std::stoi(name.substr(dash + 1)) % 4 != 0;
  return std::stoi(name.substr(6)) / 2 % 5 != 4;
}
bool Anything(const std::string&) { return true; }

TEST_P(SearchPagingRaceTest, ModelWalksSeeEveryEarlierModelOnceInOrder) {
  // Prompts are never listed, with or without the client's prompt clause (as in MLflow).
  std::vector<std::string> not_prompts;
  for (int i = 0; i < kModels; ++i) {
    if (NotAPrompt(OriginalName(i))) not_prompts.push_back(OriginalName(i));
  }
  auto search = [this](const SearchQuery& q) { return service_->SearchRegisteredModels(ctx_, q); };
  auto by_name = [](const RegisteredModel& m) { return Seen{m.name, {0, m.name, 0}}; };
  auto newest_first = [](const RegisteredModel& m) {
    return Seen{m.name, {-m.last_updated_timestamp, m.name, 0}};
  };
  StartWriter(false);
  struct Case {
    std::string filter;
    std::vector<std::string> order_by;
    bool newest = false;
  };
  for (const Case& c : std::vector<Case>{{"", {}},
                                         {kNotPrompt, {}},
                                         {std::string("tags.team = 'risk' AND ") + kNotPrompt, {}},
                                         {"name LIKE 'proj.%'", {}},
                                         {kNotPrompt, {"last_updated_timestamp DESC"}, true}}) {
    SCOPED_TRACE("filter " + c.filter + (c.newest ? ", newest first" : ""));
    SearchQuery query;
    query.filter = c.filter;
    query.order_by = c.order_by;
    const std::vector<Seen> walk = c.newest ? Walk<RegisteredModel>(query, search, newest_first)
                                            : Walk<RegisteredModel>(query, search, by_name);
    ExpectWalk(walk, not_prompts, NotAPrompt);
  }
  StopWriter();
  EXPECT_EQ(write_error_, "");
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_GT(writes_, 5 * kModels / kPageSize) << "the writer hardly ran during the walks";
}

TEST_P(SearchPagingRaceTest, VersionWalksSeeEveryEarlierVersionOnceInOrder) {
  std::vector<std::string> originals;
  for (int i = 0; i < kModels; ++i) {
    for (int v = 1; v <= 2; ++v) originals.push_back(OriginalName(i) + "/" + std::to_string(v));
  }
  auto search = [this](const SearchQuery& q) { return service_->SearchModelVersions(ctx_, q); };
  // MLflow's default order: last_updated_timestamp DESC, name ASC, version DESC.
  auto newest_first = [](const ModelVersion& v) {
    return Seen{v.name + "/" + std::to_string(v.version),
                {-v.last_updated_timestamp, v.name, -v.version}};
  };
  auto by_version = [](const ModelVersion& v) {
    return Seen{v.name + "/" + std::to_string(v.version),
                {v.creation_timestamp, v.name, v.version}};
  };
  StartWriter(true);
  SearchQuery newest;
  newest.filter = "name LIKE 'proj.%'";
  ExpectWalk(Walk<ModelVersion>(newest, search, newest_first), originals, Anything);
  SearchQuery oldest;
  oldest.order_by = {"creation_timestamp ASC", "name ASC", "version_number ASC"};
  ExpectWalk(Walk<ModelVersion>(oldest, search, by_version), originals, Anything);
  StopWriter();
  EXPECT_EQ(write_error_, "");
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchPagingRaceTest,
                         ::testing::ValuesIn(::modelwarden::testing::AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
