#include "registry/sql/mlflow_database_source.h"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <set>
#include <system_error>
#include <utility>

#include "registry/sql/dialect.h"
#include "registry/sql/model_tables.h"
#include "registry/sql/mysql_uri.h"
#include "registry/sql/sqlite_connection.h"
#include "registry/sql/sqlite_uri.h"
#include "registry/store_factory.h"
#include "registry/text.h"
#ifdef MODELWARDEN_HAVE_MYSQL
#include "registry/sql/mysql_connection.h"
#endif

namespace modelwarden {
namespace {

// MLflow's alembic revisions, oldest first (each file's down_revision is the one before).
constexpr const char* kRevisions[] = {
    "451aebb31d03", "90e64c465722", "181f10493468", "df50e92ffc5e", "7ac759974ad8", "89d4b8295536",
    "2b4d017a5e9b", "cfd24bdc0731", "0a8213491aaa", "728d730b5ebd", "27a6a02d2cf1", "84291f40a231",
    "a8c4a736bde6", "39d1c3be5f05", "c48cb773bb87", "bd07f7e963c5", "0c779009ac13", "cc1f77228345",
    "97727af70f4d", "3500859a5d39", "7f2a7d5fae7d", "2d6e25af4d3e", "acf3f17fdcc7", "867495a8f9d4",
    "5b0e9adcef9c", "4465047574b1", "f5a4f2784254", "0584bdc529eb", "400f98739977", "6953534de441",
    "bda7b8c39065", "cbc13b556ace", "770bee3ae1dd", "a1b2c3d4e5f6", "de4033877273", "1a0cddfcaa16",
    "534353b11cbc", "71994744cf8e", "3da73c924c2f", "bf29a5ff90ea", "1b5f0d9ad7c1",
};

// The revisions that change what the registry's tables hold.
constexpr char kRegistryTables[] = "2b4d017a5e9b";
constexpr char kModelTags[] = "728d730b5ebd";
constexpr char kVersionTags[] = "27a6a02d2cf1";
constexpr char kRunLink[] = "84291f40a231";
constexpr char kAliases[] = "3500859a5d39";
constexpr char kStorageLocation[] = "acf3f17fdcc7";
constexpr char kMlflow3[] = "400f98739977";  // Logged models: the first migration of MLflow 3.0.
constexpr char kWorkspaces[] = "1b5f0d9ad7c1";

int Position(const std::string& revision) {
  const auto it = std::find(std::begin(kRevisions), std::end(kRevisions), revision);
  return it == std::end(kRevisions) ? -1 : static_cast<int>(it - std::begin(kRevisions));
}

bool AtLeast(int position, const char* revision) { return position >= Position(revision); }

Result<std::set<std::string>> Names(SqlConnection& db, const char* sql,
                                    const std::vector<SqlValue>& params) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
  std::set<std::string> names;
  for (const SqlRow& row : rows) names.insert(AsciiLower(row.Text(0)));
  return names;
}

// The features the tables have, read from their columns.
Status ReadColumns(SqlConnection& db, const std::set<std::string>& tables, MlflowSchema& schema) {
  const Dialect& dialect = Dialect::Of(db.dialect());
  ASSIGN_OR_RETURN(std::set<std::string> versions,
                   Names(db, dialect.SelectColumnNames(), {std::string("model_versions")}));
  ASSIGN_OR_RETURN(std::set<std::string> models,
                   Names(db, dialect.SelectColumnNames(), {std::string("registered_models")}));
  schema.model_tags = tables.count("registered_model_tags") != 0;
  schema.version_tags = tables.count("model_version_tags") != 0;
  schema.aliases = tables.count("registered_model_aliases") != 0;
  schema.run_link = versions.count("run_link") != 0;
  schema.storage_location = versions.count("storage_location") != 0;
  schema.workspace = models.count("workspace") != 0;
  return Status::Ok();
}

}  // namespace

