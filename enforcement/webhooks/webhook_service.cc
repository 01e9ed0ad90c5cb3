#include "enforcement/webhooks/webhook_service.h"

#include <algorithm>
#include <cstdio>

#include "enforcement/webhooks/webhook_request.h"
#include "enforcement/webhooks/webhook_target.h"
#include "registry/operation.h"
#include "registry/search/page_token.h"
#include "registry/text.h"
#include "registry/webhooks/webhook_payloads.h"

namespace modelwarden {
namespace {

constexpr int64_t kListDefault = 100;
constexpr int64_t kListMax = 1000;
constexpr size_t kMaxPrefixLength = 256;

std::string Describe(const Webhook& w) {
  std::string events;
  for (const WebhookEvent& event : w.events) {
    events += (events.empty() ? "" : ",") + EventName(event);
  }
  return "webhook " + w.webhook_id + " name=" + w.name + " url=" + w.url +
         " status=" + std::string(WebhookStatusName(w.status)) + " events=" + events +
         " model_prefix=" + w.model_prefix + (w.has_secret ? " secret=set" : "");
}

Status ValidateModelPrefix(const std::string& prefix) {
  if (prefix.size() > kMaxPrefixLength) {
    return Status::InvalidArgument("model_prefix is longer than " +
                                   std::to_string(kMaxPrefixLength) + " bytes.");
  }
  for (char c : prefix) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("model_prefix must not contain control characters.");
    }
  }
  return Status::Ok();
}

// The events an update through `api` leaves: the given ones, and (MLflow's view) the webhook's
// modelwarden events, which that view cannot see.
std::vector<WebhookEvent> MergedEvents(const std::vector<WebhookEvent>& given,
                                       const std::vector<WebhookEvent>& existing, WebhookApi api) {
  std::vector<WebhookEvent> events = given;
  if (api == WebhookApi::kMlflow) {
    for (const WebhookEvent& event : existing) {
      if (!IsMlflowEvent(event)) events.push_back(event);
    }
  }
  return events;
}

}  // namespace

Status WebhookNotFound(const std::string& webhook_id) {
  return Status::NotFound("Webhook with ID " + webhook_id + " not found.");
}

WebhookService::WebhookService(WebhookStore& store, WriteTransactions& units, AccessControl& access,
                               const Clock& clock, const WebhookSecretBox& secrets,
                               WebhookTransport& transport, WebhookServiceOptions options,
                               OutboxListener* listener)
    : store_(store),
      units_(units),
      access_(access),
      clock_(clock),
      secrets_(secrets),
      transport_(transport),
      options_(std::move(options)),
      listener_(listener) {}

std::optional<Webhook> WebhookService::View(Webhook webhook, WebhookApi api) {
  if (api == WebhookApi::kModelwarden) return webhook;
  webhook.events.erase(std::remove_if(webhook.events.begin(), webhook.events.end(),
                                      [](const WebhookEvent& e) { return !IsMlflowEvent(e); }),
                       webhook.events.end());
  if (webhook.events.empty()) return std::nullopt;
  return webhook;
}

Status WebhookService::CheckUrl(const std::string& url) const {
  RETURN_IF_ERROR(ValidateWebhookUrl(url, options_.allowed_schemes));
  return CheckTarget(url);
}

Status WebhookService::CheckTarget(const std::string& url) const {
  if (!options_.deny_private_targets) return Status::Ok();
  ASSIGN_OR_RETURN(WebhookUrl parsed, ParseWebhookUrl(url));
  return CheckPublicTarget(parsed.host);
}

Status WebhookService::AuthorizeScope(const CallContext& ctx, Operation operation,
                                      const std::string& scope) {
  AccessRequest request;
  request.operation = operation;
  request.model = scope;
  return access_.Authorize(ctx, request);
}

void WebhookService::Audit(const CallContext& ctx, Operation operation, AuditOutcome outcome,
                           const std::string& after) {
  AuditEvent event;
  event.timestamp = clock_.NowMillis();
  event.request_id = ctx.request_id;
  event.principal = ctx.principal.AuditName();
  event.client_address = ctx.client_address;
  event.operation = std::string(OperationName(operation));
  event.outcome = outcome;
  event.after = after;
  // The action happened; a lost record must not turn it into an error.
  const Status recorded = units_.Write({}, [&](WriteTxn& txn) { return txn.AppendAudit(event); });
  if (!recorded.ok()) {
    std::fprintf(stderr, "[error] request %s: %s not recorded in the audit log: %s\n",
                 ctx.request_id.c_str(), event.operation.c_str(), recorded.ToString().c_str());
  }
}

