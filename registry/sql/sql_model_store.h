// SqlModelStore: the one ModelStore, over SQLite or MySQL through SqlConnection. It runs
// transactions and locks; the SQL itself lives by responsibility in sql_model_rows.cc (the
// registry's writes), model_tables.cc (reading entities back), model_search.cc (searches),
// read_scope_sql.cc, audit_rows.cc and sql_access_rows.cc (users, groups, grants, tokens).
// Thread-safe: every call leases its own connection from the pool.
#pragma once

#include <memory>

#include "registry/model_store.h"
#include "registry/sql/connection_pool.h"

namespace modelwarden {

std::unique_ptr<ModelStore> NewSqlModelStore(std::shared_ptr<ConnectionPool> pool,
                                             SqlDialect dialect);

}  // namespace modelwarden
