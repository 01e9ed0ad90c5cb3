// The AuthStore whose every call is its own transaction, over SQLite or MySQL, sharing the
// registry's connection pool (and database). Thread-safe: every call leases its own
// connection. Inside a unit of work, WriteTxn::auth() runs the same operations (SqlAccessRows)
// in the unit's transaction instead.
#pragma once

#include <memory>

#include "registry/auth_store.h"
#include "registry/sql/connection_pool.h"

namespace modelwarden {

std::unique_ptr<AuthStore> NewSqlAuthStore(std::shared_ptr<ConnectionPool> pool);

}  // namespace modelwarden