Result<MlflowSchema> RecogniseMlflowSchema(SqlConnection& db) {
  ASSIGN_OR_RETURN(std::set<std::string> tables,
                   Names(db, Dialect::Of(db.dialect()).SelectTableNames(), {}));
  if (tables.count("alembic_version") == 0) {
    if (tables.count("schema_version") != 0) {
      return Status::InvalidArgument(
          "This is a modelwarden database, not an MLflow one: copy it with `modelwarden export "
          "--to FILE.jsonl` and `modelwarden import --from-file FILE.jsonl`, or import from its "
          "server with --from URL.");
    }
    return Status::InvalidArgument(
        "This is not an MLflow tracking database: it has no alembic_version table.");
  }
  MlflowSchema schema;
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db.Query("SELECT version_num FROM alembic_version", {}));
  if (rows.size() != 1) {
    return Status::InvalidArgument("The MLflow database's alembic_version table holds " +
                                   std::to_string(rows.size()) + " revisions, not one.");
  }
  schema.revision = rows[0].Text(0);
  const int position = Position(schema.revision);
  schema.known_revision = position >= 0;
  if (schema.known_revision && !AtLeast(position, kRegistryTables)) {
    return Status::InvalidArgument("The MLflow database is at alembic revision " + schema.revision +
                                   ", from before MLflow had a model registry: there is nothing "
                                   "to import.");
  }
  if (tables.count("registered_models") == 0 || tables.count("model_versions") == 0) {
    return Status::InvalidArgument("The MLflow database (alembic revision " + schema.revision +
                                   ") has no registered_models or model_versions table.");
  }
  RETURN_IF_ERROR(ReadColumns(db, tables, schema));
  if (!schema.known_revision) {
    schema.release = "an MLflow newer than this modelwarden knows";
    return schema;
  }
  schema.release = AtLeast(position, kMlflow3) ? "MLflow 3.x" : "MLflow 2.x or earlier";
  // The tables must be what the revision says they are; anything else was changed by hand.
  const std::pair<bool, const char*> expected[] = {
      {schema.model_tags, kModelTags},
      {schema.version_tags, kVersionTags},
      {schema.run_link, kRunLink},
      {schema.aliases, kAliases},
      {schema.storage_location, kStorageLocation},
      {schema.workspace, kWorkspaces},
  };
  for (const auto& [found, since] : expected) {
    if (found != AtLeast(position, since)) {
      return Status::InvalidArgument(
          "The MLflow database's registry tables do not match its alembic revision " +
          schema.revision + " (the change of revision " + since + " is " +
          (found ? "there too early" : "missing") + "); was the schema changed by hand?");
    }
  }
  return schema;
}

namespace {

// Text of a nullable column; NULL -> nullopt.
std::optional<std::string> Nullable(const SqlRow& row, size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return row.Text(i);
}

// The registry of one workspace, read with one statement per table.
class RegistryReader {
 public:
  RegistryReader(SqlConnection& db, const MlflowSchema& schema, std::string workspace)
      : db_(db), schema_(schema), workspace_(std::move(workspace)) {}

  Status Read() {
    RETURN_IF_ERROR(ReadModels());
    if (schema_.model_tags) RETURN_IF_ERROR(ReadModelTags());
    RETURN_IF_ERROR(ReadVersions());
    if (schema_.version_tags) RETURN_IF_ERROR(ReadVersionTags());
    if (schema_.aliases) RETURN_IF_ERROR(ReadAliases());
    if (schema_.workspace) RETURN_IF_ERROR(CountOtherWorkspaces());
    return Status::Ok();
  }

  std::vector<ModelSnapshot> TakeModels() {
    std::vector<ModelSnapshot> models;
    models.reserve(models_.size());
    for (auto& [name, model] : models_) models.push_back(std::move(model));
    return models;
  }
  std::vector<std::string> TakeNotes() {
    auto count = [this](int64_t n, const std::string& what) {
      if (n > 0) notes_.push_back(std::to_string(n) + " " + what);
    };
    count(orphans_, "tag, version or alias rows name no registered model and were not read");
    count(filled_, "NULL timestamps, stages or statuses were read as MLflow's defaults");
    return std::move(notes_);
  }

