// MysqlConnectionOptions and the parser for MLflow/SQLAlchemy-style MySQL URIs.
//
// Kept apart from mysql_connection.h and free of any driver include, so that a build without
// MySQL Connector/C++ can still parse (and reject with a clear message) a mysql:// store URI.
// Pure functions over values: thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "registry/status.h"

namespace modelwarden {

struct MysqlConnectionOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  std::string database;
  // When set, connect over this Unix socket instead of TCP (host and port are then ignored).
  std::string unix_socket;
  // Remaining query parameters of the URI, percent-decoded (e.g. "charset"). OpenMysqlConnection
  // documents which ones it understands.
  std::map<std::string, std::string> params;
  int connect_timeout_s = 5;
};

// Parses
//   mysql://user:password@host:port/database?charset=utf8mb4
// as MLflow passes it to SQLAlchemy. Accepted schemes (case-insensitive): mysql,
// mysql+pymysql, mysql+mysqldb, mysql+mysqlconnector. User, password, database and query
// values are percent-decoded; reserved characters in the password should be percent-encoded,
// though an unencoded '@' is tolerated (the userinfo ends at the last '@'). The host may be an
// IPv6 literal in brackets. The port defaults to 3306. The database is required. Query
// parameters: unix_socket=/path (socket instead of TCP; the host may then be empty),
// connect_timeout=<seconds>; any other parameter goes to `params`.
//
// Returns kInvalidParameterValue on a malformed URI; the message never repeats the password.
Result<MysqlConnectionOptions> ParseMysqlUri(std::string_view uri);

// True when `uri` starts with one of the schemes ParseMysqlUri accepts.
bool IsMysqlUri(std::string_view uri);

}  // namespace modelwarden
