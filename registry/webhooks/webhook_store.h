// Persistence of webhooks and of their outbox: one delivery row per (event, subscribed
// webhook), written in the transaction of the change that made the event, so that a committed
// change's deliveries are committed with it and a refused or failed change leaves none.
//
// WebhookRows: the operations inside one unit of work (WriteTxn::webhooks(); one thread, one
// transaction). WebhookStore: reads on their own snapshot, and the delivery worker's claims and
// records, each its own transaction (thread-safe; implemented by the SQL store). Every method
// may also return kTemporarilyUnavailable or kInternalError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/entities.h"
#include "registry/status.h"
#include "registry/webhooks/webhook.h"

namespace modelwarden {

// A webhook as stored: the entity, and its secret as encrypted by enforcement (never the
// plain secret; nullopt: none).
struct StoredWebhook {
  Webhook webhook;
  std::optional<std::string> sealed_secret;
};

// pending -> delivered | failed | cancelled (the webhook was deleted); redelivery makes any of
// them pending again.
enum class DeliveryStatus { kPending, kDelivered, kFailed, kCancelled };
std::string_view DeliveryStatusName(DeliveryStatus status);
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view name);

struct Delivery {
  std::string delivery_id;  // A UUID4; X-MLflow-Delivery-Id, the same on every attempt.
  std::string webhook_id;
  WebhookEvent event;
  std::string model_name;  // The model the event is about (its new name for a rename).
  std::string body;        // The exact bytes that are signed and sent.
  int64_t creation_timestamp = 0;
  DeliveryStatus status = DeliveryStatus::kPending;
  int attempts = 0;
  // Pending only: the earliest time of the next attempt (its own backoff, or its webhook's
  // when the receiver is failing).
  std::optional<int64_t> next_attempt_timestamp;
  std::optional<int64_t> last_attempt_timestamp;
  std::optional<int> last_http_status;
  std::string last_error;
  std::optional<int64_t> finished_timestamp;  // Delivered, failed or cancelled at.
};

struct DeliveryAttempt {
  int attempt = 0;  // 1, 2, ...
  int64_t timestamp = 0;
  int64_t duration_ms = 0;
  std::optional<int> http_status;
  std::string error;  // Empty when the receiver answered (whatever the status).
};

// Where reads of webhooks and deliveries are limited: nullopt, everything; else the webhooks
// whose model_prefix starts with one of these prefixes (none: nothing).
using WebhookScopes = std::optional<std::vector<std::string>>;

struct WebhookListQuery {
  WebhookApi api = WebhookApi::kMlflow;  // kMlflow: only webhooks with an MLflow event.
  WebhookScopes scopes;
  int64_t max_results = 100;
  int64_t offset = 0;
};

struct DeliveryQuery {
  std::string webhook_id;  // Empty: every webhook.
  std::optional<DeliveryStatus> status;
  WebhookScopes scopes;
  int64_t max_results = 100;
  int64_t offset = 0;
};

struct NewDelivery {
  std::string delivery_id;
  std::string webhook_id;
  WebhookEvent event;
  std::string model_name;
  std::string body;
  int64_t now = 0;
};

struct Subscriber {
  std::string webhook_id;
  std::string model_prefix;
  WebhookEvent event;
};

class WebhookRows {
 public:
  virtual ~WebhookRows() = default;

  // The ACTIVE, undeleted webhooks subscribed to one of `events`, with the event.
  virtual Result<std::vector<Subscriber>> Subscribers(const std::vector<WebhookEvent>& events) = 0;
  virtual Status InsertDelivery(const NewDelivery& delivery) = 0;

