#include "registry/sql/sql_model_rows.h"

#include <string>
#include <utility>
#include <vector>

#include "registry/sql/approval_rows.h"
#include "registry/sql/inventory_rows.h"
#include "registry/sql/model_tables.h"
#include "registry/sql/sql_access_rows.h"

namespace modelwarden {
namespace {

// ---- registered models ----
constexpr char kSelectModelExists[] = "SELECT 1 FROM registered_models WHERE name = ?";
constexpr char kInsertModel[] =
    "INSERT INTO registered_models (name, creation_time, last_updated_time, description) "
    "VALUES (?, ?, ?, ?)";
constexpr char kUpdateModelDescription[] =
    "UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?";
constexpr char kTouchModel[] = "UPDATE registered_models SET last_updated_time = ? WHERE name = ?";
constexpr char kTouchVersions[] = "UPDATE model_versions SET last_updated_time = ? WHERE name = ?";
constexpr char kRenameModel[] =
    "UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?";
constexpr char kRenameModelTags[] = "UPDATE registered_model_tags SET name = ? WHERE name = ?";
constexpr char kRenameVersions[] =
    "UPDATE model_versions SET name = ?, last_updated_time = ? WHERE name = ?";
constexpr char kRenameVersionTags[] = "UPDATE model_version_tags SET name = ? WHERE name = ?";
constexpr char kRenameAliases[] = "UPDATE registered_model_aliases SET name = ? WHERE name = ?";
constexpr const char* kDeleteModelStatements[] = {
    "DELETE FROM registered_model_aliases WHERE name = ?",
    "DELETE FROM model_version_tags WHERE name = ?",
    "DELETE FROM model_versions WHERE name = ?",
    "DELETE FROM registered_model_tags WHERE name = ?",
    "DELETE FROM registered_models WHERE name = ?",
    "DELETE FROM auth_grants WHERE resource_type = 'model' AND resource = ?",
};
constexpr char kInsertModelTag[] =
    "INSERT INTO registered_model_tags (name, `key`, value) VALUES (?, ?, ?)";
constexpr char kDeleteModelTag[] = "DELETE FROM registered_model_tags WHERE name = ? AND `key` = ?";

// ---- aliases ----
constexpr char kInsertAlias[] =
    "INSERT INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?)";
constexpr char kDeleteAlias[] = "DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?";
constexpr char kSelectAlias[] =
    "SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?";
constexpr char kDeleteVersionAliases[] =
    "DELETE FROM registered_model_aliases WHERE name = ? AND version = ?";

// ---- model versions ----
constexpr char kSelectVersionsInStage[] =
    "SELECT version FROM model_versions WHERE name = ? AND current_stage = ? ORDER BY version";
constexpr char kSelectNextVersion[] =
    "SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE name = ?";
constexpr char kInsertVersion[] =
    "INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, "
    "user_id, current_stage, source, storage_location, run_id, run_link, status, status_message) "
    "VALUES (?, ?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, 'READY', NULL)";
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
constexpr char kInsertVersionTag[] =
    "INSERT INTO model_version_tags (name, version, `key`, value) VALUES (?, ?, ?, ?)";
constexpr char kDeleteVersionTag[] =
    "DELETE FROM model_version_tags WHERE name = ? AND version = ? AND `key` = ?";

// ---- import: rows as another registry holds them ----
constexpr char kListModelNames[] =
    "SELECT name FROM registered_models WHERE name > ? ORDER BY name LIMIT ?";
constexpr char kOverwriteModel[] =
    "UPDATE registered_models SET creation_time = ?, last_updated_time = ?, description = ? "
    "WHERE name = ?";
constexpr char kInsertModelAsIs[] =
    "INSERT INTO registered_models (creation_time, last_updated_time, description, name) "
    "VALUES (?, ?, ?, ?)";
constexpr char kDeleteModelTags[] = "DELETE FROM registered_model_tags WHERE name = ?";
constexpr char kOverwriteVersion[] =
    "UPDATE model_versions SET creation_time = ?, last_updated_time = ?, description = ?, "
    "user_id = ?, current_stage = ?, source = ?, storage_location = ?, run_id = ?, "
    "run_link = ?, status = ?, status_message = ? WHERE name = ? AND version = ?";
constexpr char kInsertVersionAsIs[] =
    "INSERT INTO model_versions (creation_time, last_updated_time, description, user_id, "
    "current_stage, source, storage_location, run_id, run_link, status, status_message, name, "
    "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kDeleteTagsOfVersion[] =
    "DELETE FROM model_version_tags WHERE name = ? AND version = ?";
constexpr char kDeleteAliasesOfModel[] = "DELETE FROM registered_model_aliases WHERE name = ?";

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

SqlValue NullIfEmpty(const std::string& text) { return text.empty() ? SqlValue{} : SqlValue{text}; }

SqlValue NullIfUnset(const std::optional<std::string>& text) {
  return text ? SqlValue{*text} : SqlValue{};
}

}  // namespace

Result<bool> SqlModelRows::ModelExists(const std::string& name) {
  const std::string sql =
      std::string(kSelectModelExists) + (lock_reads_ ? dialect_.ForUpdate() : "");
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(sql, {name}));
  return !rows.empty();
}

