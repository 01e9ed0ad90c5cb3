// Transactions as scopes: begin, run the body, commit on OK or roll back on any error.
#pragma once

#include <functional>

#include "registry/sql/connection_pool.h"

namespace modelwarden {

// Runs `body` in a write transaction on a pooled connection. A kTemporarilyUnavailable from
// the commit means nothing was written. Retries the whole body up to `attempts` times when it
// fails with kTemporarilyUnavailable before committing (deadlock, busy).
Status WithWriteTransaction(ConnectionPool& pool, const std::function<Status(SqlConnection&)>& body,
                            int attempts = 3);

// Runs `body` as a read (a transaction on SQLite, which then reads one snapshot; autocommit
// statements on MySQL, where READ COMMITTED gives each statement its own); retried once
// on a fresh connection when it fails with kTemporarilyUnavailable (e.g. a lost connection).
Status WithReadTransaction(ConnectionPool& pool, const std::function<Status(SqlConnection&)>& body);

}  // namespace modelwarden
