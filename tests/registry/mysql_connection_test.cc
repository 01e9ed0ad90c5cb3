// ParseMysqlUri always runs. The rest runs against a real MySQL/MariaDB when
// MODELWARDEN_TEST_MYSQL_URI names one (scripts/start-mariadb prints such a URI), and is skipped
// otherwise. Each run works in its own database, modelwarden_conn_<pid>, dropped at the end.
#include "registry/sql/mysql_connection.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace modelwarden {
namespace {

// ---------------------------------------------------------------------------------------------
// ParseMysqlUri

TEST(ParseMysqlUriTest, ParsesAllParts) {
  Result<MysqlConnectionOptions> parsed =
      ParseMysqlUri("mysql://alice:secret@db.example.com:3307/registry?charset=utf8mb4");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->user, "alice");
  EXPECT_EQ(parsed->password, "secret");
  EXPECT_EQ(parsed->host, "db.example.com");
  EXPECT_EQ(parsed->port, 3307);
  EXPECT_EQ(parsed->database, "registry");
  EXPECT_EQ(parsed->unix_socket, "");
  EXPECT_EQ(parsed->connect_timeout_s, 5);
  ASSERT_EQ(parsed->params.size(), 1u);
  EXPECT_EQ(parsed->params.at("charset"), "utf8mb4");
}

TEST(ParseMysqlUriTest, AcceptsSqlAlchemyDriverSpellings) {
  for (const char* uri :
       {"mysql://u:p@h:1/d", "mysql+pymysql://u:p@h:1/d", "mysql+mysqldb://u:p@h:1/d",
        "mysql+mysqlconnector://u:p@h:1/d", "MySQL+PyMySQL://u:p@h:1/d"}) {
    Result<MysqlConnectionOptions> parsed = ParseMysqlUri(uri);
    ASSERT_TRUE(parsed.ok()) << uri << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->user, "u");
    EXPECT_EQ(parsed->password, "p");
    EXPECT_EQ(parsed->host, "h");
    EXPECT_EQ(parsed->port, 1);
    EXPECT_EQ(parsed->database, "d");
    EXPECT_TRUE(IsMysqlUri(uri)) << uri;
  }
  EXPECT_FALSE(IsMysqlUri("sqlite:///x.db"));
  EXPECT_FALSE(IsMysqlUri("mysql+asyncmy://u@h/d"));
  EXPECT_FALSE(IsMysqlUri("postgresql://u@h/d"));
}

TEST(ParseMysqlUriTest, DefaultsPortAndAllowsMissingPassword) {
  Result<MysqlConnectionOptions> parsed = ParseMysqlUri("mysql://root@localhost/mlflow");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->user, "root");
  EXPECT_EQ(parsed->password, "");
  EXPECT_EQ(parsed->host, "localhost");
  EXPECT_EQ(parsed->port, 3306);
  EXPECT_EQ(parsed->database, "mlflow");

  parsed = ParseMysqlUri("mysql://u:@h/d");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->password, "");

  parsed = ParseMysqlUri("mysql://h/d");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->user, "");
  EXPECT_EQ(parsed->host, "h");
}

TEST(ParseMysqlUriTest, PercentDecodesUserPasswordAndDatabase) {
  Result<MysqlConnectionOptions> parsed =
      ParseMysqlUri("mysql://us%65r%40corp:p%40ss%3Aw%2Frd%25%20x@h:3306/my%2Ddb");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->user, "user@corp");
  EXPECT_EQ(parsed->password, "p@ss:w/rd% x");
  EXPECT_EQ(parsed->database, "my-db");
}

TEST(ParseMysqlUriTest, ToleratesUnencodedAtAndColonInPassword) {
  Result<MysqlConnectionOptions> parsed = ParseMysqlUri("mysql://u:p@ss:w@rd@h:1234/d");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->user, "u");
  EXPECT_EQ(parsed->password, "p@ss:w@rd");
  EXPECT_EQ(parsed->host, "h");
  EXPECT_EQ(parsed->port, 1234);
}

