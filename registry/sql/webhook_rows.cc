#include "registry/sql/webhook_rows.h"

#include <algorithm>
#include <map>

#include "registry/search/page_token.h"
#include "registry/sql/model_tables.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr char kWebhookColumns[] =
    "w.webhook_id, w.name, w.description, w.url, w.status, w.secret, w.model_prefix, "
    "w.creation_time, w.last_updated_time";
constexpr char kInsertWebhook[] =
    "INSERT INTO webhooks (webhook_id, name, description, url, status, secret, model_prefix, "
    "creation_time, last_updated_time, deleted_time, receiver_failures, paused_until) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, 0)";
constexpr char kUpdateWebhook[] =
    "UPDATE webhooks SET name = ?, description = ?, url = ?, status = ?, model_prefix = ?, "
    "last_updated_time = ? WHERE webhook_id = ?";
constexpr char kUpdateSecret[] = "UPDATE webhooks SET secret = ? WHERE webhook_id = ?";
constexpr char kDeleteWebhook[] =
    "UPDATE webhooks SET deleted_time = ?, last_updated_time = ? WHERE webhook_id = ?";
constexpr char kCancelDeliveries[] =
    "UPDATE webhook_deliveries SET status = 'cancelled', finished_time = ?, lease_owner = '', "
    "lease_until = 0 WHERE webhook_id = ? AND status = 'pending'";
constexpr char kInsertEvent[] =
    "INSERT INTO webhook_events (webhook_id, entity, action, mlflow) VALUES (?, ?, ?, ?)";
constexpr char kDeleteEvents[] = "DELETE FROM webhook_events WHERE webhook_id = ?";
constexpr char kInsertDelivery[] =
    "INSERT INTO webhook_deliveries (delivery_id, webhook_id, entity, action, model_name, body, "
    "creation_time, status, attempts, next_attempt_time, last_attempt_time, last_http_status, "
    "last_error, finished_time, lease_owner, lease_until) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, NULL, NULL, '', NULL, '', 0)";
constexpr char kRedeliver[] =
    "UPDATE webhook_deliveries SET status = 'pending', next_attempt_time = ?, finished_time = "
    "NULL, lease_owner = '', lease_until = 0 WHERE delivery_id = ?";
// A delivery with what its webhook says about its next attempt; `w` may be a deleted webhook.
constexpr char kDeliveryColumns[] =
    "d.delivery_id, d.webhook_id, d.entity, d.action, d.model_name, d.body, d.creation_time, "
    "d.status, d.attempts, d.next_attempt_time, d.last_attempt_time, d.last_http_status, "
    "d.last_error, d.finished_time, w.receiver_failures, w.paused_until";
constexpr char kDeliveryFrom[] =
    " FROM webhook_deliveries d JOIN webhooks w ON w.webhook_id = d.webhook_id";

SqlValue NullIfEmpty(const std::string& text) { return text.empty() ? SqlValue{} : SqlValue{text}; }

Webhook WebhookFromRow(const SqlRow& row) {
  Webhook webhook;
  webhook.webhook_id = row.Text(0);
  webhook.name = row.Text(1);
  webhook.description = row.Text(2);
  webhook.url = row.Text(3);
  webhook.status = ParseWebhookStatus(row.Text(4)).value_or(WebhookStatus::kDisabled);
  webhook.has_secret = !row.IsNull(5);
  webhook.model_prefix = row.Text(6);
  webhook.creation_timestamp = row.Int(7);
  webhook.last_updated_timestamp = row.Int(8);
  return webhook;
}

// Fills the events of `webhooks`, ordered by entity and action words as MLflow's rows come.
Status AttachEvents(SqlConnection& db, std::vector<Webhook>& webhooks) {
  if (webhooks.empty()) return Status::Ok();
  std::vector<SqlValue> ids;
  std::map<std::string, Webhook*> by_id;
  for (Webhook& webhook : webhooks) {
    ids.emplace_back(webhook.webhook_id);
    by_id[webhook.webhook_id] = &webhook;
  }
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db.Query("SELECT webhook_id, entity, action FROM webhook_events WHERE "
                            "webhook_id IN (" +
                                Placeholders(ids.size()) + ") ORDER BY webhook_id, entity, action",
                            ids));
  for (const SqlRow& row : rows) {
    const std::optional<WebhookEvent> event = EventFromWords(row.Text(1), row.Text(2));
    auto it = by_id.find(row.Text(0));
    if (event && it != by_id.end()) it->second->events.push_back(*event);
  }
  return Status::Ok();
}

