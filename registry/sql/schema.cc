#include "registry/sql/schema.h"

#include <cstddef>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "registry/sql/dialect.h"

namespace modelwarden {
namespace {

// The statements of a migration for one dialect, each run on its own with Execute().
struct Statements {
  const char* const* begin;
  const char* const* end;
};

template <size_t N>
constexpr Statements Of(const char* const (&statements)[N]) {
  return {statements, statements + N};
}

struct Migration {
  int version;
  Statements sqlite;
  // "{collation}" is replaced by a byte-exact collation: names, tag keys and aliases must
  // compare byte by byte ('Model' != 'model', 'a' != 'a '), which MySQL's defaults do not.
  Statements mysql;
};

// Version 1: the registry as MLflow has it.
constexpr const char* kRegistrySqlite[] = {
    R"sql(CREATE TABLE registered_models (
  name TEXT NOT NULL PRIMARY KEY,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  description TEXT
))sql",
    R"sql(CREATE TABLE registered_model_tags (
  name TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, key)
))sql",
    R"sql(CREATE INDEX registered_model_tags_key_value ON registered_model_tags (key, value))sql",
    R"sql(CREATE TABLE model_versions (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  description TEXT,
  user_id TEXT,
  current_stage TEXT NOT NULL,
  source TEXT,
  storage_location TEXT,
  run_id TEXT,
  run_link TEXT,
  status TEXT NOT NULL,
  status_message TEXT,
  PRIMARY KEY (name, version)
))sql",
    R"sql(CREATE INDEX model_versions_run_id ON model_versions (run_id))sql",
    R"sql(CREATE INDEX model_versions_last_updated ON model_versions (last_updated_time))sql",
    R"sql(CREATE TABLE model_version_tags (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, version, key)
))sql",
    R"sql(CREATE INDEX model_version_tags_key_value ON model_version_tags (key, value))sql",
    R"sql(CREATE INDEX model_version_tags_name_key ON model_version_tags (name, key, value))sql",
    R"sql(CREATE TABLE registered_model_aliases (
  name TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (name, alias)
))sql",
};

