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
// What a grant is on. Registered models: kModel (resource: the exact name) and kPrefix (every
// name that starts with resource). The tracker's experiments (MLflow's experiment and scorer
// permissions): kExperiment (resource: the experiment id), kExperimentPrefix (every experiment
// whose name starts with resource) and kScorer (resource: "<experiment id>/<scorer name>",
// ScorerResource). A model decision never reads an experiment grant and vice versa.
enum class ResourceType { kModel, kPrefix, kExperiment, kExperimentPrefix, kScorer };

// kModel and kPrefix.
inline bool IsModelResource(ResourceType type) {
  return type == ResourceType::kModel || type == ResourceType::kPrefix;
}
// kExperiment, kExperimentPrefix and kScorer.
inline bool IsExperimentResource(ResourceType type) { return !IsModelResource(type); }

// "model", "prefix", "experiment", "experiment_prefix", "scorer": the words the store keeps.
std::string_view ResourceTypeName(ResourceType type);
// nullopt for anything else.
std::optional<ResourceType> ParseResourceType(std::string_view name);
// ResourceTypeName for messages: "experiment prefix" for "experiment_prefix".
std::string ResourceTypeWords(ResourceType type);

// A scorer grant's resource: "<experiment_id>/<scorer>". Experiment ids never contain '/', so
// the first '/' splits it back (SplitScorerResource; false without one).
std::string ScorerResource(const std::string& experiment_id, const std::string& scorer);
bool SplitScorerResource(const std::string& resource, std::string& experiment_id,
                         std::string& scorer);
// An access grant carries one of the four permissions; a promote grant (modelwarden's) only
// adds the right to move versions into Staging or Production; a webhooks grant (modelwarden's,
// on a prefix, "" for every name) the right to manage webhooks whose model_prefix starts with
// it, and so to receive the events of those models.
enum class GrantKind { kAccess, kPromote, kWebhooks };

// One grant: `subject` holds `permission` on the resource (see ResourceType). A subject holds at
// most one access grant and, separately, at most one promote grant per resource. Grants on
// experiments and scorers are access grants only.
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
