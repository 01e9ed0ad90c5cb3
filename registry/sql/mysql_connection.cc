#include "registry/sql/mysql_connection.h"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "registry/text.h"

namespace modelwarden {
namespace {

// Server (mysqld_error.h) and client (errmsg.h) error numbers.
constexpr int kErDupKey = 1022;
constexpr int kErConCountError = 1040;
constexpr int kErServerShutdown = 1053;
constexpr int kErDupEntry = 1062;
constexpr int kErLockWaitTimeout = 1205;
constexpr int kErLockDeadlock = 1213;
constexpr int kErQueryInterrupted = 1317;
constexpr int kErDupEntryWithKeyName = 1586;
constexpr int kErDataTooLong = 1406;
constexpr int kErConnectionKilled = 1927;          // MariaDB: this session was KILLed.
constexpr int kErStatementTimeout = 1969;          // MariaDB max_statement_time.
constexpr int kErQueryTimeout = 3024;              // MySQL max_execution_time.
constexpr int kErClientInteractionTimeout = 4031;  // MySQL 8.0.24+: idle session closed.
constexpr int kCrConnectionError = 2002;
constexpr int kCrConnHostError = 2003;
constexpr int kCrServerGoneError = 2006;
constexpr int kCrServerLost = 2013;
constexpr int kCrCommandsOutOfSync = 2014;
constexpr int kCrServerLostExtended = 2055;

// Server-side prepared statements count against max_prepared_stmt_count (16382 by default)
// across every connection of every server process sharing the database.
constexpr size_t kMaxCachedStatements = 64;
// Without a read/write timeout a statement on a silently dropped network waits forever.
constexpr int kDefaultIoTimeoutSeconds = 60;
// A connection idle for longer than this is pinged before the pool hands it out again, so a
// server-side wait_timeout or restart costs a reconnect instead of a failed request.
constexpr auto kPingAfterIdle = std::chrono::seconds(30);

enum class Failure { kDuplicate, kRetry, kLost, kOther };

Failure Classify(const sql::SQLException& e) {
  switch (e.getErrorCode()) {
    case kErDupEntry:
    case kErDupEntryWithKeyName:
    case kErDupKey:
      return Failure::kDuplicate;
    case kErLockWaitTimeout:
    case kErLockDeadlock:
    case kErConCountError:
    case kErQueryInterrupted:
    case kErStatementTimeout:
    case kErQueryTimeout:
      return Failure::kRetry;
    case kCrConnectionError:
    case kCrConnHostError:
    case kCrServerGoneError:
    case kCrServerLost:
    case kCrServerLostExtended:
    case kErServerShutdown:
    case kErConnectionKilled:
    case kErClientInteractionTimeout:
      return Failure::kLost;
    default:
      break;
  }
  // SQLSTATE class 08 is "connection exception", also used by the driver's own errors about a
  // closed connection.
  if (StartsWith(e.getSQLState(), "08")) return Failure::kLost;
  return Failure::kOther;
}

std::string Abbreviate(const std::string& sql) {
  constexpr size_t kMax = 300;
  return sql.size() <= kMax ? sql : sql.substr(0, kMax) + "...";
}

void LogError(const sql::SQLException& e, const std::string& sql) {
  std::string line = "mysql error " + std::to_string(e.getErrorCode()) + " (" + e.getSQLState() +
                     "): " + e.what() + " in: " + Abbreviate(sql) + "\n";
  std::fputs(line.c_str(), stderr);
}

Status LostConnection() {
  return Status::Unavailable("The database connection was lost; retry the request.");
}

bool IsIntegerType(int type) {
  switch (type) {
    case sql::DataType::BIT:
    case sql::DataType::TINYINT:
    case sql::DataType::SMALLINT:
    case sql::DataType::MEDIUMINT:
    case sql::DataType::INTEGER:
    case sql::DataType::BIGINT:
    case sql::DataType::YEAR:
      return true;
    default:
      return false;
  }
}

enum class CellKind { kSigned, kUnsigned, kText };

// CREATE, ALTER, DROP, RENAME and TRUNCATE statements change the schema.
bool ChangesSchema(std::string_view sql) {
  const std::string_view statement = Trim(sql);
  const std::string verb = AsciiUpper(statement.substr(0, statement.find_first_of(" \t\r\n(")));
  return verb == "CREATE" || verb == "ALTER" || verb == "DROP" || verb == "RENAME" ||
         verb == "TRUNCATE";
}

class MysqlConnection final : public SqlConnection {
 public:
  explicit MysqlConnection(std::unique_ptr<sql::Connection> connection)
      : connection_(std::move(connection)), last_used_(std::chrono::steady_clock::now()) {}

