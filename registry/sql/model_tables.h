// How the registry's entities are read back from their tables: the columns, and the loading of
// models and versions with their tags and aliases in a fixed number of statements whatever
// their number. Used by the unit of work's rows (sql_model_rows.h) and by searches
// (model_search.h). MLflow's markers of a soft-deleted version are in registry/model_snapshot.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/entities.h"
#include "registry/model_snapshot.h"
#include "registry/sql/sql_connection.h"
#include "registry/status.h"

namespace modelwarden {

// The columns VersionFromRow reads, in its order, from model_versions aliased `mv`.
inline constexpr char kVersionColumns[] =
    "mv.name, mv.version, mv.creation_time, mv.last_updated_time, mv.description, mv.user_id, "
    "mv.current_stage, mv.source, mv.storage_location, mv.run_id, mv.run_link, mv.status, "
    "mv.status_message";

// "?, ?, ?" with `count` placeholders.
std::string Placeholders(size_t count);

// The highest live version per stage of `names` models, each row led by the stage's lowest live
// version (the order MLflow lists stages in), ordered by name and then that version. Bound
// parameters: the names, then kDeletedStage.
std::string LatestVersionsSql(size_t names);

// The kVersionColumns of `row`, starting at column `first`. No tags or aliases.
ModelVersion VersionFromRow(const SqlRow& row, size_t first = 0);

// Fills the tags of `versions` in few statements.
Status AttachVersionTags(SqlConnection& db, std::vector<ModelVersion>& versions);

// A live version with its tags and aliases; nullopt when absent or deleted.
Result<std::optional<ModelVersion>> LoadVersion(SqlConnection& db, const std::string& name,
                                                int64_t version);

// The named models with tags, aliases and, unless told not to, latest_versions (with tags), in
// the order of `names`; absent names are skipped.
Result<std::vector<RegisteredModel>> LoadModels(SqlConnection& db,
                                                const std::vector<std::string>& names,
                                                bool latest_versions = true);

// The named models with tags and aliases (no latest_versions) and every version, deleted ones
// included, with tags; in the order of `names`, absent names skipped.
Result<std::vector<ModelSnapshot>> LoadSnapshots(SqlConnection& db,
                                                 const std::vector<std::string>& names);

}  // namespace modelwarden