// In a unit of work on MySQL, the model's row (if one has the name now) is locked before
// anything of the model is read; SQLite's writer lock already covers every row.
Result<bool> SqlModelRows::LockBeforeRead(const std::string& name) {
  if (!lock_reads_ || *dialect_.ForUpdate() == '\0') return true;
  return ModelExists(name);
}

Result<std::optional<RegisteredModel>> SqlModelRows::FindModel(const std::string& name) {
  ASSIGN_OR_RETURN(bool exists, LockBeforeRead(name));
  if (!exists) return std::optional<RegisteredModel>();
  ASSIGN_OR_RETURN(std::vector<RegisteredModel> models, LoadModels(db_, {name}));
  if (models.empty()) return std::optional<RegisteredModel>();
  return std::optional<RegisteredModel>(std::move(models.front()));
}

Result<std::optional<RegisteredModel>> SqlModelRows::FindModelHeader(const std::string& name) {
  ASSIGN_OR_RETURN(bool exists, LockBeforeRead(name));
  if (!exists) return std::optional<RegisteredModel>();
  ASSIGN_OR_RETURN(std::vector<RegisteredModel> models,
                   LoadModels(db_, {name}, /*latest_versions=*/false));
  if (models.empty()) return std::optional<RegisteredModel>();
  return std::optional<RegisteredModel>(std::move(models.front()));
}

Result<std::optional<ModelVersion>> SqlModelRows::FindVersion(const std::string& name,
                                                              int64_t version) {
  ASSIGN_OR_RETURN(bool exists, LockBeforeRead(name));
  if (!exists) return std::optional<ModelVersion>();
  return LoadVersion(db_, name, version);
}