constexpr const char* kRegistryMysql[] = {
    R"sql(CREATE TABLE registered_models (
  name VARCHAR(256) COLLATE {collation} NOT NULL,
  creation_time BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  description MEDIUMTEXT,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE registered_model_tags (
  name VARCHAR(256) COLLATE {collation} NOT NULL,
  `key` VARCHAR(250) COLLATE {collation} NOT NULL,
  value MEDIUMTEXT COLLATE {collation} NOT NULL,
  PRIMARY KEY (name, `key`),
  KEY registered_model_tags_key_value (`key`, value(200))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE model_versions (
  name VARCHAR(256) COLLATE {collation} NOT NULL,
  version INT NOT NULL,
  creation_time BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  description MEDIUMTEXT,
  user_id VARCHAR(256),
  current_stage VARCHAR(20) NOT NULL,
  source TEXT,
  storage_location TEXT,
  run_id VARCHAR(256) COLLATE {collation},
  run_link TEXT,
  status VARCHAR(20) NOT NULL,
  status_message TEXT,
  PRIMARY KEY (name, version),
  KEY model_versions_run_id (run_id),
  KEY model_versions_last_updated (last_updated_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE model_version_tags (
  name VARCHAR(256) COLLATE {collation} NOT NULL,
  version INT NOT NULL,
  `key` VARCHAR(250) COLLATE {collation} NOT NULL,
  value MEDIUMTEXT COLLATE {collation} NOT NULL,
  PRIMARY KEY (name, version, `key`),
  KEY model_version_tags_key_value (`key`, value(200)),
  KEY model_version_tags_name_key (name, `key`, value(32))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE registered_model_aliases (
  name VARCHAR(256) COLLATE {collation} NOT NULL,
  alias VARCHAR(255) COLLATE {collation} NOT NULL,
  version INT NOT NULL,
  PRIMARY KEY (name, alias)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
};

// Version 2: the audit log.
constexpr const char* kAuditSqlite[] = {
    R"sql(CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  principal TEXT NOT NULL,
  client_address TEXT NOT NULL,
  operation TEXT NOT NULL,
  model_name TEXT NOT NULL,
  version INTEGER,
  outcome TEXT NOT NULL,
  before_state TEXT NOT NULL,
  after_state TEXT NOT NULL,
  checks TEXT NOT NULL
))sql",
    R"sql(CREATE INDEX audit_events_model ON audit_events (model_name, id))sql",
    R"sql(CREATE INDEX audit_events_principal ON audit_events (principal, id))sql",
    R"sql(CREATE INDEX audit_events_operation ON audit_events (operation, id))sql",
    R"sql(CREATE INDEX audit_events_timestamp ON audit_events (timestamp))sql",
};

constexpr const char* kAuditMysql[] = {
    R"sql(CREATE TABLE audit_events (
  id BIGINT NOT NULL AUTO_INCREMENT,
  timestamp BIGINT NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  principal VARCHAR(256) COLLATE {collation} NOT NULL,
  client_address VARCHAR(64) NOT NULL,
  operation VARCHAR(64) COLLATE {collation} NOT NULL,
  model_name VARCHAR(256) COLLATE {collation} NOT NULL,
  version INT,
  outcome VARCHAR(16) NOT NULL,
  before_state MEDIUMTEXT NOT NULL,
  after_state MEDIUMTEXT NOT NULL,
  checks MEDIUMTEXT NOT NULL,
  PRIMARY KEY (id),
  KEY audit_events_model (model_name, id),
  KEY audit_events_principal (principal, id),
  KEY audit_events_operation (operation, id),
  KEY audit_events_timestamp (timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
};

// Version 3: access control. A grant's subject is a user or a group (subject_type
// 'user'/'group'); its resource one model or a name prefix (resource_type 'model'/'prefix'); kind
// 'access' (READ/EDIT/MANAGE/NO_PERMISSIONS) or 'promote' (PROMOTE), so a subject may hold both
// on one resource. Grants on a model follow its rename and go with its deletion, in the model's
// transaction (SqlModelStore).
constexpr const char* kAccessSqlite[] = {
    R"sql(CREATE TABLE auth_users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0
))sql",
    R"sql(CREATE TABLE auth_groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE
))sql",
    R"sql(CREATE TABLE auth_group_members (
  group_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
))sql",
    R"sql(CREATE INDEX auth_group_members_user ON auth_group_members (user_id))sql",
    R"sql(CREATE TABLE auth_grants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subject_type TEXT NOT NULL,
  subject_id INTEGER NOT NULL,
  resource_type TEXT NOT NULL,
  resource TEXT NOT NULL,
  kind TEXT NOT NULL,
  permission TEXT NOT NULL,
  UNIQUE (subject_type, subject_id, resource_type, resource, kind)
))sql",
    R"sql(CREATE INDEX auth_grants_resource ON auth_grants (resource_type, resource))sql",
    R"sql(CREATE TABLE auth_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  creation_time INTEGER NOT NULL,
  expiration_time INTEGER NOT NULL,
  revocation_time INTEGER NOT NULL
))sql",
    R"sql(CREATE INDEX auth_tokens_user ON auth_tokens (user_id))sql",
};

