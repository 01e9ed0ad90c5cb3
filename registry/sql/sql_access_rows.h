// SqlAccessRows: the AuthStore operations on one SqlConnection that is inside a transaction
// (a unit of work's, or the one-call transaction of the auto-commit store). All SQL text of
// users, groups, grants and tokens lives in sql_access_rows.cc; parameters are always bound.
#pragma once

#include "registry/auth_store.h"
#include "registry/sql/sql_connection.h"

namespace modelwarden {

// Increments the access epoch (AuthStore::AccessEpoch) in `db`'s transaction: every change of
// access data calls it, also the registry's changes that write grants.
Status BumpAccessEpoch(SqlConnection& db);

class SqlAccessRows final : public AuthStore {
 public:
  // `db` is borrowed for the transaction's lifetime.
  explicit SqlAccessRows(SqlConnection& db) : db_(db) {}

  Result<User> CreateUser(const std::string& username, const std::string& password_hash,
                          bool is_admin) override;
  Result<User> GetUser(const std::string& username) override;
  Result<std::vector<User>> ListUsers() override;
  Status UpdatePassword(const std::string& username, const std::string& password_hash) override;
  Status UpdateAdmin(const std::string& username, bool is_admin) override;
  Status DeleteUser(const std::string& username) override;
  Result<bool> HasAdmin() override;
  Result<AccessProfile> LoadAccessProfile(const std::string& username) override;
  Result<int64_t> AccessEpoch(EpochLock lock = EpochLock::kNone) override;
  Result<Group> CreateGroup(const std::string& name) override;
  Result<Group> GetGroup(const std::string& name) override;
  Result<std::vector<Group>> ListGroups() override;
  Status DeleteGroup(const std::string& name) override;
  Status AddGroupMember(const std::string& group, const std::string& username) override;
  Status RemoveGroupMember(const std::string& group, const std::string& username) override;
  Result<Grant> CreateGrant(const Grant& grant) override;
  Result<Grant> GetGrant(const Grant& key) override;
  Status UpdateGrant(const Grant& grant) override;
  Status DeleteGrant(const Grant& key) override;
  Result<std::vector<Grant>> ListGrants(const GrantQuery& query) override;
  Result<int64_t> DeleteGrantsOn(ResourceType resource_type, const std::string& resource) override;
  Result<ApiToken> CreateToken(const std::string& username, const std::string& name,
                               const std::string& token_hash, int64_t now,
                               int64_t expiration_timestamp) override;
  Result<ApiToken> FindToken(const std::string& token_hash) override;
  Result<std::vector<ApiToken>> ListTokens(const std::string& username) override;
  Status RevokeToken(int64_t id, const std::string& username, int64_t now) override;

 private:
  // Called by every change before it writes (a failed change rolls it back with the rest).
  Status BumpEpoch();

  SqlConnection& db_;
};

}  // namespace modelwarden
