#include "tests/registry/backends.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "registry/sql/sqlite_connection.h"
#include "registry/store_factory.h"
#ifdef MODELWARDEN_HAVE_MYSQL
#include "registry/sql/mysql_connection.h"
#endif

namespace modelwarden::testing {
namespace {

std::atomic<int> next_database{0};

std::string UniqueSuffix() {
  return std::to_string(getpid()) + "_" + std::to_string(next_database++);
}

const char* MysqlUri() {
  const char* uri = std::getenv("MODELWARDEN_TEST_MYSQL_URI");
  return uri && *uri ? uri : nullptr;
}

#ifdef MODELWARDEN_HAVE_MYSQL
Status RunOnServer(const std::string& uri, const std::string& sql) {
  ASSIGN_OR_RETURN(MysqlConnectionOptions options, ParseMysqlUri(uri));
  ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> connection, OpenMysqlConnection(options));
  return connection->Execute(sql, {}).status();
}

// The base URI with its database replaced by `database`.
std::string WithDatabase(const std::string& uri, const std::string& database) {
  const size_t authority = uri.find("://") + 3;
  const size_t slash = uri.find('/', authority);
  const size_t query = uri.find('?', slash);
  return uri.substr(0, slash + 1) + database +
         (query == std::string::npos ? "" : uri.substr(query));
}
#endif

}  // namespace

std::string BackendName(Backend backend) {
  switch (backend) {
    case Backend::kSqliteMemory:
      return "SqliteMemory";
    case Backend::kSqliteFile:
      return "SqliteFile";
    case Backend::kMysql:
      return "Mysql";
  }
  return "Unknown";
}

std::vector<Backend> AvailableBackends() {
  std::vector<Backend> backends = {Backend::kSqliteMemory, Backend::kSqliteFile};
#ifdef MODELWARDEN_HAVE_MYSQL
  // Listed even without a server: ctest discovers tests at build time, before scripts/test
  // starts MariaDB. The fixtures skip when MODELWARDEN_TEST_MYSQL_URI is unset.
  backends.push_back(Backend::kMysql);
#endif
  return backends;
}

bool BackendConfigured(Backend backend) { return backend != Backend::kMysql || MysqlUri(); }

Result<std::unique_ptr<TestDatabase>> TestDatabase::Create(Backend backend) {
  switch (backend) {
    case Backend::kSqliteMemory:
      return std::unique_ptr<TestDatabase>(new TestDatabase(backend, "sqlite:///:memory:", ""));
    case Backend::kSqliteFile: {
      std::string path =
          (std::filesystem::temp_directory_path() / ("modelwarden_test_" + UniqueSuffix() + ".db"))
              .string();
      return std::unique_ptr<TestDatabase>(new TestDatabase(backend, "sqlite:///" + path, path));
    }
    case Backend::kMysql: {
#ifdef MODELWARDEN_HAVE_MYSQL
      if (!MysqlUri()) return Status::Internal("MODELWARDEN_TEST_MYSQL_URI is not set");
      std::string database = "modelwarden_t" + UniqueSuffix();
      RETURN_IF_ERROR(
          RunOnServer(MysqlUri(), "CREATE DATABASE " + database + " CHARACTER SET utf8mb4"));
      return std::unique_ptr<TestDatabase>(
          new TestDatabase(backend, WithDatabase(MysqlUri(), database), database));
#else
      return Status::Internal("built without MySQL");
#endif
    }
  }
  return Status::Internal("unknown backend");
}

TestDatabase::~TestDatabase() {
  if (backend_ == Backend::kSqliteFile) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((cleanup_ + suffix).c_str());
  }
#ifdef MODELWARDEN_HAVE_MYSQL
  if (backend_ == Backend::kMysql && MysqlUri()) {
    RunOnServer(MysqlUri(), "DROP DATABASE IF EXISTS " + cleanup_);
  }
#endif
}

Result<std::unique_ptr<ModelStore>> TestDatabase::OpenStore(int pool_size) const {
  StoreOptions options;
  options.uri = uri_;
  options.pool_size = pool_size;
  return OpenModelStore(options);
}

Result<Stores> TestDatabase::OpenStores(int pool_size) const {
  StoreOptions options;
  options.uri = uri_;
  options.pool_size = pool_size;
  return ::modelwarden::OpenStores(options);
}

Status TestDatabase::ExecuteSql(const std::string& sql) const {
  switch (backend_) {
    case Backend::kSqliteFile: {
      SqliteOptions options;
      options.path = cleanup_;
      ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> connection, OpenSqliteConnection(options));
      return connection->Execute(sql, {}).status();
    }
    case Backend::kMysql:
#ifdef MODELWARDEN_HAVE_MYSQL
      return RunOnServer(uri_, sql);
#else
      return Status::Internal("built without MySQL");
#endif
    case Backend::kSqliteMemory:
      break;
  }
  return Status::Internal("ExecuteSql needs a database other processes can open");
}

Status TestDatabase::ExecuteScript(const std::string& path) const {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read " + path);
  std::unique_ptr<SqlConnection> connection;
  if (backend_ == Backend::kSqliteFile) {
    SqliteOptions options;
    options.path = cleanup_;
    ASSIGN_OR_RETURN(connection, OpenSqliteConnection(options));
  } else if (backend_ == Backend::kMysql) {
#ifdef MODELWARDEN_HAVE_MYSQL
    ASSIGN_OR_RETURN(MysqlConnectionOptions options, ParseMysqlUri(uri_));
    ASSIGN_OR_RETURN(connection, OpenMysqlConnection(options));
#endif
  }
  if (!connection) return Status::Internal("ExecuteScript needs a database of its own");
  std::string line, statement;
  while (std::getline(in, line)) {
    if (statement.empty() && line.rfind("--", 0) == 0) continue;
    statement += line + "\n";
    if (!line.empty() && line.back() == ';') {
      statement.resize(statement.size() - 2);  // The ";\n".
      RETURN_IF_ERROR(connection->Execute(statement, {}));
      statement.clear();
    }
  }
  return Status::Ok();
}

void StoresTest::SetUp() {
  if (!BackendConfigured(GetParam())) GTEST_SKIP() << "MODELWARDEN_TEST_MYSQL_URI is not set";
  auto db = TestDatabase::Create(GetParam());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  database_ = std::move(*db);
  auto stores = database_->OpenStores();
  ASSERT_TRUE(stores.ok()) << stores.status().ToString();
  stores_ = std::move(*stores);
}

}  // namespace modelwarden::testing
