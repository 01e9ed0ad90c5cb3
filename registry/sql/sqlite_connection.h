// SqliteConnection: SqlConnection over one sqlite3 handle.
//
// Opened in WAL mode with synchronous=FULL, so a commit that returned is on disk and survives
// kill -9 or power loss; busy_timeout makes concurrent writers queue rather than fail. LIKE is
// made case-sensitive, as MLflow's SQLite store does (PRAGMA case_sensitive_like).
#pragma once

#include <memory>
#include <string>

#include "registry/sql/sql_connection.h"

namespace modelwarden {

struct SqliteOptions {
  std::string path;  // ":memory:" for a private in-memory database.
  int busy_timeout_ms = 10000;
};

Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(const SqliteOptions& options);

}  // namespace modelwarden
