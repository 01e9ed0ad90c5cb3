// AccessControl: who is asking (authentication, at the edge) and may they (authorization, for
// every operation, wherever it is called from) when authentication is on (AuthOptions::enabled).
// Off, it lets everything through and searches are not limited, which is plain MLflow.
//
// Credentials: HTTP Basic username/password (PBKDF2, enforcement/password_hash.h) or an API
// token (only its SHA-256 is stored). Verified credentials, tokens and each user's
// AccessProfile are cached for AuthOptions::cache_seconds, so an authenticated read costs no
// KDF and no query; Invalidate() drops the caches after a change made through this process
// (access changes, and models created, renamed or deleted, which move grants).
//
// Two ways to authorize: Authorize decides on the cached profile and may only allow from it (a
// refusal is confirmed on a freshly loaded profile and recorded in the audit log), for reads
// and for refusing early; AuthorizeIn decides on the grants as a unit of work's transaction
// sees them, which is what allows a write: on the cached profile when the transaction finds
// the access data unchanged since it was read (AuthStore::AccessEpoch), else on a profile it
// reads itself.
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

#include "enforcement/access/access_rules.h"
#include "enforcement/access/experiment_access.h"
#include "enforcement/access/password_hash.h"
#include "enforcement/access/permission.h"
#include "registry/audit_log.h"
#include "registry/auth_store.h"
#include "registry/clock.h"
#include "registry/requests.h"
#include "registry/status.h"
#include "registry/webhooks/webhook_store.h"

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

// One operation as authorization sees it: the operation and the names its rule reads.
struct AccessRequest {
  Operation operation = Operation::kGetRegisteredModel;
  std::string model;                 // The registered model (or name) it is on; "" for none.
  std::string new_name;              // kRenameModel: the name the model gets.
  std::optional<Stage> promotes_to;  // A version moves into this stage (transition or alias).
  // kRenameModel: the model holds a version in this stage (or an alias standing for it), which
  // the new name would then have: PROMOTE on the new name is needed for it.
  std::optional<Stage> carried_stage;
  // kSelf: the user the request is about; nullopt: the caller. ("" is a user no one is.)
  std::optional<std::string> username;
  // kManageGrant: a prefix or PROMOTE grant, or every grant; kSelf: about every user.
  bool needs_admin = false;
  // kManageExperiment, and kManageGrant for a grant on an experiment or a scorer: the
  // tracker's experiment (its id; its name, "" when unknown, for prefix grants) and the
  // scorer of it ("" for the experiment itself). `model` is "" then.
  std::string experiment_id;
  std::string experiment_name;
  std::string scorer;
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
  // `store`, `clock` and `audit_log` are borrowed and must outlive this object. With
  // `audit_log`, every refusal Authorize confirms is recorded there.
  AccessControl(AuthStore& store, const Clock& clock, AuthOptions options,
                AuditLog* audit_log = nullptr);

  const AuthOptions& options() const { return options_; }
  bool enabled() const { return options_.enabled; }

  // kUnauthenticated for an unknown user or a wrong password (one message for both).
  // Whether a call may block to decide (read the database, run the password KDF). kNever:
  // decide from the caches alone, or answer kWouldBlock; what the HTTP edge's I/O threads use to
  // admit a forwarded call without a worker when everything is cached.
  enum class Blocking { kAllowed, kNever };

  Result<Principal> AuthenticatePassword(const std::string& username, const std::string& password,
                                         Blocking blocking = Blocking::kAllowed);
  // kUnauthenticated for an unknown, revoked or expired token.
  Result<Principal> AuthenticateToken(const std::string& secret,
                                      Blocking blocking = Blocking::kAllowed);

  // Whether a confirmed refusal is recorded in the audit log here, or by the caller (a unit of
  // work, which describes the refused change better than the request can).
  enum class Refusals { kRecord, kLeaveToCaller };
  // On the cached profile (see the top of this file). Ok, or kPermissionDenied naming what is
  // missing; kUnauthenticated for an anonymous caller while authentication is on.
  Status Authorize(const CallContext& ctx, const AccessRequest& request,
                   Refusals refusals = Refusals::kRecord);
  // On the grants as `auth` (a unit of work's) sees them: the cached profile when the access
  // epoch is the one it was read at, else a profile read in the transaction. The epoch is read
  // with `lock` (a change that will itself change access data takes kExclusive, any other
  // kShared), so no access change commits between this decision and the unit's commit.
  // Records nothing: the unit of work records its own refusal. kUnauthenticated for a user
  // that no longer exists.
  Status AuthorizeIn(AuthStore& auth, const Principal& principal, const AccessRequest& request,
                     AuthStore::EpochLock lock = AuthStore::EpochLock::kShared);

  // Whether the caller may see everything (authentication off, an admin, a system principal).
  // kUnauthenticated for an anonymous caller while authentication is on.
  Result<bool> SeesEverything(const CallContext& ctx);

  // The limit on the caller's searches, from their (cached) profile; nullopt when there is
  // none (auth off, an admin, a system principal, or grants that hide nothing under a readable
  // default). A grant changed through another process shows in searches within cache_seconds.
  Result<std::optional<ReadScope>> ReadScopeFor(const Principal& principal);

  // The webhooks the caller may see: nullopt for all (authentication off, an admin, a system
  // principal); else those whose model_prefix starts with a prefix of their WEBHOOKS grants
  // (possibly none), on their cached grants. kUnauthenticated for an anonymous caller while
  // authentication is on.
  Result<WebhookScopes> WebhookScopesFor(const Principal& principal);

  // What the caller may do with the tracker's experiments, on their cached profile:
  // Everything() for authentication off, an admin or a system principal; else their grants
  // with the default permission. A grant changed through this process shows at once
  // (Invalidate), through another one within cache_seconds. kUnauthenticated for an anonymous
  // caller while authentication is on, or a user who no longer exists.
  // `fresh`: on grants read now, not cached (to confirm a refusal, as Authorize does).
  Result<ExperimentAccess> ExperimentAccessFor(const Principal& principal,
                                               Blocking blocking = Blocking::kAllowed,
                                               bool fresh = false);

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

  // Ok when no profile needs to be read: authentication off, or a system principal.
  // kUnauthenticated for an anonymous caller while it is on. Else nullopt.
  std::optional<Status> DecideWithoutProfile(const Principal& principal) const;
  Result<std::shared_ptr<const AccessProfile>> Profile(const std::string& username, bool fresh,
                                                       Blocking blocking = Blocking::kAllowed);
  Result<std::shared_ptr<const AccessProfile>> CallerProfile(
      const CallContext& ctx, bool fresh, Blocking blocking = Blocking::kAllowed);
  uint64_t Generation();
  // Caches `loaded` unless Invalidate() ran since `generation` was taken; returns it either way.
  std::shared_ptr<const AccessProfile> Remember(const std::string& username, AccessProfile loaded,
                                                uint64_t generation);
  Status Decide(const AccessProfile& profile, const AccessRequest& request) const;
  bool Fresh(int64_t since) const;
  void RecordRefusal(const CallContext& ctx, const AccessRequest& request, const Status& refusal);
  const std::string& DummyHash();
  // VerifyPassword under kdf_slots_: a flood of wrong passwords (each one a full KDF) must
  // not take every core from requests with cached credentials.
  bool VerifyBounded(const std::string& password, const std::string& encoded);

  AuthStore& store_;
  const Clock& clock_;
  const AuthOptions options_;
  AuditLog* const audit_log_;
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