constexpr const char* kAccessMysql[] = {
    R"sql(CREATE TABLE auth_users (
  id BIGINT NOT NULL AUTO_INCREMENT,
  username VARCHAR(255) COLLATE {collation} NOT NULL,
  password_hash VARCHAR(512) NOT NULL,
  is_admin TINYINT NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY auth_users_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE auth_groups (
  id BIGINT NOT NULL AUTO_INCREMENT,
  name VARCHAR(255) COLLATE {collation} NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY auth_groups_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE auth_group_members (
  group_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  PRIMARY KEY (group_id, user_id),
  KEY auth_group_members_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE auth_grants (
  id BIGINT NOT NULL AUTO_INCREMENT,
  subject_type VARCHAR(8) NOT NULL,
  subject_id BIGINT NOT NULL,
  resource_type VARCHAR(8) NOT NULL,
  resource VARCHAR(256) COLLATE {collation} NOT NULL,
  kind VARCHAR(8) NOT NULL,
  permission VARCHAR(32) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY auth_grants_subject (subject_type, subject_id, resource_type, resource, kind),
  KEY auth_grants_resource (resource_type, resource)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE auth_tokens (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  name VARCHAR(255) NOT NULL,
  token_hash CHAR(64) NOT NULL,
  creation_time BIGINT NOT NULL,
  expiration_time BIGINT NOT NULL,
  revocation_time BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY auth_tokens_hash (token_hash),
  KEY auth_tokens_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
};

// Version 4: a number every change of access data (users, groups, grants, tokens, and the
// grants that follow a model's creation, rename and deletion) increments in its own
// transaction. A unit of work that reads it and finds the number its cached grants were read
// at may decide on them: nothing has changed since (SqlAccessRows::AccessEpoch).
constexpr const char* kAccessEpochSqlite[] = {
    R"sql(CREATE TABLE auth_epoch (
  id INTEGER NOT NULL PRIMARY KEY,
  epoch INTEGER NOT NULL
))sql",
    "INSERT INTO auth_epoch (id, epoch) VALUES (1, 0)",
};
constexpr const char* kAccessEpochMysql[] = {
    R"sql(CREATE TABLE auth_epoch (
  id INT NOT NULL,
  epoch BIGINT NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    "INSERT INTO auth_epoch (id, epoch) VALUES (1, 0)",
};

// Version 5: indexes that give model searches their rows in the order asked for, so that a
// page stops after its rows (registry/sql/model_search.cc): by last_updated_time either way
// with the name as tie-break (ASC and DESC, since the name stays ascending), and a tag
// equality in name order. (key, value, name) replaces (key, value), its prefix. MySQL
// indexes the first 200 characters of a tag value, as before: rows of one (key, value) keep
// name order within that prefix, and the value is compared in full on the row.
constexpr const char* kSearchOrderSqlite[] = {
    "CREATE INDEX registered_models_last_updated ON registered_models (last_updated_time, name)",
    "CREATE INDEX registered_models_last_updated_desc ON registered_models "
    "(last_updated_time DESC, name)",
    "DROP INDEX registered_model_tags_key_value",
    "CREATE INDEX registered_model_tags_key_value_name ON registered_model_tags "
    "(key, value, name)",
};
constexpr const char* kSearchOrderMysql[] = {
    "ALTER TABLE registered_models ADD KEY registered_models_last_updated "
    "(last_updated_time, name), ADD KEY registered_models_last_updated_desc "
    "(last_updated_time DESC, name)",
    "ALTER TABLE registered_model_tags DROP KEY registered_model_tags_key_value, ADD KEY "
    "registered_model_tags_key_value_name (`key`, value(200), name)",
};

// Version 6: webhooks (MLflow 3's, and modelwarden's events) and their outbox. Subscriptions
// are webhook_events rows, as MLflow names them; `mlflow` marks MLflow's own events, which
// MLflow's endpoints show. A change writes one webhook_deliveries row per subscribed webhook in
// its own transaction; delivery workers lease due rows (lease_owner, lease_until), record
// every attempt in webhook_delivery_attempts, and pause a webhook whose receiver fails
// (receiver_failures, paused_until). WEBHOOKS grants are auth_grants rows of kind 'webhooks' on
// a prefix.
constexpr const char* kWebhooksSqlite[] = {
    R"sql(CREATE TABLE webhooks (
  webhook_id TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  url TEXT NOT NULL,
  status TEXT NOT NULL,
  secret TEXT,
  model_prefix TEXT NOT NULL,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  deleted_time INTEGER,
  receiver_failures INTEGER NOT NULL DEFAULT 0,
  paused_until INTEGER NOT NULL DEFAULT 0
))sql",
    R"sql(CREATE INDEX webhooks_listing ON webhooks (deleted_time, creation_time))sql",
    R"sql(CREATE TABLE webhook_events (
  webhook_id TEXT NOT NULL,
  entity TEXT NOT NULL,
  action TEXT NOT NULL,
  mlflow INTEGER NOT NULL,
  PRIMARY KEY (webhook_id, entity, action)
))sql",
    R"sql(CREATE INDEX webhook_events_event ON webhook_events (entity, action))sql",
    R"sql(CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL UNIQUE,
  webhook_id TEXT NOT NULL,
  entity TEXT NOT NULL,
  action TEXT NOT NULL,
  model_name TEXT NOT NULL,
  body TEXT NOT NULL,
  creation_time INTEGER NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_time INTEGER NOT NULL,
  last_attempt_time INTEGER,
  last_http_status INTEGER,
  last_error TEXT NOT NULL,
  finished_time INTEGER,
  lease_owner TEXT NOT NULL,
  lease_until INTEGER NOT NULL
))sql",
    R"sql(CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_time))sql",
    R"sql(CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id))sql",
    R"sql(CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_time))sql",
    R"sql(CREATE TABLE webhook_delivery_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  time INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  http_status INTEGER,
  error TEXT NOT NULL
))sql",
    R"sql(CREATE INDEX webhook_delivery_attempts_delivery ON webhook_delivery_attempts (delivery_id, id))sql",
};

