#include "registry/sql/inventory_rows.h"

#include <algorithm>
#include <map>
#include <utility>

#include "registry/sql/model_tables.h"

namespace modelwarden {
namespace {

constexpr char kSelectNames[] =
    "SELECT name FROM registered_models WHERE name > ? ORDER BY name LIMIT ?";
// Each of these reads the models of one page: names in (after, last].
constexpr char kSelectTags[] =
    "SELECT name, `key`, value FROM registered_model_tags WHERE name > ? AND name <= ?";
constexpr char kSelectVersions[] =
    "SELECT name, version, current_stage, creation_time FROM model_versions "
    "WHERE name > ? AND name <= ? AND current_stage <> ? ORDER BY name, version DESC";
constexpr char kSelectAliases[] =
    "SELECT name, version, alias FROM registered_model_aliases WHERE name > ? AND name <= ?";
constexpr char kSelectPending[] =
    "SELECT model_name, version FROM approvals WHERE model_name > ? AND model_name <= ? AND "
    "status = 'pending' AND expiration_time > ?";

}  // namespace

Result<std::vector<InventoryModel>> SelectInventory(SqlConnection& db, const std::string& after,
                                                    int64_t max_models, int64_t now) {
  std::vector<InventoryModel> models;
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(kSelectNames, {after, max_models}));
  if (rows.empty()) return models;
  std::map<std::string, size_t> index;
  for (const SqlRow& row : rows) {
    index.emplace(row.Text(0), models.size());
    models.push_back(InventoryModel{row.Text(0), {}, {}});
  }
  const std::string last = models.back().name;
  ASSIGN_OR_RETURN(rows, db.Query(kSelectTags, {after, last}));
  for (const SqlRow& row : rows) {
    auto it = index.find(row.Text(0));
    if (it != index.end()) models[it->second].tags.push_back({row.Text(1), row.Text(2)});
  }
  // Versions by (name, number), to attach aliases and approvals to.
  std::map<std::pair<std::string, int64_t>, InventoryVersion*> versions;
  ASSIGN_OR_RETURN(rows, db.Query(kSelectVersions, {after, last, std::string(kDeletedStage)}));
  for (const SqlRow& row : rows) {
    auto it = index.find(row.Text(0));
    if (it == index.end()) continue;
    InventoryVersion v;
    v.version = row.Int(1);
    v.stage = StageFromString(row.Text(2)).value_or(Stage::kNone);
    v.creation_timestamp = row.Int(3);
    models[it->second].versions.push_back(std::move(v));
  }
  for (InventoryModel& model : models) {
    for (InventoryVersion& v : model.versions) versions[{model.name, v.version}] = &v;
  }
  ASSIGN_OR_RETURN(rows, db.Query(kSelectAliases, {after, last}));
  for (const SqlRow& row : rows) {
    auto it = versions.find({row.Text(0), row.Int(1)});
    if (it != versions.end()) it->second->aliases.push_back(row.Text(2));
  }
  for (auto& [key, version] : versions) {
    std::sort(version->aliases.begin(), version->aliases.end());
  }
  ASSIGN_OR_RETURN(rows, db.Query(kSelectPending, {after, last, now}));
  for (const SqlRow& row : rows) {
    auto it = versions.find({row.Text(0), row.Int(1)});
    if (it != versions.end()) it->second->pending_approval = true;
  }
  return models;
}

Result<int64_t> CountNewerVersionsIn(SqlConnection& db, const std::string& name, int64_t version,
                                     const std::vector<Stage>& stages) {
  if (stages.empty()) return int64_t{0};
  std::vector<SqlValue> params = {name, version};
  for (Stage stage : stages) params.emplace_back(std::string(StageName(stage)));
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db.Query("SELECT COUNT(*) FROM model_versions WHERE name = ? AND version > ? "
                            "AND current_stage IN (" +
                                Placeholders(stages.size()) + ")",
                            params));
  return rows.empty() ? 0 : rows[0].Int(0);
}

}  // namespace modelwarden
