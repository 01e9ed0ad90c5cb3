// When a webhook delivery is tried again, as pure functions (the delivery worker applies them).
//
// An attempt is delivered on 2xx; tried again on no answer, 408, 429 and 5xx (MLflow retries
// 429, 500, 502, 503 and 504); failed for good on anything else. Each delivery waits 1 s, 2 s,
// 4 s, ... (at most 60 s, MLflow's backoff_max) plus up to 1 s of random jitter between its
// attempts, or longer when the receiver sent Retry-After (honoured up to an hour). A receiver
// that fails pauses its webhook by the same schedule on its count of consecutive failures, so
// a dead receiver costs one attempt per pause, not one per waiting event. A delivery gives up
// when its next attempt would fall after the retry window (from the event), or after
// max_retries retries when that is set (MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "registry/webhooks/webhook_store.h"
#include "registry/webhooks/webhook_transport.h"

namespace modelwarden {

inline constexpr int64_t kMaxBackoffMillis = 60 * 1000;
inline constexpr int64_t kMaxRetryAfterMillis = 60 * 60 * 1000;

enum class AttemptVerdict { kDelivered, kRetry, kFailed };
AttemptVerdict ClassifyResponse(const WebhookResponse& response);

// The wait after the `failures`-th consecutive failure (1, 2, ...): min(2^(failures-1) s,
// 60 s) plus `jitter01` (in [0, 1)) of a second.
int64_t BackoffMillis(int failures, double jitter01);

// Retry-After as delay-seconds or an HTTP-date (RFC 9110), capped at an hour; nullopt when it
// is neither.
std::optional<int64_t> RetryAfterMillis(const std::string& value, int64_t now_millis);

struct RetryLimits {
  int64_t window_millis = 24LL * 60 * 60 * 1000;
  std::optional<int> max_retries;  // Unset: only the window bounds retries.
};

// What an attempt that got `response` at `now` makes of the claimed delivery: its record,
// whether it is delivered, retried (and when) or failed, and the pause of its webhook.
AttemptRecord JudgeAttempt(const ClaimedDelivery& claimed, const WebhookResponse& response,
                           int64_t started, int64_t now, const RetryLimits& limits,
                           double jitter01);

}  // namespace modelwarden
