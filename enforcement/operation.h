// Every operation a client can ask for, one per route (compat/routes.h names the operation of
// each route), and the access each one requires: the one authorization table. RequiredAccess
// is an exhaustive switch, so -Wswitch flags an operation without an entry, and a test walks
// the route table.
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
};

// What the caller must hold. Admins pass every requirement.
enum class Requirement {
  kAuthenticated,  // Any authenticated user (searches are then limited to what they may read).
  kReadModel,      // READ on the model named by the request's `name`.
  kUpdateModel,    // EDIT on `name`.
  kDeleteModel,    // MANAGE on `name` (MLflow's can_delete).
  kManageModel,    // MANAGE on `name`.
  kRegisterModel,  // Authenticated; EDIT on `name` too when registration needs a grant.
  kRenameModel,    // EDIT on `name`; on `new_name` too when registration needs a grant.
  kSelf,           // The request's `username` is the caller (absent: the caller).
  kAuditLog,       // READ on `model_name` when given, else admin.
  kManageGrant,    // MANAGE on `name` for a grant on one model; admin for prefixes and PROMOTE.
  kAdmin,
};

struct AccessRule {
  Requirement requirement;
  // Moving a version into Staging/Production (the request's `stage`, or an alias the policy
  // maps to one) also needs a PROMOTE grant.
  bool promotes = false;
};

AccessRule RequiredAccess(Operation operation);

// "CreateRegisteredModel", ... (MLflow's RPC names where MLflow has one).
std::string_view OperationName(Operation operation);

}  // namespace modelwarden
