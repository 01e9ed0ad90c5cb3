#include "registry/store_factory.h"

#include <filesystem>
#include <system_error>

#include "registry/sql/connection_pool.h"
#include "registry/sql/mysql_uri.h"
#include "registry/sql/schema.h"
#include "registry/sql/sql_auth_store.h"
#include "registry/sql/sql_model_store.h"
#include "registry/sql/sqlite_connection.h"
#include "registry/sql/sqlite_uri.h"
#include "registry/text.h"
#ifdef MODELWARDEN_HAVE_MYSQL
#include "registry/sql/mysql_connection.h"
#endif

namespace modelwarden {
namespace {

// Looked at read-only before a writable connection switches the file to WAL: another
// program's database is refused unchanged.
Status RefuseForeignFile(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return Status::Ok();  // It will be created.
  SqliteOptions sqlite;
  sqlite.path = path;
  sqlite.read_only = true;
  Result<std::unique_ptr<SqlConnection>> connection = OpenSqliteConnection(sqlite);
  if (!connection.ok()) return connection.status();
  return RefuseForeignDatabase(**connection);
}

Stores StoresOver(std::shared_ptr<ConnectionPool> pool, SqlDialect dialect) {
  return Stores{NewSqlModelStore(pool, dialect), NewSqlAuthStore(pool)};
}

Result<Stores> OpenWith(ConnectionPool::Factory factory, int pool_size, int wait_ms,
                        SqlDialect dialect) {
  {
    ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> connection, factory());
    RETURN_IF_ERROR(MigrateSchema(*connection));
  }
  return StoresOver(std::make_shared<ConnectionPool>(std::move(factory), pool_size, wait_ms),
                    dialect);
}

}  // namespace

Result<std::unique_ptr<ModelStore>> OpenModelStore(const StoreOptions& options) {
  ASSIGN_OR_RETURN(Stores stores, OpenStores(options));
  return std::move(stores.models);
}

Result<Stores> OpenStores(const StoreOptions& options) {
  const std::string& uri = options.uri;
  if (StartsWith(uri, "sqlite://")) {
    ASSIGN_OR_RETURN(std::string path, SqlitePathOfUri(uri));
    if (path == ":memory:") {
      // Every connection to ":memory:" is a new, empty database: share exactly one.
      SqliteOptions memory;
      memory.path = path;
      auto shared = OpenSqliteConnection(memory);
      if (!shared.ok()) return shared.status();
      RETURN_IF_ERROR(MigrateSchema(**shared));
      auto holder = std::make_shared<std::unique_ptr<SqlConnection>>(std::move(*shared));
      ConnectionPool::Factory factory = [holder]() -> Result<std::unique_ptr<SqlConnection>> {
        if (!*holder) return Status::Internal("The in-memory database connection is in use.");
        return std::move(*holder);
      };
      return StoresOver(
          std::make_shared<ConnectionPool>(std::move(factory), 1, options.pool_wait_timeout_ms),
          SqlDialect::kSqlite);
    }
    RETURN_IF_ERROR(RefuseForeignFile(path));
    auto writer_lock = std::make_shared<std::mutex>();
    const int64_t cache_budget = options.sqlite_cache_bytes;
    ConnectionPool::Factory factory = [path, writer_lock, cache_budget]() {
      SqliteOptions sqlite;
      sqlite.path = path;
      sqlite.writer_lock = writer_lock;
      sqlite.cache_budget_bytes = cache_budget;
      return OpenSqliteConnection(sqlite);
    };
    return OpenWith(std::move(factory), options.pool_size, options.pool_wait_timeout_ms,
                    SqlDialect::kSqlite);
  }
  if (StartsWith(uri, "mysql")) {
    ASSIGN_OR_RETURN(MysqlConnectionOptions mysql, ParseMysqlUri(uri));
#ifdef MODELWARDEN_HAVE_MYSQL
    ConnectionPool::Factory factory = [mysql]() { return OpenMysqlConnection(mysql); };
    return OpenWith(std::move(factory), options.pool_size, options.pool_wait_timeout_ms,
                    SqlDialect::kMysql);
#else
    return Status(ErrorCode::kNotImplemented,
                  "This modelwarden was built without MySQL Connector/C++ "
                  "(install libmysqlcppconn-dev and rebuild).");
#endif
  }
  return Status::InvalidArgument("Unsupported backend store URI '" + MaskStoreUri(uri) +
                                 "': use sqlite:///path.db or mysql://user:password@host:port/db");
}

bool IsNewSqliteFile(const std::string& uri) {
  if (!StartsWith(uri, "sqlite://")) return false;
  Result<std::string> path = SqlitePathOfUri(uri);
  std::error_code error;
  return path.ok() && *path != ":memory:" && !std::filesystem::exists(*path, error);
}

// The password ends at the last '@': it may itself hold '/' or '@' (a URI that fails to parse
// cannot say where its user information ends). An '@' later in a path over-masks, harmlessly.
std::string MaskStoreUri(const std::string& uri) {
  const size_t scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return uri;
  const size_t authority = scheme_end + 3;
  const size_t at = uri.rfind('@');
  if (at == std::string::npos || at < authority) return uri;
  const size_t colon = uri.find(':', authority);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon + 1) + "***" + uri.substr(at);
}

}  // namespace modelwarden
