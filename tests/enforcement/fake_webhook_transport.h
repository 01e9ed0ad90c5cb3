// A WebhookTransport for tests: records every request and answers from a queue of responses
// (200 when the queue is empty). Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "registry/webhooks/webhook_transport.h"

namespace modelwarden::testing {

class FakeWebhookTransport final : public WebhookTransport {
 public:
  WebhookResponse Post(const WebhookRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(request);
    if (responses_.empty()) {
      WebhookResponse ok;
      ok.status = 200;
      ok.body = "ok";
      return ok;
    }
    WebhookResponse next = responses_.front();
    responses_.pop_front();
    return next;
  }

  void Answer(int status, std::string body = "", std::optional<std::string> retry_after = {}) {
    WebhookResponse response;
    response.status = status;
    response.body = std::move(body);
    response.retry_after = std::move(retry_after);
    std::lock_guard<std::mutex> lock(mutex_);
    responses_.push_back(response);
  }
  void Fail(std::string error) {
    WebhookResponse response;
    response.error = std::move(error);
    std::lock_guard<std::mutex> lock(mutex_);
    responses_.push_back(response);
  }
  std::vector<WebhookRequest> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

  // The value of header `name` of `request`, "" when absent.
  static std::string Header(const WebhookRequest& request, const std::string& name) {
    for (const auto& [key, value] : request.headers) {
      if (key == name) return value;
    }
    return "";
  }

 private:
  std::mutex mutex_;
  std::vector<WebhookRequest> requests_;
  std::deque<WebhookResponse> responses_;
};

}  // namespace modelwarden::testing
