#include "registry/sql/sql_model_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "registry/sql/transaction.h"

namespace modelwarden {
namespace {

// MLflow marks a soft-deleted version with this stage (STAGE_DELETED_INTERNAL) and redacts
// its location fields (sqlalchemy_store.delete_model_version).
constexpr char kDeletedStage[] = "Deleted_Internal";
constexpr char kRedactedSource[] = "REDACTED-SOURCE-PATH";
constexpr char kRedactedRunId[] = "REDACTED-RUN-ID";
constexpr char kRedactedRunLink[] = "REDACTED-RUN-LINK";
// Versions whose tags one statement fetches: few statements per page, each small enough for
// the planner to turn into index lookups.
constexpr size_t kTagPairsPerStatement = 100;
constexpr size_t kMaxSupersetPlaceholders = 1000;

// A statement whose text differs between the dialects.
struct DialectSql {
  const char* sqlite;
  const char* mysql;
};

// ---- registered models ----
constexpr char kInsertModel[] =
    "INSERT INTO registered_models (name, creation_time, last_updated_time, description) "
    "VALUES (?, ?, ?, ?)";
constexpr DialectSql kSelectModelForWrite = {
    "SELECT 1 FROM registered_models WHERE name = ?",
    // Locks the model row: concurrent writers of one model (version allocation, stage moves)
    // queue here, across every server process sharing the database.
    "SELECT 1 FROM registered_models WHERE name = ? FOR UPDATE"};
constexpr char kSelectModelExists[] = "SELECT 1 FROM registered_models WHERE name = ?";
constexpr char kUpdateModelDescription[] =
    "UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?";
constexpr char kTouchModel[] = "UPDATE registered_models SET last_updated_time = ? WHERE name = ?";
constexpr char kRenameModel[] =
    "UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?";
constexpr char kRenameModelTags[] = "UPDATE registered_model_tags SET name = ? WHERE name = ?";
constexpr char kRenameVersions[] =
    "UPDATE model_versions SET name = ?, last_updated_time = ? WHERE name = ?";
constexpr char kRenameVersionTags[] = "UPDATE model_version_tags SET name = ? WHERE name = ?";
constexpr char kRenameAliases[] = "UPDATE registered_model_aliases SET name = ? WHERE name = ?";
constexpr char kDeleteModel[] = "DELETE FROM registered_models WHERE name = ?";
constexpr char kDeleteModelTags[] = "DELETE FROM registered_model_tags WHERE name = ?";
constexpr char kDeleteModelVersions[] = "DELETE FROM model_versions WHERE name = ?";
constexpr char kDeleteModelVersionTags[] = "DELETE FROM model_version_tags WHERE name = ?";
constexpr char kDeleteModelAliases[] = "DELETE FROM registered_model_aliases WHERE name = ?";
constexpr DialectSql kUpsertModelTag = {
    "INSERT INTO registered_model_tags (name, key, value) VALUES (?, ?, ?) "
    "ON CONFLICT (name, key) DO UPDATE SET value = excluded.value",
    "INSERT INTO registered_model_tags (name, `key`, value) VALUES (?, ?, ?) "
    "ON DUPLICATE KEY UPDATE value = VALUES(value)"};
constexpr DialectSql kDeleteModelTag = {
    "DELETE FROM registered_model_tags WHERE name = ? AND key = ?",
    "DELETE FROM registered_model_tags WHERE name = ? AND `key` = ?"};
constexpr DialectSql kSelectModelIsPrompt = {
    "SELECT 1 FROM registered_model_tags WHERE name = ? AND key = ? AND LOWER(value) = 'true'",
    "SELECT 1 FROM registered_model_tags WHERE name = ? AND `key` = ? AND LOWER(value) = 'true'"};

// ---- aliases ----
constexpr DialectSql kUpsertAlias = {
    "INSERT INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?) "
    "ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version",
    "INSERT INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?) "
    "ON DUPLICATE KEY UPDATE version = VALUES(version)"};
constexpr char kDeleteAlias[] = "DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?";
constexpr char kSelectAlias[] =
    "SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?";
constexpr char kSelectVersionAliases[] =
    "SELECT alias FROM registered_model_aliases WHERE name = ? AND version = ? ORDER BY alias";
constexpr char kDeleteVersionAliases[] =
    "DELETE FROM registered_model_aliases WHERE name = ? AND version = ?";

// ---- model versions ----
constexpr char kVersionColumns[] =
    "mv.name, mv.version, mv.creation_time, mv.last_updated_time, mv.description, mv.user_id, "
    "mv.current_stage, mv.source, mv.storage_location, mv.run_id, mv.run_link, mv.status, "
    "mv.status_message";
constexpr char kSelectNextVersion[] =
    "SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE name = ?";
constexpr char kInsertVersion[] =
    "INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, "
    "user_id, current_stage, source, storage_location, run_id, run_link, status, status_message) "
    "VALUES (?, ?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, 'READY', NULL)";
constexpr char kSelectLiveVersionExists[] =
    "SELECT 1 FROM model_versions WHERE name = ? AND version = ? AND current_stage <> ?";
constexpr char kUpdateVersionDescription[] =
    "UPDATE model_versions SET description = ?, last_updated_time = ? "
    "WHERE name = ? AND version = ?";
constexpr char kSoftDeleteVersion[] =
    "UPDATE model_versions SET current_stage = ?, description = NULL, user_id = NULL, "
    "source = ?, storage_location = ?, run_id = ?, run_link = ?, status_message = NULL, "
    "last_updated_time = ? WHERE name = ? AND version = ?";
constexpr char kArchiveStage[] =
    "UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ? "
    "WHERE name = ? AND current_stage = ? AND version <> ?";
constexpr char kUpdateVersionStage[] =
    "UPDATE model_versions SET current_stage = ?, last_updated_time = ? "
    "WHERE name = ? AND version = ?";
constexpr DialectSql kUpsertVersionTag = {
    "INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value",
    "INSERT INTO model_version_tags (name, version, `key`, value) VALUES (?, ?, ?, ?) "
    "ON DUPLICATE KEY UPDATE value = VALUES(value)"};
constexpr DialectSql kDeleteVersionTag = {
    "DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?",
    "DELETE FROM model_version_tags WHERE name = ? AND version = ? AND `key` = ?"};

// ---- audit log ----
constexpr char kInsertAudit[] =
    "INSERT INTO audit_events (timestamp, request_id, principal, client_address, operation, "
    "model_name, version, outcome, before_state, after_state, checks) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kAuditColumns[] =
    "id, timestamp, request_id, principal, client_address, operation, model_name, version, "
    "outcome, before_state, after_state, checks";

// ---- grants on models (the tables are AuthStore's; see schema.cc migration 3) ----
constexpr char kDeleteCreatorGrant[] =
    "DELETE FROM auth_grants WHERE subject_type = 'user' AND resource_type = 'model' AND "
    "resource = ? AND kind = 'access' AND subject_id IN (SELECT id FROM auth_users WHERE "
    "username = ?)";
constexpr char kInsertCreatorGrant[] =
    "INSERT INTO auth_grants (subject_type, subject_id, resource_type, resource, kind, "
    "permission) SELECT 'user', id, 'model', ?, 'access', 'MANAGE' FROM auth_users WHERE "
    "username = ?";
constexpr char kSelectModelGrantSubjects[] =
    "SELECT subject_type, subject_id, kind FROM auth_grants WHERE resource_type = 'model' AND "
    "resource = ?";
constexpr char kDeleteModelGrantOfSubject[] =
    "DELETE FROM auth_grants WHERE subject_type = ? AND subject_id = ? AND resource_type = "
    "'model' AND resource = ? AND kind = ?";
constexpr char kRenameModelGrants[] =
    "UPDATE auth_grants SET resource = ? WHERE resource_type = 'model' AND resource = ?";
constexpr char kDeleteModelGrants[] =
    "DELETE FROM auth_grants WHERE resource_type = 'model' AND resource = ?";

// Checks are stored one per line as rule_id, result and message separated by tabs; tabs and
// newlines inside a field become spaces.
std::string EncodeChecks(const std::vector<AuditCheck>& checks) {
  const auto clean = [](std::string text) {
    for (char& c : text) {
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    return text;
  };
  std::string out;
  for (const AuditCheck& c : checks) {
    out += clean(c.rule_id) + '\t' + clean(c.result) + '\t' + clean(c.message) + '\n';
  }
  return out;
}

std::vector<AuditCheck> DecodeChecks(const std::string& text) {
  std::vector<AuditCheck> checks;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    const size_t first = line.find('\t');
    const size_t second = first == std::string::npos ? first : line.find('\t', first + 1);
    if (second != std::string::npos) {
      checks.push_back({line.substr(0, first), line.substr(first + 1, second - first - 1),
                        line.substr(second + 1)});
    }
    start = end + 1;
  }
  return checks;
}

AuditEvent AuditFromRow(const SqlRow& row) {
  AuditEvent e;
  e.id = row.Int(0);
  e.timestamp = row.Int(1);
  e.request_id = row.Text(2);
  e.principal = row.Text(3);
  e.client_address = row.Text(4);
  e.operation = row.Text(5);
  e.model_name = row.Text(6);
  if (!row.IsNull(7)) e.version = row.Int(7);
  e.outcome = row.Text(8);
  e.before = row.Text(9);
  e.after = row.Text(10);
  e.checks = DecodeChecks(row.Text(11));
  return e;
}

std::string NotFoundModelMessage(const std::string& name) {
  return "Registered Model with name=" + name + " not found";
}
std::string NotFoundVersionMessage(const std::string& name, int64_t version) {
  return "Model Version (name=" + name + ", version=" + std::to_string(version) + ") not found";
}

int64_t CharacterCount(const std::string& utf8) {
  int64_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string Placeholders(size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

std::optional<std::string> NullableText(const SqlRow& row, size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return row.Text(i);
}

// Reads the kVersionColumns of `row`, starting at column `first`.
ModelVersion VersionFromRow(const SqlRow& row, size_t first = 0) {
  ModelVersion v;
  v.name = row.Text(first + 0);
  v.version = row.Int(first + 1);
  v.creation_timestamp = row.Int(first + 2);
  v.last_updated_timestamp = row.Int(first + 3);
  v.description = NullableText(row, first + 4);
  v.user_id = row.Text(first + 5);
  v.current_stage = StageFromString(row.Text(first + 6)).value_or(Stage::kNone);
  v.source = row.Text(first + 7);
  v.storage_location = row.Text(first + 8);
  v.run_id = NullableText(row, first + 9);
  v.run_link = NullableText(row, first + 10);
  v.status = VersionStatus::kReady;
  v.status_message = row.Text(first + 12);
  return v;
}

class SqlModelStore final : public ModelStore {
 public:
  SqlModelStore(std::shared_ptr<ConnectionPool> pool, SqlDialect dialect)
      : pool_(std::move(pool)), dialect_(dialect) {}

  Result<RegisteredModel> CreateRegisteredModel(const NewRegisteredModel& model,
                                                const WriteContext& write) override {
    const int64_t now = write.now;
    RegisteredModel created;
    Status status = WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      Status inserted =
          db.Execute(kInsertModel, {model.name, now, now, model.description}).status();
      if (inserted.code() == ErrorCode::kResourceAlreadyExists) {
        return AlreadyExistsError(db, model.name, HasPromptTagKey(model.tags));
      }
      RETURN_IF_ERROR(inserted);
      for (const Tag& tag : model.tags) {
        RETURN_IF_ERROR(db.Execute(Pick(kUpsertModelTag), {model.name, tag.key, tag.value}));
      }
      if (!write.creator.empty()) {
        // A grant left on this name (granted before the model existed) gives way to MANAGE.
        RETURN_IF_ERROR(db.Execute(kDeleteCreatorGrant, {model.name, write.creator}));
        RETURN_IF_ERROR(db.Execute(kInsertCreatorGrant, {model.name, write.creator}));
      }
      return RecordAudit(db, write);
    });
    RETURN_IF_ERROR(status);
    created.name = model.name;
    created.creation_timestamp = now;
    created.last_updated_timestamp = now;
    created.description = model.description;
    created.tags = LastValuePerKey(model.tags);
    return created;
  }

  Result<RegisteredModel> GetRegisteredModel(const std::string& name) override {
    std::vector<RegisteredModel> models;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(models, LoadModels(db, {name}));
      return Status::Ok();
    }));
    if (models.empty()) return Status::NotFound(NotFoundModelMessage(name));
    return std::move(models.front());
  }

  Result<RegisteredModel> UpdateRegisteredModel(const std::string& name,
                                                const std::string& description,
                                                const WriteContext& write) override {
    const int64_t now = write.now;
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(int64_t changed,
                       db.Execute(kUpdateModelDescription, {description, now, name}));
      if (changed == 0) return Status::NotFound(NotFoundModelMessage(name));
      return RecordAudit(db, write);
    }));
    return GetRegisteredModel(name);
  }

  Result<RegisteredModel> RenameRegisteredModel(const std::string& name,
                                                const std::string& new_name,
                                                const WriteContext& write) override {
    const int64_t now = write.now;
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      RETURN_IF_ERROR(LockModel(db, name));
      ASSIGN_OR_RETURN(std::vector<SqlRow> taken, db.Query(kSelectModelExists, {new_name}));
      if (!taken.empty()) return AlreadyExistsError(db, new_name, false);
      RETURN_IF_ERROR(db.Execute(kRenameModel, {new_name, now, name}));
      RETURN_IF_ERROR(db.Execute(kRenameModelTags, {new_name, name}));
      RETURN_IF_ERROR(db.Execute(kRenameVersions, {new_name, now, name}));
      RETURN_IF_ERROR(db.Execute(kRenameVersionTags, {new_name, name}));
      RETURN_IF_ERROR(db.Execute(kRenameAliases, {new_name, name}));
      RETURN_IF_ERROR(MoveModelGrants(db, name, new_name));
      return RecordAudit(db, write);
    }));
    return GetRegisteredModel(new_name);
  }

  Status DeleteRegisteredModel(const std::string& name, const WriteContext& write) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      RETURN_IF_ERROR(LockModel(db, name));
      for (const char* sql : {kDeleteModelAliases, kDeleteModelVersionTags, kDeleteModelVersions,
                              kDeleteModelTags, kDeleteModel, kDeleteModelGrants}) {
        RETURN_IF_ERROR(db.Execute(sql, {name}));
      }
      return RecordAudit(db, write);
    });
  }

  Result<Page<RegisteredModel>> SearchRegisteredModels(const StoreSearch& search) override {
    std::string sql = "SELECT rm.name FROM registered_models rm WHERE 1 = 1";
    std::vector<SqlValue> params;
    for (const FilterClause& clause : search.filter.clauses) {
      if (clause.kind == FilterKind::kAttribute) {
        sql += " AND " + Compare("rm.name", clause.comparator);
        params.emplace_back(clause.value);
      } else {
        sql += " AND EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.name = rm.name AND " +
               KeyColumn("t") + " = ? AND " + Compare("t.value", clause.comparator) + ")";
        params.emplace_back(clause.tag_key);
        params.emplace_back(clause.value);
      }
    }
    if (search.filter.exclude_prompts) {
      sql += " AND NOT EXISTS (SELECT 1 FROM registered_model_tags p WHERE p.name = rm.name AND " +
             KeyColumn("p") + " = ? AND p.value = 'true')";
      params.emplace_back(std::string(kIsPromptTagKey));
    }
    if (search.read_scope.has_value()) sql += ReadableBy(*search.read_scope, "rm.name", params);
    sql += OrderBy(search.order, "rm") + " LIMIT ? OFFSET ?";
    params.emplace_back(search.max_results + 1);
    params.emplace_back(search.offset);

    Page<RegisteredModel> page;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
      std::vector<std::string> names;
      for (const SqlRow& row : rows) names.push_back(row.Text(0));
      if (static_cast<int64_t>(names.size()) > search.max_results) {
        names.resize(search.max_results);
        page.next_page_token = EncodePageToken(search.offset + search.max_results);
      }
      ASSIGN_OR_RETURN(page.items, LoadModels(db, names));
      return Status::Ok();
    }));
    return page;
  }

  Result<std::vector<ModelVersion>> GetLatestVersions(const std::string& name,
                                                      const std::vector<Stage>& stages) override {
    ASSIGN_OR_RETURN(RegisteredModel model, GetRegisteredModel(name));
    std::vector<ModelVersion> latest;
    for (ModelVersion& version : model.latest_versions) {
      if (std::find(stages.begin(), stages.end(), version.current_stage) == stages.end()) {
        continue;
      }
      for (const ModelVersionAlias& alias : model.aliases) {
        if (alias.version == version.version) version.aliases.push_back(alias.alias);
      }
      latest.push_back(std::move(version));
    }
    return latest;
  }

  Status SetRegisteredModelTag(const std::string& name, const Tag& tag,
                               const WriteContext& write) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      RETURN_IF_ERROR(LockModel(db, name));
      RETURN_IF_ERROR(db.Execute(Pick(kUpsertModelTag), {name, tag.key, tag.value}));
      return RecordAudit(db, write);
    });
  }

  Status DeleteRegisteredModelTag(const std::string& name, const std::string& key,
                                  const WriteContext& write) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      RETURN_IF_ERROR(LockModel(db, name));
      RETURN_IF_ERROR(db.Execute(Pick(kDeleteModelTag), {name, key}));
      return RecordAudit(db, write);
    });
  }

  Status SetRegisteredModelAlias(const std::string& name, const std::string& alias, int64_t version,
                                 const WriteContext& write) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      // Lock the model first when it exists, so alias moves on one model serialise.
      RETURN_IF_ERROR(db.Query(Pick(kSelectModelForWrite), {name}));
      RETURN_IF_ERROR(RequireLiveVersion(db, name, version));
      RETURN_IF_ERROR(db.Execute(Pick(kUpsertAlias), {name, alias, version}));
      return RecordAudit(db, write, version);
    });
  }

  Status DeleteRegisteredModelAlias(const std::string& name, const std::string& alias,
                                    const WriteContext& write) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      RETURN_IF_ERROR(LockModel(db, name));
      RETURN_IF_ERROR(db.Execute(kDeleteAlias, {name, alias}));
      return RecordAudit(db, write);
    });
  }

  Result<ModelVersion> GetModelVersionByAlias(const std::string& name,
                                              const std::string& alias) override {
    ModelVersion found;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(std::vector<SqlRow> model, db.Query(kSelectModelExists, {name}));
      if (model.empty()) return Status::NotFound(NotFoundModelMessage(name));
      ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(kSelectAlias, {name, alias}));
      // MLflow answers a missing alias with INVALID_PARAMETER_VALUE, not 404
      // (sqlalchemy_store.get_model_version_by_alias).
      if (rows.empty()) {
        return Status::InvalidArgument("Registered model alias " + alias + " not found.");
      }
      ASSIGN_OR_RETURN(found, LoadVersion(db, name, rows[0].Int(0)));
      return Status::Ok();
    }));
    return found;
  }

  Result<ModelVersion> CreateModelVersion(const NewModelVersion& version,
                                          const std::string& storage_location,
                                          const WriteContext& write) override {
    const int64_t now = write.now;
    ModelVersion created;
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      RETURN_IF_ERROR(LockModel(db, version.name));
      // Allocated inside the inserting transaction, after the model row lock: numbers are
      // never skipped, duplicated or reused, also with several servers on one database.
      ASSIGN_OR_RETURN(std::vector<SqlRow> next, db.Query(kSelectNextVersion, {version.name}));
      const int64_t number = next[0].Int(0);
      SqlValue user_id = version.user_id.empty() ? SqlValue{} : SqlValue{version.user_id};
      RETURN_IF_ERROR(db.Execute(
          kInsertVersion, {version.name, number, now, now, version.description, user_id,
                           version.source, storage_location, version.run_id, version.run_link}));
      for (const Tag& tag : version.tags) {
        RETURN_IF_ERROR(
            db.Execute(Pick(kUpsertVersionTag), {version.name, number, tag.key, tag.value}));
      }
      RETURN_IF_ERROR(db.Execute(kTouchModel, {now, version.name}));
      created.version = number;
      return RecordAudit(db, write, number);
    }));
    created.name = version.name;
    created.creation_timestamp = now;
    created.last_updated_timestamp = now;
    created.user_id = version.user_id;
    created.description = version.description;
    created.source = version.source;
    created.storage_location = storage_location;
    created.run_id = version.run_id;
    created.run_link = version.run_link;
    created.tags = LastValuePerKey(version.tags);
    return created;
  }

  Result<ModelVersion> GetModelVersion(const std::string& name, int64_t version) override {
    ModelVersion found;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(found, LoadVersion(db, name, version));
      return Status::Ok();
    }));
    return found;
  }

  Result<ModelVersion> UpdateModelVersion(const std::string& name, int64_t version,
                                          const std::optional<std::string>& description,
                                          const WriteContext& write) override {
    const int64_t now = write.now;
    ModelVersion updated;
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      // Lock the model row first, as every write does: a concurrent delete or rename must not
      // leave this change on a name that no longer exists.
      RETURN_IF_ERROR(db.Query(Pick(kSelectModelForWrite), {name}));
      RETURN_IF_ERROR(RequireLiveVersion(db, name, version));
      SqlValue text = description ? SqlValue{*description} : SqlValue{};
      RETURN_IF_ERROR(db.Execute(kUpdateVersionDescription, {text, now, name, version}));
      ASSIGN_OR_RETURN(updated, LoadVersion(db, name, version));
      return RecordAudit(db, write, version);
    }));
    return updated;
  }

  Status DeleteModelVersion(const std::string& name, int64_t version,
                            const WriteContext& write) override {
    const int64_t now = write.now;
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      RETURN_IF_ERROR(db.Query(Pick(kSelectModelForWrite), {name}));
      RETURN_IF_ERROR(RequireLiveVersion(db, name, version));
      RETURN_IF_ERROR(db.Execute(
          kSoftDeleteVersion,
          {std::string(kDeletedStage), std::string(kRedactedSource), std::string(kRedactedSource),
           std::string(kRedactedRunId), std::string(kRedactedRunLink), now, name, version}));
      // MLflow 3.6 leaves these aliases dangling (mlflow/mlflow#24825); later MLflow and
      // modelwarden remove them.
      RETURN_IF_ERROR(db.Execute(kDeleteVersionAliases, {name, version}));
      RETURN_IF_ERROR(db.Execute(kTouchModel, {now, name}));
      return RecordAudit(db, write, version);
    });
  }

  Result<ModelVersion> TransitionModelVersionStage(const std::string& name, int64_t version,
                                                   Stage stage, bool archive_existing_versions,
                                                   const WriteContext& write) override {
    const int64_t now = write.now;
    ModelVersion moved;
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      RETURN_IF_ERROR(db.Query(Pick(kSelectModelForWrite), {name}));
      RETURN_IF_ERROR(RequireLiveVersion(db, name, version));
      const std::string stage_name(StageName(stage));
      if (archive_existing_versions) {
        RETURN_IF_ERROR(db.Execute(kArchiveStage, {now, name, stage_name, version}));
      }
      RETURN_IF_ERROR(db.Execute(kUpdateVersionStage, {stage_name, now, name, version}));
      RETURN_IF_ERROR(db.Execute(kTouchModel, {now, name}));
      ASSIGN_OR_RETURN(moved, LoadVersion(db, name, version));
      return RecordAudit(db, write, version);
    }));
    return moved;
  }

  Result<Page<ModelVersion>> SearchModelVersions(const StoreSearch& search) override {
    std::string sql = std::string("SELECT ") + kVersionColumns +
                      " FROM model_versions mv WHERE mv.current_stage <> ?";
    std::vector<SqlValue> params = {std::string(kDeletedStage)};
    for (const FilterClause& clause : search.filter.clauses) {
      if (clause.kind == FilterKind::kTag) {
        sql +=
            " AND EXISTS (SELECT 1 FROM model_version_tags t WHERE t.name = mv.name AND "
            "t.version = mv.version AND " +
            KeyColumn("t") + " = ? AND " + Compare("t.value", clause.comparator) + ")";
        params.emplace_back(clause.tag_key);
        params.emplace_back(clause.value);
        continue;
      }
      const std::string column = VersionAttributeColumn(clause.attribute);
      if (clause.comparator == Comparator::kIn) {
        if (clause.values.empty()) {
          sql += " AND 1 = 0";
          continue;
        }
        sql += " AND " + column + " IN (" + Placeholders(clause.values.size()) + ")";
        for (const std::string& value : clause.values) params.emplace_back(value);
      } else if (clause.attribute == FilterAttribute::kVersionNumber) {
        sql += " AND " + Compare(column, clause.comparator);
        params.emplace_back(clause.number);
      } else {
        sql += " AND " + Compare(column, clause.comparator);
        params.emplace_back(clause.value);
      }
    }
    if (search.filter.exclude_prompts) {
      // MLflow excludes every version of a model any of whose versions is tagged as a prompt
      // (sqlalchemy_store._update_query_to_exclude_prompts).
      sql += " AND NOT EXISTS (SELECT 1 FROM model_version_tags p WHERE p.name = mv.name AND " +
             KeyColumn("p") + " = ? AND p.value = 'true')";
      params.emplace_back(std::string(kIsPromptTagKey));
    }
    if (search.read_scope.has_value()) sql += ReadableBy(*search.read_scope, "mv.name", params);
    sql += OrderBy(search.order, "mv") + " LIMIT ? OFFSET ?";
    params.emplace_back(search.max_results + 1);
    params.emplace_back(search.offset);

    Page<ModelVersion> page;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
      for (const SqlRow& row : rows) page.items.push_back(VersionFromRow(row));
      if (static_cast<int64_t>(page.items.size()) > search.max_results) {
        page.items.resize(search.max_results);
        page.next_page_token = EncodePageToken(search.offset + search.max_results);
      }
      return AttachVersionTags(db, page.items);
    }));
    return page;
  }

  Status SetModelVersionTag(const std::string& name, int64_t version, const Tag& tag,
                            const WriteContext& write) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      // Lock the model row first, as every write does: a concurrent delete or rename must not
      // leave this change on a name that no longer exists.
      RETURN_IF_ERROR(db.Query(Pick(kSelectModelForWrite), {name}));
      RETURN_IF_ERROR(RequireLiveVersion(db, name, version));
      RETURN_IF_ERROR(db.Execute(Pick(kUpsertVersionTag), {name, version, tag.key, tag.value}));
      return RecordAudit(db, write, version);
    });
  }

  Status DeleteModelVersionTag(const std::string& name, int64_t version, const std::string& key,
                               const WriteContext& write) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      // Lock the model row first, as every write does: a concurrent delete or rename must not
      // leave this change on a name that no longer exists.
      RETURN_IF_ERROR(db.Query(Pick(kSelectModelForWrite), {name}));
      RETURN_IF_ERROR(RequireLiveVersion(db, name, version));
      RETURN_IF_ERROR(db.Execute(Pick(kDeleteVersionTag), {name, version, key}));
      return RecordAudit(db, write, version);
    });
  }

  Status AppendAuditEvent(const AuditEvent& event) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) { return InsertAudit(db, event); });
  }

  Result<Page<AuditEvent>> SearchAuditEvents(const AuditQuery& query) override {
    std::string sql = std::string("SELECT ") + kAuditColumns + " FROM audit_events WHERE 1 = 1";
    std::vector<SqlValue> params;
    const auto filter = [&](const char* column, const std::string& value) {
      if (value.empty()) return;
      sql += std::string(" AND ") + column + " = ?";
      params.emplace_back(value);
    };
    filter("model_name", query.model_name);
    filter("principal", query.principal);
    filter("operation", query.operation);
    if (query.since) {
      sql += " AND timestamp >= ?";
      params.emplace_back(*query.since);
    }
    if (query.until) {
      sql += " AND timestamp < ?";
      params.emplace_back(*query.until);
    }
    sql += " ORDER BY id DESC LIMIT ? OFFSET ?";
    params.emplace_back(query.max_results + 1);
    params.emplace_back(query.offset);
    Page<AuditEvent> page;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
      for (const SqlRow& row : rows) page.items.push_back(AuditFromRow(row));
      return Status::Ok();
    }));
    if (static_cast<int64_t>(page.items.size()) > query.max_results) {
      page.items.resize(query.max_results);
      page.next_page_token = EncodePageToken(query.offset + query.max_results);
    }
    return page;
  }

 private:
  const char* Pick(const DialectSql& sql) const {
    return dialect_ == SqlDialect::kSqlite ? sql.sqlite : sql.mysql;
  }

  // `key` is a reserved word in MySQL.
  std::string KeyColumn(const std::string& table) const {
    return table + (dialect_ == SqlDialect::kSqlite ? ".key" : ".`key`");
  }

  static std::string Compare(const std::string& column, Comparator comparator) {
    switch (comparator) {
      case Comparator::kEqual:
        return column + " = ?";
      case Comparator::kNotEqual:
        return column + " <> ?";
      // Case-sensitive on both dialects: SQLite runs with case_sensitive_like, MySQL compares
      // with a binary collation.
      case Comparator::kLike:
        return column + " LIKE ?";
      case Comparator::kILike:
        return "LOWER(" + column + ") LIKE LOWER(?)";
      case Comparator::kLess:
        return column + " < ?";
      case Comparator::kLessEqual:
        return column + " <= ?";
      case Comparator::kGreater:
        return column + " > ?";
      case Comparator::kGreaterEqual:
        return column + " >= ?";
      case Comparator::kIn:
        break;  // Rendered by the caller.
    }
    return column + " = ?";
  }

  static std::string VersionAttributeColumn(FilterAttribute attribute) {
    switch (attribute) {
      case FilterAttribute::kName:
        return "mv.name";
      case FilterAttribute::kRunId:
        return "mv.run_id";
      case FilterAttribute::kSourcePath:
        return "mv.source";
      case FilterAttribute::kVersionNumber:
        return "mv.version";
    }
    return "mv.name";
  }

  static std::string OrderBy(const std::vector<OrderKey>& order, const std::string& table) {
    std::string sql;
    for (const OrderKey& key : order) {
      sql += sql.empty() ? " ORDER BY " : ", ";
      switch (key.column) {
        case OrderColumn::kName:
          sql += table + ".name";
          break;
        case OrderColumn::kVersion:
          sql += table + ".version";
          break;
        case OrderColumn::kCreationTimestamp:
          sql += table + ".creation_time";
          break;
        case OrderColumn::kLastUpdatedTimestamp:
          sql += table + ".last_updated_time";
          break;
      }
      sql += key.ascending ? " ASC" : " DESC";
    }
    return sql;
  }

  // MLflow words the conflict differently when a prompt is involved
  // (mlflow/prompt/registry_utils.handle_resource_already_exist_error).
  Status AlreadyExistsError(SqlConnection& db, const std::string& name, bool new_is_prompt) {
    Result<std::vector<SqlRow>> existing =
        db.Query(Pick(kSelectModelIsPrompt), {name, std::string(kIsPromptTagKey)});
    const bool old_is_prompt = existing.ok() && !existing->empty();
    if (old_is_prompt != new_is_prompt) {
      return Status::AlreadyExists(
          std::string("Tried to create a ") + (new_is_prompt ? "prompt" : "model") +
          " with name '" + name + "', but the name is already taken by a " +
          (old_is_prompt ? "prompt" : "registered model") +
          ". MLflow does not allow creating a model and a prompt with the same name.");
    }
    return Status::AlreadyExists("Registered Model (name=" + name + ") already exists.");
  }

  // Writes the call's audit entry, if it has one, inside the change's own transaction.
  static Status RecordAudit(SqlConnection& db, const WriteContext& write,
                            std::optional<int64_t> version = std::nullopt) {
    if (write.audit == nullptr) return Status::Ok();
    write.audit->timestamp = write.now;
    if (version) write.audit->version = version;
    return InsertAudit(db, *write.audit);
  }

  static Status InsertAudit(SqlConnection& db, const AuditEvent& e) {
    SqlValue version = e.version ? SqlValue{*e.version} : SqlValue{};
    return db
        .Execute(kInsertAudit,
                 {e.timestamp, e.request_id, e.principal, e.client_address, e.operation,
                  e.model_name, version, e.outcome, e.before, e.after, EncodeChecks(e.checks)})
        .status();
  }

  // A subject's grant on `new_name` left from before (granted to a name no model had) gives
  // way to its grant of the same kind on the renamed model.
  Status MoveModelGrants(SqlConnection& db, const std::string& name, const std::string& new_name) {
    ASSIGN_OR_RETURN(std::vector<SqlRow> subjects, db.Query(kSelectModelGrantSubjects, {name}));
    for (const SqlRow& row : subjects) {
      RETURN_IF_ERROR(
          db.Execute(kDeleteModelGrantOfSubject, {row.Text(0), row.Int(1), new_name, row.Text(2)}));
    }
    return db.Execute(kRenameModelGrants, {new_name, name}).status();
  }

  // " AND <the scope lets the caller read column>": ReadScope's rules as one CASE, all data
  // bound. Prefix lengths are counted in characters, as substr/LEFT count.
  std::string ReadableBy(const ReadScope& scope, const std::string& column,
                         std::vector<SqlValue>& params) const {
    if (scope.live) return LiveReadableBy(scope, column, params);
    if (scope.hidden_names.empty() && scope.visible_names.empty() && scope.prefixes.empty()) {
      return scope.default_readable ? "" : " AND 1 = 0";
    }
    std::string sql = " AND (CASE";
    const auto names = [&](const std::vector<std::string>& list, const char* result) {
      if (list.empty()) return;
      sql += " WHEN " + column + " IN (" + Placeholders(list.size()) + ") THEN " + result;
      for (const std::string& name : list) params.emplace_back(name);
    };
    names(scope.hidden_names, "0");
    names(scope.visible_names, "1");
    for (const ReadScope::Prefix& rule : scope.prefixes) {
      sql += dialect_ == SqlDialect::kMysql ? " WHEN LEFT(" + column + ", ?) = ?"
                                            : " WHEN substr(" + column + ", 1, ?) = ?";
      sql += rule.readable ? " THEN 1" : " THEN 0";
      params.emplace_back(CharacterCount(rule.prefix));
      params.emplace_back(rule.prefix);
    }
    sql += scope.default_readable ? " ELSE 1 END) = 1" : " ELSE 0 END) = 1";
    return sql;
  }

  // The `live` form: the grants of the scope's user and their groups, read in the query. The
  // most specific access grant decides (a model grant before any prefix grant, a longer prefix
  // before a shorter one, the user's own before their groups', then the highest), else the
  // default: the rule of ResolvePermission (enforcement/permission.cc), which tests compare
  // with this SQL. It is one MAX over a rank whose digits are, from the top, specificity,
  // user or group, and level: the winner's level is the last digit (no sort per row).
  std::string LiveReadableBy(const ReadScope& scope, const std::string& column,
                             std::vector<SqlValue>& params) const {
    params.emplace_back(scope.user_id);
    params.emplace_back(scope.user_id);
    params.emplace_back(int64_t{scope.default_readable ? 1 : 0});
    // substr/LEFT count characters, as the prefix length must be counted here.
    const std::string prefix_match =
        dialect_ == SqlDialect::kMysql
            ? "LEFT(" + column + ", CHAR_LENGTH(g.resource)) = g.resource"
            : "substr(" + column + ", 1, length(g.resource)) = g.resource";
    return " AND COALESCE((SELECT MAX((CASE WHEN g.resource_type = 'model' THEN 1000000 ELSE "
           "LENGTH(g.resource) END) * 100 + (CASE WHEN g.subject_type = 'user' THEN 10 ELSE 0 "
           "END) + (CASE g.permission WHEN 'MANAGE' THEN 3 WHEN 'EDIT' THEN 2 WHEN 'READ' THEN 1 "
           "ELSE 0 END)) FROM auth_grants g WHERE g.kind = 'access' AND ((g.subject_type = 'user' "
           "AND g.subject_id = ?) OR (g.subject_type = 'group' AND g.subject_id IN (SELECT "
           "m.group_id FROM auth_group_members m WHERE m.user_id = ?))) AND ((g.resource_type = "
           "'model' AND g.resource = " +
           column + ") OR (g.resource_type = 'prefix' AND " + prefix_match + "))) % 10, ?) > 0";
  }

  Status LockModel(SqlConnection& db, const std::string& name) {
    ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(Pick(kSelectModelForWrite), {name}));
    if (rows.empty()) return Status::NotFound(NotFoundModelMessage(name));
    return Status::Ok();
  }

  Status RequireLiveVersion(SqlConnection& db, const std::string& name, int64_t version) {
    ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        db.Query(kSelectLiveVersionExists, {name, version, std::string(kDeletedStage)}));
    if (rows.empty()) return Status::NotFound(NotFoundVersionMessage(name, version));
    return Status::Ok();
  }

  // A live version with its tags and aliases.
  Result<ModelVersion> LoadVersion(SqlConnection& db, const std::string& name, int64_t version) {
    ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                     db.Query(std::string("SELECT ") + kVersionColumns +
                                  " FROM model_versions mv WHERE mv.name = ? AND mv.version = ? "
                                  "AND mv.current_stage <> ?",
                              {name, version, std::string(kDeletedStage)}));
    if (rows.empty()) return Status::NotFound(NotFoundVersionMessage(name, version));
    std::vector<ModelVersion> versions = {VersionFromRow(rows[0])};
    RETURN_IF_ERROR(AttachVersionTags(db, versions));
    ASSIGN_OR_RETURN(std::vector<SqlRow> aliases, db.Query(kSelectVersionAliases, {name, version}));
    for (const SqlRow& alias : aliases) versions[0].aliases.push_back(alias.Text(0));
    return std::move(versions[0]);
  }

  // Fills the tags of `versions` in few statements. When the versions' names x numbers is
  // not much more than the versions themselves (one model's versions, a filtered search) one
  // superset query (name IN .. AND version IN ..) is cheapest; otherwise (the latest versions
  // of a page of models) the exact (name, version) pairs are asked for, kTagPairsPerStatement
  // per statement, rather than a cross product of mostly unwanted rows.
  Status AttachVersionTags(SqlConnection& db, std::vector<ModelVersion>& versions) {
    std::map<std::pair<std::string, int64_t>, ModelVersion*> by_key;
    std::set<std::string> names;
    std::set<int64_t> numbers;
    for (ModelVersion& v : versions) {
      by_key[{v.name, v.version}] = &v;
      names.insert(v.name);
      numbers.insert(v.version);
    }
    const std::string select = "SELECT t.name, t.version, " + KeyColumn("t") +
                               ", t.value FROM model_version_tags t WHERE ";
    const auto collect = [&](const std::string& sql, const std::vector<SqlValue>& params) {
      ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
      for (const SqlRow& row : rows) {
        auto it = by_key.find({row.Text(0), row.Int(1)});
        if (it != by_key.end()) it->second->tags.push_back({row.Text(2), row.Text(3)});
      }
      return Status::Ok();
    };
    if (by_key.empty()) return Status::Ok();
    // Bounded so that no statement exceeds a driver's placeholder limit (65,535 on MySQL).
    if (names.size() * numbers.size() <= 2 * by_key.size() &&
        names.size() + numbers.size() <= kMaxSupersetPlaceholders) {
      std::vector<SqlValue> params(names.begin(), names.end());
      params.insert(params.end(), numbers.begin(), numbers.end());
      return collect(select + "t.name IN (" + Placeholders(names.size()) + ") AND t.version IN (" +
                         Placeholders(numbers.size()) + ")",
                     params);
    }
    auto next = by_key.begin();
    while (next != by_key.end()) {
      std::string sql = select;
      std::vector<SqlValue> params;
      for (size_t n = 0; next != by_key.end() && n < kTagPairsPerStatement; ++next, ++n) {
        sql += n == 0 ? "(t.name = ? AND t.version = ?)" : " OR (t.name = ? AND t.version = ?)";
        params.emplace_back(next->first.first);
        params.emplace_back(next->first.second);
      }
      RETURN_IF_ERROR(collect(sql, params));
    }
    return Status::Ok();
  }

  // Loads the named models with tags, aliases and latest_versions, in the order of `names`;
  // absent names are skipped. A fixed number of statements, whatever the page size.
  Result<std::vector<RegisteredModel>> LoadModels(SqlConnection& db,
                                                  const std::vector<std::string>& names) {
    std::vector<RegisteredModel> models;
    if (names.empty()) return models;
    std::vector<SqlValue> params(names.begin(), names.end());
    const std::string in_names = "(" + Placeholders(names.size()) + ")";

    ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                     db.Query("SELECT name, creation_time, last_updated_time, description FROM "
                              "registered_models WHERE name IN " +
                                  in_names,
                              params));
    std::map<std::string, RegisteredModel> by_name;
    for (const SqlRow& row : rows) {
      RegisteredModel& m = by_name[row.Text(0)];
      m.name = row.Text(0);
      m.creation_timestamp = row.Int(1);
      m.last_updated_timestamp = row.Int(2);
      m.description = row.Text(3);
    }
    if (by_name.empty()) return models;

    ASSIGN_OR_RETURN(
        rows, db.Query("SELECT t.name, " + KeyColumn("t") +
                           ", t.value FROM registered_model_tags t WHERE t.name IN " + in_names,
                       params));
    for (const SqlRow& row : rows) by_name[row.Text(0)].tags.push_back({row.Text(1), row.Text(2)});

    ASSIGN_OR_RETURN(rows, db.Query("SELECT name, alias, version FROM registered_model_aliases "
                                    "WHERE name IN " +
                                        in_names + " ORDER BY alias",
                                    params));
    for (const SqlRow& row : rows) {
      by_name[row.Text(0)].aliases.push_back({row.Text(1), row.Int(2)});
    }

    // The highest live version per stage. MLflow lists the stages in the order it first meets
    // them walking the versions upwards (dbmodels/models.py SqlRegisteredModel.to_mlflow_entity),
    // i.e. by each stage's lowest live version.
    std::vector<SqlValue> latest_params = params;
    latest_params.emplace_back(std::string(kDeletedStage));
    ASSIGN_OR_RETURN(
        rows, db.Query(std::string("SELECT l.first_version, ") + kVersionColumns +
                           " FROM model_versions mv JOIN (SELECT name, current_stage, "
                           "MIN(version) AS first_version, MAX(version) AS last_version FROM "
                           "model_versions WHERE name IN " +
                           in_names +
                           " AND current_stage <> ? GROUP BY name, current_stage) l "
                           "ON mv.name = l.name AND mv.version = l.last_version "
                           "ORDER BY mv.name, l.first_version",
                       latest_params));
    std::vector<ModelVersion> latest;
    for (const SqlRow& row : rows) latest.push_back(VersionFromRow(row, 1));
    RETURN_IF_ERROR(AttachVersionTags(db, latest));
    for (ModelVersion& v : latest) by_name[v.name].latest_versions.push_back(std::move(v));

    for (const std::string& name : names) {
      auto it = by_name.find(name);
      if (it != by_name.end()) models.push_back(std::move(it->second));
    }
    return models;
  }

  std::shared_ptr<ConnectionPool> pool_;
  const SqlDialect dialect_;
};

}  // namespace

std::unique_ptr<ModelStore> NewSqlModelStore(std::shared_ptr<ConnectionPool> pool,
                                             SqlDialect dialect) {
  return std::make_unique<SqlModelStore>(std::move(pool), dialect);
}

}  // namespace modelwarden
