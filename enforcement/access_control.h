// AccessControl: who is asking (authentication) and may they (authorization), for every route
// when authentication is on (ServerOptions / AuthOptions::enabled). Off, it lets everything
// through and searches are not limited, which is plain MLflow.
//
// Credentials: HTTP Basic username/password (PBKDF2, enforcement/password_hash.h) or an API
// token (only its SHA-256 is stored). Verified credentials, tokens and each user's
// AccessProfile are cached for AuthOptions::cache_seconds, so an authenticated request costs
// no KDF and no query; Invalidate() drops the caches after a change made through this process
// (access changes, and models created, renamed or deleted, which move grants).
// A cached profile may only allow: a denial is confirmed against a freshly loaded profile, so
// a grant made through another server process is honoured at once, while a revocation made
// there takes effect here within cache_seconds.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "enforcement/operation.h"
#include "enforcement/password_hash.h"
#include "enforcement/permission.h"
#include "enforcement/policy_holder.h"
#include "registry/auth_store.h"
#include "registry/clock.h"
#include "registry/model_store.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

struct AuthOptions {
  bool enabled = false;
  // The permission of a user on a model no grant covers (MLflow's default_permission).
  Permission default_permission = Permission::kRead;
  // false (MLflow): any authenticated user may register any name. true: registering a name,
  // or renaming a model to it, needs EDIT on that name (through a prefix grant, say).
  bool registration_needs_grant = false;
  int cache_seconds = 5;
  int password_iterations = kDefaultPasswordIterations;
};

// An authenticated caller.
struct Principal {
  std::string username;
  bool is_admin = false;
};

// The fields of a request that authorization reads; absent ones are nullopt.
struct AccessRequest {
  Operation operation = Operation::kGetRegisteredModel;
  std::optional<std::string> name;
  std::optional<std::string> new_name;
  std::optional<std::string> model_name;
  std::optional<std::string> stage;
  std::optional<std::string> alias;
  std::optional<std::string> username;
  std::optional<std::string> prefix;
  std::optional<std::string> permission;
};

// What a user may do with one model, and why.
struct PermissionExplanation {
  std::string username;
  bool is_admin = false;
  EffectivePermission effective;
  bool can_promote = false;
};

class AccessControl {
 public:
  // `store`, `policy`, `clock` and `audit_log` are borrowed and must outlive this object.
  // With `audit_log`, every denial Authorize returns is recorded there.
  AccessControl(AuthStore& store, const PolicyHolder& policy, const Clock& clock,
                AuthOptions options, ModelStore* audit_log = nullptr);

  const AuthOptions& options() const { return options_; }
  bool enabled() const { return options_.enabled; }

  // kUnauthenticated for an unknown user or a wrong password (one message for both).
  Result<Principal> AuthenticatePassword(const std::string& username, const std::string& password);
  // kUnauthenticated for an unknown, revoked or expired token.
  Result<Principal> AuthenticateToken(const std::string& secret);

  // Ok, or kPermissionDenied naming what is missing; kInvalidParameterValue when the request
  // lacks the field the check needs (MLflow's "Missing value for required parameter").
  // `ctx` (request id, client) goes into the audit entry of a denial.
  Status Authorize(const Principal& principal, const AccessRequest& request,
                   const CallContext* ctx = nullptr);

  // The limit on `username`'s searches, from their (cached) profile; nullopt when there is
  // none (auth off, an admin, or grants that hide nothing under a readable default). Like
  // every cached decision, a grant changed through another process shows in searches within
  // cache_seconds.
  Result<std::optional<ReadScope>> ReadScopeFor(const std::string& username);

  Result<PermissionExplanation> Explain(const std::string& username, const std::string& name);

  // Drops every cached token and profile, so the next request of each user re-reads their
  // grants, groups, admin flag and password hash (a changed password then needs the new one).
  // Cheap: no password is verified again unless it changed.
  void Invalidate();

 private:
  struct CachedCredential {
    std::string password_hash;  // The stored hash the password was verified against.
    int64_t checked_at = 0;
  };
  struct CachedToken {
    ApiToken token;
    int64_t checked_at = 0;
  };
  struct CachedProfile {
    std::shared_ptr<const AccessProfile> profile;
    int64_t loaded_at = 0;
  };

  Result<std::shared_ptr<const AccessProfile>> Profile(const std::string& username, bool fresh);
  Status Check(const Principal& principal, const AccessRequest& request,
               const AccessProfile& profile) const;
  Status NeedOnModel(const AccessProfile& profile, const AccessRequest& request,
                     const std::string& name, bool (*allowed)(Permission),
                     std::string_view needed) const;
  Status CheckPromotion(const AccessProfile& profile, const AccessRequest& request,
                        const std::string& name) const;
  bool Fresh(int64_t since) const;
  void RecordDenial(const Principal& principal, const AccessRequest& request,
                    const CallContext* ctx, const Status& denial);
  const std::string& DummyHash();
  // VerifyPassword under kdf_slots_: a flood of wrong passwords (each one a full KDF) must
  // not take every core from requests with cached credentials.
  bool VerifyBounded(const std::string& password, const std::string& encoded);

  AuthStore& store_;
  const PolicyHolder& policy_;
  const Clock& clock_;
  const AuthOptions options_;
  ModelStore* const audit_log_;
  const std::string cache_key_;  // Random per process: cache keys are HMACs, not passwords.

  std::shared_mutex mutex_;
  std::unordered_map<std::string, CachedCredential> credentials_;
  std::unordered_map<std::string, CachedToken> tokens_;
  std::unordered_map<std::string, CachedProfile> profiles_;
  uint64_t generation_ = 0;  // Bumped by Invalidate(); guarded by mutex_.
  std::string dummy_hash_;   // Guarded by mutex_; verifying it makes unknown users cost a KDF.

  std::mutex kdf_mutex_;
  std::condition_variable kdf_free_;
  int kdf_slots_;  // Password verifications that may run at once; guarded by kdf_mutex_.
};

}  // namespace modelwarden
