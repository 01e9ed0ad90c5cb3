// The decisions on an approval (ApprovalService::Approve, Reject, Cancel), each one unit of
// work over the model's rows (see approval_service.h for the order of its steps).
#include "enforcement/lifecycle/approval_service.h"
#include "registry/audit_record.h"
#include "registry/mlflow_errors.h"

namespace modelwarden {
namespace {

constexpr size_t kMaxCommentBytes = 5000;

// The move an approval allows, as its approver makes it.
Change ApprovedMove(const Approval& approval) {
  const ApprovalMove& m = approval.move;
  MoveApproval approved;
  approved.path = MoveApproval::Path::kApproved;
  approved.approval_id = approval.id;
  approved.requested_by = approval.requested_by;
  if (m.stage) {
    TransitionStageChange change{m.name, m.version, *m.stage, m.archive_existing_versions};
    change.approval = approved;
    return change;
  }
  SetAliasChange change{m.name, m.alias, m.version};
  change.approval = approved;
  return change;
}

Status MakeMove(ModelRows& rows, const ApprovalMove& m, int64_t now) {
  if (m.stage)
    return rows.SetVersionStage(m.name, m.version, *m.stage, m.archive_existing_versions, now);
  return rows.SetAlias(m.name, m.alias, m.version);
}

std::string Quoted(const std::string& comment) {
  return comment.empty() ? "" : ": \"" + comment + "\"";
}

}  // namespace

Result<Written<Approval>> ApprovalService::Decide(const CallContext& ctx, int64_t id,
                                                  Decision decision, const std::string& comment) {
  if (comment.size() > kMaxCommentBytes) {
    return Status::InvalidArgument("Parameter 'comment' is longer than 5000 bytes.");
  }
  // Which model to lock: an approval's model changes only with a rename, checked below.
  ASSIGN_OR_RETURN(const Approval requested, Read(id));
  const std::string& name = requested.move.name;
  AccessRequest access;
  access.operation = decision == Decision::kApprove  ? Operation::kApprove
                     : decision == Decision::kReject ? Operation::kReject
                                                     : Operation::kCancelApproval;
  access.model = name;
  RETURN_IF_ERROR(access_.Authorize(ctx, access));  // Early, on cached grants.
  const Change move = ApprovedMove(requested);
  OutsideFacts facts;
  if (decision == Decision::kApprove) {
    ASSIGN_OR_RETURN(facts, governor_.Prepare(ctx, move));
  }
  const int64_t now = clock_.NowMillis();
  const std::string who = ctx.principal.AuditName();
  const char* verb = decision == Decision::kApprove  ? "approved"
                     : decision == Decision::kReject ? "rejected"
                                                     : "cancelled";
  Written<Approval> written;
  Status refusal;
  RETURN_IF_ERROR(store_.Write({name}, [&](WriteTxn& txn) -> Status {
    refusal = Status::Ok();
    written = Written<Approval>{};
    ModelRows& rows = txn.models();
    AuditEvent event;
    event.timestamp = now;
    event.request_id = ctx.request_id;
    event.principal = who;
    event.client_address = ctx.client_address;
    event.operation = std::string(OperationName(access.operation));
    event.model_name = name;
    event.version = requested.move.version;
    event.before = "approval " + std::to_string(id) + " pending: " + DescribeMove(requested.move) +
                   ", requested by " + requested.requested_by;
    event.after = "approval " + std::to_string(id) + " " + verb + Quoted(comment);
    // A refusal commits its audit entry and, when it found the approval dead, its new status.
    const auto refuse = [&](const Status& why, const char* check,
                            std::optional<ApprovalDecision> found) -> Status {
      refusal = why;
      event.outcome = AuditOutcome::kDenied;
      event.checks.push_back({check, CheckOutcome::kFailed, why.message()});
      if (found) RETURN_IF_ERROR(rows.DecideApproval(id, *found));
      return txn.AppendAudit(event);
    };
    const Status allowed = access_.AuthorizeIn(txn.auth(), ctx.principal, access);
    if (allowed.code() == ErrorCode::kPermissionDenied) return refuse(allowed, "access", {});
    RETURN_IF_ERROR(allowed);
    ASSIGN_OR_RETURN(std::optional<Approval> current, rows.FindApproval(id));
    if (!current || current->move.name != name) {
      refusal = Status(ErrorCode::kAborted, "The model of approval " + std::to_string(id) +
                                                " was renamed meanwhile; try again.");
      return Status::Ok();
    }
    const std::string label = "Approval " + std::to_string(id);
    if (current->status != ApprovalStatus::kPending) {
      return refuse(Status::InvalidArgument(
                        label + " is " + std::string(ApprovalStatusName(current->status)) +
                        (current->decided_by.empty() ? "" : " (by " + current->decided_by + ")") +
                        (current->reason.empty() ? "" : ": " + current->reason) +
                        "; only a pending approval can be " + verb + "."),
                    "approval.pending", {});
    }
    if (now >= current->expiration_timestamp) {
      const std::string reason =
          "nobody decided before " + FormatUtc(current->expiration_timestamp);
      return refuse(
          Status::InvalidArgument(label + " has expired: " + reason + ". Ask for the move again."),
          "approval.expired", ApprovalDecision{ApprovalStatus::kExpired, "", "", now, reason});
    }
    ChangeState state;
    ASSIGN_OR_RETURN(state.version, rows.FindVersion(name, current->move.version));
    if (!state.version || VersionFingerprint(*state.version) != current->version_fingerprint) {
      const std::string reason =
          "version " + std::to_string(current->move.version) +
          (state.version ? " changed after the request (its tags, model card, description or "
                           "source)"
                         : " was deleted after the request");
      return refuse(Status::InvalidArgument(label + " is no longer valid: " + reason +
                                            ". Ask for an approval of the version as it is now."),
                    "approval.current",
                    ApprovalDecision{ApprovalStatus::kInvalidated, "", "", now, reason});
    }
    // Four eyes: who asked never decides; only who asked withdraws.
    if (decision == Decision::kCancel && who != current->requested_by) {
      return refuse(Status::PermissionDenied("Only " + current->requested_by + ", who asked for " +
                                             label + ", may cancel it; an approver rejects it."),
                    "approval.requester", {});
    }
    if (decision != Decision::kCancel && who == current->requested_by) {
      return refuse(
          Status::PermissionDenied(who + " asked for " + label + " and may not " +
                                   (decision == Decision::kApprove ? "approve" : "reject") +
                                   " it: a second person with PROMOTE on '" + name +
                                   "' must. The requester may cancel it."),
          "approval.four-eyes", {});
    }
    ApprovalDecision decided{decision == Decision::kApprove  ? ApprovalStatus::kApproved
                             : decision == Decision::kReject ? ApprovalStatus::kRejected
                                                             : ApprovalStatus::kCancelled,
                             who, comment, now, ""};
    if (decision == Decision::kApprove) {
      // The move, judged by the policy as it is now.
      RETURN_IF_ERROR(RequireVersionAndModel(rows, name, current->move.version, state));
      ASSIGN_OR_RETURN(Verdict verdict, governor_.Judge(ctx, move, state, facts, rows));
      event.checks = verdict.checks;
      if (!verdict.denial.ok()) {
        const std::string reasons = verdict.denial.message();
        return refuse(Status::InvalidArgument(label + " failed: " + reasons), "approval.policy",
                      ApprovalDecision{ApprovalStatus::kFailed, who, comment, now, reasons});
      }
      RETURN_IF_ERROR(MakeMove(rows, current->move, now));
      AuditEvent moved = DescribeChange(ctx, move, state);
      moved.timestamp = now;
      moved.checks = verdict.checks;
      moved.outcome = verdict.warnings.empty() ? AuditOutcome::kAllowed : AuditOutcome::kWarned;
      RETURN_IF_ERROR(txn.AppendAudit(moved));
      written.warnings = std::move(verdict.warnings);
    }
    RETURN_IF_ERROR(rows.DecideApproval(id, decided));
    event.outcome = AuditOutcome::kAllowed;
    RETURN_IF_ERROR(txn.AppendAudit(event));
    written.value = std::move(*current);
    written.value.status = decided.status;
    written.value.decided_by = who;
    written.value.decision_comment = comment;
    written.value.decision_timestamp = now;
    return Status::Ok();
  }));
  if (!refusal.ok()) return refusal;
  return written;
}

}  // namespace modelwarden
