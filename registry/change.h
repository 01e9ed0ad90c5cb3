// Change: every write the registry makes, as a typed value. RegistryService turns each MLflow
// write RPC into one Change and runs it as one unit of work (registry/registry_service.h); the
// Governor (registry/governor.h) authorizes and judges it by its type, and the audit log
// describes it (registry/audit_record.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "registry/entities.h"
#include "registry/operation.h"
#include "registry/requests.h"

namespace modelwarden {

struct CreateModelChange {
  NewRegisteredModel model;
};
struct UpdateModelChange {
  std::string name;
  std::string description;
};
struct RenameModelChange {
  std::string name;
  std::string new_name;
};
struct DeleteModelChange {
  std::string name;
};
struct SetModelTagChange {
  std::string name;
  Tag tag;
};
struct DeleteModelTagChange {
  std::string name;
  std::string key;
};
struct SetAliasChange {
  std::string name;
  std::string alias;
  int64_t version = 0;
};
struct DeleteAliasChange {
  std::string name;
  std::string alias;
};
struct CreateVersionChange {
  NewModelVersion version;          // As stored: run_id and run_link resolved.
  std::string storage_location;     // What get-download-uri will answer.
  bool run_id_from_source = false;  // The run came from a runs:/ or models:/ source.
  // The model of a models:/<name>/<version> source: its version is read in the unit of work
  // (for the storage location), so its row is locked with the new version's model.
  std::string source_model;
};
struct UpdateVersionChange {
  std::string name;
  int64_t version = 0;
  std::optional<std::string> description;  // nullopt clears it.
};
struct DeleteVersionChange {
  std::string name;
  int64_t version = 0;
};
struct TransitionStageChange {
  std::string name;
  int64_t version = 0;
  Stage stage = Stage::kNone;
  bool archive_existing_versions = false;
};
struct SetVersionTagChange {
  std::string name;
  int64_t version = 0;
  Tag tag;
};
struct DeleteVersionTagChange {
  std::string name;
  int64_t version = 0;
  std::string key;
};

using Change =
    std::variant<CreateModelChange, UpdateModelChange, RenameModelChange, DeleteModelChange,
                 SetModelTagChange, DeleteModelTagChange, SetAliasChange, DeleteAliasChange,
                 CreateVersionChange, UpdateVersionChange, DeleteVersionChange,
                 TransitionStageChange, SetVersionTagChange, DeleteVersionTagChange>;

// The RPC the change comes from.
Operation OperationOf(const Change& change);
// The registered model the change is made to (for a rename, its current name).
const std::string& ModelOf(const Change& change);
// The version the change names, if it names one (not CreateVersion: it has no number yet).
std::optional<int64_t> VersionOf(const Change& change);
// The models whose rows the change's transaction locks first: the model, for a rename the new
// name too, and for a version copied from a models:/<name>/<version> source that model.
std::vector<std::string> LockedModels(const Change& change);

// What the change found, read on the locked rows before it was applied.
struct ChangeState {
  std::optional<RegisteredModel> model;  // Absent for CreateModel.
  std::optional<ModelVersion> version;   // The version the change names, if any.
};

}  // namespace modelwarden