Status WebhookService::Change(const CallContext& ctx, Operation operation,
                              const std::function<Result<Decision>(WebhookRows&)>& inspect,
                              const std::function<Status(WebhookRows&, int64_t now)>& apply) {
  const int64_t now = clock_.NowMillis();
  Status refusal;
  RETURN_IF_ERROR(units_.Write({}, [&](WriteTxn& txn) -> Status {
    refusal = Status::Ok();
    ASSIGN_OR_RETURN(const Decision decision, inspect(txn.webhooks()));
    AuditEvent event;
    event.timestamp = now;
    event.request_id = ctx.request_id;
    event.principal = ctx.principal.AuditName();
    event.client_address = ctx.client_address;
    event.operation = std::string(OperationName(operation));
    event.before = decision.before;
    event.after = decision.after;
    for (const std::string& scope : decision.scopes) {
      AccessRequest request;
      request.operation = operation;
      request.model = scope;
      const Status allowed = access_.AuthorizeIn(txn.auth(), ctx.principal, request);
      if (allowed.code() == ErrorCode::kPermissionDenied) {
        refusal = allowed;
        event.outcome = AuditOutcome::kDenied;
        event.checks.push_back({"access", CheckOutcome::kFailed, allowed.message()});
        return txn.AppendAudit(event);
      }
      RETURN_IF_ERROR(allowed);
    }
    RETURN_IF_ERROR(apply(txn.webhooks(), now));
    return txn.AppendAudit(event);
  }));
  return refusal;
}

Result<Webhook> WebhookService::Create(const CallContext& ctx, WebhookApi api,
                                       const NewWebhook& request) {
  // MLflow's order: name, URL, events (SqlAlchemyStore.create_webhook).
  RETURN_IF_ERROR(ValidateWebhookName(request.name));
  RETURN_IF_ERROR(ValidateWebhookUrl(request.url, options_.allowed_schemes));
  RETURN_IF_ERROR(ValidateWebhookEvents(request.events, api));
  RETURN_IF_ERROR(ValidateWebhookDescription(request.description));
  RETURN_IF_ERROR(ValidateModelPrefix(request.model_prefix));
  RETURN_IF_ERROR(CheckTarget(request.url));
  StoredWebhook stored;
  Webhook& w = stored.webhook;
  w.webhook_id = NewUuid4();
  w.name = request.name;
  w.description = request.description;
  w.url = request.url;
  w.events = request.events;
  w.status = request.status.value_or(WebhookStatus::kActive);
  w.model_prefix = request.model_prefix;
  if (!request.secret.empty()) {
    ASSIGN_OR_RETURN(stored.sealed_secret, secrets_.Seal(request.secret, w.webhook_id));
    w.has_secret = true;
  }
  RETURN_IF_ERROR(Change(
      ctx, Operation::kCreateWebhook,
      [&](WebhookRows&) -> Result<Decision> {
        return Decision{{w.model_prefix}, "", Describe(w)};
      },
      [&](WebhookRows& rows, int64_t now) {
        w.creation_timestamp = now;
        w.last_updated_timestamp = now;
        return rows.InsertWebhook(stored);
      }));
  return *View(w, api);
}

Result<StoredWebhook> WebhookService::Find(WebhookApi api, const std::string& webhook_id) {
  ASSIGN_OR_RETURN(std::optional<StoredWebhook> stored, store_.GetWebhook(webhook_id));
  if (!stored || !View(stored->webhook, api)) return WebhookNotFound(webhook_id);
  return std::move(*stored);
}

Result<Webhook> WebhookService::Get(const CallContext& ctx, WebhookApi api,
                                    const std::string& webhook_id) {
  ASSIGN_OR_RETURN(StoredWebhook stored, Find(api, webhook_id));
  RETURN_IF_ERROR(AuthorizeScope(ctx, Operation::kGetWebhook, stored.webhook.model_prefix));
  return *View(std::move(stored.webhook), api);
}

Result<Page<Webhook>> WebhookService::List(const CallContext& ctx, WebhookApi api,
                                           std::optional<int64_t> max_results,
                                           const std::string& page_token) {
  WebhookListQuery query;
  query.api = api;
  // MLflow: `max_results or 100`, then 1..1000.
  query.max_results = max_results.value_or(0) == 0 ? kListDefault : *max_results;
  if (query.max_results < 1 || query.max_results > kListMax) {
    return Status::InvalidArgument("max_results must be between 1 and 1000.");
  }
  ASSIGN_OR_RETURN(query.offset, DecodePageToken(page_token));
  ASSIGN_OR_RETURN(query.scopes, access_.WebhookScopesFor(ctx.principal));
  // No WEBHOOKS grant at all: refused (and recorded) rather than an empty list.
  if (query.scopes && query.scopes->empty()) {
    RETURN_IF_ERROR(AuthorizeScope(ctx, Operation::kListWebhooks, ""));
  }
  ASSIGN_OR_RETURN(Page<Webhook> page, store_.ListWebhooks(query));
  Page<Webhook> shown;
  shown.next_page_token = page.next_page_token;
  for (Webhook& webhook : page.items) {
    if (std::optional<Webhook> view = View(std::move(webhook), api)) {
      shown.items.push_back(std::move(*view));
    }
  }
  return shown;
}

