// The delivery worker's side of the outbox, in SQL: leasing due deliveries, recording attempts,
// expiring and purging. Each function runs inside a write transaction the caller opened
// (SqlModelStore), on SQLite (one process, the writer lock serialises everything) and on MySQL,
// where several processes claim at once: a lease is taken by an UPDATE that only succeeds on a
// row whose lease is free (InnoDB re-reads the row under its lock), so two workers never hold
// the same delivery; a worker that dies leaves leases that expire, and the deliveries are
// claimed again (at least once).
#pragma once

#include <vector>

#include "registry/sql/sql_connection.h"
#include "registry/webhooks/webhook_store.h"

namespace modelwarden {

Result<std::vector<ClaimedDelivery>> ClaimDueDeliveries(SqlConnection& db,
                                                        const ClaimRequest& request);
Status RecordDeliveryAttempts(SqlConnection& db, const std::vector<AttemptRecord>& records);
Result<MaintenanceCounts> ExpireAndPurgeDeliveries(SqlConnection& db, int64_t now,
                                                   int64_t expire_before, int64_t purge_before);

}  // namespace modelwarden