// " AND (<w.model_prefix starts with p1> OR ...)"; false when `scopes` allows nothing.
bool AppendScopes(const Dialect& dialect, const WebhookScopes& scopes, std::string& sql,
                  std::vector<SqlValue>& params) {
  if (!scopes) return true;
  if (scopes->empty()) return false;
  sql += " AND (";
  for (size_t i = 0; i < scopes->size(); ++i) {
    const std::string& prefix = (*scopes)[i];
    sql += (i == 0 ? "" : " OR ") + dialect.StartsWith("w.model_prefix");
    params.emplace_back(static_cast<int64_t>(CountCodePoints(prefix)));
    params.emplace_back(prefix);
  }
  sql += ")";
  return true;
}

Delivery DeliveryFromRow(const SqlRow& row) {
  Delivery d;
  d.delivery_id = row.Text(0);
  d.webhook_id = row.Text(1);
  d.event = EventFromWords(row.Text(2), row.Text(3)).value_or(WebhookEvent{});
  d.model_name = row.Text(4);
  d.body = row.Text(5);
  d.creation_timestamp = row.Int(6);
  d.status = ParseDeliveryStatus(row.Text(7)).value_or(DeliveryStatus::kFailed);
  d.attempts = static_cast<int>(row.Int(8));
  if (d.status == DeliveryStatus::kPending) {
    // A failing receiver holds every delivery of its webhook until its pause ends.
    const int64_t paused_until = row.Int(14) > 0 ? row.Int(15) : 0;
    d.next_attempt_timestamp = std::max(row.Int(9), paused_until);
  }
  if (!row.IsNull(10)) d.last_attempt_timestamp = row.Int(10);
  if (!row.IsNull(11)) d.last_http_status = static_cast<int>(row.Int(11));
  d.last_error = row.Text(12);
  if (!row.IsNull(13)) d.finished_timestamp = row.Int(13);
  return d;
}

}  // namespace

std::optional<WebhookEvent> EventFromWords(const std::string& entity, const std::string& action) {
  const std::optional<WebhookEntity> e = ParseEntity(entity, WebhookApi::kModelwarden);
  const std::optional<WebhookAction> a = ParseAction(action, WebhookApi::kModelwarden);
  if (!e || !a) return std::nullopt;
  return WebhookEvent{*e, *a};
}

Result<std::vector<Subscriber>> SqlWebhookRows::Subscribers(
    const std::vector<WebhookEvent>& events) {
  std::vector<Subscriber> subscribers;
  if (events.empty()) return subscribers;
  std::string sql =
      "SELECT w.webhook_id, w.model_prefix, e.entity, e.action FROM webhook_events e JOIN "
      "webhooks w ON w.webhook_id = e.webhook_id WHERE w.deleted_time IS NULL AND w.status = "
      "'ACTIVE' AND (";
  std::vector<SqlValue> params;
  for (size_t i = 0; i < events.size(); ++i) {
    sql += i == 0 ? "(e.entity = ? AND e.action = ?)" : " OR (e.entity = ? AND e.action = ?)";
    params.emplace_back(std::string(EntityWord(events[i].entity)));
    params.emplace_back(std::string(ActionWord(events[i].action)));
  }
  sql += ") ORDER BY w.creation_time, w.webhook_id";
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(sql, params));
  for (const SqlRow& row : rows) {
    const std::optional<WebhookEvent> event = EventFromWords(row.Text(2), row.Text(3));
    if (event) subscribers.push_back({row.Text(0), row.Text(1), *event});
  }
  return subscribers;
}

