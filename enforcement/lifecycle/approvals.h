// Approvals: modelwarden's four-eyes approvals as its endpoints (/api/2.0/modelwarden/
// approvals/...) and command line use them. A move the policy holds (or that a caller asks to
// have approved) waits as a pending approval; another user with PROMOTE on the model approves
// it, which makes the move after the policy has judged it once more, or rejects it; its
// requester may cancel it. Every step is a unit of work with its audit entry.
//
// Thread-safe. Every method may also return kPermissionDenied, kUnauthenticated,
// kTemporarilyUnavailable or kInternalError.
#pragma once

#include <string>
#include <vector>

#include "registry/approval.h"
#include "registry/entities.h"
#include "registry/registry.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

// An approval as a reader sees it now.
struct ApprovalView {
  Approval approval;
  // The status now: a pending approval past its expiration is expired, one whose version
  // changed or went since the request is invalidated (with approval.reason saying how), even
  // before a decision records it.
  ApprovalStatus status = ApprovalStatus::kPending;
  // Who may approve it now (Get only, while pending): the users a PROMOTE grant on the model
  // covers, directly or through a group, and the admins; never the requester.
  std::vector<std::string> approvers;
};

class Approvals {
 public:
  virtual ~Approvals() = default;

  // Asks for a second person's approval of `move` (a transition into Staging or Production,
  // or an alias), whatever the policy's rules: the move's own checks and the policy judge it
  // first (MLflow's errors; kInvalidParameterValue listing the checks it fails). Returns the
  // pending approval; the same move's approval when one is pending already.
  virtual Result<Approval> Create(const CallContext& ctx, const ApprovalMove& move,
                                  const std::string& comment) = 0;
  // kResourceDoesNotExist for an unknown id.
  virtual Result<ApprovalView> Get(const CallContext& ctx, int64_t id) = 0;
  // Newest first; a status filter matches the status now (a page may then hold fewer).
  virtual Result<Page<ApprovalView>> List(const CallContext& ctx, const ApprovalQuery& query) = 0;

  // Approves and makes the move in one unit of work, judging it by the policy as it is now
  // (gates, model card, metadata; the move's warnings are returned). kPermissionDenied for
  // the requester, or without PROMOTE on the model; kInvalidParameterValue when the approval
  // is not pending, has expired or its version changed (it is recorded expired or
  // invalidated), or when the policy refuses the move now (it is recorded failed, with the
  // reasons). kResourceDoesNotExist for an unknown id.
  virtual Result<Written<Approval>> Approve(const CallContext& ctx, int64_t id,
                                            const std::string& comment) = 0;
  // The move is not made. kPermissionDenied for the requester (who cancels instead) or without
  // PROMOTE; kInvalidParameterValue when it is no longer pending.
  virtual Result<Approval> Reject(const CallContext& ctx, int64_t id,
                                  const std::string& comment) = 0;
  // Withdrawn by its requester; kPermissionDenied for anyone else.
  virtual Result<Approval> Cancel(const CallContext& ctx, int64_t id,
                                  const std::string& comment) = 0;
};

}  // namespace modelwarden
