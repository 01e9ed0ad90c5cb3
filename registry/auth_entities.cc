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

std::string_view ResourceTypeName(ResourceType type) {
  switch (type) {
    case ResourceType::kModel:
      return "model";
    case ResourceType::kPrefix:
      return "prefix";
    case ResourceType::kExperiment:
      return "experiment";
    case ResourceType::kExperimentPrefix:
      return "experiment_prefix";
    case ResourceType::kScorer:
      return "scorer";
  }
  return "model";
}

std::string ResourceTypeWords(ResourceType type) {
  std::string words(ResourceTypeName(type));
  for (char& c : words) {
    if (c == '_') c = ' ';
  }
  return words;
}

std::optional<ResourceType> ParseResourceType(std::string_view name) {
  for (ResourceType type : {ResourceType::kModel, ResourceType::kPrefix, ResourceType::kExperiment,
                            ResourceType::kExperimentPrefix, ResourceType::kScorer}) {
    if (ResourceTypeName(type) == name) return type;
  }
  return std::nullopt;
}

std::string ScorerResource(const std::string& experiment_id, const std::string& scorer) {
  return experiment_id + "/" + scorer;
}

bool SplitScorerResource(const std::string& resource, std::string& experiment_id,
                         std::string& scorer) {
  const size_t slash = resource.find('/');
  if (slash == std::string::npos) return false;
  experiment_id = resource.substr(0, slash);
  scorer = resource.substr(slash + 1);
  return true;
}

}  // namespace modelwarden
