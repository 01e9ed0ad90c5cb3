#include "enforcement/access/permission.h"

#include <algorithm>
#include <map>
#include <utility>

namespace modelwarden {
namespace {

// An access grant on registered models: grants on experiments and scorers never decide for a
// model (experiment_access.h decides with them).
bool IsAccessGrant(const Grant& grant) {
  return grant.kind == GrantKind::kAccess && IsModelResource(grant.resource_type);
}

// Higher wins among grants of equal specificity: the exact name first, then longer prefixes;
// within one, the user's own grant, then the highest permission.
std::pair<size_t, int> Specificity(const Grant& grant) {
  const size_t resource =
      grant.resource_type == ResourceType::kModel ? std::string::npos : grant.resource.size();
  return {resource, grant.subject_type == SubjectType::kUser ? 1 : 0};
}

}  // namespace

std::string DescribeSource(const Grant& grant) {
  const std::string on = " on " + ResourceTypeWords(grant.resource_type) + " ";
  return std::string("grant to ") +
         (grant.subject_type == SubjectType::kUser ? "user " : "group ") + grant.subject_name + on +
         grant.resource;
}

std::string InvalidPermissionMessage(std::string_view name) {
  return "Invalid permission '" + std::string(name) +
         "'. Valid permissions are: ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')";
}

bool CanRead(Permission p) { return p != Permission::kNoPermissions; }
bool CanUpdate(Permission p) { return p == Permission::kEdit || p == Permission::kManage; }
bool CanDelete(Permission p) { return p == Permission::kManage; }
bool CanManage(Permission p) { return p == Permission::kManage; }

bool GrantCovers(const Grant& grant, const std::string& name) {
  switch (grant.resource_type) {
    case ResourceType::kModel:
      return grant.resource == name;
    case ResourceType::kPrefix:
      return name.compare(0, grant.resource.size(), grant.resource) == 0;
    default:
      return false;  // An experiment's or a scorer's grant covers no model.
  }
}

EffectivePermission ResolvePermission(const AccessProfile& profile, const std::string& name,
                                      Permission default_permission) {
  const Grant* best = nullptr;
  Permission best_permission = Permission::kNoPermissions;
  for (const Grant& grant : profile.grants) {
    if (!IsAccessGrant(grant) || !GrantCovers(grant, name)) continue;
    const Permission permission = grant.permission;
    if (best != nullptr) {
      const auto mine = Specificity(grant);
      const auto theirs = Specificity(*best);
      if (mine < theirs) continue;
      if (mine == theirs && permission <= best_permission) continue;
    }
    best = &grant;
    best_permission = permission;
  }
  if (best == nullptr) return {default_permission, "the default permission"};
  return {best_permission, DescribeSource(*best)};
}

ReadScope BuildReadScope(const AccessProfile& profile, Permission default_permission,
                         size_t max_names) {
  // Per exact name and per prefix: the user's own grant, else the highest of their groups'.
  struct Decision {
    bool from_user = false;
    Permission permission = Permission::kNoPermissions;
  };
  std::map<std::string, Decision> names;
  std::map<std::string, Decision> prefixes;
  for (const Grant& grant : profile.grants) {
    if (!IsAccessGrant(grant)) continue;
    const Permission permission = grant.permission;
    const bool from_user = grant.subject_type == SubjectType::kUser;
    auto& table = grant.resource_type == ResourceType::kModel ? names : prefixes;
    auto [it, inserted] = table.try_emplace(grant.resource, Decision{from_user, permission});
    Decision& d = it->second;
    if (inserted || (from_user && !d.from_user)) {
      d = {from_user, permission};
    } else if (from_user == d.from_user && permission > d.permission) {
      d.permission = permission;
    }
  }
  const bool default_readable = CanRead(default_permission);
  // What decides for `name` when its own exact or prefix rule is left out: the longest
  // prefix rule strictly shorter than `limit` characters that covers it, else the default.
  const auto fallthrough = [&](const std::string& name, size_t limit) {
    for (size_t length = std::min(limit, name.size() + 1); length-- > 0;) {
      auto it = prefixes.find(name.substr(0, length));
      if (it != prefixes.end()) return CanRead(it->second.permission);
    }
    return default_readable;
  };
  ReadScope scope;
  scope.default_readable = default_readable;
  for (const auto& [name, decision] : names) {
    const bool readable = CanRead(decision.permission);
    if (readable == fallthrough(name, name.size() + 1)) continue;
    (readable ? scope.visible_names : scope.hidden_names).push_back(name);
  }
  for (const auto& [prefix, decision] : prefixes) {
    const bool readable = CanRead(decision.permission);
    if (readable == fallthrough(prefix, prefix.size())) continue;
    scope.prefixes.push_back({prefix, readable});
  }
  std::stable_sort(scope.prefixes.begin(), scope.prefixes.end(),
                   [](const ReadScope::Prefix& a, const ReadScope::Prefix& b) {
                     return a.prefix.size() > b.prefix.size();
                   });
  if (scope.hidden_names.size() + scope.visible_names.size() > max_names) {
    ReadScope live;
    live.default_readable = default_readable;
    live.live = true;
    live.user_id = profile.user.id;
    return live;
  }
  return scope;
}

bool HasWebhooksGrant(const AccessProfile& profile, const std::string& model_prefix) {
  for (const Grant& grant : profile.grants) {
    if (grant.kind == GrantKind::kWebhooks && grant.resource_type == ResourceType::kPrefix &&
        GrantCovers(grant, model_prefix)) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> WebhooksGrantPrefixes(const AccessProfile& profile) {
  std::vector<std::string> prefixes;
  for (const Grant& grant : profile.grants) {
    if (grant.kind == GrantKind::kWebhooks && grant.resource_type == ResourceType::kPrefix) {
      prefixes.push_back(grant.resource);
    }
  }
  return prefixes;
}

bool HasPromoteGrant(const AccessProfile& profile, const std::string& name) {
  for (const Grant& grant : profile.grants) {
    if (grant.kind == GrantKind::kPromote && GrantCovers(grant, name)) return true;
  }
  return false;
}

}  // namespace modelwarden
