// The SQL plumbing under the store: the SQLite connection, the pool, transactions, migrations.

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "registry/registry_service.h"
#include "registry/sql/connection_pool.h"
#include "registry/sql/schema.h"
#include "registry/sql/sqlite_connection.h"
#include "registry/sql/transaction.h"
#include "registry/store_factory.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

SqliteOptions MemoryOptions() {
  SqliteOptions options;
  options.path = ":memory:";
  return options;
}

std::unique_ptr<SqlConnection> OpenMemory() {
  auto connection = OpenSqliteConnection(MemoryOptions());
  EXPECT_OK(connection);
  return std::move(*connection);
}

TEST(SqliteConnectionTest, BindsAndReadsEveryType) {
  auto db = OpenMemory();
  ASSERT_OK(db->Execute("CREATE TABLE t (i INTEGER, s TEXT, n TEXT)", {}));
  ASSERT_OK(db->Execute("INSERT INTO t VALUES (?, ?, ?)",
                        {int64_t{-9007199254740993}, std::string("caf\xc3\xa9\0x", 6), {}}));
  auto rows = db->Query("SELECT i, s, n FROM t", {});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  const SqlRow& row = (*rows)[0];
  EXPECT_EQ(row.Int(0), -9007199254740993);
  EXPECT_EQ(row.Text(1), std::string("caf\xc3\xa9\0x", 6));
  EXPECT_TRUE(row.IsNull(2));
  EXPECT_EQ(row.Text(0), "-9007199254740993");
}

TEST(SqliteConnectionTest, MapsUniqueViolationToAlreadyExists) {
  auto db = OpenMemory();
  ASSERT_OK(db->Execute("CREATE TABLE t (k TEXT PRIMARY KEY)", {}));
  ASSERT_OK(db->Execute("INSERT INTO t VALUES (?)", {std::string("a")}));
  EXPECT_CODE(db->Execute("INSERT INTO t VALUES (?)", {std::string("a")}),
              ErrorCode::kResourceAlreadyExists);
  EXPECT_CODE(db->Query("SELECT nope FROM t", {}), ErrorCode::kInternalError);
}

TEST(SqliteConnectionTest, LikeIsCaseSensitive) {
  auto db = OpenMemory();
  auto rows = db->Query("SELECT 'ABC' LIKE 'abc', 'ABC' LIKE 'AB%'", {});
  ASSERT_OK(rows);
  EXPECT_EQ((*rows)[0].Int(0), 0);
  EXPECT_EQ((*rows)[0].Int(1), 1);
}

// The budget is one connection's cache size and the process's bound on SQLite's heap, so a
// single busy connection may cache the whole budget and all of them together stay near it.
TEST(SqliteConnectionTest, CacheBudgetBoundsEachConnectionAndTheProcess) {
  const int64_t previous_limit = sqlite3_soft_heap_limit64(-1);
  SqliteOptions options = MemoryOptions();
  options.cache_budget_bytes = int64_t{48} * 1024 * 1024;
  auto db = OpenSqliteConnection(options);
  ASSERT_OK(db);
  auto cache_size = (*db)->Query("PRAGMA cache_size", {});
  ASSERT_OK(cache_size);
  ASSERT_EQ(cache_size->size(), 1u);
  EXPECT_EQ((*cache_size)[0].Int(0), -48 * 1024);  // KiB, as a negative number.
  EXPECT_EQ(sqlite3_soft_heap_limit64(-1), options.cache_budget_bytes);

  // Without a budget SQLite's defaults stand.
  auto plain = OpenSqliteConnection(MemoryOptions());
  ASSERT_OK(plain);
  cache_size = (*plain)->Query("PRAGMA cache_size", {});
  ASSERT_OK(cache_size);
  EXPECT_EQ((*cache_size)[0].Int(0), -2000);
  sqlite3_soft_heap_limit64(previous_limit);
}

TEST(TransactionTest, RollsBackEverythingOnError) {
  auto db = OpenMemory();
  ASSERT_OK(db->Execute("CREATE TABLE t (k TEXT PRIMARY KEY)", {}));
  SqlConnection* raw = db.release();
  ConnectionPool pool(
      [raw]() -> Result<std::unique_ptr<SqlConnection>> {
        return std::unique_ptr<SqlConnection>(raw);
      },
      1, 1000);
  Status status = WithWriteTransaction(pool, [](SqlConnection& c) -> Status {
    RETURN_IF_ERROR(c.Execute("INSERT INTO t VALUES ('a')", {}));
    return Status::InvalidArgument("rejected after the first write");
  });
  EXPECT_CODE(status, ErrorCode::kInvalidParameterValue);
  Status counted = WithReadTransaction(pool, [](SqlConnection& c) -> Status {
    auto rows = c.Query("SELECT COUNT(*) FROM t", {});
    RETURN_IF_ERROR(rows);
    EXPECT_EQ((*rows)[0].Int(0), 0);
    return Status::Ok();
  });
  EXPECT_OK(counted);
}