 private:
  // " WHERE workspace = ?" when the tables have workspaces.
  std::string Where(std::vector<SqlValue>& params) const {
    if (!schema_.workspace) return "";
    params.emplace_back(workspace_);
    return " WHERE workspace = ?";
  }

  ModelSnapshot* Model(const std::string& name) {
    auto it = models_.find(name);
    if (it != models_.end()) return &it->second;
    ++orphans_;
    return nullptr;
  }

  int64_t Timestamp(const SqlRow& row, size_t i, int64_t fallback) {
    if (!row.IsNull(i)) return row.Int(i);
    ++filled_;
    return fallback;
  }

  Status ReadModels() {
    std::vector<SqlValue> params;
    const std::string sql =
        "SELECT name, creation_time, last_updated_time, description FROM registered_models" +
        Where(params);
    ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(sql, params));
    for (const SqlRow& row : rows) {
      RegisteredModel& model = models_[row.Text(0)].model;
      model.name = row.Text(0);
      model.creation_timestamp = Timestamp(row, 1, 0);
      model.last_updated_timestamp = Timestamp(row, 2, model.creation_timestamp);
      model.description = row.Text(3);
    }
    return Status::Ok();
  }

  Status ReadModelTags() {
    std::vector<SqlValue> params;
    const std::string sql = "SELECT name, `key`, value FROM registered_model_tags" + Where(params);
    ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(sql, params));
    for (const SqlRow& row : rows) {
      if (ModelSnapshot* model = Model(row.Text(0))) {
        model->model.tags.push_back({row.Text(1), row.Text(2)});
      }
    }
    return Status::Ok();
  }

  Status ReadVersions() {
    std::vector<SqlValue> params;
    const std::string sql =
        std::string(
            "SELECT name, version, creation_time, last_updated_time, description, "
            "user_id, current_stage, source, ") +
        (schema_.storage_location ? "storage_location" : "NULL") + ", run_id, " +
        (schema_.run_link ? "run_link" : "NULL") + ", status, status_message FROM model_versions" +
        Where(params);
    ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(sql, params));
    for (const SqlRow& row : rows) {
      ModelSnapshot* model = Model(row.Text(0));
      if (model == nullptr) continue;
      VersionSnapshot v;
      v.version.name = row.Text(0);
      v.version.version = row.Int(1);
      v.version.creation_timestamp = Timestamp(row, 2, 0);
      v.version.last_updated_timestamp = Timestamp(row, 3, v.version.creation_timestamp);
      v.version.description = Nullable(row, 4);
      v.version.user_id = row.Text(5);
      const std::string stage = row.IsNull(6) ? "None" : row.Text(6);
      if (row.IsNull(6) || row.IsNull(11)) ++filled_;
      v.deleted = stage == kDeletedStage;
      v.version.current_stage = StageFromString(stage).value_or(Stage::kNone);
      v.version.source = row.Text(7);
      v.version.storage_location = row.Text(8);
      v.version.run_id = Nullable(row, 9);
      v.version.run_link = Nullable(row, 10);
      v.version.status = VersionStatusFromString(row.Text(11)).value_or(VersionStatus::kReady);
      v.version.status_message = row.Text(12);
      model->versions.push_back(std::move(v));
    }
    for (auto& [name, model] : models_) {
      std::sort(model.versions.begin(), model.versions.end(),
                [](const VersionSnapshot& a, const VersionSnapshot& b) {
                  return a.version.version < b.version.version;
                });
    }
    return Status::Ok();
  }

  Status ReadVersionTags() {
    std::vector<SqlValue> params;
    const std::string sql =
        "SELECT name, version, `key`, value FROM model_version_tags" + Where(params);
    ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(sql, params));
    for (const SqlRow& row : rows) {
      ModelSnapshot* model = Model(row.Text(0));
      if (model == nullptr) continue;
      auto it = std::lower_bound(
          model->versions.begin(), model->versions.end(), row.Int(1),
          [](const VersionSnapshot& v, int64_t number) { return v.version.version < number; });
      if (it == model->versions.end() || it->version.version != row.Int(1)) {
        ++orphans_;
        continue;
      }
      it->version.tags.push_back({row.Text(2), row.Text(3)});
    }
    return Status::Ok();
  }

  Status ReadAliases() {
    std::vector<SqlValue> params;
    const std::string sql = "SELECT name, alias, version FROM registered_model_aliases" +
                            Where(params) + " ORDER BY alias";
    ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(sql, params));
    for (const SqlRow& row : rows) {
      if (ModelSnapshot* model = Model(row.Text(0))) {
        model->model.aliases.push_back({row.Text(1), row.Int(2)});
      }
    }
    return Status::Ok();
  }

  Status CountOtherWorkspaces() {
    ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                     db_.Query("SELECT workspace, COUNT(*) FROM registered_models WHERE "
                               "workspace <> ? GROUP BY workspace ORDER BY workspace",
                               {workspace_}));
    for (const SqlRow& row : rows) {
      notes_.push_back(std::to_string(row.Int(1)) + " models of workspace '" + row.Text(0) +
                       "' were not read (--workspace " + row.Text(0) + " reads them)");
    }
    return Status::Ok();
  }

  SqlConnection& db_;
  const MlflowSchema& schema_;
  const std::string workspace_;
  std::map<std::string, ModelSnapshot> models_;
  std::vector<std::string> notes_;
  int64_t orphans_ = 0;
  int64_t filled_ = 0;
};