  ~MysqlConnection() override {
    // Statements must go before the connection they were prepared on.
    owned_once_.reset();
    statements_.clear();
    statement_.reset();
    try {
      connection_->close();
    } catch (const std::exception&) {
      // Closing a connection the server already dropped; nothing left to release.
    }
  }

  SqlDialect dialect() const override { return SqlDialect::kMysql; }

  Result<std::vector<SqlRow>> Query(const std::string& sql,
                                    const std::vector<SqlValue>& params) override {
    if (!healthy_) return LostConnection();
    Touch();
    try {
      sql::PreparedStatement* stmt = Prepare(sql);
      Bind(*stmt, params);
      std::vector<SqlRow> rows;
      if (!stmt->execute()) return rows;
      std::unique_ptr<sql::ResultSet> result(stmt->getResultSet());
      if (!result) return rows;
      // Owned by the result set.
      sql::ResultSetMetaData* meta = result->getMetaData();
      const unsigned int columns = meta->getColumnCount();
      std::vector<CellKind> kinds(columns, CellKind::kText);
      for (unsigned int c = 0; c < columns; ++c) {
        if (IsIntegerType(meta->getColumnType(c + 1))) {
          kinds[c] = meta->isSigned(c + 1) ? CellKind::kSigned : CellKind::kUnsigned;
        }
      }
      rows.reserve(result->rowsCount());
      while (result->next()) {
        std::vector<SqlValue> cells;
        cells.reserve(columns);
        for (unsigned int c = 0; c < columns; ++c) {
          const unsigned int index = c + 1;
          if (result->isNull(index)) {
            cells.emplace_back(std::monostate{});
            continue;
          }
          switch (kinds[c]) {
            case CellKind::kSigned:
              cells.emplace_back(static_cast<int64_t>(result->getInt64(index)));
              break;
            case CellKind::kUnsigned: {
              const uint64_t value = result->getUInt64(index);
              if (value <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
                cells.emplace_back(static_cast<int64_t>(value));
              } else {
                cells.emplace_back(std::to_string(value));
              }
              break;
            }
            case CellKind::kText:
              // getString keeps the column's bytes as they are (length-delimited, NULs
              // included) for text and blob columns alike.
              cells.emplace_back(result->getString(index).asStdString());
              break;
          }
        }
        rows.emplace_back(std::move(cells));
      }
      return rows;
    } catch (const sql::SQLException& e) {
      return Fail(e, sql);
    } catch (const std::exception& e) {
      return Unexpected(e, sql);
    }
  }

  Result<int64_t> Execute(const std::string& sql, const std::vector<SqlValue>& params) override {
    if (!healthy_) return LostConnection();
    if (ChangesSchema(sql)) {
      // After a schema change a cached statement may return other columns (SELECT *), which
      // Connector/C++ cannot bind ("number of parameters in bound buffers differs"): forget
      // them. The change itself runs unprepared, as it is not worth keeping either.
      owned_once_.reset();
      statements_.clear();
      RETURN_IF_ERROR(Run(sql));
      return int64_t{0};
    }
    Touch();
    try {
      sql::PreparedStatement* stmt = Prepare(sql);
      Bind(*stmt, params);
      return static_cast<int64_t>(stmt->executeUpdate());
    } catch (const sql::SQLException& e) {
      return Fail(e, sql);
    } catch (const std::exception& e) {
      return Unexpected(e, sql);
    }
  }

