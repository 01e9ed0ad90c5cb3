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
index | model_versions_name_stage | model_versions | CREATE INDEX model_versions_name_stage ON model_versions (name, current_stage, version)
index | model_versions_run_id | model_versions | CREATE INDEX model_versions_run_id ON model_versions (run_id)
index | registered_model_tags_key_value_name | registered_model_tags | CREATE INDEX registered_model_tags_key_value_name ON registered_model_tags (key, value, name)
index | registered_models_last_updated | registered_models | CREATE INDEX registered_models_last_updated ON registered_models (last_updated_time, name)
index | registered_models_last_updated_desc | registered_models | CREATE INDEX registered_models_last_updated_desc ON registered_models (last_updated_time DESC, name)
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
index | sqlite_autoindex_webhook_deliveries_1 | webhook_deliveries | NULL
index | sqlite_autoindex_webhook_events_1 | webhook_events | NULL
index | sqlite_autoindex_webhooks_1 | webhooks | NULL
index | webhook_deliveries_due | webhook_deliveries | CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_time)
index | webhook_deliveries_finished | webhook_deliveries | CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_time)
index | webhook_deliveries_webhook | webhook_deliveries | CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id)
index | webhook_delivery_attempts_delivery | webhook_delivery_attempts | CREATE INDEX webhook_delivery_attempts_delivery ON webhook_delivery_attempts (delivery_id, id)
index | webhook_events_event | webhook_events | CREATE INDEX webhook_events_event ON webhook_events (entity, action)
index | webhooks_listing | webhooks | CREATE INDEX webhooks_listing ON webhooks (deleted_time, creation_time)
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
table | sqlite_stat1 | sqlite_stat1 | CREATE TABLE sqlite_stat1(tbl,idx,stat)
table | webhook_deliveries | webhook_deliveries | CREATE TABLE webhook_deliveries ( id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL UNIQUE, webhook_id TEXT NOT NULL, entity TEXT NOT NULL, action TEXT NOT NULL, model_name TEXT NOT NULL, body TEXT NOT NULL, creation_time INTEGER NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_time INTEGER NOT NULL, last_attempt_time INTEGER, last_http_status INTEGER, last_error TEXT NOT NULL, finished_time INTEGER, lease_owner TEXT NOT NULL, lease_until INTEGER NOT NULL )
table | webhook_delivery_attempts | webhook_delivery_attempts | CREATE TABLE webhook_delivery_attempts ( id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL, time INTEGER NOT NULL, duration_ms INTEGER NOT NULL, http_status INTEGER, error TEXT NOT NULL )
table | webhook_events | webhook_events | CREATE TABLE webhook_events ( webhook_id TEXT NOT NULL, entity TEXT NOT NULL, action TEXT NOT NULL, mlflow INTEGER NOT NULL, PRIMARY KEY (webhook_id, entity, action) )
table | webhooks | webhooks | CREATE TABLE webhooks ( webhook_id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, description TEXT, url TEXT NOT NULL, status TEXT NOT NULL, secret TEXT, model_prefix TEXT NOT NULL, creation_time INTEGER NOT NULL, last_updated_time INTEGER NOT NULL, deleted_time INTEGER, receiver_failures INTEGER NOT NULL DEFAULT 0, paused_until INTEGER NOT NULL DEFAULT 0 )
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

// Statements run one by one on `connection`; each must succeed.
void RunAll(SqlConnection& connection, const std::vector<std::string>& statements) {
  for (const std::string& sql : statements) {
    Result<int64_t> done = connection.Execute(sql, {});
    ASSERT_TRUE(done.ok()) << done.status().ToString() << " in " << sql;
  }
}

