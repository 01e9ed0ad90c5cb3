// ImportPlan: what importing one model from another registry changes in this one, decided by
// comparing the model as the source holds it with the model as this registry holds it.
//
// An import makes the model here equal to the source's: its own fields (timestamps,
// description, tags, aliases) and every version the source holds, each under its number,
// deleted ones as deleted rows. Versions only this registry has (created here after an earlier
// import) are left as they are. A model of the same name that is not the source's (created at
// another time, or whose version N was created at another time) is a conflict: nothing is
// written to it. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/model_snapshot.h"

namespace modelwarden {

enum class ImportAction {
  kCreate,     // Absent here: created as the source has it.
  kUpdate,     // Here from the same history, but different: brought to the source's state.
  kUnchanged,  // Here and equal: nothing to write.
  kConflict,   // Another model of the same name is here: nothing is written.
};

// "create", "update", "unchanged", "conflict".
std::string_view ImportActionName(ImportAction action);

struct ImportPlan {
  ImportAction action = ImportAction::kCreate;
  bool model_changed = false;             // Timestamps, description or tags are written.
  bool aliases_changed = false;           // The aliases are replaced.
  std::vector<int64_t> new_versions;      // Written: absent here.
  std::vector<int64_t> changed_versions;  // Written: here, but different.
  std::vector<int64_t> kept_versions;     // Only here: left as they are.
  std::string conflict;                   // Why, for kConflict.
};

// `source`: the model as it will be written (registry/registry_importer.h prepares it);
// `target`: the model as this registry holds it, or nullopt when absent.
ImportPlan PlanImport(const ModelSnapshot& source, const std::optional<ModelSnapshot>& target);

// What the plan does, in a few words, e.g. "3 versions (1 deleted), 2 tags, 1 alias" for a
// create, "versions 4, 5 new; version 2 changed; tags, aliases changed" for an update.
std::string DescribePlan(const ImportPlan& plan, const ModelSnapshot& source);

}  // namespace modelwarden
