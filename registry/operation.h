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
};

// "CreateRegisteredModel", ... (MLflow's RPC names where MLflow has one).
std::string_view OperationName(Operation operation);

}  // namespace modelwarden
