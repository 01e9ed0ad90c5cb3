// SqlConnection: the one seam between modelwarden's SQL and a database driver. Implemented by
// SqliteConnection and MysqlConnection; no driver type or exception crosses it.
//
// Not thread-safe: a connection is used by one thread at a time (ConnectionPool hands it out).
// Driver errors map once, here: unique/primary key violation -> kResourceAlreadyExists;
// busy/locked/deadlock, lost connection -> kTemporarilyUnavailable; anything else ->
// kInternalError with a generic message (the detail goes to the log).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "registry/status.h"

namespace modelwarden {

enum class SqlDialect { kSqlite, kMysql };

// A bound parameter or a result cell.
using SqlValue = std::variant<std::monostate, int64_t, std::string>;

class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> cells) : cells_(std::move(cells)) {}
  size_t size() const { return cells_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(cells_[i]); }
  // NULL reads as 0 / "". Text that holds a number reads as that number.
  int64_t Int(size_t i) const;
  std::string Text(size_t i) const;

 private:
  std::vector<SqlValue> cells_;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual SqlDialect dialect() const = 0;
  // Runs one statement with `params` bound to its `?` placeholders, in order.
  virtual Result<std::vector<SqlRow>> Query(const std::string& sql,
                                            const std::vector<SqlValue>& params) = 0;
  // Runs one statement (DDL too) and returns the number of rows changed.
  virtual Result<int64_t> Execute(const std::string& sql, const std::vector<SqlValue>& params) = 0;

  // A write transaction takes the write lock up front (SQLite BEGIN IMMEDIATE), so concurrent
  // writers queue instead of failing at commit. A read transaction reads one consistent
  // snapshot.
  virtual Status Begin(bool write) = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // False once the connection is known to be unusable (e.g. the server went away); the pool
  // then replaces it before handing it out again.
  virtual bool IsHealthy() = 0;
};

}  // namespace modelwarden
