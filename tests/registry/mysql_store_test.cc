// Store behaviour that only a shared MySQL/MariaDB database shows: lost connections and several
// stores (as several server processes would) writing one model at once.
// Runs when MODELWARDEN_TEST_MYSQL_URI names a server (scripts/start-mariadb).

#include <set>
#include <thread>

#include "registry/registry_service.h"
#include "registry/sql/mysql_connection.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::FakeClock;
using ::modelwarden::testing::TestDatabase;

class MysqlStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* uri = std::getenv("MODELWARDEN_TEST_MYSQL_URI");
    if (!uri || !*uri) GTEST_SKIP() << "MODELWARDEN_TEST_MYSQL_URI is not set";
    auto db = TestDatabase::Create(Backend::kMysql);
    ASSERT_OK(db);
    database_ = std::move(*db);
  }

  // Kills every server connection to the test database, as a server restart or an idle
  // timeout would.
  void KillStoreConnections() {
    auto options = ParseMysqlUri(database_->uri());
    ASSERT_OK(options);
    auto admin = OpenMysqlConnection(*options);
    ASSERT_OK(admin);
    auto ids = (*admin)->Query(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()",
        {options->database});
    ASSERT_OK(ids);
    ASSERT_FALSE(ids->empty());
    for (const SqlRow& row : *ids) {
      ASSERT_OK((*admin)->Execute("KILL CONNECTION " + std::to_string(row.Int(0)), {}));
    }
  }

  FakeClock clock_;
  PermitAll permit_all_;
  CallContext ctx_;
  std::unique_ptr<TestDatabase> database_;
};

TEST_F(MysqlStoreTest, LostConnectionsAreReplacedTransparently) {
  auto store = database_->OpenStore(2);
  ASSERT_OK(store);
  RegistryService service(**store, permit_all_, clock_);
  ASSERT_OK(service.CreateRegisteredModel(ctx_, {"m", "", {}}));
  ASSERT_OK(service.GetRegisteredModel(ctx_, "m"));

  KillStoreConnections();
  EXPECT_OK(service.GetRegisteredModel(ctx_, "m"));
  KillStoreConnections();
  auto created = service.CreateModelVersion(ctx_, {"m", "s3://b/m", "", "", "", {}});
  ASSERT_OK(created);
  EXPECT_EQ(created->value.version, 1);
  auto versions = service.SearchModelVersions(ctx_, SearchQuery{});
  ASSERT_OK(versions);
  EXPECT_EQ(versions->items.size(), 1u);  // Retried, but written exactly once.
}

TEST_F(MysqlStoreTest, SeveralStoresAllocateVersionsWithoutGapsOrDuplicates) {
  constexpr int kStores = 3;
  constexpr int kClients = 30;
  constexpr int kPerClient = 5;
  std::vector<std::unique_ptr<ModelStore>> stores;
  std::vector<std::unique_ptr<RegistryService>> services;
  for (int i = 0; i < kStores; ++i) {
    auto store = database_->OpenStore(kClients / kStores);
    ASSERT_OK(store);
    stores.push_back(std::move(*store));
    services.push_back(std::make_unique<RegistryService>(*stores.back(), permit_all_, clock_));
  }
  ASSERT_OK(services[0]->CreateRegisteredModel(ctx_, {"shared", "", {}}));

  std::vector<std::vector<int64_t>> numbers(kClients);
  std::vector<std::string> errors(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < kPerClient; ++i) {
        auto created = services[c % kStores]->CreateModelVersion(
            ctx_, {"shared", "s3://b/shared", "", "", "", {}});
        if (created.ok()) {
          numbers[c].push_back(created->value.version);
        } else {
          errors[c] = created.status().ToString();
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  std::set<int64_t> all;
  size_t total = 0;
  for (int c = 0; c < kClients; ++c) {
    EXPECT_EQ(errors[c], "");
    all.insert(numbers[c].begin(), numbers[c].end());
    total += numbers[c].size();
  }
  EXPECT_EQ(total, all.size()) << "a version number was handed out twice";
  ASSERT_EQ(all.size(), static_cast<size_t>(kClients * kPerClient));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kClients * kPerClient);
}

TEST_F(MysqlStoreTest, ConcurrentPromotionsLeaveExactlyOneHolder) {
  constexpr int kStores = 3;
  constexpr int kVersions = 12;
  std::vector<std::unique_ptr<ModelStore>> stores;
  std::vector<std::unique_ptr<RegistryService>> services;
  for (int i = 0; i < kStores; ++i) {
    auto store = database_->OpenStore(4);
    ASSERT_OK(store);
    stores.push_back(std::move(*store));
    services.push_back(std::make_unique<RegistryService>(*stores.back(), permit_all_, clock_));
  }
  ASSERT_OK(services[0]->CreateRegisteredModel(ctx_, {"m", "", {}}));
  for (int v = 0; v < kVersions; ++v) {
    ASSERT_OK(services[0]->CreateModelVersion(ctx_, {"m", "s3://b/m", "", "", "", {}}));
  }
  std::vector<std::thread> clients;
  std::vector<Status> results(kVersions * 2);
  for (int v = 1; v <= kVersions; ++v) {
    clients.emplace_back([&, v] {
      results[v - 1] = services[v % kStores]
                           ->TransitionModelVersionStage(ctx_, "m", v, Stage::kProduction, true)
                           .status();
    });
    clients.emplace_back([&, v] {
      results[kVersions + v - 1] =
          services[(v + 1) % kStores]->SetRegisteredModelAlias(ctx_, "m", "champion", v).status();
    });
  }
  for (auto& t : clients) t.join();
  for (const Status& s : results) EXPECT_OK(s);

  auto latest = services[0]->GetLatestVersions(ctx_, "m", {Stage::kProduction});
  ASSERT_OK(latest);
  EXPECT_EQ(latest->size(), 1u);
  int in_production = 0;
  for (int v = 1; v <= kVersions; ++v) {
    auto version = services[0]->GetModelVersion(ctx_, "m", v);
    ASSERT_OK(version);
    in_production += version->current_stage == Stage::kProduction;
    EXPECT_NE(version->current_stage, Stage::kNone);
  }
  EXPECT_EQ(in_production, 1);
  auto model = services[0]->GetRegisteredModel(ctx_, "m");
  ASSERT_OK(model);
  ASSERT_EQ(model->aliases.size(), 1u);
  EXPECT_EQ(model->aliases[0].alias, "champion");
}

}  // namespace
}  // namespace modelwarden