TEST(ParseMysqlUriTest, UnixSocketAndOtherParameters) {
  Result<MysqlConnectionOptions> parsed = ParseMysqlUri(
      "mysql+pymysql://u:p@/d?unix_socket=%2Fvar%2Frun%2Fmysqld%2Fmysqld.sock&charset=utf8mb4"
      "&connect_timeout=12&binary_prefix=true&note=a+b");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->unix_socket, "/var/run/mysqld/mysqld.sock");
  EXPECT_EQ(parsed->host, "127.0.0.1");  // Empty host keeps the default.
  EXPECT_EQ(parsed->connect_timeout_s, 12);
  EXPECT_EQ(parsed->params.count("unix_socket"), 0u);
  EXPECT_EQ(parsed->params.count("connect_timeout"), 0u);
  EXPECT_EQ(parsed->params.at("charset"), "utf8mb4");
  EXPECT_EQ(parsed->params.at("binary_prefix"), "true");
  EXPECT_EQ(parsed->params.at("note"), "a b");

  parsed = ParseMysqlUri("mysql://u@localhost/d?unix_socket=/tmp/x.sock");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->unix_socket, "/tmp/x.sock");
}

TEST(ParseMysqlUriTest, Ipv6Host) {
  Result<MysqlConnectionOptions> parsed = ParseMysqlUri("mysql://u:p@[::1]:3308/d");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->host, "::1");
  EXPECT_EQ(parsed->port, 3308);
  parsed = ParseMysqlUri("mysql://u:p@[fe80::1]/d");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->host, "fe80::1");
  EXPECT_EQ(parsed->port, 3306);
}

TEST(ParseMysqlUriTest, RejectsBadUris) {
  for (const char* uri : {
           "",
           "mysql",
           "mysql:/u:p@h/d",
           "postgresql://u:p@h/d",
           "sqlite:///tmp/x.db",
           "mysql+asyncmy://u:p@h/d",
           "mysql://u:p@h",           // no database
           "mysql://u:p@h/",          // empty database
           "mysql://u:p@h:/d",        // empty port
           "mysql://u:p@h:abc/d",     // non-numeric port
           "mysql://u:p@h:0/d",       // port out of range
           "mysql://u:p@h:65536/d",   // port out of range
           "mysql://u:p@h:-1/d",      // negative port
           "mysql://u:p@::1:3306/d",  // IPv6 without brackets
           "mysql://u:p@[::1/d",      // unterminated bracket
           "mysql://u:p@[::1]x/d",    // junk after bracket
           "mysql://u:p@h/a/b",       // slash in database
           "mysql://u:p%zz@h/d",      // bad percent escape in password
           "mysql://u%4:p@h/d",       // truncated escape in user
           "mysql://u:p@h/d%2",       // truncated escape in database
           "mysql://u:p@h/d?x=%G0",   // bad escape in query
           "mysql://u:p@h/d?=v",      // empty parameter name
           "mysql://u:p@h/d?connect_timeout=0",
           "mysql://u:p@h/d?connect_timeout=soon",
           "mysql://u:p@h/d?unix_socket=",
           "mysql://u:p@bad host/d",
       }) {
    Result<MysqlConnectionOptions> parsed = ParseMysqlUri(uri);
    EXPECT_FALSE(parsed.ok()) << "accepted: " << uri;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidParameterValue) << uri;
    }
  }
}

TEST(ParseMysqlUriTest, ErrorsDoNotRevealThePassword) {
  Result<MysqlConnectionOptions> parsed = ParseMysqlUri("mysql://u:hunter2secret@h:99999/d");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message().find("hunter2secret"), std::string::npos)
      << parsed.status().message();
}

// ---------------------------------------------------------------------------------------------
// Against a real server.

const char* TestUri() {
  const char* uri = std::getenv("MODELWARDEN_TEST_MYSQL_URI");
  return uri && *uri ? uri : nullptr;
}

class MysqlConnectionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!TestUri()) return;
    Result<MysqlConnectionOptions> base = ParseMysqlUri(TestUri());
    ASSERT_TRUE(base.ok()) << base.status().ToString();
    Result<std::unique_ptr<SqlConnection>> admin = OpenMysqlConnection(*base);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    database_ = new std::string("modelwarden_conn_" + std::to_string(getpid()));
    for (const std::string& sql : {"DROP DATABASE IF EXISTS " + *database_,
                                   "CREATE DATABASE " + *database_ + " CHARACTER SET utf8mb4"}) {
      Result<int64_t> done = (*admin)->Execute(sql, {});
      ASSERT_TRUE(done.ok()) << done.status().ToString() << " in " << sql;
    }
  }

  static void TearDownTestSuite() {
    if (!TestUri() || !database_) return;
    Result<MysqlConnectionOptions> base = ParseMysqlUri(TestUri());
    if (base.ok()) {
      Result<std::unique_ptr<SqlConnection>> admin = OpenMysqlConnection(*base);
      if (admin.ok()) (*admin)->Execute("DROP DATABASE IF EXISTS " + *database_, {});
    }
    delete database_;
    database_ = nullptr;
  }

  void SetUp() override {
    if (!TestUri()) GTEST_SKIP() << "MODELWARDEN_TEST_MYSQL_URI is not set";
    ASSERT_NE(database_, nullptr);
    connection_ = Open();
    ASSERT_NE(connection_, nullptr);
  }

  static MysqlConnectionOptions Options() {
    MysqlConnectionOptions options = *ParseMysqlUri(TestUri());
    options.database = *database_;
    return options;
  }

  static std::unique_ptr<SqlConnection> Open() {
    Result<std::unique_ptr<SqlConnection>> opened = OpenMysqlConnection(Options());
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  void Script(const std::vector<std::string>& statements) {
    for (const std::string& sql : statements) {
      Result<int64_t> done = connection_->Execute(sql, {});
      ASSERT_TRUE(done.ok()) << done.status().ToString() << " in " << sql;
    }
  }

  std::vector<SqlRow> Rows(SqlConnection& connection, const std::string& sql,
                           const std::vector<SqlValue>& params = {}) {
    Result<std::vector<SqlRow>> rows = connection.Query(sql, params);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString() << " in " << sql;
    return rows.ok() ? std::move(*rows) : std::vector<SqlRow>{};
  }

  static std::string* database_;
  std::unique_ptr<SqlConnection> connection_;
};

std::string* MysqlConnectionTest::database_ = nullptr;

TEST_F(MysqlConnectionTest, OpensHealthyMysqlDialectWithSessionSettings) {
  EXPECT_EQ(connection_->dialect(), SqlDialect::kMysql);
  EXPECT_TRUE(connection_->IsHealthy());
  std::vector<SqlRow> rows = Rows(*connection_,
                                  "SELECT @@character_set_client, @@character_set_results, "
                                  "@@character_set_connection, @@sql_mode, @@autocommit, "
                                  "DATABASE()");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "utf8mb4");
  EXPECT_EQ(rows[0].Text(1), "utf8mb4");
  EXPECT_EQ(rows[0].Text(2), "utf8mb4");
  EXPECT_NE(rows[0].Text(3).find("STRICT_ALL_TABLES"), std::string::npos) << rows[0].Text(3);
  EXPECT_EQ(rows[0].Text(3).find("ANSI_QUOTES"), std::string::npos) << rows[0].Text(3);
  EXPECT_EQ(rows[0].Int(4), 1);
  EXPECT_EQ(rows[0].Text(5), *database_);
  // MariaDB before 11.1 knows only tx_isolation, MySQL 8 only transaction_isolation.
  Result<std::vector<SqlRow>> isolation =
      connection_->Query("SELECT @@SESSION.transaction_isolation", {});
  if (!isolation.ok()) isolation = connection_->Query("SELECT @@SESSION.tx_isolation", {});
  ASSERT_TRUE(isolation.ok()) << isolation.status().ToString();
  rows = std::move(*isolation);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "READ-COMMITTED");
}