// Fifty models with two tags each, as a registry holds them before an upgrade.
std::vector<std::string> FillStatements() {
  std::vector<std::string> statements;
  for (int i = 0; i < 50; ++i) {
    const std::string name = "'m" + std::to_string(i) + "'";
    statements.push_back(
        "INSERT INTO registered_models (name, creation_time, last_updated_time, "
        "description) VALUES (" +
        name + ", 1, " + std::to_string(i % 7) + ", '')");
    statements.push_back("INSERT INTO registered_model_tags (name, `key`, value) VALUES (" + name +
                         ", 'team', '" + (i % 2 ? "a" : "b") + "'), (" + name + ", 'owner', 'o" +
                         std::to_string(i) + "')");
  }
  return statements;
}

// A registry filled before migration 5: the migration indexes the rows it holds, and the
// planner's statistics are gathered for them (ANALYZE after migrating).
TEST(SchemaTest, MigratingAFilledSqliteRegistryIndexesAndAnalyzesIt) {
  SqliteOptions options;
  options.path = ":memory:";
  Result<std::unique_ptr<SqlConnection>> connection = OpenSqliteConnection(options);
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  // A registry of version 4, without statistics, and filled.
  ASSERT_TRUE(MigrateSchemaTo(**connection, 4).ok());
  RunAll(**connection, {"DROP TABLE IF EXISTS sqlite_stat1"});
  RunAll(**connection, FillStatements());

  ASSERT_TRUE(MigrateSchema(**connection).ok());
  EXPECT_EQ(SqliteSchema(**connection), kSqliteSchema);
  // The rows each index covers, the first number of its statistics.
  EXPECT_EQ(Lines(**connection,
                  "SELECT idx, substr(stat, 1, instr(stat, ' ') - 1) FROM sqlite_stat1 WHERE tbl "
                  "LIKE 'registered_model%' AND idx NOT LIKE 'sqlite_autoindex%'"),
            "registered_model_tags_key_value_name | 100\n"
            "registered_models_last_updated | 50\n"
            "registered_models_last_updated_desc | 50\n");
}

