// The database backends the registry suites run on: SQLite in memory, SQLite in a file, and a
// real MySQL/MariaDB when MODELWARDEN_TEST_MYSQL_URI names one (scripts/start-mariadb).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "registry/model_store.h"
#include "registry/status.h"
#include "registry/store_factory.h"

namespace modelwarden::testing {

enum class Backend { kSqliteMemory, kSqliteFile, kMysql };

std::string BackendName(Backend backend);

// The backends of this build: both SQLite ones, and MySQL when built with Connector/C++.
std::vector<Backend> AvailableBackends();

// False for MySQL when MODELWARDEN_TEST_MYSQL_URI is unset: the test should GTEST_SKIP().
bool BackendConfigured(Backend backend);

// An empty database on `backend`, removed again when destroyed.
class TestDatabase {
 public:
  static Result<std::unique_ptr<TestDatabase>> Create(Backend backend);
  ~TestDatabase();

  // A backend-store URI for the empty database (what `--backend-store-uri` takes).
  const std::string& uri() const { return uri_; }
  // Opens a store on it (migrating it); may be called several times (several "servers").
  Result<std::unique_ptr<ModelStore>> OpenStore(int pool_size = 4) const;
  // The model store and the auth store over one pool (one in-memory database for SQLite).
  Result<Stores> OpenStores(int pool_size = 4) const;
  // Runs one statement on the database through a connection of its own, e.g. to age a row in
  // a way no API allows. Not for kSqliteMemory (a private database).
  Status ExecuteSql(const std::string& sql) const;
  // Runs the statements of the SQL file at `path` in order, on one connection: each ends at a
  // line that ends with ';'; lines starting with "--" are comments. Not for kSqliteMemory.
  Status ExecuteScript(const std::string& path) const;
  // The database's own name: the SQLite file's path, or the MySQL database's name.
  const std::string& name() const { return cleanup_; }

 private:
  TestDatabase(Backend backend, std::string uri, std::string cleanup)
      : backend_(backend), uri_(std::move(uri)), cleanup_(std::move(cleanup)) {}

  Backend backend_;
  std::string uri_;
  std::string cleanup_;  // File to delete or database to drop.
};

// The fixture of suites over every backend that need both stores: an empty database with the
// model store and the auth store on one pool. Skips a backend that is not configured.
class StoresTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;

  std::unique_ptr<TestDatabase> database_;
  Stores stores_;
};

}  // namespace modelwarden::testing
