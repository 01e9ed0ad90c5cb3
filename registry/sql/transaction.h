// Transactions as scopes: begin, run the body, commit on OK or roll back on any error.
#pragma once

#include <functional>

#include "registry/sql/connection_pool.h"

namespace modelwarden {

// Runs `body` in a write transaction on a pooled connection. kTemporarilyUnavailable means
// nothing was written; a connection lost during COMMIT, when the outcome is unknown, is
// kInternalError. Retries the whole body up to `attempts` times when it fails with
// kTemporarilyUnavailable before committing (deadlock, busy, lost connection).
Status WithWriteTransaction(ConnectionPool& pool, const std::function<Status(SqlConnection&)>& body,
                            int attempts = 3);

// Runs `body` as a read transaction: every statement reads one snapshot; retried once
// on a fresh connection when it fails with kTemporarilyUnavailable (e.g. a lost connection).
Status WithReadTransaction(ConnectionPool& pool, const std::function<Status(SqlConnection&)>& body);

}  // namespace modelwarden
