#include "registry/sql/sql_auth_store.h"

#include <optional>
#include <utility>

#include "registry/sql/sql_access_rows.h"
#include "registry/sql/transaction.h"

namespace modelwarden {
namespace {

// Runs `call` on the rows of one transaction and returns what it returned, or the
// transaction's own failure (e.g. at commit).
template <typename Call>
auto RunInTransaction(ConnectionPool& pool, bool write, const Call& call)
    -> decltype(call(std::declval<AuthStore&>())) {
  using Answer = decltype(call(std::declval<AuthStore&>()));
  std::optional<Answer> answer;
  const auto body = [&](SqlConnection& db) -> Status {
    SqlAccessRows rows(db);
    answer.emplace(call(rows));
    return answer->status();
  };
  const Status status = write ? WithWriteTransaction(pool, body) : WithReadTransaction(pool, body);
  if (!status.ok()) return status;
  return std::move(*answer);
}

template <typename Call>
auto Writing(ConnectionPool& pool, const Call& call) {
  return RunInTransaction(pool, /*write=*/true, call);
}

template <typename Call>
auto Reading(ConnectionPool& pool, const Call& call) {
  return RunInTransaction(pool, /*write=*/false, call);
}

class SqlAuthStore final : public AuthStore {
 public:
  explicit SqlAuthStore(std::shared_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}

  Result<User> CreateUser(const std::string& username, const std::string& password_hash,
                          bool is_admin) override {
    return Writing(*pool_, [&](AuthStore& rows) {
      return rows.CreateUser(username, password_hash, is_admin);
    });
  }
  Result<User> GetUser(const std::string& username) override {
    return Reading(*pool_, [&](AuthStore& rows) { return rows.GetUser(username); });
  }
  Result<std::vector<User>> ListUsers() override {
    return Reading(*pool_, [&](AuthStore& rows) { return rows.ListUsers(); });
  }
  Status UpdatePassword(const std::string& username, const std::string& password_hash) override {
    return Writing(*pool_,
                   [&](AuthStore& rows) { return rows.UpdatePassword(username, password_hash); });
  }
  Status UpdateAdmin(const std::string& username, bool is_admin) override {
    return Writing(*pool_, [&](AuthStore& rows) { return rows.UpdateAdmin(username, is_admin); });
  }
  Status DeleteUser(const std::string& username) override {
    return Writing(*pool_, [&](AuthStore& rows) { return rows.DeleteUser(username); });
  }
  Result<bool> HasAdmin() override {
    return Reading(*pool_, [&](AuthStore& rows) { return rows.HasAdmin(); });
  }
  Result<AccessProfile> LoadAccessProfile(const std::string& username) override {
    return Reading(*pool_, [&](AuthStore& rows) { return rows.LoadAccessProfile(username); });
  }
  Result<int64_t> AccessEpoch(EpochLock) override {
    return Reading(*pool_, [&](AuthStore& rows) { return rows.AccessEpoch(); });
  }
  Result<Group> CreateGroup(const std::string& name) override {
    return Writing(*pool_, [&](AuthStore& rows) { return rows.CreateGroup(name); });
  }
  Result<Group> GetGroup(const std::string& name) override {
    return Reading(*pool_, [&](AuthStore& rows) { return rows.GetGroup(name); });
  }
  Result<std::vector<Group>> ListGroups() override {
    return Reading(*pool_, [&](AuthStore& rows) { return rows.ListGroups(); });
  }
  Status DeleteGroup(const std::string& name) override {
    return Writing(*pool_, [&](AuthStore& rows) { return rows.DeleteGroup(name); });
  }
  Status AddGroupMember(const std::string& group, const std::string& username) override {
    return Writing(*pool_, [&](AuthStore& rows) { return rows.AddGroupMember(group, username); });
  }
  Status RemoveGroupMember(const std::string& group, const std::string& username) override {
    return Writing(*pool_,
                   [&](AuthStore& rows) { return rows.RemoveGroupMember(group, username); });
  }
  Result<Grant> CreateGrant(const Grant& grant) override {
    return Writing(*pool_, [&](AuthStore& rows) { return rows.CreateGrant(grant); });
  }
  Result<Grant> GetGrant(const Grant& key) override {
    return Reading(*pool_, [&](AuthStore& rows) { return rows.GetGrant(key); });
  }
  Status UpdateGrant(const Grant& grant) override {
    return Writing(*pool_, [&](AuthStore& rows) { return rows.UpdateGrant(grant); });
  }
  Status DeleteGrant(const Grant& key) override {
    return Writing(*pool_, [&](AuthStore& rows) { return rows.DeleteGrant(key); });
  }
  Result<std::vector<Grant>> ListGrants(const GrantQuery& query) override {
    return Reading(*pool_, [&](AuthStore& rows) { return rows.ListGrants(query); });
  }
  Result<int64_t> DeleteGrantsOn(ResourceType resource_type, const std::string& resource) override {
    return Writing(*pool_,
                   [&](AuthStore& rows) { return rows.DeleteGrantsOn(resource_type, resource); });
  }
  Result<ApiToken> CreateToken(const std::string& username, const std::string& name,
                               const std::string& token_hash, int64_t now,
                               int64_t expiration_timestamp) override {
    return Writing(*pool_, [&](AuthStore& rows) {
      return rows.CreateToken(username, name, token_hash, now, expiration_timestamp);
    });
  }
  Result<ApiToken> FindToken(const std::string& token_hash) override {
    return Reading(*pool_, [&](AuthStore& rows) { return rows.FindToken(token_hash); });
  }
  Result<std::vector<ApiToken>> ListTokens(const std::string& username) override {
    return Reading(*pool_, [&](AuthStore& rows) { return rows.ListTokens(username); });
  }
  Status RevokeToken(int64_t id, const std::string& username, int64_t now) override {
    return Writing(*pool_, [&](AuthStore& rows) { return rows.RevokeToken(id, username, now); });
  }

 private:
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace

std::unique_ptr<AuthStore> NewSqlAuthStore(std::shared_ptr<ConnectionPool> pool) {
  return std::make_unique<SqlAuthStore>(std::move(pool));
}

}  // namespace modelwarden
