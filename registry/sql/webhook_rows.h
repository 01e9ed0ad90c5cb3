// The SQL of webhooks and their outbox (migration 6 of schema.cc): SqlWebhookRows, the
// WebhookRows of one unit of work, and the reads WebhookStore answers on a read transaction.
// The delivery worker's claims and records are in delivery_queue.h. Parameters are always
// bound.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "registry/sql/dialect.h"
#include "registry/sql/sql_connection.h"
#include "registry/webhooks/webhook_store.h"

namespace modelwarden {

class SqlWebhookRows final : public WebhookRows {
 public:
  // `db` is borrowed for the transaction's lifetime.
  SqlWebhookRows(SqlConnection& db, const Dialect& dialect) : db_(db), dialect_(dialect) {}

  Result<std::vector<Subscriber>> Subscribers(const std::vector<WebhookEvent>& events) override;
  Status InsertDelivery(const NewDelivery& delivery) override;
  Result<std::optional<StoredWebhook>> FindWebhook(const std::string& webhook_id) override;
  Status InsertWebhook(const StoredWebhook& webhook) override;
  Status UpdateWebhook(const Webhook& webhook,
                       const std::optional<std::string>& new_sealed_secret) override;
  Status DeleteWebhook(const std::string& webhook_id, int64_t now) override;
  Result<std::optional<Delivery>> FindDelivery(const std::string& delivery_id) override;
  Status Redeliver(const std::string& delivery_id, int64_t now) override;

 private:
  Status InsertEvents(const Webhook& webhook);

  SqlConnection& db_;
  const Dialect& dialect_;
};

// An undeleted webhook with its events; `lock` locks its row (MySQL FOR UPDATE).
Result<std::optional<StoredWebhook>> SelectWebhook(SqlConnection& db, const Dialect& dialect,
                                                   const std::string& webhook_id, bool lock);
Result<Page<Webhook>> SelectWebhooks(SqlConnection& db, const Dialect& dialect,
                                     const WebhookListQuery& query);
Result<Page<Delivery>> SelectDeliveries(SqlConnection& db, const Dialect& dialect,
                                        const DeliveryQuery& query);
Result<std::optional<std::pair<Delivery, std::vector<DeliveryAttempt>>>> SelectDelivery(
    SqlConnection& db, const std::string& delivery_id);
Result<std::optional<std::string>> SelectWebhookScope(SqlConnection& db,
                                                      const std::string& webhook_id);

// The words an event is stored as ("model_version", "created") and back.
std::optional<WebhookEvent> EventFromWords(const std::string& entity, const std::string& action);

}  // namespace modelwarden
