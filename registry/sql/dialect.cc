#include "registry/sql/dialect.h"

namespace modelwarden {

const Dialect& Dialect::Of(SqlDialect id) {
  static const Dialect sqlite(SqlDialect::kSqlite);
  static const Dialect mysql(SqlDialect::kMysql);
  return id == SqlDialect::kMysql ? mysql : sqlite;
}

const char* Dialect::ForUpdate() const { return id_ == SqlDialect::kMysql ? " FOR UPDATE" : ""; }

// LOCK IN SHARE MODE: MariaDB's spelling, which MySQL 8 still accepts.
const char* Dialect::ForShare() const {
  return id_ == SqlDialect::kMysql ? " LOCK IN SHARE MODE" : "";
}

std::string Dialect::OnConflictUpdate(const std::string& keys, const std::string& column) const {
  if (id_ == SqlDialect::kMysql) {
    return " ON DUPLICATE KEY UPDATE " + column + " = VALUES(" + column + ")";
  }
  return " ON CONFLICT (" + keys + ") DO UPDATE SET " + column + " = excluded." + column;
}

// substr and LEFT both count characters, not bytes.
std::string Dialect::StartsWith(const std::string& column) const {
  if (id_ == SqlDialect::kMysql) return "LEFT(" + column + ", ?) = ?";
  return "substr(" + column + ", 1, ?) = ?";
}

std::string Dialect::StartsWithColumn(const std::string& column,
                                      const std::string& prefix_column) const {
  if (id_ == SqlDialect::kMysql) {
    return "LEFT(" + column + ", CHAR_LENGTH(" + prefix_column + ")) = " + prefix_column;
  }
  return "substr(" + column + ", 1, length(" + prefix_column + ")) = " + prefix_column;
}

std::string Dialect::Unindexed(const std::string& column) const {
  return id_ == SqlDialect::kMysql ? column : "+" + column;
}

std::string Dialect::ForceIndex(const std::string& index) const {
  return id_ == SqlDialect::kMysql ? " FORCE INDEX (" + index + ")" : " INDEXED BY " + index;
}

}  // namespace modelwarden