Status SqlWebhookRows::InsertDelivery(const NewDelivery& d) {
  return db_
      .Execute(kInsertDelivery,
               {d.delivery_id, d.webhook_id, std::string(EntityWord(d.event.entity)),
                std::string(ActionWord(d.event.action)), d.model_name, d.body, d.now, d.now})
      .status();
}

Result<std::optional<StoredWebhook>> SqlWebhookRows::FindWebhook(const std::string& webhook_id) {
  return SelectWebhook(db_, dialect_, webhook_id, /*lock=*/true);
}

Status SqlWebhookRows::InsertEvents(const Webhook& webhook) {
  for (const WebhookEvent& event : webhook.events) {
    RETURN_IF_ERROR(db_.Execute(
        kInsertEvent,
        {webhook.webhook_id, std::string(EntityWord(event.entity)),
         std::string(ActionWord(event.action)), int64_t{IsMlflowEvent(event) ? 1 : 0}}));
  }
  return Status::Ok();
}

Status SqlWebhookRows::InsertWebhook(const StoredWebhook& stored) {
  const Webhook& w = stored.webhook;
  const SqlValue secret = stored.sealed_secret ? SqlValue{*stored.sealed_secret} : SqlValue{};
  RETURN_IF_ERROR(
      db_.Execute(kInsertWebhook, {w.webhook_id, w.name, NullIfEmpty(w.description), w.url,
                                   std::string(WebhookStatusName(w.status)), secret, w.model_prefix,
                                   w.creation_timestamp, w.last_updated_timestamp}));
  return InsertEvents(w);
}

Status SqlWebhookRows::UpdateWebhook(const Webhook& w,
                                     const std::optional<std::string>& new_sealed_secret) {
  RETURN_IF_ERROR(db_.Execute(
      kUpdateWebhook,
      {w.name, NullIfEmpty(w.description), w.url, std::string(WebhookStatusName(w.status)),
       w.model_prefix, w.last_updated_timestamp, w.webhook_id}));
  if (new_sealed_secret) {
    RETURN_IF_ERROR(db_.Execute(kUpdateSecret, {*new_sealed_secret, w.webhook_id}));
  }
  RETURN_IF_ERROR(db_.Execute(kDeleteEvents, {w.webhook_id}));
  return InsertEvents(w);
}

Status SqlWebhookRows::DeleteWebhook(const std::string& webhook_id, int64_t now) {
  RETURN_IF_ERROR(db_.Execute(kDeleteWebhook, {now, now, webhook_id}));
  return db_.Execute(kCancelDeliveries, {now, webhook_id}).status();
}

Result<std::optional<Delivery>> SqlWebhookRows::FindDelivery(const std::string& delivery_id) {
  const std::string sql = std::string("SELECT ") + kDeliveryColumns + kDeliveryFrom +
                          " WHERE d.delivery_id = ?" + dialect_.ForUpdate();
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(sql, {delivery_id}));
  if (rows.empty()) return std::optional<Delivery>();
  return std::optional<Delivery>(DeliveryFromRow(rows[0]));
}

Status SqlWebhookRows::Redeliver(const std::string& delivery_id, int64_t now) {
  return db_.Execute(kRedeliver, {now, delivery_id}).status();
}

Result<std::optional<StoredWebhook>> SelectWebhook(SqlConnection& db, const Dialect& dialect,
                                                   const std::string& webhook_id, bool lock) {
  const std::string sql = std::string("SELECT ") + kWebhookColumns +
                          " FROM webhooks w WHERE w.webhook_id = ? AND w.deleted_time IS NULL" +
                          (lock ? dialect.ForUpdate() : "");
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, {webhook_id}));
  if (rows.empty()) return std::optional<StoredWebhook>();
  std::vector<Webhook> webhooks = {WebhookFromRow(rows[0])};
  RETURN_IF_ERROR(AttachEvents(db, webhooks));
  StoredWebhook stored;
  stored.webhook = std::move(webhooks[0]);
  if (!rows[0].IsNull(5)) stored.sealed_secret = rows[0].Text(5);
  return std::optional<StoredWebhook>(std::move(stored));
}