  // An undeleted webhook, locked for the rest of the transaction; nullopt when absent.
  virtual Result<std::optional<StoredWebhook>> FindWebhook(const std::string& webhook_id) = 0;
  virtual Status InsertWebhook(const StoredWebhook& webhook) = 0;
  // Replaces every field and the events; the secret only when `new_sealed_secret` is set.
  virtual Status UpdateWebhook(const Webhook& webhook,
                               const std::optional<std::string>& new_sealed_secret) = 0;
  // Soft delete (deleted webhooks are never read again); its pending deliveries are cancelled.
  virtual Status DeleteWebhook(const std::string& webhook_id, int64_t now) = 0;

  // A delivery with its webhook's id, locked; nullopt when absent.
  virtual Result<std::optional<Delivery>> FindDelivery(const std::string& delivery_id) = 0;
  // Makes the delivery pending and due at `now` (its history is kept).
  virtual Status Redeliver(const std::string& delivery_id, int64_t now) = 0;
};

// A pending delivery leased to one worker, with what sending it needs.
struct ClaimedDelivery {
  Delivery delivery;
  std::string url;
  std::optional<std::string> sealed_secret;
  int receiver_failures = 0;  // The webhook's consecutive failed attempts when claimed.
  std::string lease;          // Proves the lease when the outcome is recorded.
};

// What one attempt came to, and what the delivery becomes.
struct AttemptRecord {
  std::string delivery_id;
  std::string webhook_id;
  std::string lease;
  DeliveryAttempt attempt;
  DeliveryStatus status = DeliveryStatus::kPending;  // Afterwards.
  int64_t next_attempt_timestamp = 0;                // When still pending.
  // The receiver failed (network error, 408, 429, 5xx): its webhook waits until
  // `webhook_paused_until` and then sends one delivery at a time until one succeeds.
  bool receiver_failed = false;
  int64_t webhook_paused_until = 0;
};

struct ClaimRequest {
  std::string owner;  // Unique per claim.
  int64_t now = 0;
  int64_t lease_ms = 0;
  int max_deliveries = 0;
};

// Deliveries expired and purged by one maintenance pass.
struct MaintenanceCounts {
  int64_t expired = 0;
  int64_t purged = 0;
};

class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  // An undeleted webhook; nullopt when absent.
  virtual Result<std::optional<StoredWebhook>> GetWebhook(const std::string& webhook_id) = 0;
  // Newest first (MLflow's order), then by id; next_page_token set when more exist.
  virtual Result<Page<Webhook>> ListWebhooks(const WebhookListQuery& query) = 0;
  // Newest first; next_page_token set when more exist.
  virtual Result<Page<Delivery>> ListDeliveries(const DeliveryQuery& query) = 0;
  // With every attempt, oldest first; nullopt when absent.
  virtual Result<std::optional<std::pair<Delivery, std::vector<DeliveryAttempt>>>> GetDelivery(
      const std::string& delivery_id) = 0;
  // The model_prefix of a webhook, deleted ones included (who may see its deliveries).
  virtual Result<std::optional<std::string>> WebhookScope(const std::string& webhook_id) = 0;

  // Leases up to max_deliveries due, pending deliveries of ACTIVE webhooks to `owner` for
  // lease_ms: any number of a webhook whose receiver is healthy, one of a webhook whose
  // receiver failed and whose pause is over. A delivery leased to another owner is never
  // returned until that lease expires (a worker that died), so several processes on one
  // database deliver each event once, and at least once.
  virtual Result<std::vector<ClaimedDelivery>> ClaimDeliveries(const ClaimRequest& request) = 0;
  // Records the attempts (one transaction): a delivery changes only while the lease in the
  // record is still its lease; the attempt is recorded in any case.
  virtual Status RecordAttempts(const std::vector<AttemptRecord>& records) = 0;
  // Pending deliveries created before `expire_before` fail ("not delivered in time"); finished
  // deliveries older than `purge_before` are deleted with their attempts.
  virtual Result<MaintenanceCounts> ExpireAndPurge(int64_t now, int64_t expire_before,
                                                   int64_t purge_before) = 0;
};

}  // namespace modelwarden
