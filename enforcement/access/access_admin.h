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

// A user with their own access grants on single models, experiments and scorers (MLflow's
// User.registered_model_permissions, experiment_permissions, scorer_permissions).
struct UserView {
  User user;
  std::vector<Grant> model_grants;
  std::vector<Grant> experiment_grants;
  std::vector<Grant> scorer_grants;
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

  // Where the names of the tracker's experiments come from, for grants on experiment-name
  // prefixes when a change on one experiment is authorized. Borrowed (it must outlive this
  // object); null (the default): names unknown, so prefix grants do not count there. Set it
  // before serving.
  void SetExperimentNames(ExperimentNames* names) { names_ = names; }

  // MLflow's registered-model permission endpoints name these with `operation`: a user's
  // access grant on one model (MANAGE on the model). modelwarden's own grant endpoints
  // (Operation::kCreateGrant, ...) take any grant: MANAGE on the model (experiment, scorer) for
  // an access grant on one model (experiment, scorer), admin for prefix and PROMOTE grants.
  // kInvalidParameterValue for an empty resource or subject, a PROMOTE or WEBHOOKS grant on
  // experiments, or updating a PROMOTE grant (it has no level: delete it instead).
  Result<Grant> CreateGrant(const CallContext& ctx, Operation operation, const Grant& grant);
  Result<Grant> GetGrant(const CallContext& ctx, Operation operation, const Grant& key);
  Status UpdateGrant(const CallContext& ctx, Operation operation, const Grant& grant);
  Status DeleteGrant(const CallContext& ctx, Operation operation, const Grant& key);
  Result<std::vector<Grant>> ListGrants(const CallContext& ctx, const GrantQuery& query);

  // MLflow's experiment permissions (mlflow/server/auth/__init__.py, sqlalchemy_store.py):
  // `username`'s access grant on the tracker's experiment `experiment_id`. Authorized as
  // MLflow does: MANAGE on the experiment (ExperimentAccess, so grants on name prefixes and to
  // groups count) or admin; changes are units of work (epoch, audit entry). Errors in MLflow's
  // words: kResourceAlreadyExists for a duplicate; kResourceDoesNotExist for an unknown user or
  // a missing grant; kPermissionDenied; kTemporarilyUnavailable when the experiment's name is
  // needed (the caller holds prefix grants) and the tracker cannot be asked.
  Result<Grant> CreateExperimentPermission(const CallContext& ctx, const std::string& experiment_id,
                                           const std::string& username, Permission permission);
  Result<Grant> GetExperimentPermission(const CallContext& ctx, const std::string& experiment_id,
                                        const std::string& username);
  Status UpdateExperimentPermission(const CallContext& ctx, const std::string& experiment_id,
                                    const std::string& username, Permission permission);
  Status DeleteExperimentPermission(const CallContext& ctx, const std::string& experiment_id,
                                    const std::string& username);
  // MLflow 3.6's scorer permissions: the same on the scorer `scorer_name` of the experiment,
  // authorized by MANAGE on the scorer (its own grant, else its experiment's permission).
  Result<Grant> CreateScorerPermission(const CallContext& ctx, const std::string& experiment_id,
                                       const std::string& scorer_name, const std::string& username,
                                       Permission permission);
  Result<Grant> GetScorerPermission(const CallContext& ctx, const std::string& experiment_id,
                                    const std::string& scorer_name, const std::string& username);
  Status UpdateScorerPermission(const CallContext& ctx, const std::string& experiment_id,
                                const std::string& scorer_name, const std::string& username,
                                Permission permission);
  Status DeleteScorerPermission(const CallContext& ctx, const std::string& experiment_id,
                                const std::string& scorer_name, const std::string& username);

  // MLflow's after-request hooks, for calls forwarded to the tracker that succeeded. They run
  // as system actions: no caller authorization, each a unit of work audited under `creator`.
  // The user who created an experiment gets MANAGE on it; a no-op for system and anonymous
  // principals and while authentication is off, and when the user already holds a grant on
  // it (whatever its level).
  Status GrantExperimentCreator(const Principal& creator, const std::string& experiment_id);
  // The user who registered a scorer gets MANAGE on it; as GrantExperimentCreator.
  Status GrantScorerCreator(const Principal& creator, const std::string& experiment_id,
                            const std::string& scorer);
  // A deleted scorer's grants go with it (MLflow's delete_scorer_permissions_for_scorer), every
  // subject's; none is not an error. Audited under `by`; the first form under the system
  // principal "tracker".
  Status DeleteScorerGrants(const std::string& experiment_id, const std::string& scorer);
  Status DeleteScorerGrants(const Principal& by, const std::string& experiment_id,
                            const std::string& scorer);

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
  // The unit of work of one access change: authorize `request` on the transaction's grants
  // (unless `authorize` is false: a system action), run `change`, append the audit entry
  // saying `after` (for grants on a model, under the model's name). Then the caches of
  // AccessControl are dropped.
  Status Change(const CallContext& ctx, const AccessRequest& request, const std::string& after,
                const std::function<Status(AuthStore&)>& change, bool authorize = true);
  // The name of `grant`'s experiment when a decision on it may need one (the caller holds
  // grants on experiment-name prefixes and names are known); "" otherwise.
  Result<std::string> ExperimentNameFor(const Principal& principal, const Grant& grant);
  // A creator's MANAGE on `grant`'s resource unless they hold a grant there already.
  Status GrantCreator(const Principal& creator, Operation operation, const Grant& grant);

  AuthStore& store_;
  WriteTransactions& units_;
  AccessControl& access_;
  const Clock& clock_;
  ExperimentNames* names_ = nullptr;
};

// Checks a username: non-empty, at most 255 bytes, no ':' or control characters.
Status ValidateUsername(const std::string& username);
// Checks a grant as AccessAdmin takes it: its resource for its type, access kinds only on
// experiments and scorers, a subject. kInvalidParameterValue.
Status ValidateGrant(const Grant& grant);

}  // namespace modelwarden
