// WebhookTransport: how a webhook request leaves the server. One POST, no retries (the outbox
// schedules those); implemented over HTTP in compat/webhooks/http_webhook_transport.h, and by
// fakes in tests. Implementations are thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace modelwarden {

struct WebhookRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};  // Connecting, and each read and write.
};

struct WebhookResponse {
  // The receiver's answer; 0 when there was none (then `error` says why).
  int status = 0;
  std::string body;
  std::optional<std::string> retry_after;  // The Retry-After header, if any.
  std::string error;
};

class WebhookTransport {
 public:
  virtual ~WebhookTransport() = default;
  virtual WebhookResponse Post(const WebhookRequest& request) = 0;
};

}  // namespace modelwarden
