// Every operation a client can ask for, one per route (compat/routes.h names the operation of
// each route). What each one requires is enforcement's table (enforcement/access_rules.h).
#pragma once

#include <string_view>

namespace modelwarden {

enum class Operation {
  // MLflow Model Registry.
  kCreateRegisteredModel,
  kGetRegisteredModel,
  kUpdateRegisteredModel,
  kRenameRegisteredModel,
  kDeleteRegisteredModel,
  kSearchRegisteredModels,
  kGetLatestVersions,
  kSetRegisteredModelTag,
  kDeleteRegisteredModelTag,
  kSetRegisteredModelAlias,
  kDeleteRegisteredModelAlias,
  kGetModelVersionByAlias,
  kCreateModelVersion,
  kGetModelVersion,
  kUpdateModelVersion,
  kTransitionModelVersionStage,
  kDeleteModelVersion,
  kSearchModelVersions,
  kGetModelVersionDownloadUri,
  kSetModelVersionTag,
  kDeleteModelVersionTag,
  // modelwarden governance.
  kCheckPromotion,
  kGetModelCard,
  kSetModelCard,
  kSearchAuditEvents,
  // modelwarden four-eyes approvals.
  kCreateApproval,
  kGetApproval,
  kListApprovals,
  kApprove,
  kReject,
  kCancelApproval,
  // MLflow basic-auth.
  kCreateUser,
  kGetUser,
  kUpdateUserPassword,
  kUpdateUserAdmin,
  kDeleteUser,
  kCreateModelPermission,
  kGetModelPermission,
  kUpdateModelPermission,
  kDeleteModelPermission,
  kCreateExperimentPermission,
  kGetExperimentPermission,
  kUpdateExperimentPermission,
  kDeleteExperimentPermission,
  // MLflow 3.6 basic-auth (/api/3.0).
  kCreateScorerPermission,
  kGetScorerPermission,
  kUpdateScorerPermission,
  kDeleteScorerPermission,
  // modelwarden access control.
  kGetCurrentUser,
  kListUsers,
  kCreateGroup,
  kGetGroup,
  kListGroups,
  kDeleteGroup,
  kAddGroupMember,
  kRemoveGroupMember,
  kCreateGrant,
  kUpdateGrant,
  kDeleteGrant,
  kListGrants,
  kGetEffectivePermission,
  kCreateToken,
  kListTokens,
  kRevokeToken,
  // MLflow webhooks.
  kCreateWebhook,
  kListWebhooks,
  kGetWebhook,
  kUpdateWebhook,
  kDeleteWebhook,
  kTestWebhook,
  // modelwarden's webhook deliveries.
  kListWebhookDeliveries,
  kGetWebhookDelivery,
  kRedeliverWebhookDelivery,
  // modelwarden's own jobs (no route).
  kImportRegisteredModel,  // `modelwarden import`: one model brought over from another registry.
};

// "CreateRegisteredModel", ... (MLflow's RPC names where MLflow has one).
std::string_view OperationName(Operation operation);

}  // namespace modelwarden