TEST_F(MysqlConnectionTest, BindsAndReadsNullIntAndText) {
  Script({"DROP TABLE IF EXISTS cells",
          "CREATE TABLE cells (id BIGINT NOT NULL PRIMARY KEY, n BIGINT NULL, i INT NULL, "
          "t TINYINT NULL, u BIGINT UNSIGNED NULL, s VARCHAR(255) NULL, m MEDIUMTEXT NULL, "
          "b LONGBLOB NULL, d DECIMAL(20,2) NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"});
  const int64_t big = INT64_MAX;
  const int64_t small = INT64_MIN;
  const std::string with_nul("a\0b\xff", 4);
  Result<int64_t> inserted = connection_->Execute(
      "INSERT INTO cells (id, n, i, t, u, s, m, b, d) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?), "
      "(?, ?, NULL, NULL, NULL, ?, ?, NULL, NULL)",
      {int64_t{1}, big, int64_t{-7}, int64_t{1}, std::string("18446744073709551615"),
       std::string("text"), std::string(""), with_nul, std::string("12.50"), int64_t{2}, small,
       std::monostate{}, std::monostate{}});
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  EXPECT_EQ(*inserted, 2);

  std::vector<SqlRow> rows =
      Rows(*connection_, "SELECT id, n, i, t, u, s, m, b, d FROM cells ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  const SqlRow& first = rows[0];
  ASSERT_EQ(first.size(), 9u);
  EXPECT_EQ(first.Int(0), 1);
  EXPECT_EQ(first.Int(1), big);
  EXPECT_EQ(first.Int(2), -7);
  EXPECT_EQ(first.Int(3), 1);
  EXPECT_EQ(first.Text(4), "18446744073709551615");  // Beyond int64: kept as text.
  EXPECT_EQ(first.Text(5), "text");
  EXPECT_FALSE(first.IsNull(6));
  EXPECT_EQ(first.Text(6), "");  // Empty string is not NULL.
  EXPECT_EQ(first.Text(7), with_nul);
  EXPECT_EQ(first.Text(8), "12.50");
  const SqlRow& second = rows[1];
  EXPECT_EQ(second.Int(1), small);
  for (size_t c = 2; c < second.size(); ++c) EXPECT_TRUE(second.IsNull(c)) << "column " << c;

  rows = Rows(*connection_, "SELECT COUNT(*), MAX(id), ? FROM cells", {int64_t{42}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Int(0), 2);
  EXPECT_EQ(rows[0].Int(1), 2);
  EXPECT_EQ(rows[0].Int(2), 42);
}

TEST_F(MysqlConnectionTest, RoundTripsUtf8AndFourByteEmojiExactly) {
  Script({"DROP TABLE IF EXISTS names",
          "CREATE TABLE names (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(256) NOT NULL, "
          "body MEDIUMTEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"});
  const std::string name =
      "Gr\xc3\xbc\xc3\x9f"
      "e \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80";
  const std::string body =
      name + "\n\t\"quoted\" 'single' \\backslash\\ " + "\xf0\x9f\xa4\x96\xf0\x9f\x9a\x80";
  ASSERT_TRUE(
      connection_->Execute("INSERT INTO names VALUES (?, ?, ?)", {int64_t{1}, name, body}).ok());
  std::vector<SqlRow> rows = Rows(*connection_,
                                  "SELECT name, body, CHAR_LENGTH(name), LENGTH(name) FROM names "
                                  "WHERE name = ?",
                                  {name});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), name);
  EXPECT_EQ(rows[0].Text(1), body);
  EXPECT_EQ(rows[0].Int(2), 10);  // 10 characters: the emoji counts as one.
  EXPECT_EQ(rows[0].Int(3), static_cast<int64_t>(name.size()));
}

TEST_F(MysqlConnectionTest, RoundTripsLargeValues) {
  Script({"DROP TABLE IF EXISTS big",
          "CREATE TABLE big (id BIGINT NOT NULL PRIMARY KEY, body MEDIUMTEXT NOT NULL) "
          "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"});
  // Over 256 KiB, where Connector/C++ 1.1 switches setString to streaming the value.
  std::string body;
  while (body.size() < 300 * 1024) body += "line \xf0\x9f\x98\x80 " + std::to_string(body.size());
  ASSERT_TRUE(connection_->Execute("INSERT INTO big VALUES (?, ?)", {int64_t{1}, body}).ok());
  ASSERT_TRUE(
      connection_->Execute("INSERT INTO big VALUES (?, ?)", {int64_t{2}, std::string("small")})
          .ok());
  std::vector<SqlRow> rows = Rows(*connection_, "SELECT body FROM big ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].Text(0).size(), body.size());
  EXPECT_TRUE(rows[0].Text(0) == body);
  EXPECT_EQ(rows[1].Text(0), "small");
}

TEST_F(MysqlConnectionTest, DuplicateKeyIsResourceAlreadyExists) {
  Script({"DROP TABLE IF EXISTS dup",
          "CREATE TABLE dup (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL, "
          "UNIQUE KEY dup_name (name)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"});
  const std::string sql = "INSERT INTO dup (id, name) VALUES (?, ?)";
  ASSERT_TRUE(connection_->Execute(sql, {int64_t{1}, std::string("a")}).ok());
  Result<int64_t> again = connection_->Execute(sql, {int64_t{1}, std::string("b")});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kResourceAlreadyExists);
  Result<int64_t> unique = connection_->Execute(sql, {int64_t{2}, std::string("a")});
  ASSERT_FALSE(unique.ok());
  EXPECT_EQ(unique.status().code(), ErrorCode::kResourceAlreadyExists);
  EXPECT_TRUE(connection_->IsHealthy());
  // The cached statement still works afterwards.
  ASSERT_TRUE(connection_->Execute(sql, {int64_t{2}, std::string("b")}).ok());
  EXPECT_EQ(Rows(*connection_, "SELECT COUNT(*) FROM dup")[0].Int(0), 2);
}

