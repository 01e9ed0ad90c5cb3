// The approvals table (registry/approval.h; schema.cc migration 7): how an Approval is written,
// decided and read back, on a connection inside a transaction (a unit of work's, or a read
// transaction's). All its SQL is in approval_rows.cc; parameters are always bound.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "registry/approval.h"
#include "registry/entities.h"
#include "registry/sql/sql_connection.h"
#include "registry/status.h"

namespace modelwarden {

Result<int64_t> InsertApprovalRow(SqlConnection& db, const NewApproval& approval);
Status DecideApprovalRow(SqlConnection& db, int64_t id, const ApprovalDecision& decision);
Result<std::optional<Approval>> SelectApproval(SqlConnection& db, int64_t id);
Result<std::optional<Approval>> SelectPendingApproval(SqlConnection& db, const ApprovalMove& move,
                                                      int64_t now);
Result<bool> PendingApprovalNames(SqlConnection& db, const std::string& name, int64_t version,
                                  int64_t now);
Result<Page<Approval>> SelectApprovals(SqlConnection& db, const ApprovalQuery& query);

// A model's rename takes its approvals along; its deletion invalidates the pending ones.
Status RenameApprovals(SqlConnection& db, const std::string& name, const std::string& new_name);
Status InvalidateApprovalsOfModel(SqlConnection& db, const std::string& name);

}  // namespace modelwarden
