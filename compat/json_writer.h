// Registry entities -> MLflow REST response bodies, as MLflow 3.6's message_to_json writes
// them (mlflow/utils/proto_json_utils.py): snake_case names, int64 timestamps as numbers,
// every `version` as a string, `status` and `current_stage` always present, empty lists and
// unset optional fields omitted. Bodies are compact JSON. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "registry/entities.h"

namespace modelwarden {

// {"registered_model": {...}}: create, get, update, rename.
std::string RegisteredModelResponse(const RegisteredModel& model);
// {"registered_models": [...], "next_page_token": "..."}; {} when empty.
std::string RegisteredModelSearchResponse(const Page<RegisteredModel>& page);
// {"model_version": {...}}: create, get, update, transition-stage, get-by-alias.
std::string ModelVersionResponse(const ModelVersion& version);
// {"model_versions": [...]} for get-latest-versions (aliases included); {} when empty.
std::string LatestVersionsResponse(const std::vector<ModelVersion>& versions);
// {"model_versions": [...], "next_page_token": "..."}; {} when empty. MLflow never reports
// aliases in search results, so none are written.
std::string ModelVersionSearchResponse(const Page<ModelVersion>& page);
// {"artifact_uri": "..."}.
std::string DownloadUriResponse(const std::string& artifact_uri);
// {} for the RPCs whose response message has no fields (delete, set-tag, alias, ...).
std::string EmptyResponse();

}  // namespace modelwarden