Result<std::optional<int64_t>> SqlModelRows::FindAlias(const std::string& name,
                                                       const std::string& alias) {
  ASSIGN_OR_RETURN(bool exists, LockBeforeRead(name));
  if (!exists) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(kSelectAlias, {name, alias}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

Result<std::vector<int64_t>> SqlModelRows::VersionsInStage(const std::string& name, Stage stage) {
  ASSIGN_OR_RETURN(bool exists, LockBeforeRead(name));
  std::vector<int64_t> versions;
  if (!exists) return versions;
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db_.Query(kSelectVersionsInStage, {name, std::string(StageName(stage))}));
  for (const SqlRow& row : rows) versions.push_back(row.Int(0));
  return versions;
}

Result<int64_t> SqlModelRows::CountNewerVersions(const std::string& name, int64_t version,
                                                 const std::vector<Stage>& stages) {
  RETURN_IF_ERROR(LockBeforeRead(name));
  return CountNewerVersionsIn(db_, name, version, stages);
}

Result<std::vector<InventoryModel>> SqlModelRows::ReadInventory(const std::string& after,
                                                                int64_t max_models, int64_t now) {
  return SelectInventory(db_, after, max_models, now);
}

// An approval's rows change only in units of work that hold its model's lock, which the
// caller took: they are read as they are.
Result<std::optional<Approval>> SqlModelRows::FindApproval(int64_t id) {
  return SelectApproval(db_, id);
}

Result<std::optional<Approval>> SqlModelRows::FindPendingApproval(const ApprovalMove& move,
                                                                  int64_t now) {
  RETURN_IF_ERROR(LockBeforeRead(move.name));
  return SelectPendingApproval(db_, move, now);
}

Result<bool> SqlModelRows::HasPendingApproval(const std::string& name, int64_t version,
                                              int64_t now) {
  RETURN_IF_ERROR(LockBeforeRead(name));
  return PendingApprovalNames(db_, name, version, now);
}

Result<Page<Approval>> SqlModelRows::ListApprovals(const ApprovalQuery& query) {
  return SelectApprovals(db_, query);
}

Result<int64_t> SqlModelRows::InsertApproval(const NewApproval& approval) {
  return InsertApprovalRow(db_, approval);
}

Status SqlModelRows::DecideApproval(int64_t id, const ApprovalDecision& decision) {
  return DecideApprovalRow(db_, id, decision);
}

Status SqlModelRows::InsertModel(const NewRegisteredModel& model, int64_t now) {
  RETURN_IF_ERROR(db_.Execute(kInsertModel, {model.name, now, now, model.description}));
  for (const Tag& tag : model.tags) RETURN_IF_ERROR(SetModelTag(model.name, tag));
  return Status::Ok();
}

Status SqlModelRows::GrantCreatorManage(const std::string& name, const std::string& username) {
  RETURN_IF_ERROR(BumpAccessEpoch(db_));
  RETURN_IF_ERROR(db_.Execute(kDeleteCreatorGrant, {name, username}));
  return db_.Execute(kInsertCreatorGrant, {name, username}).status();
}

Status SqlModelRows::UpdateModelDescription(const std::string& name, const std::string& description,
                                            int64_t now) {
  return db_.Execute(kUpdateModelDescription, {description, now, name}).status();
}

Status SqlModelRows::RenameModel(const std::string& name, const std::string& new_name,
                                 int64_t now) {
  // MLflow renames a model to its own name like any other rename: the timestamps move, and
  // nothing else changes (the grants on the model must not give way to themselves).
  if (name == new_name) {
    RETURN_IF_ERROR(db_.Execute(kTouchModel, {now, name}));
    return db_.Execute(kTouchVersions, {now, name}).status();
  }
  RETURN_IF_ERROR(db_.Execute(kRenameModel, {new_name, now, name}));
  RETURN_IF_ERROR(db_.Execute(kRenameModelTags, {new_name, name}));
  RETURN_IF_ERROR(db_.Execute(kRenameVersions, {new_name, now, name}));
  RETURN_IF_ERROR(db_.Execute(kRenameVersionTags, {new_name, name}));
  RETURN_IF_ERROR(db_.Execute(kRenameAliases, {new_name, name}));
  RETURN_IF_ERROR(RenameApprovals(db_, name, new_name));
  return MoveModelGrants(name, new_name);
}

// A subject's grant on `new_name` left from before (granted to a name no model had) gives way
// to its grant of the same kind on the renamed model.
Status SqlModelRows::MoveModelGrants(const std::string& name, const std::string& new_name) {
  RETURN_IF_ERROR(BumpAccessEpoch(db_));
  ASSIGN_OR_RETURN(std::vector<SqlRow> subjects, db_.Query(kSelectModelGrantSubjects, {name}));
  for (const SqlRow& row : subjects) {
    RETURN_IF_ERROR(
        db_.Execute(kDeleteModelGrantOfSubject, {row.Text(0), row.Int(1), new_name, row.Text(2)}));
  }
  return db_.Execute(kRenameModelGrants, {new_name, name}).status();
}

Status SqlModelRows::DeleteModel(const std::string& name) {
  RETURN_IF_ERROR(BumpAccessEpoch(db_));
  for (const char* sql : kDeleteModelStatements) RETURN_IF_ERROR(db_.Execute(sql, {name}));
  return InvalidateApprovalsOfModel(db_, name);
}

Status SqlModelRows::SetModelTag(const std::string& name, const Tag& tag) {
  return db_
      .Execute(kInsertModelTag + dialect_.OnConflictUpdate("name, `key`", "value"),
               {name, tag.key, tag.value})
      .status();
}

Status SqlModelRows::DeleteModelTag(const std::string& name, const std::string& key) {
  return db_.Execute(kDeleteModelTag, {name, key}).status();
}

Status SqlModelRows::SetAlias(const std::string& name, const std::string& alias, int64_t version) {
  return db_
      .Execute(kInsertAlias + dialect_.OnConflictUpdate("name, alias", "version"),
               {name, alias, version})
      .status();
}

Status SqlModelRows::DeleteAlias(const std::string& name, const std::string& alias) {
  return db_.Execute(kDeleteAlias, {name, alias}).status();
}

// The number is allocated inside the inserting transaction, which holds the model's row lock:
// numbers are never skipped, duplicated or reused, also with several servers on one database.
Result<int64_t> SqlModelRows::InsertVersion(const NewModelVersion& version,
                                            const std::string& storage_location,
                                            const std::string& user_id, int64_t now) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> next, db_.Query(kSelectNextVersion, {version.name}));
  const int64_t number = next[0].Int(0);
  RETURN_IF_ERROR(db_.Execute(
      kInsertVersion, {version.name, number, now, now, version.description, NullIfEmpty(user_id),
                       version.source, storage_location, version.run_id, version.run_link}));
  for (const Tag& tag : version.tags) {
    RETURN_IF_ERROR(SetVersionTag(version.name, number, tag));
  }
  RETURN_IF_ERROR(db_.Execute(kTouchModel, {now, version.name}));
  return number;
}

Status SqlModelRows::UpdateVersionDescription(const std::string& name, int64_t version,
                                              const std::optional<std::string>& description,
                                              int64_t now) {
  const SqlValue text = description ? SqlValue{*description} : SqlValue{};
  return db_.Execute(kUpdateVersionDescription, {text, now, name, version}).status();
}

