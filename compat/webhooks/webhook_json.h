// Webhooks, test results and deliveries -> response bodies. MLflow's view writes what
// mlflow/protos/webhooks.proto's messages hold, as message_to_json writes them (enum names,
// int64 as numbers, unset fields and empty lists omitted, the secret never); modelwarden's view
// adds model_prefix and whether a secret is set. Pure functions; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "enforcement/webhooks/webhook_service.h"
#include "registry/entities.h"
#include "registry/webhooks/webhook.h"
#include "registry/webhooks/webhook_store.h"

namespace modelwarden {

// {"webhook": {...}}.
std::string WebhookResponseJson(const Webhook& webhook, WebhookApi api);
// {"webhooks": [...], "next_page_token": "..."}; {} when empty.
std::string WebhookListJson(const Page<Webhook>& page, WebhookApi api);
// {"result": {"success": ..., "response_status"?, "response_body"?, "error_message"?}}.
std::string WebhookTestResultJson(const WebhookTestResult& result);
// {"deliveries": [...], "next_page_token": "..."}; {} when empty.
std::string DeliveryListJson(const Page<Delivery>& page);
// {"delivery": {..., "body": "...", "attempt_log": [...]}}.
std::string DeliveryDetailJson(const Delivery& delivery,
                               const std::vector<DeliveryAttempt>& attempts);
// {"delivery": {...}}.
std::string DeliveryJson(const Delivery& delivery);

}  // namespace modelwarden
