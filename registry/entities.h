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
// VersionStatusName's inverse (exact spelling); nullopt for anything else.
std::optional<VersionStatus> VersionStatusFromString(std::string_view name);

// The tag that turns a registered model (and its versions) into a prompt.
inline constexpr std::string_view kIsPromptTagKey = "mlflow.prompt.is_prompt";

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag& o) const { return key == o.key && value == o.value; }
};

// The tags a request leaves stored: a repeated key keeps its last value, as repeated upserts
// do; first-seen order otherwise.
std::vector<Tag> LastValuePerKey(const std::vector<Tag>& tags);
// A prompt as MLflow's searches see one: tag mlflow.prompt.is_prompt = "true".
bool IsPrompt(const std::vector<Tag>& tags);
// The prompt tag with any value, as MLflow's has_prompt_tag checks it (version sources,
// name conflicts).
bool HasPromptTagKey(const std::vector<Tag>& tags);

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

// How one policy check ended.
enum class CheckOutcome { kPassed, kFailed, kWarned /* failed in warn mode */ };
// "passed", "failed", "warned".
std::string_view CheckOutcomeName(CheckOutcome outcome);
std::optional<CheckOutcome> ParseCheckOutcome(std::string_view name);

// The outcome of one policy check, as recorded in the audit log.
struct AuditCheck {
  std::string rule_id;
  CheckOutcome result = CheckOutcome::kPassed;
  std::string message;
  bool operator==(const AuditCheck& o) const {
    return rule_id == o.rule_id && result == o.result && message == o.message;
  }
};

// What became of a change: made, made with warnings, refused, or waiting for a second person's
// approval (registry/approval.h).
enum class AuditOutcome { kAllowed, kWarned, kDenied, kPending };
// "allowed", "warned", "denied", "pending".
std::string_view AuditOutcomeName(AuditOutcome outcome);
std::optional<AuditOutcome> ParseAuditOutcome(std::string_view name);

// One entry of the audit log: a change that was made, or an attempt that was denied.
struct AuditEvent {
  int64_t id = 0;         // Assigned by the store, increasing.
  int64_t timestamp = 0;  // Milliseconds since the epoch; the change's own timestamp.
  std::string request_id;
  std::string principal;  // "anonymous" until authentication is configured.
  std::string client_address;
  std::string operation;  // The operation, e.g. "TransitionModelVersionStage".
  std::string model_name;
  std::optional<int64_t> version;
  AuditOutcome outcome = AuditOutcome::kAllowed;
  std::string before;  // What the target looked like, e.g. "stage=Staging".
  std::string after;   // What the change asked for, e.g. "stage=Production".
  std::vector<AuditCheck> checks;
};

// A query of the audit log; empty fields do not filter. Newest first.
struct AuditQuery {
  std::string model_name;
  std::string principal;
  std::string operation;
  std::optional<int64_t> since;  // Inclusive, ms.
  std::optional<int64_t> until;  // Exclusive, ms.
  // With model_name: only what was recorded since the model that has the name now got it (its
  // creation, or the rename onto it), not the history of an earlier model of that name.
  bool since_name_taken = false;
  int64_t max_results = 100;
  int64_t offset = 0;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;  // Empty: no further page.
};

}  // namespace modelwarden
