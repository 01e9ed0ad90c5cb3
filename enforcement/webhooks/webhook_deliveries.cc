// The delivery log of WebhookService (webhook_service.h): listing, reading and redelivering.
#include "enforcement/webhooks/webhook_service.h"
#include "registry/operation.h"
#include "registry/search/page_token.h"

namespace modelwarden {
namespace {

constexpr int64_t kMaxDeliveries = 1000;

Status DeliveryNotFound(const std::string& delivery_id) {
  return Status::NotFound("Webhook delivery with ID " + delivery_id + " not found.");
}

std::string Describe(const Delivery& d) {
  return "delivery " + d.delivery_id + " of webhook " + d.webhook_id + " (" + EventName(d.event) +
         ") status=" + std::string(DeliveryStatusName(d.status)) +
         " attempts=" + std::to_string(d.attempts);
}

}  // namespace

Result<Page<Delivery>> WebhookService::ListDeliveries(const CallContext& ctx,
                                                      const DeliveryListRequest& request) {
  if (request.max_results < 1 || request.max_results > kMaxDeliveries) {
    return Status::InvalidArgument("max_results must be between 1 and " +
                                   std::to_string(kMaxDeliveries) + ", got " +
                                   std::to_string(request.max_results));
  }
  DeliveryQuery query;
  query.webhook_id = request.webhook_id;
  query.status = request.status;
  query.max_results = request.max_results;
  ASSIGN_OR_RETURN(query.offset, DecodePageToken(request.page_token));
  ASSIGN_OR_RETURN(query.scopes, access_.WebhookScopesFor(ctx.principal));
  if (query.scopes && query.scopes->empty()) {
    RETURN_IF_ERROR(AuthorizeScope(ctx, Operation::kListWebhookDeliveries, ""));
  }
  return store_.ListDeliveries(query);
}

Result<std::pair<Delivery, std::vector<DeliveryAttempt>>> WebhookService::GetDelivery(
    const CallContext& ctx, const std::string& delivery_id) {
  ASSIGN_OR_RETURN(auto found, store_.GetDelivery(delivery_id));
  if (!found) return DeliveryNotFound(delivery_id);
  ASSIGN_OR_RETURN(std::optional<std::string> scope, store_.WebhookScope(found->first.webhook_id));
  RETURN_IF_ERROR(AuthorizeScope(ctx, Operation::kGetWebhookDelivery, scope.value_or("")));
  return std::move(*found);
}

Result<Delivery> WebhookService::Redeliver(const CallContext& ctx, const std::string& delivery_id) {
  RETURN_IF_ERROR(Change(
      ctx, Operation::kRedeliverWebhookDelivery,
      [&](WebhookRows& rows) -> Result<Decision> {
        ASSIGN_OR_RETURN(std::optional<Delivery> delivery, rows.FindDelivery(delivery_id));
        if (!delivery) return DeliveryNotFound(delivery_id);
        ASSIGN_OR_RETURN(std::optional<StoredWebhook> webhook,
                         rows.FindWebhook(delivery->webhook_id));
        if (!webhook) {
          return Status::InvalidArgument("Webhook delivery " + delivery_id +
                                         " cannot be redelivered: its webhook " +
                                         delivery->webhook_id + " was deleted.");
        }
        return Decision{{webhook->webhook.model_prefix},
                        Describe(*delivery),
                        "delivery " + delivery_id + " status=pending (redelivery)"};
      },
      [&](WebhookRows& rows, int64_t now) { return rows.Redeliver(delivery_id, now); }));
  if (listener_ != nullptr) listener_->DeliveriesRecorded();
  ASSIGN_OR_RETURN(auto found, store_.GetDelivery(delivery_id));
  if (!found) return DeliveryNotFound(delivery_id);
  return std::move(found->first);
}

}  // namespace modelwarden