Result<std::unique_ptr<SqlConnection>> OpenReadOnly(const std::string& uri) {
  if (StartsWith(uri, "sqlite:")) {
    ASSIGN_OR_RETURN(std::string path, SqlitePathOfUri(uri));
    std::error_code error;
    if (path == ":memory:" || !std::filesystem::is_regular_file(path, error)) {
      return Status::NotFound("No MLflow database file at '" + path + "'.");
    }
    SqliteOptions sqlite;
    sqlite.path = path;
    sqlite.read_only = true;
    return OpenSqliteConnection(sqlite);
  }
  if (IsMysqlUri(uri)) {
    ASSIGN_OR_RETURN(MysqlConnectionOptions mysql, ParseMysqlUri(uri));
#ifdef MODELWARDEN_HAVE_MYSQL
    ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> db, OpenMysqlConnection(mysql));
    // Every transaction of this session refuses to write, whatever the account may do.
    RETURN_IF_ERROR(db->Execute("SET SESSION TRANSACTION READ ONLY", {}));
    return db;
#else
    return Status(ErrorCode::kNotImplemented,
                  "This modelwarden was built without MySQL Connector/C++.");
#endif
  }
  return Status::InvalidArgument("Unsupported MLflow database URI '" + MaskStoreUri(uri) +
                                 "': use sqlite:///mlflow.db or mysql://user:password@host/db");
}

}  // namespace

Result<std::unique_ptr<RegistrySource>> OpenMlflowDatabase(const MlflowDatabaseOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> db, OpenReadOnly(options.uri));
  MlflowSchema schema;
  std::vector<ModelSnapshot> models;
  std::vector<std::string> notes;
  RETURN_IF_ERROR(db->Begin(/*write=*/false));
  Status read = [&]() -> Status {
    ASSIGN_OR_RETURN(schema, RecogniseMlflowSchema(*db));
    RegistryReader reader(*db, schema, options.workspace);
    RETURN_IF_ERROR(reader.Read());
    models = reader.TakeModels();
    notes = reader.TakeNotes();
    return Status::Ok();
  }();
  db->Rollback();  // Nothing was written; ends the snapshot.
  RETURN_IF_ERROR(read);
  std::string description = "MLflow database " + MaskStoreUri(options.uri) + " (alembic revision " +
                            schema.revision + ", " + schema.release;
  if (schema.workspace) description += ", workspace '" + options.workspace + "'";
  description += ")";
  if (!schema.known_revision) {
    notes.insert(notes.begin(), "alembic revision " + schema.revision +
                                    " is not one this modelwarden knows; the registry was read "
                                    "by the columns its tables have");
  }
  return std::unique_ptr<RegistrySource>(std::make_unique<LoadedRegistrySource>(
      std::move(description), std::move(models), std::move(notes)));
}

}  // namespace modelwarden
