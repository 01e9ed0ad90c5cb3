// AuthStore: persistence of users, groups, grants and API tokens, in the same database as the
// registry (so a model's grants are renamed and deleted in the model's own transaction). It
// stores what it is given: password and token hashing and who may call what are
// enforcement's.
//
// Two bindings of the same operations: the store of registry/store_factory.h commits each
// call on its own (thread-safe); WriteTxn::auth() runs them inside one unit of work (one
// thread, one transaction). Every method may also return kTemporarilyUnavailable or
// kInternalError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/auth_entities.h"
#include "registry/status.h"

namespace modelwarden {

// Which grants ListGrants returns; unset fields match everything.
struct GrantQuery {
  std::optional<SubjectType> subject_type;
  std::optional<std::string> subject_name;
  std::optional<ResourceType> resource_type;
  std::optional<std::string> resource;
};

class AuthStore {
 public:
  virtual ~AuthStore() = default;

  // kResourceAlreadyExists "User (username=...) already exists."
  virtual Result<User> CreateUser(const std::string& username, const std::string& password_hash,
                                  bool is_admin) = 0;
  // kResourceDoesNotExist "User with username=... not found".
  virtual Result<User> GetUser(const std::string& username) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  // kResourceDoesNotExist.
  virtual Status UpdatePassword(const std::string& username, const std::string& password_hash) = 0;
  // kResourceDoesNotExist; kInvalidParameterValue when it would leave no admin.
  virtual Status UpdateAdmin(const std::string& username, bool is_admin) = 0;
  // Also removes the user's grants, group memberships and tokens. kResourceDoesNotExist;
  // kInvalidParameterValue when it would leave no admin.
  virtual Status DeleteUser(const std::string& username) = 0;
  virtual Result<bool> HasAdmin() = 0;

  // The user with their groups and every grant to them or their groups, and the epoch they
  // were read at. kResourceDoesNotExist for an unknown user.
  virtual Result<AccessProfile> LoadAccessProfile(const std::string& username) = 0;
  // How a unit of work reads the access epoch. kShared keeps any access change from
  // committing until the transaction ends (its decision stays true until its commit);
  // kExclusive is for a transaction that will change access data itself. Both block on an
  // access change that has not committed yet, and then read its epoch. (On SQLite the
  // writer lock already does all of this.)
  enum class EpochLock { kNone, kShared, kExclusive };
  // A number that every change of users, groups, grants or tokens increments in its own
  // transaction (also the grants a model's creation, rename or deletion writes): two reads
  // that see the same epoch see the same access data.
  virtual Result<int64_t> AccessEpoch(EpochLock lock = EpochLock::kNone) = 0;

  // kResourceAlreadyExists.
  virtual Result<Group> CreateGroup(const std::string& name) = 0;
  // With members. kResourceDoesNotExist "Group with name=... not found".
  virtual Result<Group> GetGroup(const std::string& name) = 0;
  virtual Result<std::vector<Group>> ListGroups() = 0;
  // Also removes the group's grants and memberships. kResourceDoesNotExist.
  virtual Status DeleteGroup(const std::string& name) = 0;
  // kResourceDoesNotExist for the group or the user; kResourceAlreadyExists if a member.
  virtual Status AddGroupMember(const std::string& group, const std::string& username) = 0;
  // kResourceDoesNotExist for the group, the user or the membership.
  virtual Status RemoveGroupMember(const std::string& group, const std::string& username) = 0;

  // `grant.subject_name` names the user or group (subject_id is looked up). A promote grant
  // and an access grant of the same subject on the same resource are separate grants.
  // kResourceDoesNotExist for the subject; kResourceAlreadyExists for the grant.
  virtual Result<Grant> CreateGrant(const Grant& grant) = 0;
  // The grant of `key`'s kind of the subject on the resource (the permission is ignored).
  // kResourceDoesNotExist for the subject or the grant.
  virtual Result<Grant> GetGrant(const Grant& key) = 0;
  // Changes the permission of the access grant. kResourceDoesNotExist.
  virtual Status UpdateGrant(const Grant& grant) = 0;
  // kResourceDoesNotExist.
  virtual Status DeleteGrant(const Grant& key) = 0;
  // Ordered by subject type, subject name, resource type, resource.
  virtual Result<std::vector<Grant>> ListGrants(const GrantQuery& query) = 0;
  // Deletes every grant, of any subject and kind, on exactly this resource (MLflow's cascade
  // when a scorer is deleted); how many there were. None is not an error.
  virtual Result<int64_t> DeleteGrantsOn(ResourceType resource_type,
                                         const std::string& resource) = 0;

  // `token_hash` is a hex SHA-256 of the secret. kResourceDoesNotExist for the user.
  virtual Result<ApiToken> CreateToken(const std::string& username, const std::string& name,
                                       const std::string& token_hash, int64_t now,
                                       int64_t expiration_timestamp) = 0;
  // The token with this hash, revoked or expired ones included. kResourceDoesNotExist.
  virtual Result<ApiToken> FindToken(const std::string& token_hash) = 0;
  // Every token of `username`, or of everyone when empty; newest first.
  virtual Result<std::vector<ApiToken>> ListTokens(const std::string& username) = 0;
  // Revokes token `id` if it belongs to `username` (any owner when empty). Revoking twice is
  // not an error. kResourceDoesNotExist "Token with id=... not found".
  virtual Status RevokeToken(int64_t id, const std::string& username, int64_t now) = 0;
};

}  // namespace modelwarden
