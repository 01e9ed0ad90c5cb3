#include "enforcement/access/access_control.h"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <thread>
#include <utility>

#include "enforcement/access/crypto.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

// A cache never grows past this; when full it starts over (only verified callers get in).
constexpr size_t kMaxCacheEntries = 10000;
constexpr char kBadCredentials[] =
    "You are not authenticated: unknown user or wrong password. See "
    "https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow";
constexpr char kUnknownToken[] = "You are not authenticated: unknown API token.";

// "Permission denied: <operation> needs <needed> on registered model '<name>'; user '<user>'
// has <permission> (from <source>)."
Status NeedOnModel(const AccessProfile& profile, Operation operation, const std::string& name,
                   Permission needed, Permission default_permission) {
  const EffectivePermission effective = ResolvePermission(profile, name, default_permission);
  if (effective.permission >= needed) return Status::Ok();
  return Status::PermissionDenied(
      "Permission denied: " + std::string(OperationName(operation)) + " needs " +
      std::string(PermissionName(needed)) + " on registered model '" + name + "'; user '" +
      profile.user.username + "' has " + std::string(PermissionName(effective.permission)) +
      " (from " + effective.source + ").");
}

// "Permission denied: <operation> needs MANAGE on experiment '<id>'; user '<user>' has
// <permission> (from <source>)."
Status NeedOnExperiment(const AccessProfile& profile, const AccessRequest& request,
                        Permission needed, Permission default_permission) {
  // ExperimentAccess shares the profile without owning it: it lives for this call only.
  const ExperimentAccess access = ExperimentAccess::ForProfile(
      std::shared_ptr<const AccessProfile>(std::shared_ptr<const AccessProfile>(), &profile),
      default_permission);
  const EffectivePermission effective =
      request.scorer.empty()
          ? access.ForExperiment(request.experiment_id, request.experiment_name)
          : access.ForScorer(request.experiment_id, request.scorer, request.experiment_name);
  if (effective.permission >= needed) return Status::Ok();
  const std::string what =
      request.scorer.empty()
          ? "experiment '" + request.experiment_id + "'"
          : "scorer '" + request.scorer + "' of experiment '" + request.experiment_id + "'";
  return Status::PermissionDenied(
      "Permission denied: " + std::string(OperationName(request.operation)) + " needs " +
      std::string(PermissionName(needed)) + " on " + what + "; user '" + profile.user.username +
      "' has " + std::string(PermissionName(effective.permission)) + " (from " + effective.source +
      ").");
}

Status NeedPromote(const AccessProfile& profile, const std::string& name, Stage stage) {
  if (stage != Stage::kStaging && stage != Stage::kProduction) return Status::Ok();
  if (HasPromoteGrant(profile, name)) return Status::Ok();
  return Status::PermissionDenied("Permission denied: moving a version of '" + name + "' into " +
                                  std::string(StageName(stage)) + " needs a PROMOTE grant; user '" +
                                  profile.user.username + "' has none on this model.");
}

Status AdminOnly(Operation operation) {
  return Status::PermissionDenied("Permission denied: only admins may call " +
                                  std::string(OperationName(operation)) + ".");
}

// The permission a requirement on one model asks for.
Permission NeededOnModel(Requirement requirement) {
  switch (requirement) {
    case Requirement::kReadModel:
      return Permission::kRead;
    case Requirement::kUpdateModel:
      return Permission::kEdit;
    default:
      return Permission::kManage;
  }
}

// A user deleted by another server process while their password or token is still cached here
// fails authentication (401); their profile's "not found" must not surface as a 404.
Status WouldBlock() {
  return Status(ErrorCode::kWouldBlock, "deciding needs a read; ask again where it may block");
}

Status UnknownUserIsUnauthenticated(const Status& status, const std::string& message) {
  if (status.code() == ErrorCode::kResourceDoesNotExist) return Status::Unauthenticated(message);
  return status;
}

template <typename Map>
void Bound(Map& map) {
  if (map.size() >= kMaxCacheEntries) map.clear();
}

}  // namespace

