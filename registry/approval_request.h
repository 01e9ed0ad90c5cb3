// How a unit of work defers a move that needs a second person's approval (Verdict::approval):
// instead of the move it records the approval request (or finds the same move's request
// already pending) and the request's audit entry, commits those and nothing else, and answers
// the caller ABORTED (409, which MLflow clients do not retry) with what happened and what to
// do next. Pure but for the writes to `txn`; not thread-safe (one unit of work).
#pragma once

#include <cstdint>
#include <optional>

#include "registry/approval.h"
#include "registry/change.h"
#include "registry/entities.h"
#include "registry/governor.h"
#include "registry/requests.h"
#include "registry/status.h"
#include "registry/write_txn.h"

namespace modelwarden {

// How long an approval stays open when no policy says (the policy's default too).
inline constexpr int64_t kDefaultApprovalExpiryMs = 72LL * 3600 * 1000;

// The move `change` asks for; nullopt for a change that is not a stage transition or an alias.
std::optional<ApprovalMove> MoveOfChange(const Change& change);

// Whether the change, allowed by `verdict`, waits for an approval instead of being made: the
// policy's demand, or the caller's (a move asked with MoveApproval::Path::kRequested waits
// whatever the governor said).
std::optional<ApprovalDemand> ApprovalDemandOf(const Change& change, const Verdict& verdict);

// Records the request of `change` (a move, whose state has the version) and completes `event`
// (outcome pending) in `txn`, and sets `answer` to what the caller is told: kAborted naming
// the approval. Returns an error when the database fails (then nothing is committed).
Status DeferForApproval(const CallContext& ctx, const Change& change, const ChangeState& state,
                        const ApprovalDemand& demand, int64_t now, WriteTxn& txn, AuditEvent& event,
                        Status& answer);

}  // namespace modelwarden
