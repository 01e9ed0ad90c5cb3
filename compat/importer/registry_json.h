// Registered models and model versions as MLflow's JSON writes them (model_registry.proto,
// snake_case, versions as strings, timestamps as numbers), read back into a ModelSnapshot's
// parts, and written the same way with what MLflow's JSON leaves out but a registry stores:
// the storage location and deleted versions (current_stage "Deleted_Internal"). Shared by the
// REST importer (what an MLflow server answers) and the backup file (what export writes).
// Pure functions; thread-safe.
#pragma once

#include <rapidjson/document.h>

#include <string>

#include "compat/json_output.h"
#include "registry/model_snapshot.h"
#include "registry/status.h"

namespace modelwarden {

// A RegisteredModel object: name, timestamps, description, tags, aliases (latest_versions
// ignored). kInvalidParameterValue naming `where` and the field when a field has the wrong
// type or the name is missing.
Result<RegisteredModel> ReadRegisteredModel(const rapidjson::Value& json, const std::string& where);
// A ModelVersion object and its storage_location; an absent description, run_id or run_link
// stays unset, as MLflow leaves them out when it never stored one.
Result<VersionSnapshot> ReadModelVersion(const rapidjson::Value& json, const std::string& where);

// The inverse of ReadRegisteredModel: every field, empty ones left out.
void WriteRegisteredModelObject(JsonOutput& writer, const RegisteredModel& model);
// The inverse of ReadModelVersion.
void WriteModelVersionObject(JsonOutput& writer, const VersionSnapshot& version);

}  // namespace modelwarden
