#include "registry/sql/transaction.h"

namespace modelwarden {
namespace {

struct Outcome {
  Status status;
  bool failed_at_commit = false;
};

Outcome RunOnce(SqlConnection& connection, bool write,
                const std::function<Status(SqlConnection&)>& body) {
  Status status = connection.Begin(write);
  if (status.ok()) status = body(connection);
  if (!status.ok()) {
    connection.Rollback();
    return {status, false};
  }
  status = connection.Commit();
  if (!status.ok()) connection.Rollback();
  return {status, !status.ok()};
}

}  // namespace

Status WithWriteTransaction(ConnectionPool& pool, const std::function<Status(SqlConnection&)>& body,
                            int attempts) {
  Status status;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool.Acquire());
    Outcome outcome = RunOnce(*lease, /*write=*/true, body);
    status = outcome.status;
    // A commit that failed may still have committed (a connection lost mid-COMMIT): never run
    // the body twice, and never answer "retry" (503) when the write may have happened.
    if (outcome.failed_at_commit) {
      if (status.code() != ErrorCode::kTemporarilyUnavailable) return status;
      return Status::Internal(
          "The database connection was lost while committing; the change may or may not have "
          "been made. Check before retrying.");
    }
    if (status.code() != ErrorCode::kTemporarilyUnavailable) return status;
  }
  return status;
}

Status WithReadTransaction(ConnectionPool& pool,
                           const std::function<Status(SqlConnection&)>& body) {
  Status status;
  // Reads are idempotent: a connection lost under one is retried on a fresh connection.
  for (int attempt = 0; attempt < 2; ++attempt) {
    ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool.Acquire());
    status = RunOnce(*lease, /*write=*/false, body).status;
    if (status.code() != ErrorCode::kTemporarilyUnavailable) return status;
  }
  return status;
}

}  // namespace modelwarden
