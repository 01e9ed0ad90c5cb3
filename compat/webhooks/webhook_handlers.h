// One function per webhook endpoint (compat/routes.h kWebhookRoutes): MLflow's webhook API
// under /mlflow/webhooks, read as MLflow's handlers read it (mlflow/server/handlers.py
// _create_webhook, ...), and modelwarden's view of the same webhooks and of their deliveries
// under /modelwarden/webhooks. WebhookService authorizes each call.
#pragma once

#include <string>
#include <vector>

#include "compat/reply.h"
#include "compat/request_reader.h"
#include "enforcement/webhooks/webhook_service.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

// The values of a route's {placeholders}, in order (e.g. the webhook id).
using PathValues = std::vector<std::string>;

using WebhookHandler = Result<Reply> (*)(const CallContext& ctx, const RequestReader& request,
                                         const PathValues& path, WebhookService& webhooks);

// MLflow's endpoints.
Result<Reply> HandleCreateWebhook(const CallContext&, const RequestReader&, const PathValues&,
                                  WebhookService&);
Result<Reply> HandleListWebhooks(const CallContext&, const RequestReader&, const PathValues&,
                                 WebhookService&);
Result<Reply> HandleGetWebhook(const CallContext&, const RequestReader&, const PathValues&,
                               WebhookService&);
Result<Reply> HandleUpdateWebhook(const CallContext&, const RequestReader&, const PathValues&,
                                  WebhookService&);
Result<Reply> HandleDeleteWebhook(const CallContext&, const RequestReader&, const PathValues&,
                                  WebhookService&);
Result<Reply> HandleTestWebhook(const CallContext&, const RequestReader&, const PathValues&,
                                WebhookService&);

// modelwarden's view: every event, model_prefix.
Result<Reply> HandleCreateWebhookFull(const CallContext&, const RequestReader&, const PathValues&,
                                      WebhookService&);
Result<Reply> HandleListWebhooksFull(const CallContext&, const RequestReader&, const PathValues&,
                                     WebhookService&);
Result<Reply> HandleGetWebhookFull(const CallContext&, const RequestReader&, const PathValues&,
                                   WebhookService&);
Result<Reply> HandleUpdateWebhookFull(const CallContext&, const RequestReader&, const PathValues&,
                                      WebhookService&);
Result<Reply> HandleDeleteWebhookFull(const CallContext&, const RequestReader&, const PathValues&,
                                      WebhookService&);
Result<Reply> HandleTestWebhookFull(const CallContext&, const RequestReader&, const PathValues&,
                                    WebhookService&);

// GET deliveries?webhook_id=&status=&max_results=&page_token=, newest first.
Result<Reply> HandleListWebhookDeliveries(const CallContext&, const RequestReader&,
                                          const PathValues&, WebhookService&);
// GET deliveries/{delivery_id}: with its body and every attempt.
Result<Reply> HandleGetWebhookDelivery(const CallContext&, const RequestReader&, const PathValues&,
                                       WebhookService&);
// POST deliveries/{delivery_id}/redeliver.
Result<Reply> HandleRedeliverWebhookDelivery(const CallContext&, const RequestReader&,
                                             const PathValues&, WebhookService&);

}  // namespace modelwarden