// A database may lack a migration below the newest one it has (numbers were handed out per
// branch of development): every migration not recorded is applied all the same.
TEST(SchemaTest, AppliesEveryMigrationTheDatabaseHasNotRecorded) {
  SqliteOptions options;
  options.path = ":memory:";
  Result<std::unique_ptr<SqlConnection>> connection = OpenSqliteConnection(options);
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  SqlConnection& db = **connection;
  ASSERT_TRUE(MigrateSchema(db).ok());
  // Migration 5 undone and unrecorded; 6 and 7 stay.
  RunAll(db, {"DROP INDEX registered_models_last_updated",
              "DROP INDEX registered_models_last_updated_desc",
              "DROP INDEX registered_model_tags_key_value_name",
              "CREATE INDEX registered_model_tags_key_value ON registered_model_tags (key, value)",
              "DELETE FROM schema_version WHERE version = 5"});
  ASSERT_TRUE(MigrateSchema(db).ok());
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
table | webhook_deliveries | InnoDB | {collation}
table | webhook_delivery_attempts | InnoDB | {collation}
table | webhook_events | InnoDB | {collation}
table | webhooks | InnoDB | {collation}
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
column | auth_grants | 04 | resource_type | varchar | 32 | NO | NULL |  | {collation}
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
column | webhook_deliveries | 01 | id | bigint | NULL | NO | NULL | auto_increment | NULL
column | webhook_deliveries | 02 | delivery_id | varchar | 64 | NO | NULL |  | {collation}
column | webhook_deliveries | 03 | webhook_id | varchar | 64 | NO | NULL |  | {collation}
column | webhook_deliveries | 04 | entity | varchar | 32 | NO | NULL |  | {collation}
column | webhook_deliveries | 05 | action | varchar | 32 | NO | NULL |  | {collation}
column | webhook_deliveries | 06 | model_name | varchar | 256 | NO | NULL |  | {collation}
column | webhook_deliveries | 07 | body | mediumtext | 16777215 | NO | NULL |  | {collation}
column | webhook_deliveries | 08 | creation_time | bigint | NULL | NO | NULL |  | NULL
column | webhook_deliveries | 09 | status | varchar | 16 | NO | NULL |  | {collation}
column | webhook_deliveries | 10 | attempts | int | NULL | NO | NULL |  | NULL
column | webhook_deliveries | 11 | next_attempt_time | bigint | NULL | NO | NULL |  | NULL
column | webhook_deliveries | 12 | last_attempt_time | bigint | NULL | YES | NULL |  | NULL
column | webhook_deliveries | 13 | last_http_status | int | NULL | YES | NULL |  | NULL
column | webhook_deliveries | 14 | last_error | text | 65535 | NO | NULL |  | {collation}
column | webhook_deliveries | 15 | finished_time | bigint | NULL | YES | NULL |  | NULL
column | webhook_deliveries | 16 | lease_owner | varchar | 96 | NO | NULL |  | {collation}
column | webhook_deliveries | 17 | lease_until | bigint | NULL | NO | NULL |  | NULL
column | webhook_delivery_attempts | 01 | id | bigint | NULL | NO | NULL | auto_increment | NULL
column | webhook_delivery_attempts | 02 | delivery_id | varchar | 64 | NO | NULL |  | {collation}
column | webhook_delivery_attempts | 03 | attempt | int | NULL | NO | NULL |  | NULL
column | webhook_delivery_attempts | 04 | time | bigint | NULL | NO | NULL |  | NULL
column | webhook_delivery_attempts | 05 | duration_ms | bigint | NULL | NO | NULL |  | NULL
column | webhook_delivery_attempts | 06 | http_status | int | NULL | YES | NULL |  | NULL
column | webhook_delivery_attempts | 07 | error | text | 65535 | NO | NULL |  | {collation}
column | webhook_events | 01 | webhook_id | varchar | 64 | NO | NULL |  | {collation}
column | webhook_events | 02 | entity | varchar | 32 | NO | NULL |  | {collation}
column | webhook_events | 03 | action | varchar | 32 | NO | NULL |  | {collation}
column | webhook_events | 04 | mlflow | tinyint | NULL | NO | NULL |  | NULL
column | webhooks | 01 | webhook_id | varchar | 64 | NO | NULL |  | {collation}
column | webhooks | 02 | name | varchar | 256 | NO | NULL |  | {collation}
column | webhooks | 03 | description | text | 65535 | YES | NULL |  | {collation}
column | webhooks | 04 | url | text | 65535 | NO | NULL |  | {collation}
column | webhooks | 05 | status | varchar | 20 | NO | NULL |  | {collation}
column | webhooks | 06 | secret | text | 65535 | YES | NULL |  | {collation}
column | webhooks | 07 | model_prefix | varchar | 256 | NO | NULL |  | {collation}
column | webhooks | 08 | creation_time | bigint | NULL | NO | NULL |  | NULL
column | webhooks | 09 | last_updated_time | bigint | NULL | NO | NULL |  | NULL
column | webhooks | 10 | deleted_time | bigint | NULL | YES | NULL |  | NULL
column | webhooks | 11 | receiver_failures | int | NULL | NO | 0 |  | NULL
column | webhooks | 12 | paused_until | bigint | NULL | NO | 0 |  | NULL
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
index | model_versions | model_versions_name_stage | 1 | 1 | name | NULL
index | model_versions | model_versions_name_stage | 1 | 2 | current_stage | NULL
index | model_versions | model_versions_name_stage | 1 | 3 | version | NULL
index | model_versions | model_versions_run_id | 1 | 1 | run_id | NULL
index | registered_model_aliases | PRIMARY | 0 | 1 | name | NULL
index | registered_model_aliases | PRIMARY | 0 | 2 | alias | NULL
index | registered_model_tags | PRIMARY | 0 | 1 | name | NULL
index | registered_model_tags | PRIMARY | 0 | 2 | key | NULL
index | registered_model_tags | registered_model_tags_key_value_name | 1 | 1 | key | NULL
index | registered_model_tags | registered_model_tags_key_value_name | 1 | 2 | value | 200
index | registered_model_tags | registered_model_tags_key_value_name | 1 | 3 | name | NULL
index | registered_models | PRIMARY | 0 | 1 | name | NULL
index | registered_models | registered_models_last_updated | 1 | 1 | last_updated_time | NULL
index | registered_models | registered_models_last_updated | 1 | 2 | name | NULL
index | registered_models | registered_models_last_updated_desc | 1 | 1 | last_updated_time | NULL
index | registered_models | registered_models_last_updated_desc | 1 | 2 | name | NULL
index | schema_version | PRIMARY | 0 | 1 | version | NULL
index | webhook_deliveries | PRIMARY | 0 | 1 | id | NULL
index | webhook_deliveries | webhook_deliveries_delivery_id | 0 | 1 | delivery_id | NULL
index | webhook_deliveries | webhook_deliveries_due | 1 | 1 | status | NULL
index | webhook_deliveries | webhook_deliveries_due | 1 | 2 | next_attempt_time | NULL
index | webhook_deliveries | webhook_deliveries_finished | 1 | 1 | finished_time | NULL
index | webhook_deliveries | webhook_deliveries_webhook | 1 | 1 | webhook_id | NULL
index | webhook_deliveries | webhook_deliveries_webhook | 1 | 2 | id | NULL
index | webhook_delivery_attempts | PRIMARY | 0 | 1 | id | NULL
index | webhook_delivery_attempts | webhook_delivery_attempts_delivery | 1 | 1 | delivery_id | NULL
index | webhook_delivery_attempts | webhook_delivery_attempts_delivery | 1 | 2 | id | NULL
index | webhook_events | PRIMARY | 0 | 1 | webhook_id | NULL
index | webhook_events | PRIMARY | 0 | 2 | entity | NULL
index | webhook_events | PRIMARY | 0 | 3 | action | NULL
index | webhook_events | webhook_events_event | 1 | 1 | entity | NULL
index | webhook_events | webhook_events_event | 1 | 2 | action | NULL
index | webhooks | PRIMARY | 0 | 1 | webhook_id | NULL
index | webhooks | webhooks_listing | 1 | 1 | deleted_time | NULL
index | webhooks | webhooks_listing | 1 | 2 | creation_time | NULL
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
  EXPECT_EQ((*versions)[0].Int(1), LatestSchemaVersion());

  // A registry filled before migration 5 gets the same schema from it.
  Result<std::unique_ptr<TestDatabase>> older = TestDatabase::Create(Backend::kMysql);
  ASSERT_TRUE(older.ok()) << older.status().ToString();
  Result<MysqlConnectionOptions> older_options = ParseMysqlUri((*older)->uri());
  ASSERT_TRUE(older_options.ok()) << older_options.status().ToString();
  Result<std::unique_ptr<SqlConnection>> older_connection = OpenMysqlConnection(*older_options);
  ASSERT_TRUE(older_connection.ok()) << older_connection.status().ToString();
  ASSERT_TRUE(MigrateSchemaTo(**older_connection, 4).ok());
  RunAll(**older_connection, FillStatements());
  ASSERT_TRUE(MigrateSchema(**older_connection).ok());
  EXPECT_EQ(MysqlSchema(**older_connection, collation), kMysqlSchema);
  EXPECT_EQ((*versions)[0].Int(1), static_cast<int64_t>(SchemaVersions().size()));
}