Result<Page<Webhook>> SelectWebhooks(SqlConnection& db, const Dialect& dialect,
                                     const WebhookListQuery& query) {
  Page<Webhook> page;
  std::string sql =
      std::string("SELECT ") + kWebhookColumns + " FROM webhooks w WHERE w.deleted_time IS NULL";
  if (query.api == WebhookApi::kMlflow) {
    sql +=
        " AND EXISTS (SELECT 1 FROM webhook_events e WHERE e.webhook_id = w.webhook_id AND "
        "e.mlflow = 1)";
  }
  std::vector<SqlValue> params;
  if (!AppendScopes(dialect, query.scopes, sql, params)) return page;
  // One row more than the page tells whether another page exists.
  sql += " ORDER BY w.creation_time DESC, w.webhook_id DESC LIMIT ? OFFSET ?";
  params.emplace_back(query.max_results + 1);
  params.emplace_back(query.offset);
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
  for (const SqlRow& row : rows) page.items.push_back(WebhookFromRow(row));
  if (static_cast<int64_t>(page.items.size()) > query.max_results) {
    page.items.pop_back();
    page.next_page_token = EncodePageToken(query.offset + query.max_results);
  }
  RETURN_IF_ERROR(AttachEvents(db, page.items));
  return page;
}

Result<Page<Delivery>> SelectDeliveries(SqlConnection& db, const Dialect& dialect,
                                        const DeliveryQuery& query) {
  Page<Delivery> page;
  std::string sql = std::string("SELECT ") + kDeliveryColumns + kDeliveryFrom + " WHERE 1 = 1";
  std::vector<SqlValue> params;
  if (!query.webhook_id.empty()) {
    sql += " AND d.webhook_id = ?";
    params.emplace_back(query.webhook_id);
  }
  if (query.status) {
    sql += " AND d.status = ?";
    params.emplace_back(std::string(DeliveryStatusName(*query.status)));
  }
  if (!AppendScopes(dialect, query.scopes, sql, params)) return page;
  sql += " ORDER BY d.id DESC LIMIT ? OFFSET ?";
  params.emplace_back(query.max_results + 1);
  params.emplace_back(query.offset);
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
  for (const SqlRow& row : rows) page.items.push_back(DeliveryFromRow(row));
  if (static_cast<int64_t>(page.items.size()) > query.max_results) {
    page.items.pop_back();
    page.next_page_token = EncodePageToken(query.offset + query.max_results);
  }
  return page;
}

Result<std::optional<std::pair<Delivery, std::vector<DeliveryAttempt>>>> SelectDelivery(
    SqlConnection& db, const std::string& delivery_id) {
  using Found = std::optional<std::pair<Delivery, std::vector<DeliveryAttempt>>>;
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db.Query(std::string("SELECT ") + kDeliveryColumns + kDeliveryFrom +
                                " WHERE d.delivery_id = ?",
                            {delivery_id}));
  if (rows.empty()) return Found();
  std::pair<Delivery, std::vector<DeliveryAttempt>> found;
  found.first = DeliveryFromRow(rows[0]);
  ASSIGN_OR_RETURN(std::vector<SqlRow> attempts,
                   db.Query("SELECT attempt, time, duration_ms, http_status, error FROM "
                            "webhook_delivery_attempts WHERE delivery_id = ? ORDER BY id",
                            {delivery_id}));
  for (const SqlRow& row : attempts) {
    DeliveryAttempt attempt;
    attempt.attempt = static_cast<int>(row.Int(0));
    attempt.timestamp = row.Int(1);
    attempt.duration_ms = row.Int(2);
    if (!row.IsNull(3)) attempt.http_status = static_cast<int>(row.Int(3));
    attempt.error = row.Text(4);
    found.second.push_back(std::move(attempt));
  }
  return Found(std::move(found));
}

Result<std::optional<std::string>> SelectWebhookScope(SqlConnection& db,
                                                      const std::string& webhook_id) {
  ASSIGN_OR_RETURN(
      std::vector<SqlRow> rows,
      db.Query("SELECT model_prefix FROM webhooks WHERE webhook_id = ?", {webhook_id}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows[0].Text(0));
}

}  // namespace modelwarden