TEST_F(MysqlConnectionTest, OtherErrorsAreInternalWithGenericMessage) {
  Result<std::vector<SqlRow>> bad = connection_->Query("SELECT no_such_column FROM dual", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInternalError);
  EXPECT_EQ(bad.status().message().find("no_such_column"), std::string::npos)
      << bad.status().message();
  Result<int64_t> syntax = connection_->Execute("CREATE TABLEX nope (x INT)", {});
  EXPECT_EQ(syntax.status().code(), ErrorCode::kInternalError);
  Result<int64_t> missing =
      connection_->Execute("INSERT INTO no_such_table VALUES (?)", {int64_t{1}});
  EXPECT_EQ(missing.status().code(), ErrorCode::kInternalError);
  // Too few parameters bound.
  Result<std::vector<SqlRow>> unbound = connection_->Query("SELECT ? + ?", {int64_t{1}});
  EXPECT_EQ(unbound.status().code(), ErrorCode::kInternalError);
  EXPECT_TRUE(connection_->IsHealthy());
  EXPECT_EQ(Rows(*connection_, "SELECT 1")[0].Int(0), 1);
}

TEST_F(MysqlConnectionTest, StrictModeRejectsTooLongValues) {
  Script(
      {"DROP TABLE IF EXISTS strict_t",
       "CREATE TABLE strict_t (name VARCHAR(4) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"});
  Result<int64_t> inserted =
      connection_->Execute("INSERT INTO strict_t VALUES (?)", {std::string("toolong")});
  EXPECT_FALSE(inserted.ok());
  EXPECT_EQ(Rows(*connection_, "SELECT COUNT(*) FROM strict_t")[0].Int(0), 0);
}

TEST_F(MysqlConnectionTest, ExecuteCountsMatchedRowsLikeSqlite) {
  Script({"DROP TABLE IF EXISTS upd",
          "CREATE TABLE upd (id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(10) NOT NULL) ENGINE=InnoDB",
          "INSERT INTO upd VALUES (1, 'x'), (2, 'y')"});
  Result<int64_t> same =
      connection_->Execute("UPDATE upd SET v = ? WHERE id = ?", {std::string("x"), int64_t{1}});
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(*same, 1);  // Matched, although the value did not change.
  Result<int64_t> none =
      connection_->Execute("UPDATE upd SET v = ? WHERE id = ?", {std::string("x"), int64_t{3}});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  Result<int64_t> deleted = connection_->Execute("DELETE FROM upd", {});
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
  // A statement without a result set through Query yields no rows.
  Result<std::vector<SqlRow>> no_rows =
      connection_->Query("INSERT INTO upd VALUES (?, ?)", {int64_t{5}, std::string("z")});
  ASSERT_TRUE(no_rows.ok()) << no_rows.status().ToString();
  EXPECT_TRUE(no_rows->empty());
}

TEST_F(MysqlConnectionTest, TransactionsCommitAndRollBack) {
  Script({"DROP TABLE IF EXISTS tx",
          "CREATE TABLE tx (id BIGINT NOT NULL PRIMARY KEY) ENGINE=InnoDB"});
  std::unique_ptr<SqlConnection> other = Open();
  ASSERT_NE(other, nullptr);
  const std::string count = "SELECT COUNT(*) FROM tx";

  ASSERT_TRUE(connection_->Begin(/*write=*/true).ok());
  ASSERT_TRUE(connection_->Execute("INSERT INTO tx VALUES (?)", {int64_t{1}}).ok());
  EXPECT_EQ(Rows(*connection_, count)[0].Int(0), 1);
  EXPECT_EQ(Rows(*other, count)[0].Int(0), 0);  // READ COMMITTED: not visible yet.
  ASSERT_TRUE(connection_->Rollback().ok());
  EXPECT_EQ(Rows(*connection_, count)[0].Int(0), 0);

  ASSERT_TRUE(connection_->Begin(/*write=*/true).ok());
  ASSERT_TRUE(connection_->Execute("INSERT INTO tx VALUES (?)", {int64_t{2}}).ok());
  ASSERT_TRUE(connection_->Commit().ok());
  EXPECT_EQ(Rows(*other, count)[0].Int(0), 1);

  // Outside a transaction every statement commits on its own (autocommit).
  ASSERT_TRUE(connection_->Execute("INSERT INTO tx VALUES (?)", {int64_t{3}}).ok());
  EXPECT_EQ(Rows(*other, count)[0].Int(0), 2);
  // Rollback with nothing open is harmless.
  EXPECT_TRUE(connection_->Rollback().ok());
}

