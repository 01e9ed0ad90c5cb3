// ModelSnapshot: a registered model as a whole, as one registry hands it to another: the model
// with its tags and aliases, and every version it ever had that the registry still holds,
// deleted ones included (MLflow keeps them as rows in stage Deleted_Internal, so that their
// numbers are never given out again). What `modelwarden import` reads from a source and
// `export` writes. Plain data; no JSON, no SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/entities.h"

namespace modelwarden {

// MLflow marks a soft-deleted version with this stage (STAGE_DELETED_INTERNAL) and redacts
// its location fields (sqlalchemy_store.delete_model_version).
inline constexpr char kDeletedStage[] = "Deleted_Internal";
inline constexpr char kRedactedSource[] = "REDACTED-SOURCE-PATH";
inline constexpr char kRedactedRunId[] = "REDACTED-RUN-ID";
inline constexpr char kRedactedRunLink[] = "REDACTED-RUN-LINK";

// One version with every stored field; `deleted` marks MLflow's soft-deleted row (its stage is
// then Deleted_Internal and `version.current_stage` is meaningless).
struct VersionSnapshot {
  ModelVersion version;  // aliases left empty: they belong to the model.
  bool deleted = false;
};

struct ModelSnapshot {
  RegisteredModel model;                  // latest_versions left empty: derived from `versions`.
  std::vector<VersionSnapshot> versions;  // Ascending by number.
};

// Field by field, every stored field: tags compare as sets (their order is not kept by
// MLflow), aliases as sets.
bool SameVersion(const VersionSnapshot& a, const VersionSnapshot& b);
// The model's own fields (timestamps, description, tags, aliases), not its versions.
bool SameModelFields(const RegisteredModel& a, const RegisteredModel& b);

// The version numbers of `snapshot`, deleted ones included, ascending.
std::vector<int64_t> VersionNumbers(const ModelSnapshot& snapshot);

}  // namespace modelwarden
