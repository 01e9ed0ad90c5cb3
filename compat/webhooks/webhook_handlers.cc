#include "compat/webhooks/webhook_handlers.h"

#include <set>

#include "compat/utf8.h"
#include "compat/webhooks/webhook_json.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

constexpr int64_t kDefaultDeliveries = 100;

std::string Quoted(const std::string& text) { return "'" + ToValidUtf8(text) + "'"; }

template <typename T, typename Name>
std::string NamesOf(WebhookApi api, T WebhookEvent::*member, Name name) {
  std::set<T> seen;
  std::string names;
  for (const WebhookEvent& event : SubscribableEvents(api)) {
    if (!seen.insert(event.*member).second) continue;
    names += (names.empty() ? "" : ", ") + name(event.*member);
  }
  return names;
}

// One {"entity": ..., "action": ...} as protobuf's JSON parser reads a WebhookEvent: enum names
// or numbers. MLflow answers a missing or unknown one with a 500; these are 400s.
Result<WebhookEvent> ParseEvent(const ScalarMap& object, WebhookApi api) {
  const auto entity_text = object.find("entity");
  const auto action_text = object.find("action");
  if (entity_text == object.end() || action_text == object.end()) {
    return Status::InvalidArgument("Invalid webhook event: it needs an 'entity' and an 'action'.");
  }
  const std::optional<WebhookEntity> entity = ParseEntity(entity_text->second, api);
  if (!entity) {
    return Status::InvalidArgument(
        "Invalid webhook entity " + Quoted(entity_text->second) + ". Valid entities are: " +
        NamesOf(api, &WebhookEvent::entity, [](WebhookEntity e) { return EntityProtoName(e); }) +
        ".");
  }
  const std::optional<WebhookAction> action = ParseAction(action_text->second, api);
  if (!action) {
    return Status::InvalidArgument(
        "Invalid webhook action " + Quoted(action_text->second) + ". Valid actions are: " +
        NamesOf(api, &WebhookEvent::action, [](WebhookAction a) { return ActionProtoName(a); }) +
        ".");
  }
  return WebhookEvent{*entity, *action};
}

Result<std::vector<WebhookEvent>> ParseEvents(const std::vector<ScalarMap>& objects,
                                              WebhookApi api) {
  std::vector<WebhookEvent> events;
  for (const ScalarMap& object : objects) {
    ASSIGN_OR_RETURN(WebhookEvent event, ParseEvent(object, api));
    events.push_back(event);
  }
  return events;
}

Result<std::optional<WebhookStatus>> ReadStatus(const RequestReader& request) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, request.OptionalScalar("status"));
  if (!text || text->empty()) return std::optional<WebhookStatus>();
  const std::optional<WebhookStatus> status = ParseWebhookStatus(*text);
  // MLflow's proto parser fails on an unknown name and the handler then goes on without a
  // status (ACTIVE on create, unchanged on update); a typo is refused here instead.
  if (!status) {
    return Status::InvalidArgument("Invalid value " + Quoted(*text) +
                                   " for parameter 'status' supplied: it must be ACTIVE or "
                                   "DISABLED.");
  }
  return status;
}

// `description or None`, `secret or None`, ...: an empty string is "not given".
Result<std::optional<std::string>> NonEmpty(const RequestReader& request, std::string_view field) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, request.OptionalString(field));
  if (value && value->empty()) value.reset();
  return value;
}

const std::string& IdOf(const PathValues& path) {
  static const std::string kNone;
  return path.empty() ? kNone : path.front();
}

