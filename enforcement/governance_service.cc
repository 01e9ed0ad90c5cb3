#include "enforcement/governance_service.h"

#include "enforcement/policy/approval_rule.h"
#include "enforcement/policy/model_card.h"
#include "enforcement/policy/promotion_review.h"
#include "registry/mlflow_errors.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

// The model and the live version, or MLflow's "not found".
Status ReadVersion(ModelReader& reader, const std::string& name, int64_t version,
                   std::optional<RegisteredModel>& model, std::optional<ModelVersion>& found) {
  ASSIGN_OR_RETURN(model, reader.FindModel(name));
  if (!model) return ModelNotFound(name);
  ASSIGN_OR_RETURN(found, reader.FindVersion(name, version));
  if (!found) return VersionNotFound(name, version);
  return Status::Ok();
}

}  // namespace

Status GovernanceService::AuthorizeRead(const CallContext& ctx, Operation operation,
                                        const std::string& name) {
  RETURN_IF_ERROR(ValidateModelName(name));
  AccessRequest request;
  request.operation = operation;
  request.model = name;
  return access_.Authorize(ctx, request);
}

Result<PromotionReport> GovernanceService::CheckPromotion(const CallContext& ctx,
                                                          const std::string& name, int64_t version,
                                                          const PromotionTarget& target) {
  RETURN_IF_ERROR(AuthorizeRead(ctx, Operation::kCheckPromotion, name));
  const auto policy = policy_.Current();
  PromotionReport report;
  report.name = name;
  report.version = version;
  report.alias = target.alias;
  report.stage = target.stage;
  if (!target.alias.empty()) {
    RETURN_IF_ERROR(ValidateAliasForSet(target.alias));
    report.stage = AliasStage(*policy, target.alias);
  }
  OutsideFacts facts;
  if (report.stage) {
    const Change planned = target.alias.empty()
                               ? Change{TransitionStageChange{name, version, *report.stage, false}}
                               : Change{SetAliasChange{name, target.alias, version}};
    ASSIGN_OR_RETURN(facts, governor_.Prepare(ctx, planned));
  }
  RETURN_IF_ERROR(snapshots_.Read([&](ModelReader& reader) -> Status {
    std::optional<RegisteredModel> model;
    std::optional<ModelVersion> candidate;
    RETURN_IF_ERROR(ReadVersion(reader, name, version, model, candidate));
    if (!report.stage) return Status::Ok();
    ASSIGN_OR_RETURN(report.checks,
                     ReviewPromotion(*policy, {&*model, &*candidate, *report.stage, target.alias},
                                     reader, facts));
    return Status::Ok();
  }));
  report.allowed = !IsDenied(report.checks);
  if (report.stage) {
    const ApprovalRule* rule =
        ApprovalRuleFor(*policy, name, *report.stage, /*by_alias=*/!target.alias.empty());
    if (rule != nullptr && rule->mode == RuleMode::kEnforce) report.approval_rule = rule->id;
  }
  return report;
}

Result<ModelCardView> GovernanceService::GetModelCard(const CallContext& ctx,
                                                      const std::string& name, int64_t version) {
  RETURN_IF_ERROR(AuthorizeRead(ctx, Operation::kGetModelCard, name));
  const auto policy = policy_.Current();
  std::optional<RegisteredModel> model;
  std::optional<ModelVersion> found;
  RETURN_IF_ERROR(snapshots_.Read(
      [&](ModelReader& reader) { return ReadVersion(reader, name, version, model, found); }));
  const ModelCard card = FindModelCard(
      *found, policy->model_card, RequiredSections(policy->model_card, Stage::kProduction, *model));
  ModelCardView view;
  view.name = name;
  view.version = version;
  view.markdown = card.markdown;
  view.origin = card.origin;
  view.sections = FilledSections(card.markdown);
  return view;
}

Result<Written<Done>> GovernanceService::SetModelCard(const CallContext& ctx,
                                                      const std::string& name, int64_t version,
                                                      const std::string& markdown) {
  return registry_.SetModelVersionTag(ctx, name, version, Tag{kModelCardTagKey, markdown});
}

Result<Page<AuditEvent>> GovernanceService::SearchAuditLog(const CallContext& ctx,
                                                           const AuditQuery& query) {
  AccessRequest request;
  request.operation = Operation::kSearchAuditEvents;
  request.model = query.model_name;
  RETURN_IF_ERROR(access_.Authorize(ctx, request));
  // READ on a model is READ on the model that has the name now, not on what an earlier model
  // of that name (renamed away or deleted) recorded.
  AuditQuery limited = query;
  ASSIGN_OR_RETURN(const bool everything, access_.SeesEverything(ctx));
  limited.since_name_taken = !everything;
  return audit_log_.SearchAuditEvents(limited);
}

}  // namespace modelwarden