TEST(ConnectionPoolTest, ExhaustionWaitsThenIsTemporarilyUnavailable) {
  int opened = 0;
  ConnectionPool pool(
      [&opened]() -> Result<std::unique_ptr<SqlConnection>> {
        ++opened;
        return OpenSqliteConnection(MemoryOptions());
      },
      2, 50);
  auto first = pool.Acquire();
  auto second = pool.Acquire();
  ASSERT_OK(first);
  ASSERT_OK(second);
  EXPECT_CODE(pool.Acquire(), ErrorCode::kTemporarilyUnavailable);
  { auto released = std::move(*first); }
  EXPECT_OK(pool.Acquire());
  EXPECT_EQ(opened, 2);
}

TEST(ConnectionPoolTest, FailedOpenIsReportedAndRetriedLater) {
  bool fail = true;
  ConnectionPool pool(
      [&fail]() -> Result<std::unique_ptr<SqlConnection>> {
        if (fail) return Status::Unavailable("down");
        return OpenSqliteConnection(MemoryOptions());
      },
      1, 50);
  EXPECT_CODE(pool.Acquire(), ErrorCode::kTemporarilyUnavailable);
  fail = false;
  EXPECT_OK(pool.Acquire());
}

TEST(SchemaTest, MigrationIsIdempotentAndRecorded) {
  auto db = OpenMemory();
  ASSERT_OK(MigrateSchema(*db));
  ASSERT_OK(MigrateSchema(*db));
  auto rows = db->Query("SELECT MAX(version), COUNT(*) FROM schema_version", {});
  ASSERT_OK(rows);
  EXPECT_EQ((*rows)[0].Int(0), LatestSchemaVersion());
  EXPECT_EQ((*rows)[0].Int(1), static_cast<int64_t>(SchemaVersions().size()));
}

TEST(SchemaTest, RefusesADatabaseFromANewerBuild) {
  auto db = OpenMemory();
  ASSERT_OK(MigrateSchema(*db));
  ASSERT_OK(db->Execute("INSERT INTO schema_version VALUES (?, 0)",
                        {int64_t{LatestSchemaVersion() + 1}}));
  EXPECT_CODE(MigrateSchema(*db), ErrorCode::kInvalidState);
}

TEST(SchemaTest, ServersStartingTogetherOnOneFileBothSucceed) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("modelwarden_schema_race_" + std::to_string(getpid()) + ".db"))
                               .string();
  std::filesystem::remove(path);
  std::vector<Status> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      StoreOptions options;
      options.uri = "sqlite:///" + path;
      results[i] = OpenModelStore(options).status();
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_OK(s);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

TEST(StoreFactoryTest, RejectsUnknownUrisAndMasksPasswords) {
  StoreOptions options;
  options.uri = "postgresql://u:p@h/db";
  EXPECT_CODE(OpenModelStore(options), ErrorCode::kInvalidParameterValue);
  options.uri = "sqlite://relative-without-slash";
  EXPECT_CODE(OpenModelStore(options), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(MaskStoreUri("mysql://user:s3cret@db:3306/reg"), "mysql://user:***@db:3306/reg");
  EXPECT_EQ(MaskStoreUri("mysql://user:p@ss@db/reg"), "mysql://user:***@db/reg");
  EXPECT_EQ(MaskStoreUri("sqlite:///modelwarden.db"), "sqlite:///modelwarden.db");
  EXPECT_EQ(MaskStoreUri("mysql://user@db/reg"), "mysql://user@db/reg");
  // A password with '/' in it is masked too (it used to come out whole).
  EXPECT_EQ(MaskStoreUri("mysql://user:p/ss@db/reg"), "mysql://user:***@db/reg");
}

TEST(RegistryServiceOptionsTest, SourcePatternAppliesToEveryNewVersionPromptsIncluded) {
  auto store = OpenModelStore(StoreOptions{"sqlite:///:memory:", 1, 1000});
  ASSERT_OK(store);
  modelwarden::testing::FakeClock clock;
  RegistryServiceOptions options;
  options.source_pattern = *Regex::Compile("^s3://approved-bucket/");
  options.source_pattern_text = "^s3://approved-bucket/";
  PermitAll permit_all;
  RegistryService service(**store, permit_all, clock, options);
  CallContext ctx;
  ASSERT_OK(service.CreateRegisteredModel(ctx, {"m", "", {}}));
  EXPECT_OK(service.CreateModelVersion(ctx, {"m", "s3://approved-bucket/m/1", "", "", "", {}}));
  EXPECT_CODE(service.CreateModelVersion(ctx, {"m", "s3://other/m/1", "", "", "", {}}),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(service.CreateModelVersion(
                  ctx, {"m", "dummy-source", "", "", "", {{"mlflow.prompt.is_prompt", "true"}}}),
              ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(service.GetLatestVersions(ctx, "m", {})->size(), 1u);
}

}  // namespace
}  // namespace modelwarden