TEST_F(MysqlConnectionTest, LockWaitTimeoutIsTemporarilyUnavailable) {
  Script({"DROP TABLE IF EXISTS locks",
          "CREATE TABLE locks (id BIGINT NOT NULL PRIMARY KEY, n BIGINT NOT NULL) ENGINE=InnoDB",
          "INSERT INTO locks VALUES (1, 0)"});
  std::unique_ptr<SqlConnection> other = Open();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->Execute("SET SESSION innodb_lock_wait_timeout = 1", {}).ok());
  const std::string lock = "SELECT n FROM locks WHERE id = ? FOR UPDATE";

  ASSERT_TRUE(connection_->Begin(true).ok());
  ASSERT_EQ(Rows(*connection_, lock, {int64_t{1}}).size(), 1u);
  ASSERT_TRUE(other->Begin(true).ok());
  Result<std::vector<SqlRow>> blocked = other->Query(lock, {int64_t{1}});
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.status().code(), ErrorCode::kTemporarilyUnavailable);
  EXPECT_TRUE(other->IsHealthy());
  EXPECT_TRUE(other->Rollback().ok());
  ASSERT_TRUE(connection_->Commit().ok());
  // Once released, the same cached statement succeeds.
  ASSERT_TRUE(other->Begin(true).ok());
  EXPECT_EQ(Rows(*other, lock, {int64_t{1}}).size(), 1u);
  EXPECT_TRUE(other->Commit().ok());
}

TEST_F(MysqlConnectionTest, DetectsByteExactCollation) {
  Result<std::string> collation = DetectByteExactCollation(*connection_);
  ASSERT_TRUE(collation.ok()) << collation.status().ToString();
  std::vector<SqlRow> version = Rows(*connection_, "SELECT VERSION()");
  ASSERT_EQ(version.size(), 1u);
  if (version[0].Text(0).find("MariaDB") != std::string::npos) {
    EXPECT_EQ(*collation, "utf8mb4_nopad_bin");
  } else {
    EXPECT_EQ(*collation, "utf8mb4_0900_bin");
  }
  std::cerr << "server " << version[0].Text(0) << ": byte-exact collation " << *collation << "\n";
}

TEST_F(MysqlConnectionTest, ByteExactCollationSeparatesCaseAndTrailingSpace) {
  Result<std::string> collation = DetectByteExactCollation(*connection_);
  ASSERT_TRUE(collation.ok()) << collation.status().ToString();
  Script(
      {"DROP TABLE IF EXISTS exact",
       "CREATE TABLE exact (name VARCHAR(256) COLLATE " + *collation +
           " NOT NULL PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=" + *collation});
  for (const char* name : {"Model", "model", "a", "a ", "a  "}) {
    Result<int64_t> inserted =
        connection_->Execute("INSERT INTO exact VALUES (?)", {std::string(name)});
    EXPECT_TRUE(inserted.ok()) << "'" << name << "': " << inserted.status().ToString();
  }
  const std::string find = "SELECT name FROM exact WHERE name = ?";
  for (const char* name : {"Model", "model", "a", "a "}) {
    std::vector<SqlRow> rows = Rows(*connection_, find, {std::string(name)});
    ASSERT_EQ(rows.size(), 1u) << "'" << name << "'";
    EXPECT_EQ(rows[0].Text(0), name);
  }
  EXPECT_TRUE(Rows(*connection_, find, {std::string("MODEL")}).empty());
  EXPECT_TRUE(Rows(*connection_, find, {std::string("a   ")}).empty());
  // LIKE is case-sensitive too, as MLflow's filter semantics want.
  std::vector<SqlRow> like =
      Rows(*connection_, "SELECT name FROM exact WHERE name LIKE ? ORDER BY name",
           {std::string("mod%")});
  ASSERT_EQ(like.size(), 1u);
  EXPECT_EQ(like[0].Text(0), "model");
  // Binary order: uppercase before lowercase, shorter prefix first.
  std::vector<SqlRow> ordered = Rows(*connection_, "SELECT name FROM exact ORDER BY name");
  ASSERT_EQ(ordered.size(), 5u);
  EXPECT_EQ(ordered[0].Text(0), "Model");
  EXPECT_EQ(ordered[1].Text(0), "a");
  EXPECT_EQ(ordered[2].Text(0), "a ");
}

