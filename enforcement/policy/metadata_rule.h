// Mandatory metadata: required tags and descriptions at a lifecycle checkpoint.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "enforcement/policy/check.h"
#include "enforcement/policy/policy.h"

namespace modelwarden {

// Evaluates every requirement attached to `checkpoint`. Requirements on the model need `model`,
// requirements on the version need `version`; a requirement whose subject is null is skipped
// (e.g. version tags when only a model is being registered).
std::vector<CheckResult> CheckMetadata(const std::vector<MetadataRequirement>& requirements,
                                       Checkpoint checkpoint, const RegisteredModel* model,
                                       const ModelVersion* version);

std::string_view CheckpointName(Checkpoint checkpoint);

// The checkpoint a stage is checked at; nullopt for None and Archived.
std::optional<Checkpoint> CheckpointForStage(Stage stage);

}  // namespace modelwarden
