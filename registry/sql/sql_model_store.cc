#include "registry/sql/sql_model_store.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "registry/sql/audit_rows.h"
#include "registry/sql/dialect.h"
#include "registry/sql/lease_rows.h"
#include "registry/sql/model_search.h"
#include "registry/sql/sql_access_rows.h"
#include "registry/sql/sql_model_rows.h"
#include "registry/sql/transaction.h"

namespace modelwarden {
namespace {

constexpr char kLockModel[] = "SELECT 1 FROM registered_models WHERE name = ?";

class SqlWriteTxn final : public WriteTxn {
 public:
  SqlWriteTxn(SqlConnection& db, const Dialect& dialect)
      : db_(db), models_(db, dialect, /*lock_reads=*/true), auth_(db) {}

  ModelRows& models() override { return models_; }
  AuthStore& auth() override { return auth_; }
  Status AppendAudit(const AuditEvent& event) override { return InsertAuditEvent(db_, event); }

 private:
  SqlConnection& db_;
  SqlModelRows models_;
  SqlAccessRows auth_;
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

  Result<bool> AcquireLease(const std::string& name, const std::string& holder,
                            int64_t ttl_ms) override {
    bool acquired = false;
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(acquired, AcquireLeaseRow(db, dialect_, name, holder, ttl_ms));
      return Status::Ok();
    }));
    return acquired;
  }

  Status ReleaseLease(const std::string& name, const std::string& holder) override {
    return WithWriteTransaction(
        *pool_, [&](SqlConnection& db) { return ReleaseLeaseRow(db, name, holder); });
  }

  Result<Page<AuditEvent>> SearchAuditEvents(const AuditQuery& query) override {
    Page<AuditEvent> page;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(page, SelectAuditEvents(db, query));
      return Status::Ok();
    }));
    return page;
  }

 private:
  std::shared_ptr<ConnectionPool> pool_;
  const Dialect& dialect_;
};

}  // namespace

std::unique_ptr<ModelStore> NewSqlModelStore(std::shared_ptr<ConnectionPool> pool,
                                             SqlDialect dialect) {
  return std::make_unique<SqlModelStore>(std::move(pool), dialect);
}

}  // namespace modelwarden
