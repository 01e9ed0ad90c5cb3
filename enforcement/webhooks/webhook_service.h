// WebhookService: MLflow's webhook API (create, list, get, update, delete, test) and
// modelwarden's view of the same webhooks and of their deliveries, governed like the registry.
//
// Two views (WebhookApi): MLflow's endpoints see a webhook's MLflow events only and never a
// webhook that has none, so an MLflow client never meets an event it cannot parse; an update
// of `events` through them replaces the MLflow events and keeps modelwarden's. modelwarden's
// endpoints see and set every event and the webhook's model_prefix.
//
// Who may: with authentication off, anyone (as MLflow); on, an admin, or a user whose WEBHOOKS
// grant covers the webhook's model_prefix (enforcement/access). Every change is a unit of
// work: the webhook row locked, the caller authorized on the grants the transaction reads, the
// change and its audit entry committed together; a refusal commits only its audit entry. A
// test is audited too. Secrets are sealed (webhook_crypto.h) and never returned.
//
// Thread-safe if the store, the transport and the listener are.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "enforcement/access/access_control.h"
#include "enforcement/webhooks/webhook_crypto.h"
#include "registry/clock.h"
#include "registry/requests.h"
#include "registry/status.h"
#include "registry/unit_of_work.h"
#include "registry/webhooks/webhook.h"
#include "registry/webhooks/webhook_store.h"
#include "registry/webhooks/webhook_transport.h"
#include "registry/write_txn.h"

namespace modelwarden {

struct WebhookServiceOptions {
  // MLFLOW_WEBHOOK_ALLOWED_SCHEMES.
  std::vector<std::string> allowed_schemes = {"https"};
  // --webhook-deny-private-targets: refuse receivers at non-public addresses.
  bool deny_private_targets = false;
  // MLFLOW_WEBHOOK_REQUEST_TIMEOUT, for the test endpoint's request.
  std::chrono::milliseconds request_timeout{30000};
};

// A create request as the endpoints read it. Empty strings are "not given", as MLflow reads
// its proto (`description or None`).
struct NewWebhook {
  std::string name;
  std::string description;
  std::string url;
  std::vector<WebhookEvent> events;
  std::string secret;
  std::optional<WebhookStatus> status;
  std::string model_prefix;  // modelwarden's endpoint only.
};

// An update: unset fields stay; MLflow also treats empty strings and an empty event list as
// "not given", so a description cannot be cleared through it.
struct WebhookUpdate {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> url;
  std::optional<std::vector<WebhookEvent>> events;
  std::optional<std::string> secret;
  std::optional<WebhookStatus> status;
  std::optional<std::string> model_prefix;  // modelwarden's endpoint only.
};

// MLflow's WebhookTestResult.
struct WebhookTestResult {
  bool success = false;
  std::optional<int> response_status;
  std::optional<std::string> response_body;
  std::optional<std::string> error_message;
};

struct DeliveryListRequest {
  std::string webhook_id;
  std::optional<DeliveryStatus> status;
  int64_t max_results = 100;
  std::string page_token;
};

class WebhookService {
 public:
  // All borrowed; they must outlive the service. `listener` (optional) is told of
  // redeliveries, so that the delivery worker wakes up.
  WebhookService(WebhookStore& store, WriteTransactions& units, AccessControl& access,
                 const Clock& clock, const WebhookSecretBox& secrets, WebhookTransport& transport,
                 WebhookServiceOptions options, OutboxListener* listener = nullptr);

  // kInvalidParameterValue (MLflow's validation), kPermissionDenied.
  Result<Webhook> Create(const CallContext& ctx, WebhookApi api, const NewWebhook& request);
  // kResourceDoesNotExist "Webhook with ID <id> not found.", kPermissionDenied.
  Result<Webhook> Get(const CallContext& ctx, WebhookApi api, const std::string& webhook_id);
  // Newest first. max_results: 1 to 1000, 0 or absent 100 (MLflow's `max_results or 100`).
  Result<Page<Webhook>> List(const CallContext& ctx, WebhookApi api,
                             std::optional<int64_t> max_results, const std::string& page_token);
  Result<Webhook> Update(const CallContext& ctx, WebhookApi api, const std::string& webhook_id,
                         const WebhookUpdate& update);
  // Soft delete; its pending deliveries are cancelled.
  Status Delete(const CallContext& ctx, WebhookApi api, const std::string& webhook_id);
  // Sends the example payload of `event` (default: the webhook's first event) once, now,
  // whatever the webhook's status; the outcome is the result, not an error.
  Result<WebhookTestResult> Test(const CallContext& ctx, WebhookApi api,
                                 const std::string& webhook_id, std::optional<WebhookEvent> event);

  // Deliveries of the webhooks the caller may see, newest first.
  Result<Page<Delivery>> ListDeliveries(const CallContext& ctx, const DeliveryListRequest& request);
  // With every attempt. kResourceDoesNotExist "Webhook delivery with ID <id> not found.".
  Result<std::pair<Delivery, std::vector<DeliveryAttempt>>> GetDelivery(
      const CallContext& ctx, const std::string& delivery_id);
  // Makes the delivery pending and due now, keeping its id (receivers that dedupe by
  // X-MLflow-Delivery-Id see the same event). kInvalidParameterValue when its webhook was
  // deleted.
  Result<Delivery> Redeliver(const CallContext& ctx, const std::string& delivery_id);

 private:
  // The unit of work of one webhook change: `body` runs on the locked rows and returns the
  // scope(s) to authorize and the audit text; a refusal is audited and nothing else is kept.
  struct Decision {
    std::vector<std::string> scopes;  // model_prefixes the caller must cover.
    std::string before;
    std::string after;
  };
  Status Change(const CallContext& ctx, Operation operation,
                const std::function<Result<Decision>(WebhookRows&)>& inspect,
                const std::function<Status(WebhookRows&, int64_t now)>& apply);
  // The webhook if `api` shows it, else MLflow's not-found; not authorized.
  Result<StoredWebhook> Find(WebhookApi api, const std::string& webhook_id);
  Status CheckUrl(const std::string& url) const;
  Status CheckTarget(const std::string& url) const;
  // The webhook as `api` shows it: nullopt when that view has none of its events.
  static std::optional<Webhook> View(Webhook webhook, WebhookApi api);
  Status AuthorizeScope(const CallContext& ctx, Operation operation, const std::string& scope);
  void Audit(const CallContext& ctx, Operation operation, AuditOutcome outcome,
             const std::string& after);

  WebhookStore& store_;
  WriteTransactions& units_;
  AccessControl& access_;
  const Clock& clock_;
  const WebhookSecretBox& secrets_;
  WebhookTransport& transport_;
  const WebhookServiceOptions options_;
  OutboxListener* const listener_;
};

// MLflow's not-found message: "Webhook with ID <id> not found.".
Status WebhookNotFound(const std::string& webhook_id);

}  // namespace modelwarden