Status SqlModelRows::SoftDeleteVersion(const std::string& name, int64_t version, int64_t now) {
  RETURN_IF_ERROR(db_.Execute(
      kSoftDeleteVersion,
      {std::string(kDeletedStage), std::string(kRedactedSource), std::string(kRedactedSource),
       std::string(kRedactedRunId), std::string(kRedactedRunLink), now, name, version}));
  // MLflow 3.6 leaves these aliases dangling (mlflow/mlflow#24825); later MLflow and
  // modelwarden remove them.
  RETURN_IF_ERROR(db_.Execute(kDeleteVersionAliases, {name, version}));
  return db_.Execute(kTouchModel, {now, name}).status();
}

Status SqlModelRows::SetVersionStage(const std::string& name, int64_t version, Stage stage,
                                     bool archive_others, int64_t now) {
  const std::string stage_name(StageName(stage));
  if (archive_others) {
    RETURN_IF_ERROR(db_.Execute(kArchiveStage, {now, name, stage_name, version}));
  }
  RETURN_IF_ERROR(db_.Execute(kUpdateVersionStage, {stage_name, now, name, version}));
  return db_.Execute(kTouchModel, {now, name}).status();
}

Status SqlModelRows::SetVersionTag(const std::string& name, int64_t version, const Tag& tag) {
  return db_
      .Execute(kInsertVersionTag + dialect_.OnConflictUpdate("name, version, `key`", "value"),
               {name, version, tag.key, tag.value})
      .status();
}

Status SqlModelRows::DeleteVersionTag(const std::string& name, int64_t version,
                                      const std::string& key) {
  return db_.Execute(kDeleteVersionTag, {name, version, key}).status();
}

Result<std::vector<ModelSnapshot>> SqlModelRows::FindSnapshots(
    const std::vector<std::string>& names) {
  if (lock_reads_) {
    for (const std::string& name : names) RETURN_IF_ERROR(LockBeforeRead(name));
  }
  return LoadSnapshots(db_, names);
}

Result<std::vector<std::string>> SqlModelRows::ListModelNames(const std::string& after,
                                                              size_t limit) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db_.Query(kListModelNames, {after, static_cast<int64_t>(limit)}));
  std::vector<std::string> names;
  names.reserve(rows.size());
  for (const SqlRow& row : rows) names.push_back(row.Text(0));
  return names;
}

Status SqlModelRows::PutModel(const RegisteredModel& model) {
  const std::vector<SqlValue> values = {model.creation_timestamp, model.last_updated_timestamp,
                                        model.description, model.name};
  ASSIGN_OR_RETURN(int64_t overwritten, db_.Execute(kOverwriteModel, values));
  if (overwritten == 0) {
    RETURN_IF_ERROR(db_.Execute(kInsertModelAsIs, values));
  } else {
    RETURN_IF_ERROR(db_.Execute(kDeleteModelTags, {model.name}));
  }
  for (const Tag& tag : model.tags) RETURN_IF_ERROR(SetModelTag(model.name, tag));
  return Status::Ok();
}

// Written as MLflow's own rows are: a deleted version keeps the stage Deleted_Internal, and
// NULL stays NULL where MLflow's columns allow it.
Status SqlModelRows::PutVersion(const VersionSnapshot& snapshot) {
  const ModelVersion& v = snapshot.version;
  const std::string stage =
      snapshot.deleted ? std::string(kDeletedStage) : std::string(StageName(v.current_stage));
  const std::vector<SqlValue> values = {v.creation_timestamp,
                                        v.last_updated_timestamp,
                                        NullIfUnset(v.description),
                                        NullIfEmpty(v.user_id),
                                        stage,
                                        v.source,
                                        NullIfEmpty(v.storage_location),
                                        NullIfUnset(v.run_id),
                                        NullIfUnset(v.run_link),
                                        std::string(VersionStatusName(v.status)),
                                        NullIfEmpty(v.status_message),
                                        v.name,
                                        v.version};
  ASSIGN_OR_RETURN(int64_t overwritten, db_.Execute(kOverwriteVersion, values));
  if (overwritten == 0) {
    RETURN_IF_ERROR(db_.Execute(kInsertVersionAsIs, values));
  } else {
    RETURN_IF_ERROR(db_.Execute(kDeleteTagsOfVersion, {v.name, v.version}));
  }
  for (const Tag& tag : v.tags) RETURN_IF_ERROR(SetVersionTag(v.name, v.version, tag));
  return Status::Ok();
}

Status SqlModelRows::ReplaceAliases(const std::string& name,
                                    const std::vector<ModelVersionAlias>& aliases) {
  RETURN_IF_ERROR(db_.Execute(kDeleteAliasesOfModel, {name}));
  for (const ModelVersionAlias& alias : aliases) {
    RETURN_IF_ERROR(db_.Execute(kInsertAlias, {name, alias.alias, alias.version}));
  }
  return Status::Ok();
}

}  // namespace modelwarden
