// What a webhook receives: MLflow's delivery envelope {entity, action, timestamp, data} and the
// `data` of each event, with MLflow's fields and values (mlflow/webhooks/types.py and the
// handlers that fire them in mlflow/server/handlers.py), plus modelwarden's own events. All
// text is Python's json.dumps output (registry/webhooks/python_json.h). Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/entities.h"
#include "registry/webhooks/webhook.h"

namespace modelwarden {

// The tags MLflow's prompt events leave out or lift into their own fields
// (mlflow/prompt/constants.py).
inline constexpr std::string_view kPromptTextTagKey = "mlflow.prompt.text";
inline constexpr std::string_view kPromptTypeTagKey = "_mlflow_prompt_type";

// One event as a change produced it.
struct OutboxEvent {
  WebhookEvent event;
  // The registered models it is about: a webhook whose model_prefix covers one of them
  // receives it (a rename names the old and then the new name). The last one is the model
  // the delivery is listed under.
  std::vector<std::string> models;
  std::string data;  // JSON object.
};

// Python's datetime.isoformat() of a UTC time, as MLflow stamps a delivery:
// "2025-12-05T16:19:29.123000+00:00" (no fraction when it is zero).
std::string IsoTimestamp(int64_t millis);

// json.dumps({"entity": ..., "action": ..., "timestamp": ..., "data": ...}).
std::string DeliveryBody(const WebhookEvent& event, int64_t timestamp_millis,
                         std::string_view data);

// MLflow's example payload of `event` (the test endpoint sends it); modelwarden's events have
// examples in the same style.
std::string ExampleData(const WebhookEvent& event);

// The data of each event.
std::string RegisteredModelCreatedData(const std::string& name, const std::vector<Tag>& tags,
                                       const std::string& description);
std::string PromptCreatedData(const std::string& name, const std::vector<Tag>& tags,
                              const std::string& description);
// `run_id` and `description`: null when empty, as MLflow sends them.
std::string ModelVersionCreatedData(const std::string& name, int64_t version,
                                    const std::string& source, const std::string& run_id,
                                    const std::vector<Tag>& tags, const std::string& description);
std::string PromptVersionCreatedData(const std::string& name, int64_t version,
                                     const std::vector<Tag>& tags, const std::string& description);
// Model version and prompt version tags; `value` absent for a deletion.
std::string VersionTagData(const std::string& name, int64_t version, const std::string& key,
                           const std::optional<std::string>& value);
// Prompt tags; `value` absent for a deletion.
std::string PromptTagData(const std::string& name, const std::string& key,
                          const std::optional<std::string>& value);
// Aliases; `version` absent for a deletion.
std::string AliasData(const std::string& name, const std::string& alias,
                      std::optional<int64_t> version);
// modelwarden's events.
std::string ModelRenamedData(const std::string& old_name, const std::string& new_name);
std::string ModelDeletedData(const std::string& name);
std::string VersionDeletedData(const std::string& name, int64_t version);
std::string StageTransitionedData(const std::string& name, int64_t version, Stage from, Stage to,
                                  bool archive_existing_versions);
struct PolicyDenial {
  std::string operation;  // e.g. "TransitionModelVersionStage".
  std::string name;
  std::optional<int64_t> version;
  std::string principal;
  std::string request_id;
  std::vector<std::string> rule_ids;  // Of the checks that failed.
  std::string message;                // What the caller was told.
};
std::string PolicyDeniedData(const PolicyDenial& denial);

}  // namespace modelwarden
