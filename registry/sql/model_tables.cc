#include "registry/sql/model_tables.h"

#include <map>
#include <set>
#include <utility>

namespace modelwarden {
namespace {

// Versions whose tags one statement fetches: few statements per page, each small enough for
// the planner to turn into index lookups.
constexpr size_t kTagPairsPerStatement = 100;
constexpr size_t kMaxSupersetPlaceholders = 1000;

constexpr char kSelectVersionAliases[] =
    "SELECT alias FROM registered_model_aliases WHERE name = ? AND version = ? ORDER BY alias";

std::optional<std::string> NullableText(const SqlRow& row, size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return row.Text(i);
}

}  // namespace

std::string Placeholders(size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

std::string LatestVersionsSql(size_t names) {
  return std::string("SELECT l.first_version, ") + kVersionColumns +
         " FROM model_versions mv JOIN (SELECT name, current_stage, MIN(version) AS "
         "first_version, MAX(version) AS last_version FROM model_versions WHERE name IN (" +
         Placeholders(names) +
         ") AND current_stage <> ? GROUP BY name, current_stage) l ON mv.name = l.name AND "
         "mv.version = l.last_version ORDER BY mv.name, l.first_version";
}

ModelVersion VersionFromRow(const SqlRow& row, size_t first) {
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
  v.status = VersionStatusFromString(row.Text(first + 11)).value_or(VersionStatus::kReady);
  v.status_message = row.Text(first + 12);
  return v;
}

// When the versions' names x numbers is not much more than the versions themselves (one
// model's versions, a filtered search) one superset query (name IN .. AND version IN ..) is
// cheapest; otherwise (the latest versions of a page of models) the exact (name, version)
// pairs are asked for, kTagPairsPerStatement per statement, rather than a cross product of
// mostly unwanted rows.
Status AttachVersionTags(SqlConnection& db, std::vector<ModelVersion>& versions) {
  std::map<std::pair<std::string, int64_t>, ModelVersion*> by_key;
  std::set<std::string> names;
  std::set<int64_t> numbers;
  for (ModelVersion& v : versions) {
    by_key[{v.name, v.version}] = &v;
    names.insert(v.name);
    numbers.insert(v.version);
  }
  const std::string select =
      "SELECT t.name, t.version, t.`key`, t.value FROM model_version_tags t WHERE ";
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

Result<std::optional<ModelVersion>> LoadVersion(SqlConnection& db, const std::string& name,
                                                int64_t version) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db.Query(std::string("SELECT ") + kVersionColumns +
                                " FROM model_versions mv WHERE mv.name = ? AND mv.version = ? "
                                "AND mv.current_stage <> ?",
                            {name, version, std::string(kDeletedStage)}));
  if (rows.empty()) return std::optional<ModelVersion>();
  std::vector<ModelVersion> versions = {VersionFromRow(rows[0])};
  RETURN_IF_ERROR(AttachVersionTags(db, versions));
  ASSIGN_OR_RETURN(std::vector<SqlRow> aliases, db.Query(kSelectVersionAliases, {name, version}));
  for (const SqlRow& alias : aliases) versions[0].aliases.push_back(alias.Text(0));
  return std::optional<ModelVersion>(std::move(versions[0]));
}

namespace {

// The rows of the named models with their tags and aliases, by name.
Result<std::map<std::string, RegisteredModel>> LoadModelRows(SqlConnection& db,
                                                             const std::vector<SqlValue>& params,
                                                             const std::string& in_names) {
  std::map<std::string, RegisteredModel> by_name;

  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db.Query("SELECT name, creation_time, last_updated_time, description FROM "
                            "registered_models WHERE name IN " +
                                in_names,
                            params));
  for (const SqlRow& row : rows) {
    RegisteredModel& m = by_name[row.Text(0)];
    m.name = row.Text(0);
    m.creation_timestamp = row.Int(1);
    m.last_updated_timestamp = row.Int(2);
    m.description = row.Text(3);
  }
  if (by_name.empty()) return by_name;

  ASSIGN_OR_RETURN(rows, db.Query("SELECT t.name, t.`key`, t.value FROM registered_model_tags t "
                                  "WHERE t.name IN " +
                                      in_names,
                                  params));
  for (const SqlRow& row : rows) by_name[row.Text(0)].tags.push_back({row.Text(1), row.Text(2)});

  ASSIGN_OR_RETURN(rows, db.Query("SELECT name, alias, version FROM registered_model_aliases "
                                  "WHERE name IN " +
                                      in_names + " ORDER BY alias",
                                  params));
  for (const SqlRow& row : rows) {
    by_name[row.Text(0)].aliases.push_back({row.Text(1), row.Int(2)});
  }
  return by_name;
}

}  // namespace

Result<std::vector<RegisteredModel>> LoadModels(SqlConnection& db,
                                                const std::vector<std::string>& names,
                                                bool latest_versions) {
  std::vector<RegisteredModel> models;
  if (names.empty()) return models;
  std::vector<SqlValue> params(names.begin(), names.end());
  const std::string in_names = "(" + Placeholders(names.size()) + ")";
  ASSIGN_OR_RETURN(auto by_name, LoadModelRows(db, params, in_names));
  if (by_name.empty() || !latest_versions) {
    for (const std::string& name : names) {
      auto it = by_name.find(name);
      if (it != by_name.end()) models.push_back(std::move(it->second));
    }
    return models;
  }

  // The highest live version per stage. MLflow lists the stages in the order it first meets
  // them walking the versions upwards (dbmodels/models.py SqlRegisteredModel.to_mlflow_entity),
  // i.e. by each stage's lowest live version.
  std::vector<SqlValue> latest_params = params;
  latest_params.emplace_back(std::string(kDeletedStage));
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db.Query(LatestVersionsSql(names.size()), latest_params));
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

Result<std::vector<ModelSnapshot>> LoadSnapshots(SqlConnection& db,
                                                 const std::vector<std::string>& names) {
  std::vector<ModelSnapshot> snapshots;
  if (names.empty()) return snapshots;
  std::vector<SqlValue> params(names.begin(), names.end());
  const std::string in_names = "(" + Placeholders(names.size()) + ")";
  ASSIGN_OR_RETURN(auto by_name, LoadModelRows(db, params, in_names));
  if (by_name.empty()) return snapshots;

  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db.Query(std::string("SELECT ") + kVersionColumns +
                                " FROM model_versions mv WHERE mv.name IN " + in_names +
                                " ORDER BY mv.name, mv.version",
                            params));
  std::vector<ModelVersion> versions;
  std::vector<bool> deleted;
  versions.reserve(rows.size());
  for (const SqlRow& row : rows) {
    versions.push_back(VersionFromRow(row));
    deleted.push_back(row.Text(6) == kDeletedStage);
  }
  RETURN_IF_ERROR(AttachVersionTags(db, versions));
  std::map<std::string, std::vector<VersionSnapshot>> versions_by_name;
  for (size_t i = 0; i < versions.size(); ++i) {
    if (deleted[i]) versions[i].current_stage = Stage::kNone;
    versions_by_name[versions[i].name].push_back({std::move(versions[i]), deleted[i]});
  }
  for (const std::string& name : names) {
    auto it = by_name.find(name);
    if (it == by_name.end()) continue;
    ModelSnapshot snapshot;
    snapshot.model = std::move(it->second);
    snapshot.versions = std::move(versions_by_name[name]);
    snapshots.push_back(std::move(snapshot));
    by_name.erase(it);  // A name asked for twice is returned once.
  }
  return snapshots;
}

}  // namespace modelwarden
