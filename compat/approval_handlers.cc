#include "compat/approval_handlers.h"

#include <optional>
#include <string>

#include "compat/approval_json.h"
#include "registry/search_filter.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

constexpr int64_t kListDefaultResults = 100;
constexpr int64_t kListMaxResults = 1000;

Result<int64_t> RequiredId(const RequestReader& request) {
  ASSIGN_OR_RETURN(std::optional<int64_t> id, request.OptionalInt64("id"));
  if (!id) return MissingParameterError("id");
  return *id;
}

Result<ApprovalMove> ReadMove(const RequestReader& request) {
  ApprovalMove move;
  ASSIGN_OR_RETURN(move.name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version, request.RequiredString("version"));
  ASSIGN_OR_RETURN(move.version, ParseVersion(version));
  ASSIGN_OR_RETURN(std::optional<std::string> stage, request.OptionalString("stage"));
  ASSIGN_OR_RETURN(move.alias, request.StringOr("alias", ""));
  if (stage && !stage->empty()) {
    ASSIGN_OR_RETURN(Stage parsed, ParseStage(*stage));
    move.stage = parsed;
  }
  ASSIGN_OR_RETURN(std::optional<bool> archive, request.OptionalBool("archive_existing_versions"));
  move.archive_existing_versions = archive.value_or(false);
  return move;
}

Reply ReplyWith(const Approval& approval, std::vector<std::string> warnings = {}) {
  ApprovalView view;
  view.approval = approval;
  view.status = approval.status;
  return Reply{ApprovalResponse(view), std::move(warnings)};
}

}  // namespace

Result<Reply> HandleCreateApproval(const CallContext& ctx, const RequestReader& request,
                                   Approvals& approvals) {
  ASSIGN_OR_RETURN(ApprovalMove move, ReadMove(request));
  ASSIGN_OR_RETURN(std::string comment, request.StringOr("comment", ""));
  ASSIGN_OR_RETURN(Approval created, approvals.Create(ctx, move, comment));
  return ReplyWith(created);
}

Result<Reply> HandleGetApproval(const CallContext& ctx, const RequestReader& request,
                                Approvals& approvals) {
  ASSIGN_OR_RETURN(int64_t id, RequiredId(request));
  ASSIGN_OR_RETURN(ApprovalView view, approvals.Get(ctx, id));
  return Reply{ApprovalResponse(view)};
}

Result<Reply> HandleListApprovals(const CallContext& ctx, const RequestReader& request,
                                  Approvals& approvals) {
  ApprovalQuery query;
  ASSIGN_OR_RETURN(query.name, request.StringOr("name", ""));
  ASSIGN_OR_RETURN(std::string status, request.StringOr("status", ""));
  if (!status.empty()) {
    query.status = ParseApprovalStatus(status);
    if (!query.status) {
      return Status::InvalidArgument(
          "Invalid approval status '" + status +
          "'. Value must be one of pending, approved, rejected, cancelled, failed, expired, "
          "invalidated.");
    }
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> max_results, request.OptionalInt64("max_results"));
  query.max_results = max_results.value_or(kListDefaultResults);
  if (query.max_results < 1 || query.max_results > kListMaxResults) {
    return Status::InvalidArgument("max_results must be between 1 and " +
                                   std::to_string(kListMaxResults) + ", got " +
                                   std::to_string(query.max_results));
  }
  ASSIGN_OR_RETURN(std::string token, request.StringOr("page_token", ""));
  ASSIGN_OR_RETURN(query.offset, DecodePageToken(token));
  ASSIGN_OR_RETURN(Page<ApprovalView> page, approvals.List(ctx, query));
  return Reply{ApprovalsResponse(page)};
}

Result<Reply> HandleApprove(const CallContext& ctx, const RequestReader& request,
                            Approvals& approvals) {
  ASSIGN_OR_RETURN(int64_t id, RequiredId(request));
  ASSIGN_OR_RETURN(std::string comment, request.StringOr("comment", ""));
  ASSIGN_OR_RETURN(Written<Approval> approved, approvals.Approve(ctx, id, comment));
  return ReplyWith(approved.value, approved.warnings);
}

Result<Reply> HandleReject(const CallContext& ctx, const RequestReader& request,
                           Approvals& approvals) {
  ASSIGN_OR_RETURN(int64_t id, RequiredId(request));
  ASSIGN_OR_RETURN(std::string comment, request.StringOr("comment", ""));
  ASSIGN_OR_RETURN(Approval rejected, approvals.Reject(ctx, id, comment));
  return ReplyWith(rejected);
}

Result<Reply> HandleCancelApproval(const CallContext& ctx, const RequestReader& request,
                                   Approvals& approvals) {
  ASSIGN_OR_RETURN(int64_t id, RequiredId(request));
  ASSIGN_OR_RETURN(std::string comment, request.StringOr("comment", ""));
  ASSIGN_OR_RETURN(Approval cancelled, approvals.Cancel(ctx, id, comment));
  return ReplyWith(cancelled);
}

}  // namespace modelwarden