AccessControl::AccessControl(AuthStore& store, const Clock& clock, AuthOptions options,
                             AuditLog* audit_log)
    : store_(store),
      clock_(clock),
      options_(options),
      audit_log_(audit_log),
      cache_key_(RandomBytes(32)),
      kdf_slots_(std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2)) {}

bool AccessControl::VerifyBounded(const std::string& password, const std::string& encoded) {
  {
    std::unique_lock lock(kdf_mutex_);
    kdf_free_.wait(lock, [this] { return kdf_slots_ > 0; });
    --kdf_slots_;
  }
  const bool verified = VerifyPassword(password, encoded);
  {
    std::lock_guard lock(kdf_mutex_);
    ++kdf_slots_;
  }
  kdf_free_.notify_one();
  return verified;
}

bool AccessControl::Fresh(int64_t since) const {
  return clock_.NowMillis() - since < int64_t{options_.cache_seconds} * 1000;
}

const std::string& AccessControl::DummyHash() {
  std::unique_lock lock(mutex_);
  if (dummy_hash_.empty()) dummy_hash_ = HashPassword("", options_.password_iterations);
  return dummy_hash_;
}

// Verified credentials stay: each is checked against the reloaded user's password hash.
void AccessControl::Invalidate() {
  std::unique_lock lock(mutex_);
  ++generation_;
  tokens_.clear();
  profiles_.clear();
}

Result<std::shared_ptr<const AccessProfile>> AccessControl::Profile(const std::string& username,
                                                                    bool fresh, Blocking blocking) {
  if (!fresh) {
    std::shared_lock lock(mutex_);
    auto it = profiles_.find(username);
    if (it != profiles_.end() && Fresh(it->second.loaded_at)) return it->second.profile;
  }
  if (blocking == Blocking::kNever) return WouldBlock();
  const uint64_t generation = Generation();
  ASSIGN_OR_RETURN(AccessProfile loaded, store_.LoadAccessProfile(username));
  return Remember(username, std::move(loaded), generation);
}

// The caller's profile; a caller who no longer exists (deleted by another server process while
// their credentials were cached here) is unauthenticated, not a missing resource.
Result<std::shared_ptr<const AccessProfile>> AccessControl::CallerProfile(const CallContext& ctx,
                                                                          bool fresh,
                                                                          Blocking blocking) {
  Result<std::shared_ptr<const AccessProfile>> profile =
      Profile(ctx.principal.name, fresh, blocking);
  RETURN_IF_ERROR(UnknownUserIsUnauthenticated(profile.status(), kBadCredentials));
  return profile;
}

uint64_t AccessControl::Generation() {
  std::shared_lock lock(mutex_);
  return generation_;
}

std::shared_ptr<const AccessProfile> AccessControl::Remember(const std::string& username,
                                                             AccessProfile loaded,
                                                             uint64_t generation) {
  auto profile = std::make_shared<const AccessProfile>(std::move(loaded));
  std::unique_lock lock(mutex_);
  // A profile read before an Invalidate() that happened meanwhile may predate the change:
  // use it for this request, but do not cache it.
  if (generation == generation_) {
    Bound(profiles_);
    profiles_[username] = {profile, clock_.NowMillis()};
  }
  return profile;
}