constexpr const char* kWebhooksMysql[] = {
    R"sql(CREATE TABLE webhooks (
  webhook_id VARCHAR(64) COLLATE {collation} NOT NULL,
  name VARCHAR(256) COLLATE {collation} NOT NULL,
  description TEXT,
  url TEXT NOT NULL,
  status VARCHAR(20) NOT NULL,
  secret TEXT,
  model_prefix VARCHAR(256) COLLATE {collation} NOT NULL,
  creation_time BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  deleted_time BIGINT,
  receiver_failures INT NOT NULL DEFAULT 0,
  paused_until BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (webhook_id),
  KEY webhooks_listing (deleted_time, creation_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE webhook_events (
  webhook_id VARCHAR(64) COLLATE {collation} NOT NULL,
  entity VARCHAR(32) COLLATE {collation} NOT NULL,
  action VARCHAR(32) COLLATE {collation} NOT NULL,
  mlflow TINYINT NOT NULL,
  PRIMARY KEY (webhook_id, entity, action),
  KEY webhook_events_event (entity, action)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE webhook_deliveries (
  id BIGINT NOT NULL AUTO_INCREMENT,
  delivery_id VARCHAR(64) COLLATE {collation} NOT NULL,
  webhook_id VARCHAR(64) COLLATE {collation} NOT NULL,
  entity VARCHAR(32) COLLATE {collation} NOT NULL,
  action VARCHAR(32) COLLATE {collation} NOT NULL,
  model_name VARCHAR(256) COLLATE {collation} NOT NULL,
  body MEDIUMTEXT NOT NULL,
  creation_time BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  attempts INT NOT NULL,
  next_attempt_time BIGINT NOT NULL,
  last_attempt_time BIGINT,
  last_http_status INT,
  last_error TEXT NOT NULL,
  finished_time BIGINT,
  lease_owner VARCHAR(96) NOT NULL,
  lease_until BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY webhook_deliveries_delivery_id (delivery_id),
  KEY webhook_deliveries_due (status, next_attempt_time),
  KEY webhook_deliveries_webhook (webhook_id, id),
  KEY webhook_deliveries_finished (finished_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE webhook_delivery_attempts (
  id BIGINT NOT NULL AUTO_INCREMENT,
  delivery_id VARCHAR(64) COLLATE {collation} NOT NULL,
  attempt INT NOT NULL,
  time BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  http_status INT,
  error TEXT NOT NULL,
  PRIMARY KEY (id),
  KEY webhook_delivery_attempts_delivery (delivery_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
};

// Version 7: four-eyes approvals of moves (registry/approval.h), and leases: a named job that
// one server process at a time may run (retention), held until expiration_time (the database's
// clock, ms). The retention lease exists from the start, so taking it always locks a row.
constexpr const char* kLifecycleSqlite[] = {
    R"sql(CREATE TABLE approvals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model_name TEXT NOT NULL,
  version INTEGER NOT NULL,
  target_stage TEXT,
  alias TEXT,
  archive_existing_versions INTEGER NOT NULL,
  rule_id TEXT NOT NULL,
  status TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  request_comment TEXT NOT NULL,
  creation_time INTEGER NOT NULL,
  expiration_time INTEGER NOT NULL,
  version_fingerprint TEXT NOT NULL,
  decided_by TEXT,
  decision_comment TEXT,
  decision_time INTEGER,
  reason TEXT
))sql",
    R"sql(CREATE INDEX approvals_model ON approvals (model_name, version, status))sql",
    R"sql(CREATE INDEX approvals_status ON approvals (status, id))sql",
    R"sql(CREATE TABLE leases (
  name TEXT NOT NULL PRIMARY KEY,
  holder TEXT NOT NULL,
  expiration_time INTEGER NOT NULL
))sql",
    "INSERT INTO leases (name, holder, expiration_time) VALUES ('retention', '', 0)",
};
constexpr const char* kLifecycleMysql[] = {
    R"sql(CREATE TABLE approvals (
  id BIGINT NOT NULL AUTO_INCREMENT,
  model_name VARCHAR(256) COLLATE {collation} NOT NULL,
  version INT NOT NULL,
  target_stage VARCHAR(20),
  alias VARCHAR(255) COLLATE {collation},
  archive_existing_versions TINYINT NOT NULL,
  rule_id VARCHAR(256) NOT NULL,
  status VARCHAR(16) NOT NULL,
  requested_by VARCHAR(256) COLLATE {collation} NOT NULL,
  request_comment MEDIUMTEXT NOT NULL,
  creation_time BIGINT NOT NULL,
  expiration_time BIGINT NOT NULL,
  version_fingerprint CHAR(64) NOT NULL,
  decided_by VARCHAR(256) COLLATE {collation},
  decision_comment MEDIUMTEXT,
  decision_time BIGINT,
  reason MEDIUMTEXT,
  PRIMARY KEY (id),
  KEY approvals_model (model_name, version, status),
  KEY approvals_status (status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    R"sql(CREATE TABLE leases (
  name VARCHAR(64) NOT NULL,
  holder VARCHAR(256) NOT NULL,
  expiration_time BIGINT NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collation})sql",
    "INSERT INTO leases (name, holder, expiration_time) VALUES ('retention', '', 0)",
};

// Version 8: grants on the tracker's experiments (registry/auth_entities.h ResourceType):
// resource_type takes the words 'experiment', 'experiment_prefix' and 'scorer', wider than
// MySQL's VARCHAR(8). SQLite's TEXT already holds them: nothing to do there.
constexpr Statements kNoStatements = {nullptr, nullptr};
constexpr const char* kExperimentGrantsMysql[] = {
    "ALTER TABLE auth_grants MODIFY resource_type VARCHAR(32) NOT NULL",
};

// Version 9: an index from which a page of models finds its latest versions
// (registry/sql/model_tables.cc LoadModels) without reading a version row per entry: the
// highest live version per stage is a walk of (name, current_stage, version). Covering indexes
// for the tags, (name, [version,] key, value), were measured too: no faster once SQLite's page
// cache holds a page's pages, and 10% fewer durable version creates per second.
constexpr const char* kPageContentsSqlite[] = {
    "CREATE INDEX model_versions_name_stage ON model_versions (name, current_stage, version)",
};
constexpr const char* kPageContentsMysql[] = {
    "ALTER TABLE model_versions ADD KEY model_versions_name_stage (name, current_stage, version)",
};

// Numbers are given out per branch of development, so a build may know a migration with a
// lower number than one a database already has: every migration not recorded is applied.
constexpr Migration kMigrations[] = {
    {1, Of(kRegistrySqlite), Of(kRegistryMysql)},
    {2, Of(kAuditSqlite), Of(kAuditMysql)},
    {3, Of(kAccessSqlite), Of(kAccessMysql)},
    {4, Of(kAccessEpochSqlite), Of(kAccessEpochMysql)},
    {5, Of(kSearchOrderSqlite), Of(kSearchOrderMysql)},
    {6, Of(kWebhooksSqlite), Of(kWebhooksMysql)},
    {7, Of(kLifecycleSqlite), Of(kLifecycleMysql)},
    {8, kNoStatements, Of(kExperimentGrantsMysql)},
    {9, Of(kPageContentsSqlite), Of(kPageContentsMysql)},
};

// The planner's statistics, renewed after a migration changed the tables or their indexes.
// SQLite connections read at most a thousand rows per index when they analyze
// (sqlite_connection.cc), so this is quick on any size; on an empty database it records
// nothing, and the connections' PRAGMA optimize analyzes the tables once they hold rows.
constexpr char kAnalyzeMysql[] =
    "ANALYZE TABLE registered_models, registered_model_tags, model_versions, "
    "model_version_tags, registered_model_aliases";

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

Result<std::set<int>> AppliedVersions(SqlConnection& connection) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   connection.Query("SELECT version FROM schema_version", {}));
  std::set<int> applied;
  for (const SqlRow& row : rows) applied.insert(static_cast<int>(row.Int(0)));
  return applied;
}

