#include "registry/approval_request.h"

#include <string>
#include <variant>

namespace modelwarden {
namespace {

std::string PendingMessage(const Approval& approval, bool already_pending) {
  const std::string id = std::to_string(approval.id);
  const std::string why = approval.rule_id.empty() ? "as " + approval.requested_by + " asked"
                                                   : "policy rule " + approval.rule_id;
  std::string message = "Approval " + id + " is pending: " + DescribeMove(approval.move) +
                        " needs a second person's approval (" + why + "). ";
  if (already_pending) {
    message += "It was requested by " + approval.requested_by + " at " +
               FormatUtc(approval.creation_timestamp) + ". ";
  }
  return message + "Nothing was changed. Anyone with PROMOTE on '" + approval.move.name +
         "' other than " + approval.requested_by + " may approve it until " +
         FormatUtc(approval.expiration_timestamp) + ": run `modelwarden approvals approve --id " +
         id + "` or POST /api/2.0/modelwarden/approvals/approve {\"id\": " + id +
         "}; `modelwarden approvals get --id " + id + "` shows who can.";
}

}  // namespace

std::optional<ApprovalMove> MoveOfChange(const Change& change) {
  if (const auto* t = std::get_if<TransitionStageChange>(&change)) {
    return ApprovalMove{t->name, t->version, t->stage, t->archive_existing_versions, ""};
  }
  if (const auto* a = std::get_if<SetAliasChange>(&change)) {
    return ApprovalMove{a->name, a->version, std::nullopt, false, a->alias};
  }
  return std::nullopt;
}

std::optional<ApprovalDemand> ApprovalDemandOf(const Change& change, const Verdict& verdict) {
  if (verdict.approval) return verdict.approval;
  const MoveApproval* how = nullptr;
  if (const auto* t = std::get_if<TransitionStageChange>(&change)) how = &t->approval;
  if (const auto* a = std::get_if<SetAliasChange>(&change)) how = &a->approval;
  if (how == nullptr || how->path != MoveApproval::Path::kRequested) return std::nullopt;
  return ApprovalDemand{"", kDefaultApprovalExpiryMs};
}

Status DeferForApproval(const CallContext& ctx, const Change& change, const ChangeState& state,
                        const ApprovalDemand& demand, int64_t now, WriteTxn& txn, AuditEvent& event,
                        Status& answer) {
  const std::optional<ApprovalMove> move = MoveOfChange(change);
  if (!move || !state.version) {
    return Status::Internal("Only a stage transition or an alias of a version waits for approval.");
  }
  const std::string fingerprint = VersionFingerprint(*state.version);
  ASSIGN_OR_RETURN(std::optional<Approval> pending, txn.models().FindPendingApproval(*move, now));
  // The same move asked again (a retry, a colleague) joins the request already open, unless
  // the version changed since: then that one is stale and a new one is opened.
  const bool already = pending && pending->version_fingerprint == fingerprint;
  Approval approval;
  if (already) {
    approval = std::move(*pending);
  } else {
    NewApproval request;
    request.move = *move;
    request.rule_id = demand.rule_id;
    request.requested_by = ctx.principal.AuditName();
    const auto* asked = std::get_if<TransitionStageChange>(&change);
    const MoveApproval& how = asked ? asked->approval : std::get<SetAliasChange>(change).approval;
    request.request_comment = how.comment;
    request.creation_timestamp = now;
    request.expiration_timestamp = now + demand.expires_after_ms;
    request.version_fingerprint = fingerprint;
    ASSIGN_OR_RETURN(approval.id, txn.models().InsertApproval(request));
    approval.move = request.move;
    approval.rule_id = request.rule_id;
    approval.requested_by = request.requested_by;
    approval.creation_timestamp = request.creation_timestamp;
    approval.expiration_timestamp = request.expiration_timestamp;
  }
  event.outcome = AuditOutcome::kPending;
  event.after +=
      " (approval " + std::to_string(approval.id) + (already ? " already pending)" : " requested)");
  RETURN_IF_ERROR(txn.AppendAudit(event));
  answer = Status(ErrorCode::kAborted, PendingMessage(approval, already));
  return Status::Ok();
}

}  // namespace modelwarden
