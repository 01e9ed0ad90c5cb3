// The schema the migrations create, compared with what they created when this test was written
// (each migration then ran as one script): tables, columns with their types, nullability,
// defaults and collations, keys and indexes, on SQLite and on MySQL/MariaDB.

#include "registry/sql/schema.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "registry/sql/sqlite_connection.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"
#ifdef MODELWARDEN_HAVE_MYSQL
#include "registry/sql/mysql_connection.h"
#endif

namespace modelwarden {
namespace {

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::BackendConfigured;
using ::modelwarden::testing::TestDatabase;

// Runs of whitespace as one space, so that reformatting a statement is not a schema change.
std::string CollapseWhitespace(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// One line per row, cells separated by " | ", sorted by their bytes (servers order names by
// collations of their own).
std::string Lines(SqlConnection& connection, const std::string& sql) {
  Result<std::vector<SqlRow>> rows = connection.Query(sql, {});
  EXPECT_TRUE(rows.ok()) << rows.status().ToString() << " in " << sql;
  if (!rows.ok()) return "";
  std::vector<std::string> lines;
  for (const SqlRow& row : *rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += (i == 0 ? "" : " | ") + (row.IsNull(i) ? "NULL" : CollapseWhitespace(row.Text(i)));
    }
    lines.push_back(line + "\n");
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& line : lines) out += line;
  return out;
}

// Every table and index with the statement SQLite keeps for it (NULL for the indexes behind
// PRIMARY KEY and UNIQUE constraints).
std::string SqliteSchema(SqlConnection& connection) {
  return Lines(connection, "SELECT type, name, tbl_name, sql FROM sqlite_master");
}

constexpr char kSqliteSchema[] =
    R"(index | approvals_model | approvals | CREATE INDEX approvals_model ON approvals (model_name, version, status)
index | approvals_status | approvals | CREATE INDEX approvals_status ON approvals (status, id)
index | audit_events_model | audit_events | CREATE INDEX audit_events_model ON audit_events (model_name, id)
index | audit_events_operation | audit_events | CREATE INDEX audit_events_operation ON audit_events (operation, id)
index | audit_events_principal | audit_events | CREATE INDEX audit_events_principal ON audit_events (principal, id)
index | audit_events_timestamp | audit_events | CREATE INDEX audit_events_timestamp ON audit_events (timestamp)
index | auth_grants_resource | auth_grants | CREATE INDEX auth_grants_resource ON auth_grants (resource_type, resource)
index | auth_group_members_user | auth_group_members | CREATE INDEX auth_group_members_user ON auth_group_members (user_id)
index | auth_tokens_user | auth_tokens | CREATE INDEX auth_tokens_user ON auth_tokens (user_id)
index | model_version_tags_key_value | model_version_tags | CREATE INDEX model_version_tags_key_value ON model_version_tags (key, value)
index | model_version_tags_name_key | model_version_tags | CREATE INDEX model_version_tags_name_key ON model_version_tags (name, key, value)
index | model_versions_last_updated | model_versions | CREATE INDEX model_versions_last_updated ON model_versions (last_updated_time)
index | model_versions_run_id | model_versions | CREATE INDEX model_versions_run_id ON model_versions (run_id)
index | registered_model_tags_key_value | registered_model_tags | CREATE INDEX registered_model_tags_key_value ON registered_model_tags (key, value)
index | sqlite_autoindex_auth_grants_1 | auth_grants | NULL
index | sqlite_autoindex_auth_group_members_1 | auth_group_members | NULL
index | sqlite_autoindex_auth_groups_1 | auth_groups | NULL
index | sqlite_autoindex_auth_tokens_1 | auth_tokens | NULL
index | sqlite_autoindex_auth_users_1 | auth_users | NULL
index | sqlite_autoindex_leases_1 | leases | NULL
index | sqlite_autoindex_model_version_tags_1 | model_version_tags | NULL
index | sqlite_autoindex_model_versions_1 | model_versions | NULL
index | sqlite_autoindex_registered_model_aliases_1 | registered_model_aliases | NULL
index | sqlite_autoindex_registered_model_tags_1 | registered_model_tags | NULL
index | sqlite_autoindex_registered_models_1 | registered_models | NULL
table | approvals | approvals | CREATE TABLE approvals ( id INTEGER PRIMARY KEY AUTOINCREMENT, model_name TEXT NOT NULL, version INTEGER NOT NULL, target_stage TEXT, alias TEXT, archive_existing_versions INTEGER NOT NULL, rule_id TEXT NOT NULL, status TEXT NOT NULL, requested_by TEXT NOT NULL, request_comment TEXT NOT NULL, creation_time INTEGER NOT NULL, expiration_time INTEGER NOT NULL, version_fingerprint TEXT NOT NULL, decided_by TEXT, decision_comment TEXT, decision_time INTEGER, reason TEXT )
table | audit_events | audit_events | CREATE TABLE audit_events ( id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, request_id TEXT NOT NULL, principal TEXT NOT NULL, client_address TEXT NOT NULL, operation TEXT NOT NULL, model_name TEXT NOT NULL, version INTEGER, outcome TEXT NOT NULL, before_state TEXT NOT NULL, after_state TEXT NOT NULL, checks TEXT NOT NULL )
table | auth_epoch | auth_epoch | CREATE TABLE auth_epoch ( id INTEGER NOT NULL PRIMARY KEY, epoch INTEGER NOT NULL )
table | auth_grants | auth_grants | CREATE TABLE auth_grants ( id INTEGER PRIMARY KEY AUTOINCREMENT, subject_type TEXT NOT NULL, subject_id INTEGER NOT NULL, resource_type TEXT NOT NULL, resource TEXT NOT NULL, kind TEXT NOT NULL, permission TEXT NOT NULL, UNIQUE (subject_type, subject_id, resource_type, resource, kind) )
table | auth_group_members | auth_group_members | CREATE TABLE auth_group_members ( group_id INTEGER NOT NULL, user_id INTEGER NOT NULL, PRIMARY KEY (group_id, user_id) )
table | auth_groups | auth_groups | CREATE TABLE auth_groups ( id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE )
table | auth_tokens | auth_tokens | CREATE TABLE auth_tokens ( id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, creation_time INTEGER NOT NULL, expiration_time INTEGER NOT NULL, revocation_time INTEGER NOT NULL )
table | auth_users | auth_users | CREATE TABLE auth_users ( id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, is_admin INTEGER NOT NULL DEFAULT 0 )
table | leases | leases | CREATE TABLE leases ( name TEXT NOT NULL PRIMARY KEY, holder TEXT NOT NULL, expiration_time INTEGER NOT NULL )
table | model_version_tags | model_version_tags | CREATE TABLE model_version_tags ( name TEXT NOT NULL, version INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (name, version, key) )
table | model_versions | model_versions | CREATE TABLE model_versions ( name TEXT NOT NULL, version INTEGER NOT NULL, creation_time INTEGER NOT NULL, last_updated_time INTEGER NOT NULL, description TEXT, user_id TEXT, current_stage TEXT NOT NULL, source TEXT, storage_location TEXT, run_id TEXT, run_link TEXT, status TEXT NOT NULL, status_message TEXT, PRIMARY KEY (name, version) )
table | registered_model_aliases | registered_model_aliases | CREATE TABLE registered_model_aliases ( name TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (name, alias) )
table | registered_model_tags | registered_model_tags | CREATE TABLE registered_model_tags ( name TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (name, key) )
table | registered_models | registered_models | CREATE TABLE registered_models ( name TEXT NOT NULL PRIMARY KEY, creation_time INTEGER NOT NULL, last_updated_time INTEGER NOT NULL, description TEXT )
table | schema_version | schema_version | CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)
table | sqlite_sequence | sqlite_sequence | CREATE TABLE sqlite_sequence(name,seq)
)";