// Migration 8 widens auth_grants.resource_type on a database that holds grants: they stay as
// they were, and the experiment resource types fit (VARCHAR(8) would refuse them in strict
// mode, or cut them to 'experime' otherwise).
TEST(SchemaTest, MysqlMigration8KeepsGrantsAndTakesExperimentTypes) {
  if (!BackendConfigured(Backend::kMysql)) {
    GTEST_SKIP() << "MODELWARDEN_TEST_MYSQL_URI is not set";
  }
  Result<std::unique_ptr<TestDatabase>> database = TestDatabase::Create(Backend::kMysql);
  ASSERT_TRUE(database.ok()) << database.status().ToString();
  Result<MysqlConnectionOptions> options = ParseMysqlUri((*database)->uri());
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  Result<std::unique_ptr<SqlConnection>> connection = OpenMysqlConnection(*options);
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  SqlConnection& db = **connection;
  ASSERT_TRUE(MigrateSchemaTo(db, 7).ok());
  RunAll(db, {"INSERT INTO auth_grants (subject_type, subject_id, resource_type, resource, kind, "
              "permission) VALUES ('user', 1, 'model', 'm', 'access', 'EDIT'), ('group', 2, "
              "'prefix', 'fraud.', 'promote', 'PROMOTE')"});
  ASSERT_TRUE(MigrateSchema(db).ok());
  RunAll(db, {"INSERT INTO auth_grants (subject_type, subject_id, resource_type, resource, kind, "
              "permission) VALUES ('user', 1, 'experiment_prefix', 'team-', 'access', 'READ'), "
              "('user', 1, 'experiment', '7', 'access', 'MANAGE'), ('user', 1, 'scorer', "
              "'7/relevance', 'access', 'READ')"});
  // Lines() sorts the rows.
  EXPECT_EQ(Lines(db,
                  "SELECT subject_type, subject_id, resource_type, resource, kind, permission "
                  "FROM auth_grants"),
            "group | 2 | prefix | fraud. | promote | PROMOTE\n"
            "user | 1 | experiment | 7 | access | MANAGE\n"
            "user | 1 | experiment_prefix | team- | access | READ\n"
            "user | 1 | model | m | access | EDIT\n"
            "user | 1 | scorer | 7/relevance | access | READ\n");
}
#endif

