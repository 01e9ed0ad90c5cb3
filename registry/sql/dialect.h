// Dialect: the few places where modelwarden's SQL differs between SQLite and MySQL, each named
// once. Everything else is written once for both: identifiers that are keywords in MySQL
// (`key`) are quoted with backticks, which SQLite accepts too.
//
// Immutable; thread-safe.
#pragma once

#include <string>

#include "registry/sql/sql_connection.h"

namespace modelwarden {

class Dialect {
 public:
  static const Dialect& Of(SqlDialect id);

  SqlDialect id() const { return id_; }

  // Appended to a SELECT that locks the rows it reads until the transaction ends. Empty on
  // SQLite, whose write transactions hold the database's writer lock from their first
  // statement.
  const char* ForUpdate() const;
  // Appended to a SELECT whose rows stay readable but cannot be changed by others until the
  // transaction ends (MySQL's shared lock). Empty on SQLite, for the same reason.
  const char* ForShare() const;
  // Appended to an INSERT into a table whose primary key is `keys` (e.g. "name, `key`"):
  // on a conflict, the existing row's `column` takes the new value.
  std::string OnConflictUpdate(const std::string& keys, const std::string& column) const;
  // True when the first `?` characters of `column` equal the second `?` (binds the length in
  // characters, then the prefix).
  std::string StartsWith(const std::string& column) const;
  // True when `column` starts with the value of `prefix_column`.
  std::string StartsWithColumn(const std::string& column, const std::string& prefix_column) const;
  // `column` as an expression that no index serves, so that the planner orders by sorting
  // rather than by walking that column's index (SQLite's unary +, whose choice between the two
  // would otherwise depend on statistics the database may not have). As it is on MySQL, whose
  // planner weighs the rows a filter leaves against walking the index from its own
  // statistics, which InnoDB keeps.
  std::string Unindexed(const std::string& column) const;
  // Appended to a table in FROM: its rows come through `index` (SQLite's INDEXED BY, MySQL's
  // FORCE INDEX), for a search that walks that index in the order it asks for whatever the
  // statistics say; both planners still use the index for ranges and lookups.
  std::string ForceIndex(const std::string& index) const;
  // How a query keeps only the rows no row of another table matches. True: LEFT JOIN that
  // table ON the match, WHERE its key IS NULL (MySQL, whose planner turns NOT EXISTS into a
  // materialized scan of every row that could match). False: NOT EXISTS (SQLite, which probes
  // it once per row, whereas for a LEFT JOIN it may first build a Bloom filter from every row
  // that could match).
  bool AntiJoinIsLeftJoin() const { return id_ == SqlDialect::kMysql; }

 private:
  explicit Dialect(SqlDialect id) : id_(id) {}

  const SqlDialect id_;
};

}  // namespace modelwarden