  Status Begin(bool write) override {
    in_transaction_ = true;
    if (write) return Run("START TRANSACTION");
    // The session runs READ COMMITTED (every statement its own snapshot); a read of several
    // statements needs one snapshot, or a concurrent rename shows a model without its tags.
    RETURN_IF_ERROR(Run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
    return Run("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
  }
  Status Commit() override { return EndTransaction("COMMIT"); }
  Status Rollback() override { return EndTransaction("ROLLBACK"); }

  // Runs one statement without parameters on the plain (unprepared) statement object: for the
  // session's set-up and transaction control, which need no server-side prepared statement.
  Status Run(const std::string& sql) {
    if (!healthy_) return LostConnection();
    Touch();
    try {
      if (!statement_) statement_.reset(connection_->createStatement());
      if (statement_->execute(sql)) {
        // Read and free any result, or the next command fails as "out of sync".
        std::unique_ptr<sql::ResultSet> ignored(statement_->getResultSet());
      }
      return Status::Ok();
    } catch (const sql::SQLException& e) {
      return Fail(e, sql);
    } catch (const std::exception& e) {
      return Unexpected(e, sql);
    }
  }

  bool IsHealthy() override {
    if (!healthy_) return false;
    if (std::chrono::steady_clock::now() - last_used_ < kPingAfterIdle) return true;
    try {
      healthy_ = connection_->isValid();
    } catch (const std::exception&) {
      healthy_ = false;
    }
    Touch();
    return healthy_;
  }

 private:
  Status EndTransaction(const char* statement) {
    if (!in_transaction_) return Status::Ok();
    in_transaction_ = false;
    return Run(statement);
  }

  void Touch() { last_used_ = std::chrono::steady_clock::now(); }

  // Returns a statement owned by this connection. Throws sql::SQLException.
  sql::PreparedStatement* Prepare(const std::string& sql) {
    auto cached = statements_.find(sql);
    if (cached != statements_.end()) return cached->second.get();
    std::unique_ptr<sql::PreparedStatement> stmt(connection_->prepareStatement(sql));
    sql::PreparedStatement* raw = stmt.get();
    // Statements built per search (IN lists, filters) vary; keep the first ones only.
    if (statements_.size() < kMaxCachedStatements) {
      statements_.emplace(sql, std::move(stmt));
    } else {
      owned_once_ = std::move(stmt);
    }
    return raw;
  }

  static void Bind(sql::PreparedStatement& stmt, const std::vector<SqlValue>& params) {
    stmt.clearParameters();
    for (size_t i = 0; i < params.size(); ++i) {
      const auto index = static_cast<unsigned int>(i + 1);
      if (const auto* v = std::get_if<int64_t>(&params[i])) {
        stmt.setInt64(index, *v);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        stmt.setString(index, sql::SQLString(s->data(), s->size()));
      } else {
        stmt.setNull(index, sql::DataType::SQLNULL);
      }
    }
  }

  Status Fail(const sql::SQLException& e, const std::string& sql) {
    switch (Classify(e)) {
      case Failure::kDuplicate:
        return Status::AlreadyExists("A row with this key already exists.");
      case Failure::kRetry:
        LogError(e, sql);
        return Status::Unavailable("The database is busy; retry the request.");
      case Failure::kLost:
        LogError(e, sql);
        healthy_ = false;
        return LostConnection();
      case Failure::kOther:
        break;
    }
    LogError(e, sql);
    // Strict mode refuses a value too long for its column: the request's fault, not ours.
    if (e.getErrorCode() == kErDataTooLong) {
      return Status::InvalidArgument("A value is longer than the database column allows.");
    }
    if (e.getErrorCode() == kCrCommandsOutOfSync) healthy_ = false;
    // The statement may be what failed (e.g. re-prepare after DDL); prepare it afresh next time.
    statements_.erase(sql);
    return Status::Internal("Internal database error.");
  }

  Status Unexpected(const std::exception& e, const std::string& sql) {
    std::string line = std::string("mysql connection: unexpected exception: ") + e.what() +
                       " in: " + Abbreviate(sql) + "\n";
    std::fputs(line.c_str(), stderr);
    // Not knowing what state the driver is in, let the pool replace the connection.
    healthy_ = false;
    return Status::Internal("Internal database error.");
  }

  std::unique_ptr<sql::Connection> connection_;
  std::unique_ptr<sql::Statement> statement_;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
  // The last statement that did not fit in the cache; freed when the next one replaces it.
  std::unique_ptr<sql::PreparedStatement> owned_once_;
  bool healthy_ = true;
  bool in_transaction_ = false;  // A write transaction is open.
  std::chrono::steady_clock::time_point last_used_;
};

// Parses an optional whole number of seconds from options.params.
Result<int> SecondsParam(const MysqlConnectionOptions& options, const std::string& name) {
  auto it = options.params.find(name);
  if (it == options.params.end()) return 0;
  const std::string& text = it->second;
  int value = 0;
  if (text.empty() || text.size() > 5) value = -1;
  for (char c : text) {
    if (c < '0' || c > '9') value = -1;
    if (value >= 0) value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 86400) {
    return Status::InvalidArgument("The MySQL URI parameter " + name +
                                   " must be a number of seconds from 1 to 86400.");
  }
  return value;
}

std::mutex& ConnectMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenMysqlConnection(const MysqlConnectionOptions& options) {
  for (const auto& [name, value] : options.params) {
    if (StartsWith(name, "ssl") || name == "tls") {
      return Status::InvalidArgument("The MySQL URI parameter '" + name +
                                     "' (TLS) is not supported by this modelwarden build.");
    }
  }
  ASSIGN_OR_RETURN(const int read_timeout_s, SecondsParam(options, "read_timeout"));
  ASSIGN_OR_RETURN(const int write_timeout_s, SecondsParam(options, "write_timeout"));

  sql::ConnectOptionsMap properties;
  if (!options.unix_socket.empty()) {
    properties["hostName"] = sql::SQLString("unix://" + options.unix_socket);
  } else {
    const bool ipv6 = options.host.find(':') != std::string::npos;
    // Spelling out tcp:// also stops the client library from turning "localhost" into a
    // connection over its default socket.
    properties["hostName"] =
        sql::SQLString("tcp://" + (ipv6 ? "[" + options.host + "]" : options.host) + ":" +
                       std::to_string(options.port));
  }
  properties["userName"] = sql::SQLString(options.user);
  properties["password"] = sql::SQLString(options.password);
  properties["schema"] = sql::SQLString(options.database);
  properties["OPT_CONNECT_TIMEOUT"] = options.connect_timeout_s;
  properties["OPT_READ_TIMEOUT"] = read_timeout_s > 0 ? read_timeout_s : kDefaultIoTimeoutSeconds;
  properties["OPT_WRITE_TIMEOUT"] =
      write_timeout_s > 0 ? write_timeout_s : kDefaultIoTimeoutSeconds;
  properties["OPT_RECONNECT"] = false;
  properties["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  properties["CLIENT_FOUND_ROWS"] = true;
  properties["CLIENT_MULTI_STATEMENTS"] = false;

  std::unique_ptr<sql::Connection> raw;
  try {
    std::lock_guard<std::mutex> lock(ConnectMutex());
    sql::Driver* driver = get_driver_instance();
    raw.reset(driver->connect(properties));
  } catch (const sql::SQLException& e) {
    std::string where = options.unix_socket.empty()
                            ? options.host + ":" + std::to_string(options.port)
                            : options.unix_socket;
    std::string line = "mysql: cannot connect to " + where + " as '" + options.user +
                       "' (database '" + options.database + "'): error " +
                       std::to_string(e.getErrorCode()) + " (" + e.getSQLState() +
                       "): " + e.what() + "\n";
    std::fputs(line.c_str(), stderr);
    const Failure failure = Classify(e);
    if (failure == Failure::kLost || failure == Failure::kRetry) {
      return Status::Unavailable("Cannot connect to the MySQL database; retry later.");
    }
    return Status::Internal("Cannot connect to the MySQL database (error " +
                            std::to_string(e.getErrorCode()) + ").");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mysql: cannot connect: %s\n", e.what());
    return Status::Internal("Cannot connect to the MySQL database.");
  }
  if (!raw) return Status::Internal("Cannot connect to the MySQL database.");

  auto connection = std::make_unique<MysqlConnection>(std::move(raw));
  for (const char* setup : {
           "SET NAMES utf8mb4",
           "SET SESSION sql_mode = "
           "'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
           "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
           "SET SESSION autocommit = 1",
       }) {
    RETURN_IF_ERROR(connection->Run(setup));
  }
  return std::unique_ptr<SqlConnection>(std::move(connection));
}

Result<std::string> DetectByteExactCollation(SqlConnection& connection) {
  // Each candidate is checked with a query, not trusted by its name.
  for (const char* candidate : {"utf8mb4_nopad_bin", "utf8mb4_0900_bin"}) {
    ASSIGN_OR_RETURN(std::vector<SqlRow> found,
                     connection.Query("SELECT COUNT(*) FROM information_schema.COLLATIONS "
                                      "WHERE COLLATION_NAME = ? AND CHARACTER_SET_NAME = "
                                      "'utf8mb4'",
                                      {std::string(candidate)}));
    if (found.empty() || found[0].Int(0) == 0) continue;
    const std::string name(candidate);
    ASSIGN_OR_RETURN(std::vector<SqlRow> check,
                     connection.Query("SELECT _utf8mb4'a' = _utf8mb4'a ' COLLATE " + name +
                                          ", _utf8mb4'Model' = _utf8mb4'model' COLLATE " + name +
                                          ", _utf8mb4'x' = _utf8mb4'x' COLLATE " + name,
                                      {}));
    if (!check.empty() && check[0].size() == 3 && check[0].Int(0) == 0 && check[0].Int(1) == 0 &&
        check[0].Int(2) == 1) {
      return name;
    }
  }
  return Status(ErrorCode::kNotImplemented,
                "This MySQL server has no byte-exact utf8mb4 collation; modelwarden needs "
                "MySQL 8.0+ (utf8mb4_0900_bin) or MariaDB 10.2+ (utf8mb4_nopad_bin).");
}

}  // namespace modelwarden