// An MLflow tracking database has tables of the same names and no schema_version: migrating
// it is refused before anything is created, with the command that brings its registry over.
TEST(SchemaTest, AnMlflowDatabaseIsRefusedUntouched) {
  for (Backend backend : {Backend::kSqliteFile, Backend::kMysql}) {
    if (!BackendConfigured(backend)) continue;
#ifndef MODELWARDEN_HAVE_MYSQL
    if (backend == Backend::kMysql) continue;
#endif
    SCOPED_TRACE(::modelwarden::testing::BackendName(backend));
    Result<std::unique_ptr<TestDatabase>> database = TestDatabase::Create(backend);
    ASSERT_TRUE(database.ok()) << database.status().ToString();
    const std::string fixture = std::string(MODELWARDEN_SOURCE_DIR) + "/tests/fixtures/mlflow/" +
                                (backend == Backend::kMysql ? "mysql" : "sqlite") +
                                "-0584bdc529eb.sql";
    ASSERT_TRUE((*database)->ExecuteScript(fixture).ok());
    std::unique_ptr<SqlConnection> connection;
    if (backend == Backend::kSqliteFile) {
      SqliteOptions options;
      options.path = (*database)->name();
      Result<std::unique_ptr<SqlConnection>> opened = OpenSqliteConnection(options);
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      connection = std::move(*opened);
    } else {
#ifdef MODELWARDEN_HAVE_MYSQL
      Result<MysqlConnectionOptions> options = ParseMysqlUri((*database)->uri());
      ASSERT_TRUE(options.ok()) << options.status().ToString();
      Result<std::unique_ptr<SqlConnection>> opened = OpenMysqlConnection(*options);
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      connection = std::move(*opened);
#endif
    }
    const Status refused = MigrateSchema(*connection);
    EXPECT_EQ(refused.code(), ErrorCode::kInvalidState);
    EXPECT_NE(refused.message().find("`modelwarden import --from-db"), std::string::npos)
        << refused.message();
    EXPECT_NE(refused.message().find("0584bdc529eb"), std::string::npos) << refused.message();
    Result<std::vector<SqlRow>> tables =
        connection->Query(backend == Backend::kMysql
                              ? "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                                "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_version'"
                              : "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_version'",
                          {});
    ASSERT_TRUE(tables.ok()) << tables.status().ToString();
    EXPECT_EQ((*tables)[0].Int(0), 0) << "nothing may be created in the MLflow database";
  }
}

}  // namespace
}  // namespace modelwarden
