#include "compat/governance_handlers.h"

#include "compat/governance_json.h"
#include "compat/json_writer.h"
#include "registry/search_filter.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

constexpr int64_t kAuditDefaultResults = 100;
constexpr int64_t kAuditMaxResults = 1000;

Result<int64_t> RequiredVersion(const RequestReader& request) {
  ASSIGN_OR_RETURN(std::string text, request.RequiredString("version"));
  return ParseVersion(text);
}

}  // namespace

Result<Reply> HandleCheckPromotion(const CallContext& ctx, const RequestReader& request,
                                   Governance& governance) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(int64_t version, RequiredVersion(request));
  ASSIGN_OR_RETURN(std::optional<std::string> stage_name, request.OptionalString("stage"));
  ASSIGN_OR_RETURN(std::optional<std::string> alias, request.OptionalString("alias"));
  const bool has_stage = stage_name && !stage_name->empty();
  const bool has_alias = alias && !alias->empty();
  if (has_stage == has_alias) {
    return Status::InvalidArgument("Give exactly one of 'stage' and 'alias'.");
  }
  PromotionTarget target;
  if (has_stage) {
    ASSIGN_OR_RETURN(target.stage, ParseStage(*stage_name));
  } else {
    target.alias = *alias;
  }
  ASSIGN_OR_RETURN(PromotionReport report, governance.CheckPromotion(ctx, name, version, target));
  return Reply{PromotionReportResponse(report)};
}

Result<Reply> HandleGetModelCard(const CallContext& ctx, const RequestReader& request,
                                 Governance& governance) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(int64_t version, RequiredVersion(request));
  ASSIGN_OR_RETURN(ModelCardView card, governance.GetModelCard(ctx, name, version));
  return Reply{ModelCardResponse(card)};
}

Result<Reply> HandleSetModelCard(const CallContext& ctx, const RequestReader& request,
                                 Governance& governance) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(int64_t version, RequiredVersion(request));
  ASSIGN_OR_RETURN(std::string markdown, request.RequiredString("markdown"));
  ASSIGN_OR_RETURN(Written<Done> done, governance.SetModelCard(ctx, name, version, markdown));
  return ReplyTo(done, EmptyResponse());
}

Result<Reply> HandleSearchAuditEvents(const CallContext& ctx, const RequestReader& request,
                                      Governance& governance) {
  AuditQuery query;
  ASSIGN_OR_RETURN(query.model_name, request.StringOr("model_name", ""));
  ASSIGN_OR_RETURN(query.principal, request.StringOr("principal", ""));
  ASSIGN_OR_RETURN(query.operation, request.StringOr("operation", ""));
  ASSIGN_OR_RETURN(query.since, request.OptionalInt64("since"));
  ASSIGN_OR_RETURN(query.until, request.OptionalInt64("until"));
  ASSIGN_OR_RETURN(std::optional<int64_t> max_results, request.OptionalInt64("max_results"));
  query.max_results = max_results.value_or(kAuditDefaultResults);
  if (query.max_results < 1 || query.max_results > kAuditMaxResults) {
    return Status::InvalidArgument("max_results must be between 1 and " +
                                   std::to_string(kAuditMaxResults) + ", got " +
                                   std::to_string(query.max_results));
  }
  ASSIGN_OR_RETURN(std::string token, request.StringOr("page_token", ""));
  ASSIGN_OR_RETURN(query.offset, DecodePageToken(token));
  ASSIGN_OR_RETURN(Page<AuditEvent> page, governance.SearchAuditLog(ctx, query));
  return Reply{AuditEventsResponse(page)};
}

}  // namespace modelwarden
