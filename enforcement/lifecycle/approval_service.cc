// Requests and reads of approvals; the decisions are in approval_decision.cc.
#include "enforcement/lifecycle/approval_service.h"

#include <algorithm>
#include <set>

#include "enforcement/access/permission.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

Status ValidateMove(const ApprovalMove& move) {
  RETURN_IF_ERROR(ValidateModelName(move.name));
  if (move.version < 1) {
    return Status::InvalidArgument("Parameter 'version' must be a positive version number.");
  }
  if (move.stage.has_value() == !move.alias.empty()) {
    return Status::InvalidArgument("Give exactly one of 'stage' and 'alias'.");
  }
  if (move.stage && *move.stage != Stage::kStaging && *move.stage != Stage::kProduction) {
    return Status::InvalidArgument(
        "Approvals are for moves into Staging or Production (or an alias); '" +
        std::string(StageName(*move.stage)) + "' needs none.");
  }
  return Status::Ok();
}

}  // namespace

Result<Approval> ApprovalService::Create(const CallContext& ctx, const ApprovalMove& move,
                                         const std::string& comment) {
  RETURN_IF_ERROR(ValidateMove(move));
  if (comment.size() > 5000) {
    return Status::InvalidArgument("Parameter 'comment' is longer than 5000 bytes.");
  }
  AccessRequest request;
  request.operation = Operation::kCreateApproval;
  request.model = move.name;
  RETURN_IF_ERROR(access_.Authorize(ctx, request));
  const Status answer = registry_.RequestApproval(ctx, move, comment);
  if (answer.code() != ErrorCode::kAborted) {
    return answer.ok() ? Status::Internal("The move was made instead of waiting for approval.")
                       : answer;
  }
  // Recorded (or found pending): the newest pending approval of the move is it.
  std::optional<Approval> pending;
  const int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(store_.Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(pending, reader.FindPendingApproval(move, now));
    return Status::Ok();
  }));
  if (!pending) return Status::Internal("The approval just requested was not found.");
  return std::move(*pending);
}

Result<Approval> ApprovalService::Read(int64_t id) {
  std::optional<Approval> found;
  RETURN_IF_ERROR(store_.Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(found, reader.FindApproval(id));
    return Status::Ok();
  }));
  if (!found) return Status::NotFound("Approval " + std::to_string(id) + " not found.");
  return std::move(*found);
}

Result<ApprovalView> ApprovalService::View(Approval approval, ModelReader& reader, int64_t now) {
  ApprovalView view;
  view.status = EffectiveStatus(approval, now);
  if (view.status == ApprovalStatus::kPending) {
    ASSIGN_OR_RETURN(std::optional<ModelVersion> version,
                     reader.FindVersion(approval.move.name, approval.move.version));
    if (!version || VersionFingerprint(*version) != approval.version_fingerprint) {
      view.status = ApprovalStatus::kInvalidated;
      approval.reason = "version " + std::to_string(approval.move.version) +
                        (version ? " changed after the request" : " was deleted");
    }
  }
  view.approval = std::move(approval);
  return view;
}

Result<ApprovalView> ApprovalService::Get(const CallContext& ctx, int64_t id) {
  // The approval and the version it names, read in one snapshot.
  std::optional<ApprovalView> view;
  const int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(store_.Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(std::optional<Approval> found, reader.FindApproval(id));
    if (!found) return Status::NotFound("Approval " + std::to_string(id) + " not found.");
    ASSIGN_OR_RETURN(view, View(std::move(*found), reader, now));
    return Status::Ok();
  }));
  AccessRequest request;
  request.operation = Operation::kGetApproval;
  request.model = view->approval.move.name;
  RETURN_IF_ERROR(access_.Authorize(ctx, request));
  if (view->status == ApprovalStatus::kPending) {
    ASSIGN_OR_RETURN(view->approvers, Approvers(view->approval));
  }
  return std::move(*view);
}

Result<Page<ApprovalView>> ApprovalService::List(const CallContext& ctx,
                                                 const ApprovalQuery& query) {
  if (!query.name.empty()) RETURN_IF_ERROR(ValidateModelName(query.name));
  AccessRequest request;
  request.operation = Operation::kListApprovals;
  request.model = query.name;
  RETURN_IF_ERROR(access_.Authorize(ctx, request));
  // The status asked for is the status now; an approval that expired or went stale without a
  // decision is still stored as pending.
  ApprovalQuery stored_query = query;
  if (query.status == ApprovalStatus::kExpired || query.status == ApprovalStatus::kInvalidated) {
    stored_query.status.reset();
  }
  Page<ApprovalView> page;
  const int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(store_.Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(Page<Approval> stored, reader.ListApprovals(stored_query));
    page = Page<ApprovalView>{};
    page.next_page_token = stored.next_page_token;
    for (Approval& approval : stored.items) {
      ASSIGN_OR_RETURN(ApprovalView view, View(std::move(approval), reader, now));
      if (query.status && view.status != *query.status) continue;
      page.items.push_back(std::move(view));
    }
    return Status::Ok();
  }));
  return page;
}

// Everyone a PROMOTE grant on the model covers (group grants by their members), and the
// admins: those whom the PROMOTE requirement lets approve, short of a NO_PERMISSIONS grant.
Result<std::vector<std::string>> ApprovalService::Approvers(const Approval& approval) {
  std::set<std::string> names;
  if (!access_.enabled()) return std::vector<std::string>();
  ASSIGN_OR_RETURN(std::vector<Grant> grants, auth_.ListGrants(GrantQuery{}));
  for (const Grant& grant : grants) {
    if (grant.kind != GrantKind::kPromote || !GrantCovers(grant, approval.move.name)) continue;
    if (grant.subject_type == SubjectType::kUser) {
      names.insert(grant.subject_name);
      continue;
    }
    ASSIGN_OR_RETURN(Group group, auth_.GetGroup(grant.subject_name));
    names.insert(group.members.begin(), group.members.end());
  }
  ASSIGN_OR_RETURN(std::vector<User> users, auth_.ListUsers());
  for (const User& user : users) {
    if (user.is_admin) names.insert(user.username);
  }
  names.erase(approval.requested_by);
  return std::vector<std::string>(names.begin(), names.end());
}

Result<Written<Approval>> ApprovalService::Approve(const CallContext& ctx, int64_t id,
                                                   const std::string& comment) {
  return Decide(ctx, id, Decision::kApprove, comment);
}

Result<Approval> ApprovalService::Reject(const CallContext& ctx, int64_t id,
                                         const std::string& comment) {
  ASSIGN_OR_RETURN(Written<Approval> rejected, Decide(ctx, id, Decision::kReject, comment));
  return std::move(rejected.value);
}

Result<Approval> ApprovalService::Cancel(const CallContext& ctx, int64_t id,
                                         const std::string& comment) {
  ASSIGN_OR_RETURN(Written<Approval> cancelled, Decide(ctx, id, Decision::kCancel, comment));
  return std::move(cancelled.value);
}

}  // namespace modelwarden
