// The leases table (registry/lease.h; schema.cc migration 7), on a connection inside a write
// transaction.
#pragma once

#include <cstdint>
#include <string>

#include "registry/sql/dialect.h"
#include "registry/sql/sql_connection.h"
#include "registry/status.h"

namespace modelwarden {

Result<bool> AcquireLeaseRow(SqlConnection& db, const Dialect& dialect, const std::string& name,
                             const std::string& holder, int64_t ttl_ms);
Status ReleaseLeaseRow(SqlConnection& db, const std::string& name, const std::string& holder);

}  // namespace modelwarden
