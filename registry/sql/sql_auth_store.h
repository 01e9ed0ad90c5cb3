// SqlAuthStore: the AuthStore over SQLite or MySQL, sharing the registry's connection pool
// (and database). All SQL text lives in sql_auth_store.cc; parameters are always bound.
// Thread-safe: every call leases its own connection.
#pragma once

#include <memory>

#include "registry/auth_store.h"
#include "registry/sql/connection_pool.h"

namespace modelwarden {

std::unique_ptr<AuthStore> NewSqlAuthStore(std::shared_ptr<ConnectionPool> pool);

}  // namespace modelwarden