TEST(SchemaTest, SqliteMigrationsCreateTheExpectedSchema) {
  SqliteOptions options;
  options.path = ":memory:";
  Result<std::unique_ptr<SqlConnection>> connection = OpenSqliteConnection(options);
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  ASSERT_TRUE(MigrateSchema(**connection).ok());
  EXPECT_EQ(SqliteSchema(**connection), kSqliteSchema);
  // A second run finds nothing to do.
  ASSERT_TRUE(MigrateSchema(**connection).ok());
  EXPECT_EQ(SqliteSchema(**connection), kSqliteSchema);
}

// Migration numbers are handed out per branch of development, so a database may have a
// migration this build does not know (another branch's 6) and lack one it does (7): the
// missing one is applied all the same.
TEST(SchemaTest, AppliesEveryMigrationTheDatabaseHasNotRecorded) {
  SqliteOptions options;
  options.path = ":memory:";
  Result<std::unique_ptr<SqlConnection>> connection = OpenSqliteConnection(options);
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  SqlConnection& db = **connection;
  ASSERT_TRUE(MigrateSchema(db).ok());
  ASSERT_EQ(SchemaVersions().back(), 7) << "update this test for the newest migration";
  for (const char* sql :
       {"DROP TABLE approvals", "DROP TABLE leases", "DELETE FROM schema_version WHERE version = 7",
        "INSERT INTO schema_version (version, applied_at) VALUES (6, 0)"}) {
    ASSERT_TRUE(db.Execute(sql, {}).ok()) << sql;
  }
  ASSERT_TRUE(MigrateSchema(db).ok());
  ASSERT_TRUE(db.Execute("DELETE FROM schema_version WHERE version = 6", {}).ok());
  EXPECT_EQ(SqliteSchema(db), kSqliteSchema);
  Result<std::vector<SqlRow>> recorded = db.Query("SELECT COUNT(*) FROM schema_version", {});
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ((*recorded)[0].Int(0), static_cast<int64_t>(SchemaVersions().size()));
}

