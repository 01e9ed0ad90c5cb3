// AccessAdmin: the management of users, groups, grants and API tokens behind MLflow's auth
// REST API and modelwarden's own access endpoints. It validates input (MLflow's rules for
// usernames, passwords and permission names), hashes passwords and token secrets, writes
// through the AuthStore and then drops AccessControl's caches. Who may call what is decided
// before, by AccessControl::Authorize.
//
// Thread-safe if the store is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "enforcement/access_control.h"
#include "registry/auth_store.h"
#include "registry/clock.h"
#include "registry/model_store.h"
#include "registry/requests.h"

namespace modelwarden {

// A user with their own grants on single models (MLflow's User.registered_model_permissions).
struct UserView {
  User user;
  std::vector<Grant> model_grants;
};

struct NewToken {
  ApiToken token;
  std::string secret;  // Shown once; only its hash is stored.
};

class AccessAdmin {
 public:
  // Borrowed; they must outlive this object. With `audit_log`, every change made with a
  // CallContext is recorded there after it succeeded (who, what; never a secret).
  AccessAdmin(AuthStore& store, AccessControl& access, const Clock& clock,
              ModelStore* audit_log = nullptr)
      : store_(store), access_(access), clock_(clock), audit_log_(audit_log) {}

  // MLflow's rules: a non-empty username (here also without ':' or control characters, which
  // HTTP Basic cannot carry) and a password of at least 12 characters.
  Result<UserView> CreateUser(const std::string& username, const std::string& password,
                              bool is_admin, const CallContext* ctx = nullptr);
  Result<UserView> GetUser(const std::string& username);
  Result<std::vector<User>> ListUsers();
  Status UpdatePassword(const std::string& username, const std::string& password,
                        const CallContext* ctx = nullptr);
  Status UpdateAdmin(const std::string& username, bool is_admin, const CallContext* ctx = nullptr);
  Status DeleteUser(const std::string& username, const CallContext* ctx = nullptr);
  // Creates the admin `username` unless a user of that name exists (several servers may start
  // at once). Never changes an existing user.
  Status EnsureAdmin(const std::string& username, const std::string& password);

  Result<Group> CreateGroup(const std::string& name, const CallContext* ctx = nullptr);
  Result<Group> GetGroup(const std::string& name);
  Result<std::vector<Group>> ListGroups();
  Status DeleteGroup(const std::string& name, const CallContext* ctx = nullptr);
  Status AddGroupMember(const std::string& group, const std::string& username,
                        const CallContext* ctx = nullptr);
  Status RemoveGroupMember(const std::string& group, const std::string& username,
                           const CallContext* ctx = nullptr);

  // kInvalidParameterValue for an unknown permission, an empty resource, or updating a
  // PROMOTE grant (it has no level: delete it instead).
  Result<Grant> CreateGrant(const Grant& grant, const CallContext* ctx = nullptr);
  Result<Grant> GetGrant(const Grant& key);
  Status UpdateGrant(const Grant& grant, const CallContext* ctx = nullptr);
  Status DeleteGrant(const Grant& key, const CallContext* ctx = nullptr);
  Result<std::vector<Grant>> ListGrants(const GrantQuery& query);

  // `expires_in_days` 0: never expires.
  Result<NewToken> CreateToken(const std::string& username, const std::string& name,
                               int64_t expires_in_days, const CallContext* ctx = nullptr);
  Result<std::vector<ApiToken>> ListTokens(const std::string& username);
  // Only `owner`'s token unless `owner` is empty (an admin).
  Status RevokeToken(int64_t id, const std::string& owner, const CallContext* ctx = nullptr);

 private:
  void Record(const CallContext* ctx, const char* operation, const std::string& model_name,
              const std::string& after);

  AuthStore& store_;
  AccessControl& access_;
  const Clock& clock_;
  ModelStore* const audit_log_;
};

// Checks a username: non-empty, at most 255 bytes, no ':' or control characters.
Status ValidateUsername(const std::string& username);

}  // namespace modelwarden
