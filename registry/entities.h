// The registry's entities: plain aggregates with no JSON and no SQL in them.
// Field meanings follow mlflow/protos/model_registry.proto.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace modelwarden {

// Lifecycle stage of a model version (deprecated by MLflow since 2.9, still served).
enum class Stage { kNone, kStaging, kProduction, kArchived };

// Canonical spelling: "None", "Staging", "Production", "Archived".
std::string_view StageName(Stage stage);
// Case-insensitive; nullopt for anything else.
std::optional<Stage> StageFromString(std::string_view name);
inline constexpr Stage kAllStages[] = {Stage::kNone, Stage::kStaging, Stage::kProduction,
                                       Stage::kArchived};

enum class VersionStatus { kPendingRegistration, kFailedRegistration, kReady };
std::string_view VersionStatusName(VersionStatus status);

// The tag that turns a registered model (and its versions) into a prompt.
inline constexpr std::string_view kIsPromptTagKey = "mlflow.prompt.is_prompt";

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag& o) const { return key == o.key && value == o.value; }
};

struct ModelVersionAlias {
  std::string alias;
  int64_t version = 0;
  bool operator==(const ModelVersionAlias& o) const {
    return alias == o.alias && version == o.version;
  }
};

struct ModelVersion {
  std::string name;
  int64_t version = 0;
  int64_t creation_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  std::string user_id;  // Empty: not emitted (MLflow OSS never fills it).
  Stage current_stage = Stage::kNone;
  std::optional<std::string> description;  // MLflow emits "" when created without one.
  std::string source;
  std::optional<std::string> run_id;
  std::optional<std::string> run_link;
  VersionStatus status = VersionStatus::kReady;
  std::string status_message;
  std::string storage_location;  // What get-download-uri answers; never emitted.
  std::vector<Tag> tags;
  std::vector<std::string> aliases;  // Filled by get/create/update/transition/latest, not search.
};

struct RegisteredModel {
  std::string name;
  int64_t creation_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  std::string description;                    // Empty: omitted in JSON.
  std::vector<ModelVersion> latest_versions;  // One per stage that has a live version.
  std::vector<Tag> tags;
  std::vector<ModelVersionAlias> aliases;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;  // Empty: no further page.
};

}  // namespace modelwarden
