#include "enforcement/access/access_rules.h"

namespace modelwarden {

// The registry entries follow MLflow's BEFORE_REQUEST_HANDLERS (mlflow/server/auth/__init__.py),
// including its choices that look uneven: deleting a model tag needs EDIT, deleting a version
// tag or an alias needs MANAGE.
AccessRule RequiredAccess(Operation operation) {
  switch (operation) {
    case Operation::kCreateRegisteredModel:
      return {Requirement::kRegisterModel};
    case Operation::kGetRegisteredModel:
    case Operation::kGetLatestVersions:
    case Operation::kGetModelVersionByAlias:
    case Operation::kGetModelVersion:
    case Operation::kGetModelVersionDownloadUri:
    case Operation::kCheckPromotion:
    case Operation::kGetModelCard:
    case Operation::kGetApproval:
    // Only the requester may cancel (enforcement/lifecycle/approval_service.h).
    case Operation::kCancelApproval:
      return {Requirement::kReadModel};
    case Operation::kUpdateRegisteredModel:
    case Operation::kSetRegisteredModelTag:
    case Operation::kDeleteRegisteredModelTag:
    case Operation::kCreateModelVersion:
    case Operation::kUpdateModelVersion:
    case Operation::kSetModelVersionTag:
    case Operation::kSetModelCard:
    // Requesting an approval needs what the move needs but PROMOTE: the approver's PROMOTE
    // makes the move.
    case Operation::kCreateApproval:
      return {Requirement::kUpdateModel};
    case Operation::kTransitionModelVersionStage:
    case Operation::kSetRegisteredModelAlias:
      return {Requirement::kUpdateModel, /*promotes=*/true};
    case Operation::kRenameRegisteredModel:
      return {Requirement::kRenameModel};
    case Operation::kDeleteRegisteredModel:
    case Operation::kDeleteRegisteredModelAlias:
    case Operation::kDeleteModelVersion:
    case Operation::kDeleteModelVersionTag:
      return {Requirement::kDeleteModel};
    case Operation::kSearchRegisteredModels:
    case Operation::kSearchModelVersions:
    case Operation::kGetCurrentUser:
      return {Requirement::kAuthenticated};
    case Operation::kSearchAuditEvents:
    case Operation::kListApprovals:
      return {Requirement::kAuditLog};
    // Never the requester (enforcement/lifecycle/approval_service.h).
    case Operation::kApprove:
    case Operation::kReject:
      return {Requirement::kPromoteModel};
    case Operation::kCreateModelPermission:
    case Operation::kGetModelPermission:
    case Operation::kUpdateModelPermission:
    case Operation::kDeleteModelPermission:
      return {Requirement::kManageModel};
    // validate_can_manage_experiment and validate_can_manage_scorer_permission.
    case Operation::kCreateExperimentPermission:
    case Operation::kGetExperimentPermission:
    case Operation::kUpdateExperimentPermission:
    case Operation::kDeleteExperimentPermission:
    case Operation::kCreateScorerPermission:
    case Operation::kGetScorerPermission:
    case Operation::kUpdateScorerPermission:
    case Operation::kDeleteScorerPermission:
      return {Requirement::kManageExperiment};
    case Operation::kGetUser:
    case Operation::kUpdateUserPassword:
    case Operation::kGetEffectivePermission:
    case Operation::kCreateToken:
    case Operation::kListTokens:
    case Operation::kRevokeToken:
      return {Requirement::kSelf};
    case Operation::kCreateGrant:
    case Operation::kUpdateGrant:
    case Operation::kDeleteGrant:
    case Operation::kListGrants:
      return {Requirement::kManageGrant};
    // MLflow's basic-auth lets any user manage webhooks; a webhook receives the events of
    // every model its model_prefix covers, so here it takes an admin or a WEBHOOKS grant.
    case Operation::kCreateWebhook:
    case Operation::kListWebhooks:
    case Operation::kGetWebhook:
    case Operation::kUpdateWebhook:
    case Operation::kDeleteWebhook:
    case Operation::kTestWebhook:
    case Operation::kListWebhookDeliveries:
    case Operation::kGetWebhookDelivery:
    case Operation::kRedeliverWebhookDelivery:
      return {Requirement::kWebhooks};
    case Operation::kCreateUser:
    case Operation::kUpdateUserAdmin:
    case Operation::kDeleteUser:
    case Operation::kListUsers:
    case Operation::kCreateGroup:
    case Operation::kGetGroup:
    case Operation::kListGroups:
    case Operation::kDeleteGroup:
    case Operation::kAddGroupMember:
    case Operation::kRemoveGroupMember:
    case Operation::kImportRegisteredModel:
      return {Requirement::kAdmin};
  }
  return {Requirement::kAdmin};
}

}  // namespace modelwarden
