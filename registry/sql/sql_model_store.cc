#include "registry/sql/sql_model_store.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "registry/sql/audit_rows.h"
#include "registry/sql/delivery_queue.h"
#include "registry/sql/dialect.h"
#include "registry/sql/model_search.h"
#include "registry/sql/sql_access_rows.h"
#include "registry/sql/sql_model_rows.h"
#include "registry/sql/transaction.h"
#include "registry/sql/webhook_rows.h"

namespace modelwarden {
namespace {

constexpr char kLockModel[] = "SELECT 1 FROM registered_models WHERE name = ?";

class SqlWriteTxn final : public WriteTxn {
 public:
  SqlWriteTxn(SqlConnection& db, const Dialect& dialect)
      : db_(db), models_(db, dialect, /*lock_reads=*/true), auth_(db), webhooks_(db, dialect) {}

  ModelRows& models() override { return models_; }
  AuthStore& auth() override { return auth_; }
  Status AppendAudit(const AuditEvent& event) override { return InsertAuditEvent(db_, event); }
  WebhookRows& webhooks() override { return webhooks_; }

 private:
  SqlConnection& db_;
  SqlModelRows models_;
  SqlAccessRows auth_;
  SqlWebhookRows webhooks_;
};

class SqlModelStore final : public ModelStore {
 public:
  SqlModelStore(std::shared_ptr<ConnectionPool> pool, SqlDialect dialect)
      : pool_(std::move(pool)), dialect_(Dialect::Of(dialect)) {}

  Status Write(const std::vector<std::string>& models,
               const std::function<Status(WriteTxn&)>& body) override {
    // One order for every unit of work: two that lock the same models never wait on each
    // other in a cycle.
    std::vector<std::string> locks = models;
    std::sort(locks.begin(), locks.end());
    locks.erase(std::unique(locks.begin(), locks.end()), locks.end());
    const std::string lock_sql = std::string(kLockModel) + dialect_.ForUpdate();
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      if (dialect_.id() == SqlDialect::kMysql) {
        for (const std::string& name : locks) RETURN_IF_ERROR(db.Query(lock_sql, {name}));
      }
      SqlWriteTxn txn(db, dialect_);
      return body(txn);
    });
  }

  Status Read(const std::function<Status(ModelReader&)>& body) override {
    return WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      SqlModelRows rows(db, dialect_, /*lock_reads=*/false);
      return body(rows);
    });
  }

  Result<Page<RegisteredModel>> SearchRegisteredModels(const StoreSearch& search) override {
    Page<RegisteredModel> page;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(page, SearchModels(db, dialect_, search));
      return Status::Ok();
    }));
    return page;
  }

  Result<Page<ModelVersion>> SearchModelVersions(const StoreSearch& search) override {
    Page<ModelVersion> page;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(page, SearchVersions(db, dialect_, search));
      return Status::Ok();
    }));
    return page;
  }

  Status AppendAuditEvent(const AuditEvent& event) override {
    return WithWriteTransaction(*pool_,
                                [&](SqlConnection& db) { return InsertAuditEvent(db, event); });
  }

  Result<Page<AuditEvent>> SearchAuditEvents(const AuditQuery& query) override {
    return ReadOne<Page<AuditEvent>>(
        [&](SqlConnection& db) { return SelectAuditEvents(db, query); });
  }

  Result<std::optional<StoredWebhook>> GetWebhook(const std::string& webhook_id) override {
    return ReadOne<std::optional<StoredWebhook>>(
        [&](SqlConnection& db) { return SelectWebhook(db, dialect_, webhook_id, /*lock=*/false); });
  }

  Result<Page<Webhook>> ListWebhooks(const WebhookListQuery& query) override {
    return ReadOne<Page<Webhook>>(
        [&](SqlConnection& db) { return SelectWebhooks(db, dialect_, query); });
  }

  Result<Page<Delivery>> ListDeliveries(const DeliveryQuery& query) override {
    return ReadOne<Page<Delivery>>(
        [&](SqlConnection& db) { return SelectDeliveries(db, dialect_, query); });
  }

  Result<std::optional<std::pair<Delivery, std::vector<DeliveryAttempt>>>> GetDelivery(
      const std::string& delivery_id) override {
    return ReadOne<std::optional<std::pair<Delivery, std::vector<DeliveryAttempt>>>>(
        [&](SqlConnection& db) { return SelectDelivery(db, delivery_id); });
  }

  Result<std::optional<std::string>> WebhookScope(const std::string& webhook_id) override {
    return ReadOne<std::optional<std::string>>(
        [&](SqlConnection& db) { return SelectWebhookScope(db, webhook_id); });
  }

  Result<std::vector<ClaimedDelivery>> ClaimDeliveries(const ClaimRequest& request) override {
    std::vector<ClaimedDelivery> claimed;
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(claimed, ClaimDueDeliveries(db, request));
      return Status::Ok();
    }));
    return claimed;
  }

  Status RecordAttempts(const std::vector<AttemptRecord>& records) override {
    return WithWriteTransaction(
        *pool_, [&](SqlConnection& db) { return RecordDeliveryAttempts(db, records); });
  }

  Result<MaintenanceCounts> ExpireAndPurge(int64_t now, int64_t expire_before,
                                           int64_t purge_before) override {
    MaintenanceCounts counts;
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(counts, ExpireAndPurgeDeliveries(db, now, expire_before, purge_before));
      return Status::Ok();
    }));
    return counts;
  }

 private:
  // Runs `read` on one read transaction and returns what it read.
  template <typename T>
  Result<T> ReadOne(const std::function<Result<T>(SqlConnection&)>& read) {
    std::optional<T> value;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(value, read(db));
      return Status::Ok();
    }));
    return std::move(*value);
  }

  std::shared_ptr<ConnectionPool> pool_;
  const Dialect& dialect_;
};

}  // namespace

std::unique_ptr<ModelStore> NewSqlModelStore(std::shared_ptr<ConnectionPool> pool,
                                             SqlDialect dialect) {
  return std::make_unique<SqlModelStore>(std::move(pool), dialect);
}

}  // namespace modelwarden