Result<Principal> AccessControl::AuthenticatePassword(const std::string& username,
                                                      const std::string& password,
                                                      Blocking blocking) {
  const std::string key = HmacSha256(cache_key_, username + '\0' + password);
  std::optional<CachedCredential> cached;
  {
    std::shared_lock lock(mutex_);
    auto it = credentials_.find(key);
    if (it != credentials_.end()) cached = it->second;
  }
  const bool fresh = cached.has_value() && Fresh(cached->checked_at);
  if (blocking == Blocking::kNever && !fresh) return WouldBlock();
  Result<std::shared_ptr<const AccessProfile>> profile =
      Profile(username, /*fresh=*/!fresh, blocking);
  if (profile.status().code() == ErrorCode::kWouldBlock) return profile.status();
  if (profile.status().code() == ErrorCode::kResourceDoesNotExist) {
    VerifyBounded(password, DummyHash());  // As slow as a known user with a wrong password.
    return Status::Unauthenticated(kBadCredentials);
  }
  RETURN_IF_ERROR(profile.status());
  const std::string& stored = (*profile)->user.password_hash;
  // The KDF runs only for a credential not yet seen, or after the password changed.
  if (cached.has_value() && cached->password_hash == stored) {
    if (!fresh) {
      std::unique_lock lock(mutex_);
      credentials_[key].checked_at = clock_.NowMillis();
    }
    return Principal::User(username);
  }
  if (blocking == Blocking::kNever) return WouldBlock();
  if (!VerifyBounded(password, stored)) return Status::Unauthenticated(kBadCredentials);
  std::unique_lock lock(mutex_);
  Bound(credentials_);
  credentials_[key] = {stored, clock_.NowMillis()};
  return Principal::User(username);
}

Result<Principal> AccessControl::AuthenticateToken(const std::string& secret, Blocking blocking) {
  const std::string hash = Sha256Hex(secret);
  std::optional<ApiToken> token;
  {
    std::shared_lock lock(mutex_);
    auto it = tokens_.find(hash);
    if (it != tokens_.end() && Fresh(it->second.checked_at)) token = it->second.token;
  }
  if (!token.has_value() && blocking == Blocking::kNever) return WouldBlock();
  if (!token.has_value()) {
    uint64_t generation;
    {
      std::shared_lock lock(mutex_);
      generation = generation_;
    }
    Result<ApiToken> found = store_.FindToken(hash);
    if (found.status().code() == ErrorCode::kResourceDoesNotExist) {
      return Status::Unauthenticated(kUnknownToken);
    }
    RETURN_IF_ERROR(found.status());
    token = *found;
    std::unique_lock lock(mutex_);
    if (generation == generation_) {  // Not read across a revocation (see Profile()).
      Bound(tokens_);
      tokens_[hash] = {*token, clock_.NowMillis()};
    }
  }
  if (token->revocation_timestamp != 0) {
    return Status::Unauthenticated("You are not authenticated: API token " +
                                   std::to_string(token->id) + " has been revoked.");
  }
  if (token->expiration_timestamp != 0 && clock_.NowMillis() >= token->expiration_timestamp) {
    return Status::Unauthenticated("You are not authenticated: API token " +
                                   std::to_string(token->id) + " has expired.");
  }
  Result<std::shared_ptr<const AccessProfile>> profile = Profile(token->username, false, blocking);
  RETURN_IF_ERROR(UnknownUserIsUnauthenticated(profile.status(), kUnknownToken));
  return Principal::User(token->username);
}

std::optional<Status> AccessControl::DecideWithoutProfile(const Principal& principal) const {
  if (!options_.enabled || principal.kind == Principal::Kind::kSystem) return Status::Ok();
  if (principal.kind == Principal::Kind::kAnonymous) {
    return Status::Unauthenticated("You are not authenticated.");
  }
  return std::nullopt;
}

Status AccessControl::Authorize(const CallContext& ctx, const AccessRequest& request,
                                Refusals refusals) {
  if (std::optional<Status> decided = DecideWithoutProfile(ctx.principal)) return *decided;
  ASSIGN_OR_RETURN(std::shared_ptr<const AccessProfile> profile, CallerProfile(ctx, false));
  Status status = Decide(*profile, request);
  if (status.code() != ErrorCode::kPermissionDenied) return status;
  ASSIGN_OR_RETURN(profile, CallerProfile(ctx, true));
  status = Decide(*profile, request);
  if (status.code() == ErrorCode::kPermissionDenied && refusals == Refusals::kRecord) {
    RecordRefusal(ctx, request, status);
  }
  return status;
}

