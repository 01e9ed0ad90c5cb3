// DeliveryWorker: sends the outbox (registry/webhooks/webhook_store.h) to webhook receivers.
// Every server process runs one. A dispatcher thread leases due deliveries from the database
// (ClaimDeliveries: never one another worker holds), hands them to `senders` threads that POST
// them (webhook_request.h) and records each attempt's outcome in batches (retry_policy.h says
// what it means); it also expires deliveries past the retry window and purges finished ones
// past the retention. It wakes when a change of this process recorded deliveries, and polls
// for the rest (other processes' events, retries coming due).
//
// A change's deliveries are committed with the change, so an acknowledged change is delivered
// even if the process dies right after; a worker that dies holding leases leaves them to
// expire, and another process (or this one restarted) sends them again: every event at least
// once, and to each webhook once unless a worker died between sending and recording.
//
// Thread-safe; Start() once, Stop() (or destruction) once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "enforcement/webhooks/retry_policy.h"
#include "enforcement/webhooks/webhook_crypto.h"
#include "registry/clock.h"
#include "registry/unit_of_work.h"
#include "registry/webhooks/webhook_store.h"
#include "registry/webhooks/webhook_transport.h"

namespace modelwarden {

struct DeliveryWorkerOptions {
  int senders = 10;                                  // MLFLOW_WEBHOOK_DELIVERY_MAX_WORKERS.
  std::chrono::milliseconds request_timeout{30000};  // MLFLOW_WEBHOOK_REQUEST_TIMEOUT.
  RetryLimits limits;  // --webhook-retry-window-seconds, MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES.
  std::chrono::milliseconds retention{7LL * 24 * 60 * 60 * 1000};
  std::chrono::milliseconds poll_interval{500};
  std::chrono::milliseconds maintenance_interval{60000};
  bool deny_private_targets = false;
};

class DeliveryWorker final : public OutboxListener {
 public:
  // All borrowed; they must outlive the worker.
  DeliveryWorker(WebhookStore& store, const WebhookSecretBox& secrets, WebhookTransport& transport,
                 const Clock& clock, DeliveryWorkerOptions options);
  ~DeliveryWorker() override;

  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void Start();
  // Sends what is in hand, records it, and returns; leases of deliveries not yet sent expire.
  void Stop();

  void DeliveriesRecorded() override;

  // One round on the calling thread, without Start(): claim what is due, send it, record it.
  // Returns how many deliveries were attempted. For tests and tools.
  Result<int> RunOnce();

 private:
  void Dispatch();
  void Send();
  // Claims up to `room` deliveries (none when the database fails: it is retried next round).
  std::vector<ClaimedDelivery> Claim(int room);
  AttemptRecord Attempt(const ClaimedDelivery& claimed);
  // Records `records`; what cannot be recorded now is kept for the next round.
  void Record(std::vector<AttemptRecord> records);
  void Maintain();

  WebhookStore& store_;
  const WebhookSecretBox& secrets_;
  WebhookTransport& transport_;
  const Clock& clock_;
  const DeliveryWorkerOptions options_;
  const std::string instance_;  // Random per worker: leases name their owner.

  std::mutex mutex_;
  std::condition_variable dispatcher_wake_;
  std::condition_variable senders_wake_;
  std::deque<ClaimedDelivery> queue_;   // Claimed, not yet sent.
  std::vector<AttemptRecord> results_;  // Sent, not yet recorded.
  int unfinished_ = 0;                  // Claimed and not yet recorded.
  bool woken_ = false;
  bool stopping_ = false;
  uint64_t claims_ = 0;
  int64_t last_maintenance_ = 0;
  std::vector<AttemptRecord> unrecorded_;  // Dispatcher thread only.

  std::thread dispatcher_;
  std::vector<std::thread> senders_;
};

}  // namespace modelwarden
