#include "enforcement/webhooks/retry_policy.h"

#include <algorithm>
#include <ctime>

#include "registry/text.h"

namespace modelwarden {
namespace {

// An IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", as milliseconds since the epoch.
std::optional<int64_t> ParseHttpDate(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

}  // namespace

AttemptVerdict ClassifyResponse(const WebhookResponse& response) {
  const int status = response.status;
  if (status >= 200 && status < 300) return AttemptVerdict::kDelivered;
  if (status == 0 || status == 408 || status == 429 || status >= 500) return AttemptVerdict::kRetry;
  return AttemptVerdict::kFailed;
}

int64_t BackoffMillis(int failures, double jitter01) {
  const int exponent = std::clamp(failures - 1, 0, 16);
  const int64_t base = std::min<int64_t>(int64_t{1000} << exponent, kMaxBackoffMillis);
  return base + static_cast<int64_t>(std::clamp(jitter01, 0.0, 0.999) * 1000);
}

std::optional<int64_t> RetryAfterMillis(const std::string& value, int64_t now_millis) {
  const std::string_view text = Trim(value);
  if (!text.empty() && std::all_of(text.begin(), text.end(), IsAsciiDigit)) {
    if (text.size() > 7) return kMaxRetryAfterMillis;
    return std::min<int64_t>(std::stoll(std::string(text)) * 1000, kMaxRetryAfterMillis);
  }
  const std::optional<int64_t> date = ParseHttpDate(std::string(text));
  if (!date) return std::nullopt;
  return std::clamp<int64_t>(*date - now_millis, 0, kMaxRetryAfterMillis);
}

AttemptRecord JudgeAttempt(const ClaimedDelivery& claimed, const WebhookResponse& response,
                           int64_t started, int64_t now, const RetryLimits& limits,
                           double jitter01) {
  AttemptRecord record;
  record.delivery_id = claimed.delivery.delivery_id;
  record.webhook_id = claimed.delivery.webhook_id;
  record.lease = claimed.lease;
  record.attempt.attempt = claimed.delivery.attempts + 1;
  record.attempt.timestamp = started;
  record.attempt.duration_ms = std::max<int64_t>(0, now - started);
  if (response.status != 0) record.attempt.http_status = response.status;
  record.attempt.error = response.error;
  switch (ClassifyResponse(response)) {
    case AttemptVerdict::kDelivered:
      record.status = DeliveryStatus::kDelivered;
      return record;
    case AttemptVerdict::kFailed:
      record.status = DeliveryStatus::kFailed;
      if (record.attempt.error.empty()) {
        record.attempt.error = "HTTP " + std::to_string(response.status) + " is not retried";
      }
      return record;
    case AttemptVerdict::kRetry:
      break;
  }
  std::optional<int64_t> asked;
  if (response.retry_after) asked = RetryAfterMillis(*response.retry_after, now);
  const int64_t wait = std::max(BackoffMillis(record.attempt.attempt, jitter01), asked.value_or(0));
  record.receiver_failed = true;
  record.webhook_paused_until =
      now + std::max(BackoffMillis(claimed.receiver_failures + 1, jitter01), asked.value_or(0));
  record.next_attempt_timestamp = now + wait;
  const int retries_made = record.attempt.attempt - 1;
  const bool out_of_retries = limits.max_retries && retries_made >= *limits.max_retries;
  const bool out_of_time =
      record.next_attempt_timestamp > claimed.delivery.creation_timestamp + limits.window_millis;
  record.status =
      out_of_retries || out_of_time ? DeliveryStatus::kFailed : DeliveryStatus::kPending;
  if (record.status == DeliveryStatus::kFailed && record.attempt.error.empty()) {
    record.attempt.error = "HTTP " + std::to_string(response.status) + "; gave up retrying";
  } else if (record.status == DeliveryStatus::kFailed) {
    record.attempt.error += "; gave up retrying";
  }
  return record;
}

}  // namespace modelwarden
