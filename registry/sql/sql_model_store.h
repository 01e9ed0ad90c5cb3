// SqlModelStore: the one ModelStore, over SQLite or MySQL through SqlConnection.
//
// All SQL text lives in sql_model_store.cc as named constants; the few dialect differences
// (upserts, row locks) are chosen by the connection's dialect. Parameters are always bound.
// Thread-safe: every call leases its own connection from the pool.
#pragma once

#include <memory>

#include "registry/model_store.h"
#include "registry/sql/connection_pool.h"

namespace modelwarden {

std::unique_ptr<ModelStore> NewSqlModelStore(std::shared_ptr<ConnectionPool> pool,
                                             SqlDialect dialect);

}  // namespace modelwarden
