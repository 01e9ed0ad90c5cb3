// A webhook request exactly as MLflow sends one (mlflow/webhooks/delivery.py
// _send_webhook_request): POST of the JSON body with Content-Type application/json,
// X-MLflow-Delivery-Id, X-MLflow-Timestamp (Unix seconds when sent) and, when the webhook has a
// secret, X-MLflow-Signature (webhook_crypto.h). Pure function; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "registry/webhooks/webhook_transport.h"

namespace modelwarden {

inline constexpr char kDeliveryIdHeader[] = "X-MLflow-Delivery-Id";
inline constexpr char kTimestampHeader[] = "X-MLflow-Timestamp";
inline constexpr char kSignatureHeader[] = "X-MLflow-Signature";

WebhookRequest SignedWebhookRequest(const std::string& url, const std::string& delivery_id,
                                    const std::string& body,
                                    const std::optional<std::string>& secret, int64_t now_millis,
                                    std::chrono::milliseconds timeout);

}  // namespace modelwarden