#ifdef MODELWARDEN_HAVE_MYSQL
// The schema as information_schema describes it, in terms MySQL 8 and MariaDB agree on (no
// display widths, no version-specific spelling of a missing default). Collations read as
// {collation} when they are the byte-exact one the migrations chose (`collation`), and as
// {default} when they are the database's default.
std::string MysqlSchema(SqlConnection& connection, const std::string& collation) {
  auto normalized = [&](const std::string& column) {
    return "CASE " + column + " WHEN '" + collation +
           "' THEN '{collation}' WHEN @@collation_database THEN '{default}' ELSE " + column +
           " END";
  };
  return Lines(connection, "SELECT 'table', TABLE_NAME, ENGINE, " + normalized("TABLE_COLLATION") +
                               " FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()") +
         Lines(connection,
               "SELECT 'column', TABLE_NAME, LPAD(ORDINAL_POSITION, 2, '0'), COLUMN_NAME, "
               "DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE, "
               "IF(COLUMN_DEFAULT = 'NULL', NULL, COLUMN_DEFAULT), EXTRA, " +
                   normalized("COLLATION_NAME") +
                   " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()") +
         Lines(connection,
               "SELECT 'index', TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, "
               "SUB_PART FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()");
}

constexpr char kMysqlSchema[] = R"(table | approvals | InnoDB | {collation}
table | audit_events | InnoDB | {collation}
table | auth_epoch | InnoDB | {collation}
table | auth_grants | InnoDB | {collation}
table | auth_group_members | InnoDB | {collation}
table | auth_groups | InnoDB | {collation}
table | auth_tokens | InnoDB | {collation}
table | auth_users | InnoDB | {collation}
table | leases | InnoDB | {collation}
table | model_version_tags | InnoDB | {collation}
table | model_versions | InnoDB | {collation}
table | registered_model_aliases | InnoDB | {collation}
table | registered_model_tags | InnoDB | {collation}
table | registered_models | InnoDB | {collation}
table | schema_version | InnoDB | {default}
column | approvals | 01 | id | bigint | NULL | NO | NULL | auto_increment | NULL
column | approvals | 02 | model_name | varchar | 256 | NO | NULL |  | {collation}
column | approvals | 03 | version | int | NULL | NO | NULL |  | NULL
column | approvals | 04 | target_stage | varchar | 20 | YES | NULL |  | {collation}
column | approvals | 05 | alias | varchar | 255 | YES | NULL |  | {collation}
column | approvals | 06 | archive_existing_versions | tinyint | NULL | NO | NULL |  | NULL
column | approvals | 07 | rule_id | varchar | 256 | NO | NULL |  | {collation}
column | approvals | 08 | status | varchar | 16 | NO | NULL |  | {collation}
column | approvals | 09 | requested_by | varchar | 256 | NO | NULL |  | {collation}
column | approvals | 10 | request_comment | mediumtext | 16777215 | NO | NULL |  | {collation}
column | approvals | 11 | creation_time | bigint | NULL | NO | NULL |  | NULL
column | approvals | 12 | expiration_time | bigint | NULL | NO | NULL |  | NULL
column | approvals | 13 | version_fingerprint | char | 64 | NO | NULL |  | {collation}
column | approvals | 14 | decided_by | varchar | 256 | YES | NULL |  | {collation}
column | approvals | 15 | decision_comment | mediumtext | 16777215 | YES | NULL |  | {collation}
column | approvals | 16 | decision_time | bigint | NULL | YES | NULL |  | NULL
column | approvals | 17 | reason | mediumtext | 16777215 | YES | NULL |  | {collation}
column | audit_events | 01 | id | bigint | NULL | NO | NULL | auto_increment | NULL
column | audit_events | 02 | timestamp | bigint | NULL | NO | NULL |  | NULL
column | audit_events | 03 | request_id | varchar | 64 | NO | NULL |  | {collation}
column | audit_events | 04 | principal | varchar | 256 | NO | NULL |  | {collation}
column | audit_events | 05 | client_address | varchar | 64 | NO | NULL |  | {collation}
column | audit_events | 06 | operation | varchar | 64 | NO | NULL |  | {collation}
column | audit_events | 07 | model_name | varchar | 256 | NO | NULL |  | {collation}
column | audit_events | 08 | version | int | NULL | YES | NULL |  | NULL
column | audit_events | 09 | outcome | varchar | 16 | NO | NULL |  | {collation}
column | audit_events | 10 | before_state | mediumtext | 16777215 | NO | NULL |  | {collation}
column | audit_events | 11 | after_state | mediumtext | 16777215 | NO | NULL |  | {collation}
column | audit_events | 12 | checks | mediumtext | 16777215 | NO | NULL |  | {collation}
column | auth_epoch | 01 | id | int | NULL | NO | NULL |  | NULL
column | auth_epoch | 02 | epoch | bigint | NULL | NO | NULL |  | NULL
column | auth_grants | 01 | id | bigint | NULL | NO | NULL | auto_increment | NULL
column | auth_grants | 02 | subject_type | varchar | 8 | NO | NULL |  | {collation}
column | auth_grants | 03 | subject_id | bigint | NULL | NO | NULL |  | NULL
column | auth_grants | 04 | resource_type | varchar | 8 | NO | NULL |  | {collation}
column | auth_grants | 05 | resource | varchar | 256 | NO | NULL |  | {collation}
column | auth_grants | 06 | kind | varchar | 8 | NO | NULL |  | {collation}
column | auth_grants | 07 | permission | varchar | 32 | NO | NULL |  | {collation}
column | auth_group_members | 01 | group_id | bigint | NULL | NO | NULL |  | NULL
column | auth_group_members | 02 | user_id | bigint | NULL | NO | NULL |  | NULL
column | auth_groups | 01 | id | bigint | NULL | NO | NULL | auto_increment | NULL
column | auth_groups | 02 | name | varchar | 255 | NO | NULL |  | {collation}
column | auth_tokens | 01 | id | bigint | NULL | NO | NULL | auto_increment | NULL
column | auth_tokens | 02 | user_id | bigint | NULL | NO | NULL |  | NULL
column | auth_tokens | 03 | name | varchar | 255 | NO | NULL |  | {collation}
column | auth_tokens | 04 | token_hash | char | 64 | NO | NULL |  | {collation}
column | auth_tokens | 05 | creation_time | bigint | NULL | NO | NULL |  | NULL
column | auth_tokens | 06 | expiration_time | bigint | NULL | NO | NULL |  | NULL
column | auth_tokens | 07 | revocation_time | bigint | NULL | NO | NULL |  | NULL
column | auth_users | 01 | id | bigint | NULL | NO | NULL | auto_increment | NULL
column | auth_users | 02 | username | varchar | 255 | NO | NULL |  | {collation}
column | auth_users | 03 | password_hash | varchar | 512 | NO | NULL |  | {collation}
column | auth_users | 04 | is_admin | tinyint | NULL | NO | 0 |  | NULL
column | leases | 01 | name | varchar | 64 | NO | NULL |  | {collation}
column | leases | 02 | holder | varchar | 256 | NO | NULL |  | {collation}
column | leases | 03 | expiration_time | bigint | NULL | NO | NULL |  | NULL
column | model_version_tags | 01 | name | varchar | 256 | NO | NULL |  | {collation}
column | model_version_tags | 02 | version | int | NULL | NO | NULL |  | NULL
column | model_version_tags | 03 | key | varchar | 250 | NO | NULL |  | {collation}
column | model_version_tags | 04 | value | mediumtext | 16777215 | NO | NULL |  | {collation}
column | model_versions | 01 | name | varchar | 256 | NO | NULL |  | {collation}
column | model_versions | 02 | version | int | NULL | NO | NULL |  | NULL
column | model_versions | 03 | creation_time | bigint | NULL | NO | NULL |  | NULL
column | model_versions | 04 | last_updated_time | bigint | NULL | NO | NULL |  | NULL
column | model_versions | 05 | description | mediumtext | 16777215 | YES | NULL |  | {collation}
column | model_versions | 06 | user_id | varchar | 256 | YES | NULL |  | {collation}
column | model_versions | 07 | current_stage | varchar | 20 | NO | NULL |  | {collation}
column | model_versions | 08 | source | text | 65535 | YES | NULL |  | {collation}
column | model_versions | 09 | storage_location | text | 65535 | YES | NULL |  | {collation}
column | model_versions | 10 | run_id | varchar | 256 | YES | NULL |  | {collation}
column | model_versions | 11 | run_link | text | 65535 | YES | NULL |  | {collation}
column | model_versions | 12 | status | varchar | 20 | NO | NULL |  | {collation}
column | model_versions | 13 | status_message | text | 65535 | YES | NULL |  | {collation}
column | registered_model_aliases | 01 | name | varchar | 256 | NO | NULL |  | {collation}
column | registered_model_aliases | 02 | alias | varchar | 255 | NO | NULL |  | {collation}
column | registered_model_aliases | 03 | version | int | NULL | NO | NULL |  | NULL
column | registered_model_tags | 01 | name | varchar | 256 | NO | NULL |  | {collation}
column | registered_model_tags | 02 | key | varchar | 250 | NO | NULL |  | {collation}
column | registered_model_tags | 03 | value | mediumtext | 16777215 | NO | NULL |  | {collation}
column | registered_models | 01 | name | varchar | 256 | NO | NULL |  | {collation}
column | registered_models | 02 | creation_time | bigint | NULL | NO | NULL |  | NULL
column | registered_models | 03 | last_updated_time | bigint | NULL | NO | NULL |  | NULL
column | registered_models | 04 | description | mediumtext | 16777215 | YES | NULL |  | {collation}
column | schema_version | 01 | version | int | NULL | NO | NULL |  | NULL
column | schema_version | 02 | applied_at | bigint | NULL | NO | NULL |  | NULL
index | approvals | PRIMARY | 0 | 1 | id | NULL
index | approvals | approvals_model | 1 | 1 | model_name | NULL
index | approvals | approvals_model | 1 | 2 | version | NULL
index | approvals | approvals_model | 1 | 3 | status | NULL
index | approvals | approvals_status | 1 | 1 | status | NULL
index | approvals | approvals_status | 1 | 2 | id | NULL
index | audit_events | PRIMARY | 0 | 1 | id | NULL
index | audit_events | audit_events_model | 1 | 1 | model_name | NULL
index | audit_events | audit_events_model | 1 | 2 | id | NULL
index | audit_events | audit_events_operation | 1 | 1 | operation | NULL
index | audit_events | audit_events_operation | 1 | 2 | id | NULL
index | audit_events | audit_events_principal | 1 | 1 | principal | NULL
index | audit_events | audit_events_principal | 1 | 2 | id | NULL
index | audit_events | audit_events_timestamp | 1 | 1 | timestamp | NULL
index | auth_epoch | PRIMARY | 0 | 1 | id | NULL
index | auth_grants | PRIMARY | 0 | 1 | id | NULL
index | auth_grants | auth_grants_resource | 1 | 1 | resource_type | NULL
index | auth_grants | auth_grants_resource | 1 | 2 | resource | NULL
index | auth_grants | auth_grants_subject | 0 | 1 | subject_type | NULL
index | auth_grants | auth_grants_subject | 0 | 2 | subject_id | NULL
index | auth_grants | auth_grants_subject | 0 | 3 | resource_type | NULL
index | auth_grants | auth_grants_subject | 0 | 4 | resource | NULL
index | auth_grants | auth_grants_subject | 0 | 5 | kind | NULL
index | auth_group_members | PRIMARY | 0 | 1 | group_id | NULL
index | auth_group_members | PRIMARY | 0 | 2 | user_id | NULL
index | auth_group_members | auth_group_members_user | 1 | 1 | user_id | NULL
index | auth_groups | PRIMARY | 0 | 1 | id | NULL
index | auth_groups | auth_groups_name | 0 | 1 | name | NULL
index | auth_tokens | PRIMARY | 0 | 1 | id | NULL
index | auth_tokens | auth_tokens_hash | 0 | 1 | token_hash | NULL
index | auth_tokens | auth_tokens_user | 1 | 1 | user_id | NULL
index | auth_users | PRIMARY | 0 | 1 | id | NULL
index | auth_users | auth_users_username | 0 | 1 | username | NULL
index | leases | PRIMARY | 0 | 1 | name | NULL
index | model_version_tags | PRIMARY | 0 | 1 | name | NULL
index | model_version_tags | PRIMARY | 0 | 2 | version | NULL
index | model_version_tags | PRIMARY | 0 | 3 | key | NULL
index | model_version_tags | model_version_tags_key_value | 1 | 1 | key | NULL
index | model_version_tags | model_version_tags_key_value | 1 | 2 | value | 200
index | model_version_tags | model_version_tags_name_key | 1 | 1 | name | NULL
index | model_version_tags | model_version_tags_name_key | 1 | 2 | key | NULL
index | model_version_tags | model_version_tags_name_key | 1 | 3 | value | 32
index | model_versions | PRIMARY | 0 | 1 | name | NULL
index | model_versions | PRIMARY | 0 | 2 | version | NULL
index | model_versions | model_versions_last_updated | 1 | 1 | last_updated_time | NULL
index | model_versions | model_versions_run_id | 1 | 1 | run_id | NULL
index | registered_model_aliases | PRIMARY | 0 | 1 | name | NULL
index | registered_model_aliases | PRIMARY | 0 | 2 | alias | NULL
index | registered_model_tags | PRIMARY | 0 | 1 | name | NULL
index | registered_model_tags | PRIMARY | 0 | 2 | key | NULL
index | registered_model_tags | registered_model_tags_key_value | 1 | 1 | key | NULL
index | registered_model_tags | registered_model_tags_key_value | 1 | 2 | value | 200
index | registered_models | PRIMARY | 0 | 1 | name | NULL
index | schema_version | PRIMARY | 0 | 1 | version | NULL
)";

