#include "enforcement/webhooks/delivery_worker.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "enforcement/webhooks/webhook_request.h"
#include "enforcement/webhooks/webhook_target.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

// What may be kept for a database that keeps failing, before outcomes are dropped (their
// deliveries are then sent again when their leases expire).
constexpr size_t kMaxUnrecorded = 100000;

double Jitter() {
  thread_local std::mt19937_64 random(std::random_device{}());
  return std::uniform_real_distribution<double>(0.0, 1.0)(random);
}

// An attempt that cannot succeed by waiting (no such URL, a refused target, an unreadable
// secret): the delivery fails now; a redelivery can try again once the cause is fixed.
AttemptRecord FailedForGood(const ClaimedDelivery& claimed, int64_t started,
                            const std::string& error) {
  AttemptRecord record;
  record.delivery_id = claimed.delivery.delivery_id;
  record.webhook_id = claimed.delivery.webhook_id;
  record.lease = claimed.lease;
  record.attempt.attempt = claimed.delivery.attempts + 1;
  record.attempt.timestamp = started;
  record.attempt.error = error;
  record.status = DeliveryStatus::kFailed;
  return record;
}

}  // namespace

DeliveryWorker::DeliveryWorker(WebhookStore& store, const WebhookSecretBox& secrets,
                               WebhookTransport& transport, const Clock& clock,
                               DeliveryWorkerOptions options)
    : store_(store),
      secrets_(secrets),
      transport_(transport),
      clock_(clock),
      options_(std::move(options)),
      instance_(NewUuid4()) {}

DeliveryWorker::~DeliveryWorker() { Stop(); }

void DeliveryWorker::Start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (dispatcher_.joinable() || stopping_) return;
  for (int i = 0; i < std::max(1, options_.senders); ++i) {
    senders_.emplace_back([this] { Send(); });
  }
  dispatcher_ = std::thread([this] { Dispatch(); });
}

void DeliveryWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  dispatcher_wake_.notify_all();
  senders_wake_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
  for (std::thread& sender : senders_) {
    if (sender.joinable()) sender.join();
  }
  senders_.clear();
}

void DeliveryWorker::DeliveriesRecorded() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  dispatcher_wake_.notify_one();
}

std::vector<ClaimedDelivery> DeliveryWorker::Claim(int room) {
  ClaimRequest request;
  request.owner = instance_ + ":" + std::to_string(++claims_);
  request.now = clock_.NowMillis();
  // Past the lease another worker may send the delivery again: it must outlast a send
  // (connect, write and read may each take the timeout) and the recording after it.
  request.lease_ms = 3 * options_.request_timeout.count() + 10000;
  request.max_deliveries = room;
  Result<std::vector<ClaimedDelivery>> claimed = store_.ClaimDeliveries(request);
  if (!claimed.ok()) {
    std::fprintf(stderr, "[warn] webhook deliveries: cannot claim: %s\n",
                 claimed.status().ToString().c_str());
    return {};
  }
  return std::move(*claimed);
}

AttemptRecord DeliveryWorker::Attempt(const ClaimedDelivery& claimed) {
  const int64_t started = clock_.NowMillis();
  const Result<WebhookUrl> url = ParseWebhookUrl(claimed.url);
  if (!url.ok()) return FailedForGood(claimed, started, url.status().message());
  if (options_.deny_private_targets) {
    const Status target = CheckPublicTarget(url->host);
    if (!target.ok()) return FailedForGood(claimed, started, target.message());
  }
  std::optional<std::string> secret;
  if (claimed.sealed_secret) {
    Result<std::string> opened = secrets_.Open(*claimed.sealed_secret, claimed.delivery.webhook_id);
    if (!opened.ok()) return FailedForGood(claimed, started, opened.status().message());
    secret = std::move(*opened);
  }
  const WebhookResponse response = transport_.Post(
      SignedWebhookRequest(claimed.url, claimed.delivery.delivery_id, claimed.delivery.body, secret,
                           started, options_.request_timeout));
  return JudgeAttempt(claimed, response, started, clock_.NowMillis(), options_.limits, Jitter());
}

void DeliveryWorker::Record(std::vector<AttemptRecord> records) {
  unrecorded_.insert(unrecorded_.end(), std::make_move_iterator(records.begin()),
                     std::make_move_iterator(records.end()));
  if (unrecorded_.empty()) return;
  const Status recorded = store_.RecordAttempts(unrecorded_);
  if (recorded.ok()) {
    unrecorded_.clear();
    return;
  }
  std::fprintf(stderr, "[warn] webhook deliveries: %zu outcomes not recorded yet: %s\n",
               unrecorded_.size(), recorded.ToString().c_str());
  if (unrecorded_.size() > kMaxUnrecorded) {
    unrecorded_.erase(unrecorded_.begin(), unrecorded_.end() - kMaxUnrecorded);
  }
}

void DeliveryWorker::Maintain() {
  const int64_t now = clock_.NowMillis();
  if (now - last_maintenance_ < options_.maintenance_interval.count()) return;
  last_maintenance_ = now;
  Result<MaintenanceCounts> counts = store_.ExpireAndPurge(now, now - options_.limits.window_millis,
                                                           now - options_.retention.count());
  if (!counts.ok()) {
    std::fprintf(stderr, "[warn] webhook deliveries: maintenance failed: %s\n",
                 counts.status().ToString().c_str());
  }
}

void DeliveryWorker::Dispatch() {
  while (true) {
    std::vector<AttemptRecord> done;
    int room = 0;
    bool stopping = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      dispatcher_wake_.wait_for(lock, options_.poll_interval, [&] {
        return woken_ || !results_.empty() || (stopping_ && unfinished_ == 0);
      });
      woken_ = false;
      done.swap(results_);
      stopping = stopping_;
      room = options_.senders - unfinished_;
      if (stopping && unfinished_ == 0 && done.empty()) break;
    }
    Record(std::move(done));
    if (stopping) continue;  // Wait for the senders to finish what they hold.
    Maintain();
    if (room <= 0) continue;
    std::vector<ClaimedDelivery> claimed = Claim(room);
    if (claimed.empty()) continue;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      // A full claim means more may be due: look again as soon as there is room.
      woken_ = woken_ || static_cast<int>(claimed.size()) == room;
      unfinished_ += static_cast<int>(claimed.size());
      for (ClaimedDelivery& c : claimed) queue_.push_back(std::move(c));
    }
    senders_wake_.notify_all();
  }
  Record({});
}

void DeliveryWorker::Send() {
  while (true) {
    ClaimedDelivery claimed;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      senders_wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // Stopping, and nothing left in hand.
      claimed = std::move(queue_.front());
      queue_.pop_front();
    }
    AttemptRecord record = Attempt(claimed);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      results_.push_back(std::move(record));
      --unfinished_;
    }
    dispatcher_wake_.notify_one();
  }
}

Result<int> DeliveryWorker::RunOnce() {
  std::vector<ClaimedDelivery> claimed = Claim(std::max(1, options_.senders));
  std::vector<AttemptRecord> records;
  for (const ClaimedDelivery& c : claimed) records.push_back(Attempt(c));
  RETURN_IF_ERROR(store_.RecordAttempts(records));
  return static_cast<int>(records.size());
}

}  // namespace modelwarden