// The first byte-exact (binary, NO PAD) utf8mb4 collation this MySQL-compatible server has.
Result<std::string> ByteExactCollation(SqlConnection& connection) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   connection.Query("SELECT COLLATION_NAME FROM information_schema.COLLATIONS "
                                    "WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', "
                                    "'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC",
                                    {}));
  if (!rows.empty()) return rows[0].Text(0);
  // Older servers (MySQL 5.7) have no NO PAD binary collation: utf8mb4_bin compares bytes but
  // ignores trailing spaces, so 'a' and 'a ' collide there.
  std::fprintf(stderr,
               "warning: no byte-exact utf8mb4 collation on this server; names differing only "
               "in trailing spaces will collide\n");
  return std::string("utf8mb4_bin");
}

Status ApplyPending(SqlConnection& connection, int target) {
  const bool mysql = connection.dialect() == SqlDialect::kMysql;
  RETURN_IF_ERROR(RefuseForeignDatabase(connection));
  RETURN_IF_ERROR(
      connection
          .Execute(mysql ? "CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL "
                           "PRIMARY KEY, applied_at BIGINT NOT NULL) ENGINE=InnoDB"
                         : "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL "
                           "PRIMARY KEY, applied_at INTEGER NOT NULL)",
                   {})
          .status());
  ASSIGN_OR_RETURN(const std::set<int> applied, AppliedVersions(connection));
  const int current = applied.empty() ? 0 : *applied.rbegin();
  if (current > LatestSchemaVersion()) {
    return Status(ErrorCode::kInvalidState,
                  "The database schema (version " + std::to_string(current) +
                      ") is newer than this modelwarden (version " +
                      std::to_string(LatestSchemaVersion()) + "); upgrade modelwarden.");
  }
  std::string collation;
  if (mysql) {
    ASSIGN_OR_RETURN(collation, ByteExactCollation(connection));
  }
  bool migrated = false;
  for (const Migration& migration : kMigrations) {
    if (applied.count(migration.version) != 0) continue;
    if (migration.version > target) break;
    migrated = true;
    const Statements statements = mysql ? migration.mysql : migration.sqlite;
    for (const char* const* statement = statements.begin; statement != statements.end;
         ++statement) {
      const std::string sql =
          mysql ? ReplaceAll(*statement, "{collation}", collation) : std::string(*statement);
      RETURN_IF_ERROR(connection.Execute(sql, {}).status());
    }
    RETURN_IF_ERROR(
        connection
            .Execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                     {int64_t{migration.version}, static_cast<int64_t>(std::time(nullptr)) * 1000})
            .status());
  }
  if (!migrated) return Status::Ok();
  if (mysql) return connection.Query(kAnalyzeMysql, {}).status();
  return connection.Execute("ANALYZE", {}).status();
}

}  // namespace

