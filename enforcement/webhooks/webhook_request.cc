#include "enforcement/webhooks/webhook_request.h"

#include "enforcement/webhooks/webhook_crypto.h"

namespace modelwarden {

WebhookRequest SignedWebhookRequest(const std::string& url, const std::string& delivery_id,
                                    const std::string& body,
                                    const std::optional<std::string>& secret, int64_t now_millis,
                                    std::chrono::milliseconds timeout) {
  WebhookRequest request;
  request.url = url;
  request.body = body;
  request.timeout = timeout;
  const std::string timestamp = std::to_string(now_millis / 1000);
  request.headers = {{"Content-Type", "application/json"},
                     {kDeliveryIdHeader, delivery_id},
                     {kTimestampHeader, timestamp}};
  // MLflow signs only when the secret is non-empty ("if webhook.secret").
  if (secret && !secret->empty()) {
    request.headers.emplace_back(kSignatureHeader,
                                 WebhookSignature(*secret, delivery_id, timestamp, body));
  }
  return request;
}

}  // namespace modelwarden
