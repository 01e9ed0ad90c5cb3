// Webhooks as MLflow 3 has them (mlflow/entities/webhook.py, mlflow/protos/webhooks.proto): a
// URL that receives a signed POST for every event it subscribes to. The events are MLflow's 14
// (entity, action) pairs plus modelwarden's own, which only modelwarden's endpoint offers: an
// MLflow client parses every event of a webhook it lists, and fails on one it does not know.
// Plain data and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/status.h"

namespace modelwarden {

// MLflow's WebhookEntity enum, same numbers; kPolicy is modelwarden's.
enum class WebhookEntity {
  kRegisteredModel = 1,
  kModelVersion = 2,
  kModelVersionTag = 3,
  kModelVersionAlias = 4,
  kPrompt = 5,
  kPromptVersion = 6,
  kPromptTag = 7,
  kPromptVersionTag = 8,
  kPromptAlias = 9,
  kPolicy = 100,
};

// MLflow's WebhookAction enum, same numbers; the last three are modelwarden's.
enum class WebhookAction {
  kCreated = 1,
  kUpdated = 2,
  kDeleted = 3,
  kSet = 4,
  kRenamed = 101,
  kStageTransitioned = 102,
  kDenied = 103,
};

struct WebhookEvent {
  WebhookEntity entity = WebhookEntity::kRegisteredModel;
  WebhookAction action = WebhookAction::kCreated;
  bool operator==(const WebhookEvent& o) const { return entity == o.entity && action == o.action; }
  bool operator!=(const WebhookEvent& o) const { return !(*this == o); }
  bool operator<(const WebhookEvent& o) const {
    return entity != o.entity ? entity < o.entity : action < o.action;
  }
};

// Who may subscribe to an event: MLflow's API offers MLflow's events only; modelwarden's
// endpoint offers every event.
enum class WebhookApi { kMlflow, kModelwarden };

// "model_version", "created": the words of delivery payloads and of MLflow's client strings.
std::string_view EntityWord(WebhookEntity entity);
std::string_view ActionWord(WebhookAction action);
// "MODEL_VERSION", "CREATED": the proto enum names, as webhook JSON carries them.
std::string EntityProtoName(WebhookEntity entity);
std::string ActionProtoName(WebhookAction action);
// "model_version.created".
std::string EventName(const WebhookEvent& event);

// One of MLflow's 14 pairs (mlflow/entities/webhook.py VALID_ENTITY_ACTIONS).
bool IsMlflowEvent(const WebhookEvent& event);
// One of the events `api` lets a webhook subscribe to.
bool IsSubscribable(const WebhookEvent& event, WebhookApi api);
// The events `api` offers, MLflow's first, in a fixed order.
std::vector<WebhookEvent> SubscribableEvents(WebhookApi api);

// Reads an entity or action as webhook JSON writes it: the proto name ("MODEL_VERSION") or its
// number ("2", as protobuf's JSON parser also takes); modelwarden's endpoint also takes the
// lower-case word ("model_version"). nullopt for anything else, and for a name `api` does not
// know.
std::optional<WebhookEntity> ParseEntity(std::string_view text, WebhookApi api);
std::optional<WebhookAction> ParseAction(std::string_view text, WebhookApi api);

// kInvalidParameterValue unless `api` offers the pair, in MLflow's words: "Invalid action
// 'deleted' for entity 'model_version'. Valid actions are: ['created']".
Status ValidateWebhookEvent(const WebhookEvent& event, WebhookApi api);

enum class WebhookStatus { kActive, kDisabled };
// "ACTIVE", "DISABLED".
std::string_view WebhookStatusName(WebhookStatus status);
// Exactly "ACTIVE" or "DISABLED", or their proto numbers "1" and "2".
std::optional<WebhookStatus> ParseWebhookStatus(std::string_view text);

struct Webhook {
  std::string webhook_id;  // A UUID4.
  std::string name;
  std::string description;  // Empty: none (MLflow stores None and omits it).
  std::string url;
  std::vector<WebhookEvent> events;  // Never empty.
  WebhookStatus status = WebhookStatus::kActive;
  int64_t creation_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  // modelwarden: the webhook receives events of the models whose names start with this ("":
  // every model). Who may manage the webhook is decided on it (enforcement/access).
  std::string model_prefix;
  bool has_secret = false;  // The secret itself is never read back out of the store.
};

// MLflow's _validate_webhook_name (mlflow/utils/validation.py): 1 to 63 characters, letters,
// digits, '.', '_' and '-', starting and ending with a letter or digit.
Status ValidateWebhookName(std::string_view name);
// MLflow's _validate_webhook_url: not blank, parseable as urllib.parse.urlparse parses it, and a
// scheme in `allowed_schemes` (MLFLOW_WEBHOOK_ALLOWED_SCHEMES, default https); also at most
// kMaxWebhookUrlLength bytes (MLflow's column, which only some databases enforce).
Status ValidateWebhookUrl(std::string_view url, const std::vector<std::string>& allowed_schemes);
// Non-empty and without repeats (MLflow: a database error, 400 BAD_REQUEST).
Status ValidateWebhookEvents(const std::vector<WebhookEvent>& events, WebhookApi api);
// At most kMaxWebhookDescriptionLength bytes (MLflow's column).
Status ValidateWebhookDescription(std::string_view description);

inline constexpr size_t kMaxWebhookUrlLength = 500;
inline constexpr size_t kMaxWebhookDescriptionLength = 1000;

// MLFLOW_WEBHOOK_ALLOWED_SCHEMES read as MLflow reads it: split on ',' and stripped.
std::vector<std::string> ParseAllowedSchemes(std::string_view text);

// The parts of an http(s) URL a delivery needs, as urllib.parse.urlsplit separates them.
struct WebhookUrl {
  std::string scheme;  // Lower case.
  std::string host;    // Without brackets for an IPv6 literal.
  int port = 0;        // The URL's, or the scheme's default.
  std::string target;  // Path and query, at least "/".
};
// kInvalidParameterValue for a URL that is not http(s)://host[:port][/path][?query].
Result<WebhookUrl> ParseWebhookUrl(std::string_view url);

}  // namespace modelwarden
