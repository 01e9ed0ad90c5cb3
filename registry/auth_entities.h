// The entities of access control, as the store keeps them: users, groups, grants and API
// tokens. Plain data; what a permission allows is decided in enforcement/permission.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace modelwarden {

// MLflow's four permissions on a registered model (mlflow/server/auth/permissions.py), in
// increasing order of what they allow.
enum class Permission { kNoPermissions, kRead, kEdit, kManage };

// "READ", "EDIT", "MANAGE", "NO_PERMISSIONS".
std::string_view PermissionName(Permission permission);
// nullopt for anything but the four names (case-sensitive, as MLflow).
std::optional<Permission> ParsePermission(std::string_view name);

// The word for a PROMOTE grant wherever a permission name is written.
inline constexpr std::string_view kPromotePermission = "PROMOTE";
// The word for a WEBHOOKS grant.
inline constexpr std::string_view kWebhooksPermission = "WEBHOOKS";

struct User {
  int64_t id = 0;
  std::string username;
  // "pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>" (enforcement/password_hash.h).
  std::string password_hash;
  bool is_admin = false;
};

struct Group {
  int64_t id = 0;
  std::string name;
  std::vector<std::string> members;  // Usernames, sorted.
};

enum class SubjectType { kUser, kGroup };
enum class ResourceType { kModel, kPrefix };
// An access grant carries one of the four permissions; a promote grant (modelwarden's) only
// adds the right to move versions into Staging or Production; a webhooks grant (modelwarden's,
// on a prefix, "" for every name) the right to manage webhooks whose model_prefix starts with
// it, and so to receive the events of those models.
enum class GrantKind { kAccess, kPromote, kWebhooks };

// One grant: `subject` holds `permission` on one registered model (kModel: resource is the
// exact name) or on every name that starts with resource (kPrefix). A subject holds at most
// one access grant and, separately, at most one promote grant per resource.
struct Grant {
  SubjectType subject_type = SubjectType::kUser;
  int64_t subject_id = 0;
  std::string subject_name;  // Username or group name; filled on reads.
  ResourceType resource_type = ResourceType::kModel;
  std::string resource;
  GrantKind kind = GrantKind::kAccess;
  Permission permission = Permission::kRead;  // kAccess only.
};

// "READ", "EDIT", "MANAGE", "NO_PERMISSIONS", or "PROMOTE" / "WEBHOOKS" for those grants.
std::string_view GrantPermissionName(const Grant& grant);
// The four names, "PROMOTE" or "WEBHOOKS" into a grant's kind and permission; false for anything
// else.
bool SetGrantPermission(std::string_view name, Grant& grant);

// An API token. Only a hash of the secret is stored; the secret is shown once, at creation.
struct ApiToken {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string username;
  std::string name;
  int64_t creation_timestamp = 0;    // ms since the epoch.
  int64_t expiration_timestamp = 0;  // ms since the epoch; 0: never expires.
  int64_t revocation_timestamp = 0;  // ms since the epoch; 0: not revoked.
};

// Everything that decides what one user may do: the user, the groups they belong to and the
// grants to either. Loaded in one read so the pieces agree.
struct AccessProfile {
  User user;
  std::vector<int64_t> group_ids;
  std::vector<Grant> grants;  // To the user and to their groups.
  int64_t epoch = 0;          // AuthStore::AccessEpoch() when it was read.
};

}  // namespace modelwarden
