// Opens the ModelStore named by an MLflow-style backend store URI and migrates its schema:
//   sqlite:///relative.db  sqlite:////absolute/path.db  sqlite:///:memory:
//   mysql://user:password@host:port/database (also mysql+pymysql://, mysql+mysqldb://)
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "registry/auth_store.h"
#include "registry/model_store.h"
#include "registry/status.h"

namespace modelwarden {

struct StoreOptions {
  std::string uri = "sqlite:///modelwarden.db";
  int pool_size = 8;                // Connections; match the HTTP worker threads.
  int pool_wait_timeout_ms = 5000;  // Exhaustion waits this long, then kTemporarilyUnavailable.
  // SQLite: the page cache memory of all of the process's connections together
  // (SqliteOptions::cache_budget_bytes).
  int64_t sqlite_cache_bytes = int64_t{64} * 1024 * 1024;
};

// The registry's store and the access-control store, over one connection pool.
struct Stores {
  std::unique_ptr<ModelStore> models;
  std::unique_ptr<AuthStore> auth;
};

// kInvalidParameterValue for a URI it cannot parse; kNotImplemented for mysql:// in a build
// without Connector/C++; kTemporarilyUnavailable when the database cannot be reached.
Result<Stores> OpenStores(const StoreOptions& options);

// True for a sqlite:// URI whose file does not exist yet (OpenStores would create it); false
// otherwise (in memory, an existing file, a MySQL database, which its admin creates).
bool IsNewSqliteFile(const std::string& uri);

// OpenStores(options).models.
Result<std::unique_ptr<ModelStore>> OpenModelStore(const StoreOptions& options);

// The URI (a store's, or any URL with user:password@) with its password replaced by "***",
// for logs, errors and --help output.
std::string MaskStoreUri(const std::string& uri);

}  // namespace modelwarden
