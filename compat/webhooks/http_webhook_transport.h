// HttpWebhookTransport: WebhookTransport over cpp-httplib's client. One connection per request
// (receivers are many and each sees few requests), certificates verified against the system's
// trust store for https, redirects not followed (a 3xx is the receiver's answer), and at most
// kMaxResponseBody bytes of an answer kept (the rest is read and dropped). Thread-safe.
#pragma once

#include <cstddef>

#include "registry/webhooks/webhook_transport.h"

namespace modelwarden {

class HttpWebhookTransport final : public WebhookTransport {
 public:
  static constexpr size_t kMaxResponseBody = 64 * 1024;

  WebhookResponse Post(const WebhookRequest& request) override;
};

}  // namespace modelwarden