Result<Webhook> WebhookService::Update(const CallContext& ctx, WebhookApi api,
                                       const std::string& webhook_id, const WebhookUpdate& update) {
  // MLflow looks the webhook up before it validates anything (update_webhook).
  RETURN_IF_ERROR(Find(api, webhook_id));
  if (update.name) RETURN_IF_ERROR(ValidateWebhookName(*update.name));
  if (update.url) RETURN_IF_ERROR(CheckUrl(*update.url));
  if (update.events) RETURN_IF_ERROR(ValidateWebhookEvents(*update.events, api));
  if (update.description) RETURN_IF_ERROR(ValidateWebhookDescription(*update.description));
  if (update.model_prefix) RETURN_IF_ERROR(ValidateModelPrefix(*update.model_prefix));
  std::optional<std::string> sealed;
  if (update.secret) {
    ASSIGN_OR_RETURN(sealed, secrets_.Seal(*update.secret, webhook_id));
  }
  Webhook updated;
  RETURN_IF_ERROR(Change(
      ctx, Operation::kUpdateWebhook,
      [&](WebhookRows& rows) -> Result<Decision> {
        ASSIGN_OR_RETURN(std::optional<StoredWebhook> stored, rows.FindWebhook(webhook_id));
        if (!stored || !View(stored->webhook, api)) return WebhookNotFound(webhook_id);
        const Webhook& old = stored->webhook;
        updated = old;
        if (update.name) updated.name = *update.name;
        if (update.description) updated.description = *update.description;
        if (update.url) updated.url = *update.url;
        if (update.events) updated.events = MergedEvents(*update.events, old.events, api);
        if (update.status) updated.status = *update.status;
        if (update.model_prefix) updated.model_prefix = *update.model_prefix;
        if (sealed) updated.has_secret = true;
        Decision decision{{old.model_prefix}, Describe(old), Describe(updated)};
        if (updated.model_prefix != old.model_prefix) {
          decision.scopes.push_back(updated.model_prefix);
        }
        return decision;
      },
      [&](WebhookRows& rows, int64_t now) {
        // A change always moves the timestamp forward, even within one millisecond.
        updated.last_updated_timestamp = std::max(now, updated.last_updated_timestamp + 1);
        return rows.UpdateWebhook(updated, sealed);
      }));
  return *View(updated, api);
}

Status WebhookService::Delete(const CallContext& ctx, WebhookApi api,
                              const std::string& webhook_id) {
  // Not found is decided in the transaction below, as every other check.
  return Change(
      ctx, Operation::kDeleteWebhook,
      [&](WebhookRows& rows) -> Result<Decision> {
        ASSIGN_OR_RETURN(std::optional<StoredWebhook> stored, rows.FindWebhook(webhook_id));
        if (!stored || !View(stored->webhook, api)) return WebhookNotFound(webhook_id);
        return Decision{{stored->webhook.model_prefix}, Describe(stored->webhook), ""};
      },
      [&](WebhookRows& rows, int64_t now) { return rows.DeleteWebhook(webhook_id, now); });
}

Result<WebhookTestResult> WebhookService::Test(const CallContext& ctx, WebhookApi api,
                                               const std::string& webhook_id,
                                               std::optional<WebhookEvent> event) {
  ASSIGN_OR_RETURN(const StoredWebhook stored, Find(api, webhook_id));
  const std::optional<Webhook> view = View(stored.webhook, api);
  RETURN_IF_ERROR(AuthorizeScope(ctx, Operation::kTestWebhook, view->model_prefix));
  const WebhookEvent tested = event.value_or(view->events.front());
  WebhookTestResult result;
  const auto failed = [&](const std::string& why) {
    result.success = false;
    result.error_message = "Failed to test webhook: " + why;
  };
  std::optional<std::string> secret;
  if (stored.sealed_secret) {
    Result<std::string> opened = secrets_.Open(*stored.sealed_secret, webhook_id);
    if (opened.ok()) {
      secret = std::move(*opened);
    } else {
      failed(opened.status().message());
    }
  }
  if (const Status target = CheckTarget(view->url); !target.ok() && !result.error_message) {
    failed(target.message());
  }
  if (!result.error_message) {
    const int64_t now = clock_.NowMillis();
    const std::string body = DeliveryBody(tested, now, ExampleData(tested));
    const WebhookResponse response = transport_.Post(
        SignedWebhookRequest(view->url, NewUuid4(), body, secret, now, options_.request_timeout));
    if (response.status == 0) {
      failed(response.error);
    } else {
      result.success = response.status < 400;
      result.response_status = response.status;
      result.response_body = response.body;
    }
  }
  Audit(ctx, Operation::kTestWebhook, AuditOutcome::kAllowed,
        "webhook " + webhook_id + " event=" + EventName(tested) + " " +
            (result.response_status ? "status=" + std::to_string(*result.response_status)
                                    : result.error_message.value_or("")));
  return result;
}

}  // namespace modelwarden
