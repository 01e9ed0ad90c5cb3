// ModelStore: persistence of the registry. One implementation, SqlModelStore, over SQLite or
// MySQL. Reads run on one consistent snapshot each; every write is a unit of work (Write): one
// transaction that locks the rows of the model it changes first, so that whatever decides the
// change (access control, the policy) reads exactly the state the change is applied to. It also
// keeps the webhooks and their outbox (WebhookStore).
//
// Thread-safe; every call leases its own pooled connection. Every method may also return
// kTemporarilyUnavailable (busy, lost connection or pool exhausted: nothing was written) or
// kInternalError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/audit_log.h"
#include "registry/entities.h"
#include "registry/model_rows.h"
#include "registry/requests.h"
#include "registry/search_filter.h"
#include "registry/status.h"
#include "registry/webhooks/webhook_store.h"
#include "registry/write_txn.h"

namespace modelwarden {

// A parsed, validated search: what SqlModelStore renders to SQL.
struct StoreSearch {
  SearchFilter filter;
  std::vector<OrderKey> order;
  int64_t max_results = 100;
  // Where the page starts: after the row whose sort key is `after` (one value per `order`
  // key, typed as its column) when set, else after `offset` rows. `offset` is counted on
  // either way, for the next token.
  int64_t offset = 0;
  std::vector<SortValue> after;
  std::string fingerprint;              // SearchFingerprint, written into next_page_token.
  std::optional<ReadScope> read_scope;  // nullopt: every model is readable.
};

class ModelStore : public AuditLog,
                   public ModelSnapshots,
                   public WriteTransactions,
                   public WebhookStore {
 public:
  // Models with tags, aliases and latest_versions; next_page_token set only when more exist,
  // holding the offset and the sort key of the page's last row (page_token.h).
  virtual Result<Page<RegisteredModel>> SearchRegisteredModels(const StoreSearch& search) = 0;
  // Versions with tags (no aliases, as MLflow). Deleted versions never match.
  virtual Result<Page<ModelVersion>> SearchModelVersions(const StoreSearch& search) = 0;
};

}  // namespace modelwarden
