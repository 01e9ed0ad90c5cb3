// AccessAdmin: the management of users, groups, grants and API tokens behind MLflow's auth
// REST API and modelwarden's own access endpoints. Every change is one unit of work: the
// caller is authorized on their grants as the transaction reads them (and a grant on a model
// locks the model's row first, as the model's own changes do), the change is validated and
// made, and its audit entry is written, together; a refusal commits only its audit entry.
// Reads are authorized on the caller's cached grants (AccessControl::Authorize). Passwords and
// token secrets are hashed here and never recorded.
//
// Thread-safe if the stores are.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "enforcement/access/access_control.h"
#include "registry/auth_store.h"
#include "registry/clock.h"
#include "registry/requests.h"
#include "registry/write_txn.h"

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
  // Borrowed; they must outlive this object. `store` answers reads; `units` runs the changes.
  AccessAdmin(AuthStore& store, WriteTransactions& units, AccessControl& access, const Clock& clock)
      : store_(store), units_(units), access_(access), clock_(clock) {}

  // MLflow's rules: a non-empty username (here also without ':' or control characters, which
  // HTTP Basic cannot carry) and a password of at least 12 characters.
  Result<UserView> CreateUser(const CallContext& ctx, const std::string& username,
                              const std::string& password, bool is_admin);
  Result<UserView> GetUser(const CallContext& ctx, const std::string& username);
  Result<std::vector<User>> ListUsers(const CallContext& ctx);
  Status UpdatePassword(const CallContext& ctx, const std::string& username,
                        const std::string& password);
  Status UpdateAdmin(const CallContext& ctx, const std::string& username, bool is_admin);
  Status DeleteUser(const CallContext& ctx, const std::string& username);
  // Creates the admin `username` unless a user of that name exists (several servers may start
  // at once). Never changes an existing user. Runs as the system principal "bootstrap".
  Status EnsureAdmin(const std::string& username, const std::string& password);

  Result<Group> CreateGroup(const CallContext& ctx, const std::string& name);
  Result<Group> GetGroup(const CallContext& ctx, const std::string& name);
  Result<std::vector<Group>> ListGroups(const CallContext& ctx);
  Status DeleteGroup(const CallContext& ctx, const std::string& name);
  Status AddGroupMember(const CallContext& ctx, const std::string& group,
                        const std::string& username);
  Status RemoveGroupMember(const CallContext& ctx, const std::string& group,
                           const std::string& username);

  // MLflow's registered-model permission endpoints name these with `operation`: a user's
  // access grant on one model (MANAGE on the model). modelwarden's own grant endpoints
  // (Operation::kCreateGrant, ...) take any grant: MANAGE on the model for an access grant on
  // one model, admin for prefix and PROMOTE grants. kInvalidParameterValue for an empty
  // resource or subject, or updating a PROMOTE grant (it has no level: delete it instead).
  Result<Grant> CreateGrant(const CallContext& ctx, Operation operation, const Grant& grant);
  Result<Grant> GetGrant(const CallContext& ctx, Operation operation, const Grant& key);
  Status UpdateGrant(const CallContext& ctx, Operation operation, const Grant& grant);
  Status DeleteGrant(const CallContext& ctx, Operation operation, const Grant& key);
  Result<std::vector<Grant>> ListGrants(const CallContext& ctx, const GrantQuery& query);

  Result<PermissionExplanation> Explain(const CallContext& ctx, const std::string& username,
                                        const std::string& name);

  // `expires_in_days` 0: never expires.
  Result<NewToken> CreateToken(const CallContext& ctx, const std::string& username,
                               const std::string& name, int64_t expires_in_days);
  // The tokens of `username`; nullopt: every user's (admins only).
  Result<std::vector<ApiToken>> ListTokens(const CallContext& ctx,
                                           const std::optional<std::string>& username);
  // Revokes token `id` of `owner`; nullopt: whoever owns it (admins only).
  Status RevokeToken(const CallContext& ctx, int64_t id, const std::optional<std::string>& owner);

 private:
  // The unit of work of one access change: authorize `request` on the transaction's grants,
  // run `change`, append the audit entry saying `after` (for grants on a model, under the
  // model's name). Then the caches of AccessControl are dropped.
  Status Change(const CallContext& ctx, const AccessRequest& request, const std::string& after,
                const std::function<Status(AuthStore&)>& change);

  AuthStore& store_;
  WriteTransactions& units_;
  AccessControl& access_;
  const Clock& clock_;
};

// Checks a username: non-empty, at most 255 bytes, no ':' or control characters.
Status ValidateUsername(const std::string& username);

}  // namespace modelwarden