// MLflow's tracking database has its registry in tables of the same names as ours, but no
// schema_version: migrating it would fail halfway on "table registered_models already exists".
Status RefuseForeignDatabase(SqlConnection& connection) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   connection.Query(Dialect::Of(connection.dialect()).SelectTableNames(), {}));
  std::set<std::string> tables;
  for (const SqlRow& row : rows) tables.insert(row.Text(0));
  if (tables.count("schema_version") != 0) return Status::Ok();
  if (tables.count("alembic_version") == 0 && tables.count("registered_models") == 0) {
    return Status::Ok();
  }
  std::string revision = "unknown";
  if (tables.count("alembic_version") != 0) {
    ASSIGN_OR_RETURN(rows, connection.Query("SELECT version_num FROM alembic_version", {}));
    if (!rows.empty()) revision = rows[0].Text(0);
  }
  return Status(ErrorCode::kInvalidState,
                "This database is an MLflow tracking database (alembic revision " + revision +
                    "), not a modelwarden one; modelwarden does not run on it and has not "
                    "changed it. Give modelwarden a database of its own and bring the registry "
                    "over with `modelwarden import --from-db <this database's URI>`, which reads "
                    "it read-only.");
}

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

std::vector<int> SchemaVersions() {
  std::vector<int> versions;
  for (const Migration& migration : kMigrations) versions.push_back(migration.version);
  return versions;
}

Status MigrateSchema(SqlConnection& connection) {
  return MigrateSchemaTo(connection, LatestSchemaVersion());
}

Status MigrateSchemaTo(SqlConnection& connection, int version) {
  if (connection.dialect() == SqlDialect::kSqlite) {
    // SQLite DDL is transactional: one IMMEDIATE transaction makes the whole migration atomic
    // and makes a second server wait for the first, then find nothing left to do.
    RETURN_IF_ERROR(connection.Begin(/*write=*/true));
    Status status = ApplyPending(connection, version);
    if (status.ok()) status = connection.Commit();
    if (!status.ok()) connection.Rollback();
    return status;
  }
  // MySQL commits DDL implicitly; a named lock keeps two servers from racing instead.
  ASSIGN_OR_RETURN(std::vector<SqlRow> locked,
                   connection.Query("SELECT GET_LOCK('modelwarden_schema_migration', 60)", {}));
  if (locked.empty() || locked[0].Int(0) != 1) {
    return Status::Unavailable("Timed out waiting for another server's schema migration.");
  }
  Status status = ApplyPending(connection, version);
  connection.Query("SELECT RELEASE_LOCK('modelwarden_schema_migration')", {});
  return status;
}

}  // namespace modelwarden