// Documents why the schema must not use utf8mb4_bin: it is PAD SPACE on MariaDB 10.11 and
// MySQL 8, so a unique name column treats 'a' and 'a ' as the same key.
TEST_F(MysqlConnectionTest, Utf8mb4BinIgnoresTrailingSpaces) {
  Script({"DROP TABLE IF EXISTS padded",
          "CREATE TABLE padded (name VARCHAR(256) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY) "
          "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"});
  ASSERT_TRUE(connection_->Execute("INSERT INTO padded VALUES (?)", {std::string("a")}).ok());
  Result<int64_t> padded =
      connection_->Execute("INSERT INTO padded VALUES (?)", {std::string("a ")});
  ASSERT_FALSE(padded.ok());
  EXPECT_EQ(padded.status().code(), ErrorCode::kResourceAlreadyExists);
  EXPECT_TRUE(connection_->Execute("INSERT INTO padded VALUES (?)", {std::string("A")}).ok());
}

TEST_F(MysqlConnectionTest, CachedStatementsSeeSchemaChanges) {
  Script({"DROP TABLE IF EXISTS evolve",
          "CREATE TABLE evolve (id BIGINT NOT NULL PRIMARY KEY) ENGINE=InnoDB",
          "INSERT INTO evolve VALUES (1)"});
  const std::string select = "SELECT * FROM evolve";
  ASSERT_EQ(Rows(*connection_, select)[0].size(), 1u);
  ASSERT_EQ(Rows(*connection_, select)[0].size(), 1u);
  Script({"ALTER TABLE evolve ADD COLUMN note VARCHAR(10) NULL DEFAULT 'n'"});
  std::vector<SqlRow> rows = Rows(*connection_, select);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), 2u);
  EXPECT_EQ(rows[0].Text(1), "n");
}

TEST_F(MysqlConnectionTest, KilledConnectionIsUnavailableAndUnhealthy) {
  std::vector<SqlRow> id = Rows(*connection_, "SELECT CONNECTION_ID()");
  ASSERT_EQ(id.size(), 1u);
  std::unique_ptr<SqlConnection> killer = Open();
  ASSERT_NE(killer, nullptr);
  Result<int64_t> killed = killer->Execute("KILL CONNECTION " + std::to_string(id[0].Int(0)), {});
  ASSERT_TRUE(killed.ok()) << killed.status().ToString();

  Result<std::vector<SqlRow>> after = connection_->Query("SELECT 1", {});
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), ErrorCode::kTemporarilyUnavailable);
  EXPECT_FALSE(connection_->IsHealthy());
  // Every later call fails fast the same way.
  EXPECT_EQ(connection_->Execute("DO 1", {}).status().code(), ErrorCode::kTemporarilyUnavailable);
  EXPECT_EQ(connection_->Begin(true).code(), ErrorCode::kTemporarilyUnavailable);
  EXPECT_EQ(connection_->Execute("DO 1", {}).status().code(), ErrorCode::kTemporarilyUnavailable);
  // The other connection is unaffected.
  EXPECT_TRUE(killer->IsHealthy());
  EXPECT_EQ(Rows(*killer, "SELECT 1")[0].Int(0), 1);
}

TEST_F(MysqlConnectionTest, ConnectionClosedByServerWhileIdleIsUnavailable) {
  ASSERT_TRUE(connection_->Execute("SET SESSION wait_timeout = 1", {}).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  Result<std::vector<SqlRow>> after = connection_->Query("SELECT 1", {});
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), ErrorCode::kTemporarilyUnavailable);
  EXPECT_FALSE(connection_->IsHealthy());
}

