// ModelStore: persistence of the registry. One implementation, SqlModelStore, over SQLite or
// MySQL. Reads run on one consistent snapshot each; every write is a unit of work (Write): one
// transaction that locks the rows of the model it changes first, so that whatever decides the
// change (access control, the policy) reads exactly the state the change is applied to.
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
#include "registry/lease.h"
#include "registry/model_rows.h"
#include "registry/requests.h"
#include "registry/search_filter.h"
#include "registry/status.h"
#include "registry/write_txn.h"

namespace modelwarden {

// A parsed, validated search: what SqlModelStore renders to SQL.
struct StoreSearch {
  SearchFilter filter;
  std::vector<OrderKey> order;
  int64_t max_results = 100;
  int64_t offset = 0;
  std::optional<ReadScope> read_scope;  // nullopt: every model is readable.
};

class ModelStore : public AuditLog, public ModelSnapshots, public WriteTransactions, public Leases {
 public:
  // Models with tags, aliases and latest_versions; next_page_token set only when more exist.
  virtual Result<Page<RegisteredModel>> SearchRegisteredModels(const StoreSearch& search) = 0;
  // Versions with tags (no aliases, as MLflow). Deleted versions never match.
  virtual Result<Page<ModelVersion>> SearchModelVersions(const StoreSearch& search) = 0;
};

}  // namespace modelwarden