// The cached profile decides when the access data has not changed since it was read (the
// same epoch, whatever its age); otherwise the transaction reads the profile itself.
Status AccessControl::AuthorizeIn(AuthStore& auth, const Principal& principal,
                                  const AccessRequest& request, AuthStore::EpochLock lock) {
  if (std::optional<Status> decided = DecideWithoutProfile(principal)) return *decided;
  ASSIGN_OR_RETURN(const int64_t epoch, auth.AccessEpoch(lock));
  std::shared_ptr<const AccessProfile> profile;
  {
    std::shared_lock guard(mutex_);
    auto it = profiles_.find(principal.name);
    if (it != profiles_.end() && it->second.profile->epoch == epoch) profile = it->second.profile;
  }
  if (profile == nullptr) {
    const uint64_t generation = Generation();
    Result<AccessProfile> loaded = auth.LoadAccessProfile(principal.name);
    RETURN_IF_ERROR(UnknownUserIsUnauthenticated(loaded.status(), kBadCredentials));
    profile = Remember(principal.name, std::move(*loaded), generation);
  }
  return Decide(*profile, request);
}

void AccessControl::RecordRefusal(const CallContext& ctx, const AccessRequest& request,
                                  const Status& refusal) {
  if (audit_log_ == nullptr) return;
  AuditEvent event;
  event.timestamp = clock_.NowMillis();
  event.request_id = ctx.request_id;
  event.client_address = ctx.client_address;
  event.principal = ctx.principal.AuditName();
  event.operation = std::string(OperationName(request.operation));
  event.model_name = request.model;
  if (request.promotes_to) event.after = "stage=" + std::string(StageName(*request.promotes_to));
  event.outcome = AuditOutcome::kDenied;
  event.checks.push_back({"access", CheckOutcome::kFailed, refusal.message()});
  const Status recorded = audit_log_->AppendAuditEvent(event);
  if (!recorded.ok()) {
    // The refusal stands either way; losing its record must not turn it into a 5xx.
    std::fprintf(stderr, "[error] request %s: access denial not recorded in the audit log: %s\n",
                 event.request_id.c_str(), recorded.ToString().c_str());
  }
}

Status AccessControl::Decide(const AccessProfile& profile, const AccessRequest& request) const {
  if (profile.user.is_admin) return Status::Ok();
  const AccessRule rule = RequiredAccess(request.operation);
  const Permission fallback = options_.default_permission;
  switch (rule.requirement) {
    case Requirement::kAuthenticated:
      return Status::Ok();
    case Requirement::kAdmin:
      return AdminOnly(request.operation);
    case Requirement::kSelf:
      if (request.needs_admin) return AdminOnly(request.operation);
      if (!request.username || *request.username == profile.user.username) return Status::Ok();
      return Status::PermissionDenied("Permission denied: only admins may call " +
                                      std::string(OperationName(request.operation)) +
                                      " for another user.");
    case Requirement::kAuditLog:
      if (request.model.empty()) return AdminOnly(request.operation);
      return NeedOnModel(profile, request.operation, request.model, Permission::kRead, fallback);
    case Requirement::kPromoteModel:
      RETURN_IF_ERROR(
          NeedOnModel(profile, request.operation, request.model, Permission::kRead, fallback));
      if (HasPromoteGrant(profile, request.model)) return Status::Ok();
      return Status::PermissionDenied(
          "Permission denied: " + std::string(OperationName(request.operation)) +
          " needs a PROMOTE grant on registered model '" + request.model + "'; user '" +
          profile.user.username + "' has none.");
    case Requirement::kManageGrant:
      if (request.needs_admin) {
        return Status::PermissionDenied(
            "Permission denied: only admins may manage prefix grants, PROMOTE grants or "
            "list every grant.");
      }
      if (!request.experiment_id.empty()) {
        return NeedOnExperiment(profile, request, Permission::kManage, fallback);
      }
      return NeedOnModel(profile, request.operation, request.model, Permission::kManage, fallback);
    case Requirement::kManageExperiment:
      return NeedOnExperiment(profile, request, Permission::kManage, fallback);
    case Requirement::kRegisterModel:
      if (!options_.registration_needs_grant) return Status::Ok();
      return NeedOnModel(profile, request.operation, request.model, Permission::kEdit, fallback);
    case Requirement::kRenameModel:
      RETURN_IF_ERROR(
          NeedOnModel(profile, request.operation, request.model, Permission::kEdit, fallback));
      if (request.carried_stage) {
        RETURN_IF_ERROR(NeedPromote(profile, request.new_name, *request.carried_stage));
      }
      if (!options_.registration_needs_grant) return Status::Ok();
      return NeedOnModel(profile, request.operation, request.new_name, Permission::kEdit, fallback);
    case Requirement::kWebhooks:
      if (HasWebhooksGrant(profile, request.model)) return Status::Ok();
      return Status::PermissionDenied(
          "Permission denied: " + std::string(OperationName(request.operation)) +
          " needs admin or a WEBHOOKS grant on a prefix of the webhook's model_prefix '" +
          request.model + "'; user '" + profile.user.username + "' has none.");
    case Requirement::kReadModel:
    case Requirement::kUpdateModel:
    case Requirement::kDeleteModel:
    case Requirement::kManageModel:
      RETURN_IF_ERROR(NeedOnModel(profile, request.operation, request.model,
                                  NeededOnModel(rule.requirement), fallback));
      if (rule.promotes && request.promotes_to) {
        return NeedPromote(profile, request.model, *request.promotes_to);
      }
      return Status::Ok();
  }
  return AdminOnly(request.operation);
}