TEST_F(MysqlConnectionTest, KilledInsideTransactionIsUnavailable) {
  Script({"DROP TABLE IF EXISTS killtx",
          "CREATE TABLE killtx (id BIGINT NOT NULL PRIMARY KEY) ENGINE=InnoDB"});
  std::vector<SqlRow> id = Rows(*connection_, "SELECT CONNECTION_ID()");
  ASSERT_EQ(id.size(), 1u);
  ASSERT_TRUE(connection_->Begin(true).ok());
  ASSERT_TRUE(connection_->Execute("INSERT INTO killtx VALUES (?)", {int64_t{1}}).ok());
  std::unique_ptr<SqlConnection> killer = Open();
  ASSERT_NE(killer, nullptr);
  ASSERT_TRUE(killer->Execute("KILL CONNECTION " + std::to_string(id[0].Int(0)), {}).ok());
  Status commit = connection_->Commit();
  EXPECT_EQ(commit.code(), ErrorCode::kTemporarilyUnavailable);
  EXPECT_FALSE(connection_->IsHealthy());
  EXPECT_EQ(Rows(*killer, "SELECT COUNT(*) FROM killtx")[0].Int(0), 0);
}

TEST_F(MysqlConnectionTest, UnreachableServerIsTemporarilyUnavailable) {
  MysqlConnectionOptions options = Options();
  options.host = "127.0.0.1";
  options.port = 1;  // Nothing listens on tcpmux.
  options.connect_timeout_s = 2;
  Result<std::unique_ptr<SqlConnection>> opened = OpenMysqlConnection(options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kTemporarilyUnavailable);
}

TEST_F(MysqlConnectionTest, WrongPasswordIsInternalErrorWithoutDetails) {
  MysqlConnectionOptions options = Options();
  options.password += "-wrong";
  Result<std::unique_ptr<SqlConnection>> opened = OpenMysqlConnection(options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kInternalError);
  EXPECT_EQ(opened.status().message().find(options.password), std::string::npos);
}

TEST_F(MysqlConnectionTest, RejectsTlsParameters) {
  MysqlConnectionOptions options = Options();
  options.params["ssl_ca"] = "/etc/ca.pem";
  Result<std::unique_ptr<SqlConnection>> opened = OpenMysqlConnection(options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(MysqlConnectionTest, ConnectsOverUnixSocketAndLocalhost) {
  std::vector<SqlRow> socket = Rows(*connection_, "SELECT @@socket");
  ASSERT_EQ(socket.size(), 1u);
  MysqlConnectionOptions options = Options();
  options.unix_socket = socket[0].Text(0);
  if (access(options.unix_socket.c_str(), R_OK | W_OK) == 0) {
    Result<std::unique_ptr<SqlConnection>> opened = OpenMysqlConnection(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(Rows(**opened, "SELECT 1")[0].Int(0), 1);
  }
  options = Options();
  if (options.host == "127.0.0.1") {
    // "localhost" still means TCP to the given port, not the client's default socket.
    options.host = "localhost";
    Result<std::unique_ptr<SqlConnection>> opened = OpenMysqlConnection(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(Rows(**opened, "SELECT 1")[0].Int(0), 1);
  }
}

TEST_F(MysqlConnectionTest, ConnectionsWorkFromSeveralThreads) {
  Script({"DROP TABLE IF EXISTS counter",
          "CREATE TABLE counter (id BIGINT NOT NULL PRIMARY KEY, n BIGINT NOT NULL) ENGINE=InnoDB",
          "INSERT INTO counter VALUES (1, 0)"});
  constexpr int kThreads = 4;
  constexpr int kIncrements = 25;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &failures]() {
      std::unique_ptr<SqlConnection> connection = Open();  // Opened concurrently.
      if (!connection) {
        failures[t] = kIncrements;
        return;
      }
      for (int i = 0; i < kIncrements; ++i) {
        bool ok = connection->Begin(true).ok();
        Result<std::vector<SqlRow>> row =
            connection->Query("SELECT n FROM counter WHERE id = ? FOR UPDATE", {int64_t{1}});
        ok = ok && row.ok() && row->size() == 1;
        ok = ok && connection
                       ->Execute("UPDATE counter SET n = ? WHERE id = ?",
                                 {(*row)[0].Int(0) + 1, int64_t{1}})
                       .ok();
        ok = ok && connection->Commit().ok();
        if (!ok) {
          connection->Rollback();
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  int failed = 0;
  for (int f : failures) failed += f;
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(Rows(*connection_, "SELECT n FROM counter")[0].Int(0), kThreads * kIncrements);
}

}  // namespace
}  // namespace modelwarden
