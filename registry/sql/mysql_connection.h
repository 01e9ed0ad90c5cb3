// MysqlConnection: SqlConnection over one MySQL Connector/C++ 1.1 connection, for MySQL 8 and
// MariaDB 10.3+ servers. Built only when MODELWARDEN_WITH_MYSQL is on; only the .cc includes
// the driver's headers, and no sql::SQLException ever leaves it.
//
// Threads: a connection is used by one thread at a time (ConnectionPool hands it out) but may
// move between threads. Opening connections is serialized inside OpenMysqlConnection because
// the driver's singleton and the client library's first initialisation are not thread-safe;
// Debian's Connector/C++ sits on MariaDB Connector/C, which needs no per-thread init, so
// sql::Driver::threadInit()/threadEnd() are not called.
//
// Each connection is set up for the store's needs:
// - utf8mb4 both ways (SET NAMES utf8mb4), whatever `charset` the URI names: utf8mb4 is a
//   superset of utf8/utf8mb3 and the only charset that holds 4-byte UTF-8 (emoji).
// - sql_mode STRICT_ALL_TABLES (too-long values fail instead of being truncated),
//   ERROR_FOR_DIVISION_BY_ZERO, NO_ENGINE_SUBSTITUTION; set explicitly so that MariaDB and
//   MySQL 8 behave alike. Quotes keep their defaults (no ANSI_QUOTES).
// - READ COMMITTED isolation; autocommit on outside Begin()/Commit(). The store takes row locks
//   itself with SELECT ... FOR UPDATE.
// - Execute() returns the rows *matched*, not only those whose values changed
//   (CLIENT_FOUND_ROWS), as SQLite's sqlite3_changes() does.
// - No automatic reconnect: a lost connection reports kTemporarilyUnavailable and IsHealthy()
//   turns false, so the pool replaces it (a silent reconnect would lose session settings and
//   any open transaction).
// Prepared statements are cached per connection by SQL text (up to 64). Execute() of a statement
// that changes the schema (CREATE, ALTER, DROP, RENAME, TRUNCATE: the migrations) runs it
// unprepared and empties that cache, whose statements may no longer match the tables.
//
// Error mapping (MySQL errno):
//   1062, 1586, 1022 duplicate key                                  -> kResourceAlreadyExists
//   1205 lock wait timeout, 1213 deadlock, 1040 too many connections,
//   1317/1969/3024 statement interrupted or timed out                -> kTemporarilyUnavailable
//   2002/2003 cannot connect, 2006/2013/2055 server gone / lost, 1053 shutdown,
//   1927 (MariaDB) / 4031 (MySQL) connection killed, SQLSTATE 08xxx  -> kTemporarilyUnavailable,
//                                                                      and IsHealthy() false
//   anything else -> kInternalError "Internal database error." (details on stderr)
#pragma once

#include <memory>
#include <string>

#include "registry/sql/mysql_uri.h"
#include "registry/sql/sql_connection.h"

namespace modelwarden {

// Connects and prepares the session as described above. Query parameters understood in
// `options.params`: charset (accepted for compatibility, see above), read_timeout and
// write_timeout (seconds, 1..86400; default none). Parameters naming TLS settings (ssl*) are
// rejected with kInvalidParameterValue, since this build cannot honour them; other parameters
// (SQLAlchemy/PyMySQL driver arguments) are ignored.
// Errors: kInvalidParameterValue for a bad option; kTemporarilyUnavailable when the server cannot
// be reached or refuses more connections; kInternalError otherwise (e.g. access denied, unknown
// database), with the driver's message on stderr.
Result<std::unique_ptr<SqlConnection>> OpenMysqlConnection(const MysqlConnectionOptions& options);

// The name of a utf8mb4 collation on this server under which '=' and unique indexes compare
// bytes exactly: 'Model' != 'model' and 'a' != 'a ' (MySQL's and MariaDB's utf8mb4_bin is PAD
// SPACE, so it ignores trailing spaces). Tries utf8mb4_nopad_bin (MariaDB 10.2+), then
// utf8mb4_0900_bin (MySQL 8.0+), and checks each candidate with a query before returning it.
// Errors: kNotImplemented when the server has none (e.g. MySQL 5.7); errors from `connection`.
Result<std::string> DetectByteExactCollation(SqlConnection& connection);

}  // namespace modelwarden