Result<Reply> Create(const CallContext& ctx, const RequestReader& request, WebhookService& service,
                     WebhookApi api) {
  NewWebhook webhook;
  ASSIGN_OR_RETURN(webhook.name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(webhook.url, request.RequiredString("url"));
  ASSIGN_OR_RETURN(std::optional<std::vector<ScalarMap>> events, request.ObjectList("events"));
  if (!events) return MissingParameterError("events");
  ASSIGN_OR_RETURN(webhook.description, request.StringOr("description", ""));
  ASSIGN_OR_RETURN(webhook.secret, request.StringOr("secret", ""));
  ASSIGN_OR_RETURN(webhook.status, ReadStatus(request));
  if (api == WebhookApi::kModelwarden) {
    ASSIGN_OR_RETURN(webhook.model_prefix, request.StringOr("model_prefix", ""));
  }
  ASSIGN_OR_RETURN(webhook.events, ParseEvents(*events, api));
  ASSIGN_OR_RETURN(Webhook created, service.Create(ctx, api, webhook));
  return Reply{WebhookResponseJson(created, api)};
}

Result<Reply> List(const CallContext& ctx, const RequestReader& request, WebhookService& service,
                   WebhookApi api) {
  ASSIGN_OR_RETURN(std::optional<int64_t> max_results, request.OptionalInt64("max_results"));
  ASSIGN_OR_RETURN(std::string page_token, request.StringOr("page_token", ""));
  ASSIGN_OR_RETURN(Page<Webhook> page, service.List(ctx, api, max_results, page_token));
  return Reply{WebhookListJson(page, api)};
}

Result<Reply> Get(const CallContext& ctx, const PathValues& path, WebhookService& service,
                  WebhookApi api) {
  ASSIGN_OR_RETURN(Webhook webhook, service.Get(ctx, api, IdOf(path)));
  return Reply{WebhookResponseJson(webhook, api)};
}

Result<Reply> Update(const CallContext& ctx, const RequestReader& request, const PathValues& path,
                     WebhookService& service, WebhookApi api) {
  WebhookUpdate update;
  ASSIGN_OR_RETURN(update.name, NonEmpty(request, "name"));
  ASSIGN_OR_RETURN(update.description, NonEmpty(request, "description"));
  ASSIGN_OR_RETURN(update.url, NonEmpty(request, "url"));
  ASSIGN_OR_RETURN(std::optional<std::vector<ScalarMap>> events, request.ObjectList("events"));
  ASSIGN_OR_RETURN(update.secret, NonEmpty(request, "secret"));
  ASSIGN_OR_RETURN(update.status, ReadStatus(request));
  if (api == WebhookApi::kModelwarden) {
    ASSIGN_OR_RETURN(update.model_prefix, request.OptionalString("model_prefix"));
  }
  if (events && !events->empty()) {
    ASSIGN_OR_RETURN(update.events, ParseEvents(*events, api));
  }
  ASSIGN_OR_RETURN(Webhook updated, service.Update(ctx, api, IdOf(path), update));
  return Reply{WebhookResponseJson(updated, api)};
}

Result<Reply> Delete(const CallContext& ctx, const PathValues& path, WebhookService& service,
                     WebhookApi api) {
  RETURN_IF_ERROR(service.Delete(ctx, api, IdOf(path)));
  return Reply{"{}"};
}

Result<Reply> Test(const CallContext& ctx, const RequestReader& request, const PathValues& path,
                   WebhookService& service, WebhookApi api) {
  ASSIGN_OR_RETURN(std::optional<ScalarMap> object, request.Object("event"));
  std::optional<WebhookEvent> event;
  if (object) {
    ASSIGN_OR_RETURN(event, ParseEvent(*object, api));
    RETURN_IF_ERROR(ValidateWebhookEvent(*event, api));
  }
  ASSIGN_OR_RETURN(WebhookTestResult result, service.Test(ctx, api, IdOf(path), event));
  return Reply{WebhookTestResultJson(result)};
}

}  // namespace

