// AccessAdmin's operations on the tracker's experiments and scorers: MLflow's experiment and
// scorer permission endpoints, and its after-request hooks (the creator's MANAGE, the scorer
// cascade). They are grants of the one grant model, so they go through the same units of work
// as modelwarden's other grants (access_admin.cc).

#include <utility>

#include "enforcement/access/access_admin.h"

namespace modelwarden {
namespace {

Grant UserGrant(ResourceType type, const std::string& resource, const std::string& username,
                Permission permission) {
  Grant grant;
  grant.subject_type = SubjectType::kUser;
  grant.subject_name = username;
  grant.resource_type = type;
  grant.resource = resource;
  grant.kind = GrantKind::kAccess;
  grant.permission = permission;
  return grant;
}

Grant ExperimentGrant(const std::string& experiment_id, const std::string& username,
                      Permission permission = Permission::kRead) {
  return UserGrant(ResourceType::kExperiment, experiment_id, username, permission);
}

Grant ScorerGrant(const std::string& experiment_id, const std::string& scorer,
                  const std::string& username, Permission permission = Permission::kRead) {
  return UserGrant(ResourceType::kScorer, ScorerResource(experiment_id, scorer), username,
                   permission);
}

// ExperimentGrant's and ScorerGrant's parts must survive the resource's round trip: an
// experiment id never holds '/', a scorer name may.
Status CheckExperimentId(const std::string& experiment_id) {
  if (experiment_id.find('/') != std::string::npos) {
    return Status::InvalidArgument("Experiment id '" + experiment_id + "' must not contain '/'.");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> AccessAdmin::ExperimentNameFor(const Principal& principal, const Grant& grant) {
  std::string experiment_id;
  std::string scorer;
  if (grant.resource_type == ResourceType::kExperiment) {
    experiment_id = grant.resource;
  } else if (grant.resource_type != ResourceType::kScorer ||
             !SplitScorerResource(grant.resource, experiment_id, scorer)) {
    return std::string();
  }
  if (names_ == nullptr || experiment_id.empty()) return std::string();
  // Only a caller with prefix grants needs the name; any failure here is the authorization's
  // to report, which reads the same profile.
  Result<ExperimentAccess> access = access_.ExperimentAccessFor(principal);
  if (!access.ok() || !access->NeedsNames()) return std::string();
  Result<std::string> name = names_->NameOf(experiment_id);
  // No such experiment on the tracker: MLflow grants on ids whatever they name, and so do we;
  // no name, no prefix grant.
  if (name.status().code() == ErrorCode::kResourceDoesNotExist) return std::string();
  return name;
}

Result<Grant> AccessAdmin::CreateExperimentPermission(const CallContext& ctx,
                                                      const std::string& experiment_id,
                                                      const std::string& username,
                                                      Permission permission) {
  RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  return CreateGrant(ctx, Operation::kCreateExperimentPermission,
                     ExperimentGrant(experiment_id, username, permission));
}

Result<Grant> AccessAdmin::GetExperimentPermission(const CallContext& ctx,
                                                   const std::string& experiment_id,
                                                   const std::string& username) {
  RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  return GetGrant(ctx, Operation::kGetExperimentPermission,
                  ExperimentGrant(experiment_id, username));
}

Status AccessAdmin::UpdateExperimentPermission(const CallContext& ctx,
                                               const std::string& experiment_id,
                                               const std::string& username, Permission permission) {
  RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  return UpdateGrant(ctx, Operation::kUpdateExperimentPermission,
                     ExperimentGrant(experiment_id, username, permission));
}

Status AccessAdmin::DeleteExperimentPermission(const CallContext& ctx,
                                               const std::string& experiment_id,
                                               const std::string& username) {
  RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  return DeleteGrant(ctx, Operation::kDeleteExperimentPermission,
                     ExperimentGrant(experiment_id, username));
}

Result<Grant> AccessAdmin::CreateScorerPermission(const CallContext& ctx,
                                                  const std::string& experiment_id,
                                                  const std::string& scorer_name,
                                                  const std::string& username,
                                                  Permission permission) {
  RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  return CreateGrant(ctx, Operation::kCreateScorerPermission,
                     ScorerGrant(experiment_id, scorer_name, username, permission));
}

Result<Grant> AccessAdmin::GetScorerPermission(const CallContext& ctx,
                                               const std::string& experiment_id,
                                               const std::string& scorer_name,
                                               const std::string& username) {
  RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  return GetGrant(ctx, Operation::kGetScorerPermission,
                  ScorerGrant(experiment_id, scorer_name, username));
}

Status AccessAdmin::UpdateScorerPermission(const CallContext& ctx, const std::string& experiment_id,
                                           const std::string& scorer_name,
                                           const std::string& username, Permission permission) {
  RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  return UpdateGrant(ctx, Operation::kUpdateScorerPermission,
                     ScorerGrant(experiment_id, scorer_name, username, permission));
}

Status AccessAdmin::DeleteScorerPermission(const CallContext& ctx, const std::string& experiment_id,
                                           const std::string& scorer_name,
                                           const std::string& username) {
  RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  return DeleteGrant(ctx, Operation::kDeleteScorerPermission,
                     ScorerGrant(experiment_id, scorer_name, username));
}

// MLflow's set_can_manage_experiment_permission and set_can_manage_scorer_permission.
Status AccessAdmin::GrantCreator(const Principal& creator, Operation operation,
                                 const Grant& grant) {
  if (!access_.enabled() || creator.kind != Principal::Kind::kUser) return Status::Ok();
  RETURN_IF_ERROR(ValidateGrant(grant));
  CallContext ctx;
  ctx.principal = creator;
  AccessRequest request;
  request.operation = operation;
  return Change(
      ctx, request,
      "MANAGE on " + std::string(ResourceTypeName(grant.resource_type)) + " " + grant.resource +
          " to user " + creator.name + " (creator)",
      [&](AuthStore& auth) -> Status {
        // A grant the creator already holds stays as it is: creating an experiment (or a
        // scorer) is not a way to raise one's own level on an id that had a grant.
        Result<Grant> existing = auth.GetGrant(grant);
        if (existing.ok()) return Status::Ok();
        if (existing.status().code() != ErrorCode::kResourceDoesNotExist) {
          return existing.status();
        }
        return auth.CreateGrant(grant).status();
      },
      /*authorize=*/false);
}

Status AccessAdmin::GrantExperimentCreator(const Principal& creator,
                                           const std::string& experiment_id) {
  RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  return GrantCreator(creator, Operation::kCreateExperimentPermission,
                      ExperimentGrant(experiment_id, creator.name, Permission::kManage));
}

Status AccessAdmin::GrantScorerCreator(const Principal& creator, const std::string& experiment_id,
                                       const std::string& scorer) {
  RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  return GrantCreator(creator, Operation::kCreateScorerPermission,
                      ScorerGrant(experiment_id, scorer, creator.name, Permission::kManage));
}

Status AccessAdmin::DeleteScorerGrants(const std::string& experiment_id,
                                       const std::string& scorer) {
  return DeleteScorerGrants(Principal::System("tracker"), experiment_id, scorer);
}

// MLflow's delete_scorer_permissions_cascade.
Status AccessAdmin::DeleteScorerGrants(const Principal& by, const std::string& experiment_id,
                                       const std::string& scorer) {
  RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  if (experiment_id.empty() || scorer.empty()) return Status::Ok();  // MLflow: nothing to do.
  CallContext ctx;
  ctx.principal = by;
  AccessRequest request;
  request.operation = Operation::kDeleteScorerPermission;
  const std::string resource = ScorerResource(experiment_id, scorer);
  return Change(
      ctx, request, "every grant on scorer " + resource,
      [&](AuthStore& auth) {
        return auth.DeleteGrantsOn(ResourceType::kScorer, resource).status();
      },
      /*authorize=*/false);
}

}  // namespace modelwarden