Result<bool> AccessControl::SeesEverything(const CallContext& ctx) {
  if (std::optional<Status> decided = DecideWithoutProfile(ctx.principal)) {
    if (!decided->ok()) return *decided;
    return true;
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const AccessProfile> profile, CallerProfile(ctx, false));
  return profile->user.is_admin;
}

Result<std::optional<ReadScope>> AccessControl::ReadScopeFor(const Principal& principal) {
  if (std::optional<Status> decided = DecideWithoutProfile(principal)) {
    if (!decided->ok()) return *decided;
    return std::optional<ReadScope>();
  }
  CallContext ctx;
  ctx.principal = principal;
  ASSIGN_OR_RETURN(std::shared_ptr<const AccessProfile> profile, CallerProfile(ctx, false));
  if (profile->user.is_admin) return std::optional<ReadScope>();
  ReadScope scope = BuildReadScope(*profile, options_.default_permission);
  const bool everything = !scope.live && scope.default_readable && scope.hidden_names.empty() &&
                          scope.visible_names.empty() && scope.prefixes.empty();
  if (everything) return std::optional<ReadScope>();
  return std::optional<ReadScope>(std::move(scope));
}

Result<WebhookScopes> AccessControl::WebhookScopesFor(const Principal& principal) {
  if (std::optional<Status> decided = DecideWithoutProfile(principal)) {
    if (!decided->ok()) return *decided;
    return WebhookScopes();
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const AccessProfile> profile, Profile(principal.name, false));
  if (profile->user.is_admin) return WebhookScopes();
  return WebhookScopes(WebhooksGrantPrefixes(*profile));
}

Result<ExperimentAccess> AccessControl::ExperimentAccessFor(const Principal& principal,
                                                            Blocking blocking, bool fresh) {
  if (std::optional<Status> decided = DecideWithoutProfile(principal)) {
    if (!decided->ok()) return *decided;
    return ExperimentAccess::Everything();
  }
  CallContext ctx;
  ctx.principal = principal;
  ASSIGN_OR_RETURN(std::shared_ptr<const AccessProfile> profile,
                   CallerProfile(ctx, fresh, blocking));
  if (profile->user.is_admin) return ExperimentAccess::Everything();
  return ExperimentAccess::ForProfile(std::move(profile), options_.default_permission);
}

Result<PermissionExplanation> AccessControl::Explain(const std::string& username,
                                                     const std::string& name) {
  ASSIGN_OR_RETURN(std::shared_ptr<const AccessProfile> profile, Profile(username, true));
  PermissionExplanation explanation;
  explanation.username = username;
  explanation.is_admin = profile->user.is_admin;
  explanation.effective = ResolvePermission(*profile, name, options_.default_permission);
  explanation.can_promote = profile->user.is_admin || HasPromoteGrant(*profile, name);
  return explanation;
}

}  // namespace modelwarden