TEST(SchemaTest, MysqlMigrationsCreateTheExpectedSchema) {
  if (!BackendConfigured(Backend::kMysql)) {
    GTEST_SKIP() << "MODELWARDEN_TEST_MYSQL_URI is not set";
  }
  Result<std::unique_ptr<TestDatabase>> database = TestDatabase::Create(Backend::kMysql);
  ASSERT_TRUE(database.ok()) << database.status().ToString();
  Result<MysqlConnectionOptions> options = ParseMysqlUri((*database)->uri());
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  Result<std::unique_ptr<SqlConnection>> connection = OpenMysqlConnection(*options);
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();

  ASSERT_TRUE(MigrateSchema(**connection).ok());
  // The byte-exact collation the migrations found on this server.
  Result<std::vector<SqlRow>> chosen =
      (*connection)
          ->Query(
              "SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
              "DATABASE() "
              "AND TABLE_NAME = 'registered_models'",
              {});
  ASSERT_TRUE(chosen.ok() && chosen->size() == 1) << chosen.status().ToString();
  const std::string collation = (*chosen)[0].Text(0);
  EXPECT_EQ(MysqlSchema(**connection, collation), kMysqlSchema);
  ASSERT_TRUE(MigrateSchema(**connection).ok());
  EXPECT_EQ(MysqlSchema(**connection, collation), kMysqlSchema);
  Result<std::vector<SqlRow>> versions =
      (*connection)->Query("SELECT MAX(version), COUNT(*) FROM schema_version", {});
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  EXPECT_EQ((*versions)[0].Int(0), LatestSchemaVersion());
  EXPECT_EQ((*versions)[0].Int(1), static_cast<int64_t>(SchemaVersions().size()));
}
#endif

}  // namespace
}  // namespace modelwarden
