#include "registry/auth_entities.h"

namespace modelwarden {

std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kNoPermissions:
      return "NO_PERMISSIONS";
    case Permission::kRead:
      return "READ";
    case Permission::kEdit:
      return "EDIT";
    case Permission::kManage:
      return "MANAGE";
  }
  return "NO_PERMISSIONS";
}

std::optional<Permission> ParsePermission(std::string_view name) {
  for (Permission p :
       {Permission::kRead, Permission::kEdit, Permission::kManage, Permission::kNoPermissions}) {
    if (PermissionName(p) == name) return p;
  }
  return std::nullopt;
}

std::string_view GrantPermissionName(const Grant& grant) {
  switch (grant.kind) {
    case GrantKind::kPromote:
      return kPromotePermission;
    case GrantKind::kWebhooks:
      return kWebhooksPermission;
    case GrantKind::kAccess:
      break;
  }
  return PermissionName(grant.permission);
}

bool SetGrantPermission(std::string_view name, Grant& grant) {
  if (name == kPromotePermission || name == kWebhooksPermission) {
    grant.kind = name == kPromotePermission ? GrantKind::kPromote : GrantKind::kWebhooks;
    grant.permission = Permission::kNoPermissions;
    return true;
  }
  const std::optional<Permission> permission = ParsePermission(name);
  if (!permission) return false;
  grant.kind = GrantKind::kAccess;
  grant.permission = *permission;
  return true;
}

}  // namespace modelwarden
