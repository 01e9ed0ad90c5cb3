#include "enforcement/operation.h"

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
      return {Requirement::kReadModel};
    case Operation::kUpdateRegisteredModel:
    case Operation::kSetRegisteredModelTag:
    case Operation::kDeleteRegisteredModelTag:
    case Operation::kCreateModelVersion:
    case Operation::kUpdateModelVersion:
    case Operation::kSetModelVersionTag:
    case Operation::kSetModelCard:
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
      return {Requirement::kAuditLog};
    case Operation::kCreateModelPermission:
    case Operation::kGetModelPermission:
    case Operation::kUpdateModelPermission:
    case Operation::kDeleteModelPermission:
      return {Requirement::kManageModel};
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
      return {Requirement::kAdmin};
  }
  return {Requirement::kAdmin};
}

std::string_view OperationName(Operation operation) {
  switch (operation) {
    case Operation::kCreateRegisteredModel:
      return "CreateRegisteredModel";
    case Operation::kGetRegisteredModel:
      return "GetRegisteredModel";
    case Operation::kUpdateRegisteredModel:
      return "UpdateRegisteredModel";
    case Operation::kRenameRegisteredModel:
      return "RenameRegisteredModel";
    case Operation::kDeleteRegisteredModel:
      return "DeleteRegisteredModel";
    case Operation::kSearchRegisteredModels:
      return "SearchRegisteredModels";
    case Operation::kGetLatestVersions:
      return "GetLatestVersions";
    case Operation::kSetRegisteredModelTag:
      return "SetRegisteredModelTag";
    case Operation::kDeleteRegisteredModelTag:
      return "DeleteRegisteredModelTag";
    case Operation::kSetRegisteredModelAlias:
      return "SetRegisteredModelAlias";
    case Operation::kDeleteRegisteredModelAlias:
      return "DeleteRegisteredModelAlias";
    case Operation::kGetModelVersionByAlias:
      return "GetModelVersionByAlias";
    case Operation::kCreateModelVersion:
      return "CreateModelVersion";
    case Operation::kGetModelVersion:
      return "GetModelVersion";
    case Operation::kUpdateModelVersion:
      return "UpdateModelVersion";
    case Operation::kTransitionModelVersionStage:
      return "TransitionModelVersionStage";
    case Operation::kDeleteModelVersion:
      return "DeleteModelVersion";
    case Operation::kSearchModelVersions:
      return "SearchModelVersions";
    case Operation::kGetModelVersionDownloadUri:
      return "GetModelVersionDownloadUri";
    case Operation::kSetModelVersionTag:
      return "SetModelVersionTag";
    case Operation::kDeleteModelVersionTag:
      return "DeleteModelVersionTag";
    case Operation::kCheckPromotion:
      return "CheckPromotion";
    case Operation::kGetModelCard:
      return "GetModelCard";
    case Operation::kSetModelCard:
      return "SetModelCard";
    case Operation::kSearchAuditEvents:
      return "SearchAuditEvents";
    case Operation::kCreateUser:
      return "CreateUser";
    case Operation::kGetUser:
      return "GetUser";
    case Operation::kUpdateUserPassword:
      return "UpdateUserPassword";
    case Operation::kUpdateUserAdmin:
      return "UpdateUserAdmin";
    case Operation::kDeleteUser:
      return "DeleteUser";
    case Operation::kCreateModelPermission:
      return "CreateRegisteredModelPermission";
    case Operation::kGetModelPermission:
      return "GetRegisteredModelPermission";
    case Operation::kUpdateModelPermission:
      return "UpdateRegisteredModelPermission";
    case Operation::kDeleteModelPermission:
      return "DeleteRegisteredModelPermission";
    case Operation::kGetCurrentUser:
      return "GetCurrentUser";
    case Operation::kListUsers:
      return "ListUsers";
    case Operation::kCreateGroup:
      return "CreateGroup";
    case Operation::kGetGroup:
      return "GetGroup";
    case Operation::kListGroups:
      return "ListGroups";
    case Operation::kDeleteGroup:
      return "DeleteGroup";
    case Operation::kAddGroupMember:
      return "AddGroupMember";
    case Operation::kRemoveGroupMember:
      return "RemoveGroupMember";
    case Operation::kCreateGrant:
      return "CreateGrant";
    case Operation::kUpdateGrant:
      return "UpdateGrant";
    case Operation::kDeleteGrant:
      return "DeleteGrant";
    case Operation::kListGrants:
      return "ListGrants";
    case Operation::kGetEffectivePermission:
      return "GetEffectivePermission";
    case Operation::kCreateToken:
      return "CreateToken";
    case Operation::kListTokens:
      return "ListTokens";
    case Operation::kRevokeToken:
      return "RevokeToken";
  }
  return "Unknown";
}

}  // namespace modelwarden
