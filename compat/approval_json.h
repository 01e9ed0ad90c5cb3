// JSON bodies of the approvals endpoints (compat/approval_handlers.h), in the MLflow house
// style of modelwarden's own endpoints: snake_case, versions as strings, ids and timestamps as
// int64 numbers, empty fields omitted. Thread-safe.
#pragma once

#include <string>

#include "enforcement/lifecycle/approvals.h"

namespace modelwarden {

// {"approval": {"id", "name", "version", "stage"? | "alias"?, "archive_existing_versions"?,
// "move", "rule_id"?, "status", "requested_by", "request_comment"?, "creation_timestamp",
// "expiration_timestamp", "decided_by"?, "decision_comment"?, "decision_timestamp"?,
// "reason"?, "approvers"?}}
std::string ApprovalResponse(const ApprovalView& view);
// {"approvals": [...], "next_page_token"?}; {} when empty.
std::string ApprovalsResponse(const Page<ApprovalView>& page);

}  // namespace modelwarden
