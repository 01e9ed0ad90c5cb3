// MLflow's words for a model or version that is missing or a name that is taken, and the
// checks of a change that answer with them (on the change's locked rows). Also what MLflow
// checks of tags. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/change.h"
#include "registry/entities.h"
#include "registry/model_rows.h"
#include "registry/status.h"

namespace modelwarden {

// kResourceDoesNotExist "Registered Model with name=<name> not found".
Status ModelNotFound(const std::string& name);
// kResourceDoesNotExist "Model Version (name=<name>, version=<n>) not found".
Status VersionNotFound(const std::string& name, int64_t version);
// kResourceAlreadyExists, worded differently when a prompt and a model meet
// (mlflow/prompt/registry_utils.handle_resource_already_exist_error).
Status NameTaken(const std::string& name, bool old_is_prompt, bool new_is_prompt);

// The model into `state`, or ModelNotFound.
Status RequireModel(ModelReader& rows, const std::string& name, ChangeState& state);
// The live version into `state`, or VersionNotFound whether or not the model exists (MLflow's
// order of checks).
Status RequireVersion(ModelReader& rows, const std::string& name, int64_t version,
                      ChangeState& state);
// The same, and the version's model into `state` too (what a promotion is judged on).
Status RequireVersionAndModel(ModelReader& rows, const std::string& name, int64_t version,
                              ChangeState& state);
// The same with the model's header only (ModelReader::FindModelHeader: no latest_versions).
Status RequireVersionAndModelHeader(ModelReader& rows, const std::string& name, int64_t version,
                                    ChangeState& state);

// Every key and value valid (registry/validation.h).
Status ValidateTags(const std::vector<Tag>& tags);

}  // namespace modelwarden
