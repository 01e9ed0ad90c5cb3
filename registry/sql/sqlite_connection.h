// SqliteConnection: SqlConnection over one sqlite3 handle.
//
// Opened in WAL mode with synchronous=FULL, so a commit that returned is on disk and survives
// kill -9 or power loss; busy_timeout makes concurrent writers queue rather than fail. LIKE is
// made case-sensitive, as MLflow's SQLite store does (PRAGMA case_sensitive_like).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "registry/sql/sql_connection.h"

namespace modelwarden {

struct SqliteOptions {
  std::string path;  // ":memory:" for a private in-memory database.
  int busy_timeout_ms = 10000;
  // Shared by the connections of one store: a write transaction holds it from BEGIN to
  // COMMIT/ROLLBACK, so this process's writers queue on a mutex instead of polling SQLite's
  // busy handler, whose growing sleeps starve some writers for seconds under load. Null: none
  // (busy_timeout alone, e.g. for other processes on the same file).
  std::shared_ptr<std::mutex> writer_lock;
  // Opens an existing file read-only (SQLITE_OPEN_READONLY and PRAGMA query_only): no
  // statement can change it, and its journal mode is left as it is. For reading another
  // program's database (`modelwarden import --from-db`).
  bool read_only = false;
  // Page cache memory for all of the process's SQLite connections together. One connection
  // may use all of it (a single client's searches then find their pages cached); when the
  // connections together reach it, each reuses its own least recently used pages instead of
  // growing (sqlite3_soft_heap_limit64, process-wide: the last connection opened sets it).
  // Zero: SQLite's default, 2 MB per connection.
  int64_t cache_budget_bytes = 0;
};

Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(const SqliteOptions& options);

}  // namespace modelwarden