Result<Reply> HandleCreateWebhook(const CallContext& ctx, const RequestReader& request,
                                  const PathValues&, WebhookService& service) {
  return Create(ctx, request, service, WebhookApi::kMlflow);
}
Result<Reply> HandleListWebhooks(const CallContext& ctx, const RequestReader& request,
                                 const PathValues&, WebhookService& service) {
  return List(ctx, request, service, WebhookApi::kMlflow);
}
Result<Reply> HandleGetWebhook(const CallContext& ctx, const RequestReader&, const PathValues& path,
                               WebhookService& service) {
  return Get(ctx, path, service, WebhookApi::kMlflow);
}
Result<Reply> HandleUpdateWebhook(const CallContext& ctx, const RequestReader& request,
                                  const PathValues& path, WebhookService& service) {
  return Update(ctx, request, path, service, WebhookApi::kMlflow);
}
Result<Reply> HandleDeleteWebhook(const CallContext& ctx, const RequestReader&,
                                  const PathValues& path, WebhookService& service) {
  return Delete(ctx, path, service, WebhookApi::kMlflow);
}
Result<Reply> HandleTestWebhook(const CallContext& ctx, const RequestReader& request,
                                const PathValues& path, WebhookService& service) {
  return Test(ctx, request, path, service, WebhookApi::kMlflow);
}

Result<Reply> HandleCreateWebhookFull(const CallContext& ctx, const RequestReader& request,
                                      const PathValues&, WebhookService& service) {
  return Create(ctx, request, service, WebhookApi::kModelwarden);
}
Result<Reply> HandleListWebhooksFull(const CallContext& ctx, const RequestReader& request,
                                     const PathValues&, WebhookService& service) {
  return List(ctx, request, service, WebhookApi::kModelwarden);
}
Result<Reply> HandleGetWebhookFull(const CallContext& ctx, const RequestReader&,
                                   const PathValues& path, WebhookService& service) {
  return Get(ctx, path, service, WebhookApi::kModelwarden);
}
Result<Reply> HandleUpdateWebhookFull(const CallContext& ctx, const RequestReader& request,
                                      const PathValues& path, WebhookService& service) {
  return Update(ctx, request, path, service, WebhookApi::kModelwarden);
}
Result<Reply> HandleDeleteWebhookFull(const CallContext& ctx, const RequestReader&,
                                      const PathValues& path, WebhookService& service) {
  return Delete(ctx, path, service, WebhookApi::kModelwarden);
}
Result<Reply> HandleTestWebhookFull(const CallContext& ctx, const RequestReader& request,
                                    const PathValues& path, WebhookService& service) {
  return Test(ctx, request, path, service, WebhookApi::kModelwarden);
}

Result<Reply> HandleListWebhookDeliveries(const CallContext& ctx, const RequestReader& request,
                                          const PathValues&, WebhookService& service) {
  DeliveryListRequest list;
  ASSIGN_OR_RETURN(list.webhook_id, request.StringOr("webhook_id", ""));
  ASSIGN_OR_RETURN(std::optional<std::string> status, request.OptionalString("status"));
  if (status && !status->empty()) {
    list.status = ParseDeliveryStatus(*status);
    if (!list.status) {
      return Status::InvalidArgument("Invalid value " + Quoted(*status) +
                                     " for parameter 'status': it must be pending, delivered, "
                                     "failed or cancelled.");
    }
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> max_results, request.OptionalInt64("max_results"));
  list.max_results = max_results.value_or(kDefaultDeliveries);
  ASSIGN_OR_RETURN(list.page_token, request.StringOr("page_token", ""));
  ASSIGN_OR_RETURN(Page<Delivery> page, service.ListDeliveries(ctx, list));
  return Reply{DeliveryListJson(page)};
}

Result<Reply> HandleGetWebhookDelivery(const CallContext& ctx, const RequestReader&,
                                       const PathValues& path, WebhookService& service) {
  ASSIGN_OR_RETURN(auto found, service.GetDelivery(ctx, IdOf(path)));
  return Reply{DeliveryDetailJson(found.first, found.second)};
}

Result<Reply> HandleRedeliverWebhookDelivery(const CallContext& ctx, const RequestReader&,
                                             const PathValues& path, WebhookService& service) {
  ASSIGN_OR_RETURN(Delivery delivery, service.Redeliver(ctx, IdOf(path)));
  return Reply{DeliveryJson(delivery)};
}

}  // namespace modelwarden
