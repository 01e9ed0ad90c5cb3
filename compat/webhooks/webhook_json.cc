#include "compat/webhooks/webhook_json.h"

#include "compat/json_output.h"

namespace modelwarden {
namespace {

void WriteWebhook(JsonOutput& w, const Webhook& webhook, WebhookApi api) {
  w.StartObject();
  WriteStringField(w, "webhook_id", webhook.webhook_id);
  WriteStringField(w, "name", webhook.name);
  if (!webhook.description.empty()) WriteStringField(w, "description", webhook.description);
  WriteStringField(w, "url", webhook.url);
  w.Key("events");
  w.StartArray();
  for (const WebhookEvent& event : webhook.events) {
    w.StartObject();
    WriteStringField(w, "entity", EntityProtoName(event.entity));
    WriteStringField(w, "action", ActionProtoName(event.action));
    w.EndObject();
  }
  w.EndArray();
  WriteStringField(w, "status", WebhookStatusName(webhook.status));
  WriteInt64Field(w, "creation_timestamp", webhook.creation_timestamp);
  WriteInt64Field(w, "last_updated_timestamp", webhook.last_updated_timestamp);
  if (api == WebhookApi::kModelwarden) {
    WriteStringField(w, "model_prefix", webhook.model_prefix);
    WriteBoolField(w, "secret_set", webhook.has_secret);
  }
  w.EndObject();
}

void WriteDeliveryFields(JsonOutput& w, const Delivery& d) {
  WriteStringField(w, "delivery_id", d.delivery_id);
  WriteStringField(w, "webhook_id", d.webhook_id);
  WriteStringField(w, "entity", EntityWord(d.event.entity));
  WriteStringField(w, "action", ActionWord(d.event.action));
  WriteStringField(w, "model_name", d.model_name);
  WriteStringField(w, "status", DeliveryStatusName(d.status));
  WriteInt64Field(w, "attempts", d.attempts);
  WriteInt64Field(w, "creation_timestamp", d.creation_timestamp);
  if (d.next_attempt_timestamp)
    WriteInt64Field(w, "next_attempt_timestamp", *d.next_attempt_timestamp);
  if (d.last_attempt_timestamp)
    WriteInt64Field(w, "last_attempt_timestamp", *d.last_attempt_timestamp);
  if (d.last_http_status) WriteInt64Field(w, "last_http_status", *d.last_http_status);
  if (!d.last_error.empty()) WriteStringField(w, "last_error", d.last_error);
  if (d.finished_timestamp) WriteInt64Field(w, "finished_timestamp", *d.finished_timestamp);
}

}  // namespace

std::string WebhookResponseJson(const Webhook& webhook, WebhookApi api) {
  rapidjson::StringBuffer buffer;
  JsonOutput w(buffer);
  w.StartObject();
  w.Key("webhook");
  WriteWebhook(w, webhook, api);
  w.EndObject();
  return Finish(buffer);
}

std::string WebhookListJson(const Page<Webhook>& page, WebhookApi api) {
  rapidjson::StringBuffer buffer;
  JsonOutput w(buffer);
  w.StartObject();
  if (!page.items.empty()) {
    w.Key("webhooks");
    w.StartArray();
    for (const Webhook& webhook : page.items) WriteWebhook(w, webhook, api);
    w.EndArray();
  }
  if (!page.next_page_token.empty()) WriteStringField(w, "next_page_token", page.next_page_token);
  w.EndObject();
  return Finish(buffer);
}

std::string WebhookTestResultJson(const WebhookTestResult& result) {
  rapidjson::StringBuffer buffer;
  JsonOutput w(buffer);
  w.StartObject();
  w.Key("result");
  w.StartObject();
  WriteBoolField(w, "success", result.success);
  if (result.response_status) WriteInt64Field(w, "response_status", *result.response_status);
  if (result.response_body) WriteStringField(w, "response_body", *result.response_body);
  if (result.error_message) WriteStringField(w, "error_message", *result.error_message);
  w.EndObject();
  w.EndObject();
  return Finish(buffer);
}

std::string DeliveryListJson(const Page<Delivery>& page) {
  rapidjson::StringBuffer buffer;
  JsonOutput w(buffer);
  w.StartObject();
  if (!page.items.empty()) {
    w.Key("deliveries");
    w.StartArray();
    for (const Delivery& d : page.items) {
      w.StartObject();
      WriteDeliveryFields(w, d);
      w.EndObject();
    }
    w.EndArray();
  }
  if (!page.next_page_token.empty()) WriteStringField(w, "next_page_token", page.next_page_token);
  w.EndObject();
  return Finish(buffer);
}

std::string DeliveryDetailJson(const Delivery& delivery,
                               const std::vector<DeliveryAttempt>& attempts) {
  rapidjson::StringBuffer buffer;
  JsonOutput w(buffer);
  w.StartObject();
  w.Key("delivery");
  w.StartObject();
  WriteDeliveryFields(w, delivery);
  WriteStringField(w, "body", delivery.body);
  w.Key("attempt_log");
  w.StartArray();
  for (const DeliveryAttempt& a : attempts) {
    w.StartObject();
    WriteInt64Field(w, "attempt", a.attempt);
    WriteInt64Field(w, "timestamp", a.timestamp);
    WriteInt64Field(w, "duration_ms", a.duration_ms);
    if (a.http_status) WriteInt64Field(w, "http_status", *a.http_status);
    if (!a.error.empty()) WriteStringField(w, "error", a.error);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return Finish(buffer);
}

std::string DeliveryJson(const Delivery& delivery) {
  rapidjson::StringBuffer buffer;
  JsonOutput w(buffer);
  w.StartObject();
  w.Key("delivery");
  w.StartObject();
  WriteDeliveryFields(w, delivery);
  w.EndObject();
  w.EndObject();
  return Finish(buffer);
}

}  // namespace modelwarden
