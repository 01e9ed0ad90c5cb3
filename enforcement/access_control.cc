#include "enforcement/access_control.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <thread>
#include <utility>

#include "enforcement/crypto.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

// A cache never grows past this; when full it starts over (only verified callers get in).
constexpr size_t kMaxCacheEntries = 10000;
constexpr char kBadCredentials[] =
    "You are not authenticated: unknown user or wrong password. See "
    "https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow";
constexpr char kUnknownToken[] = "You are not authenticated: unknown API token.";

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool Always(Permission) { return true; }

// A user deleted by another server process while their password or token is still cached here
// fails authentication (401); their profile's "not found" must not surface as a 404.
Status UnknownUserIsUnauthenticated(const Status& status, const std::string& message) {
  if (status.code() == ErrorCode::kResourceDoesNotExist) return Status::Unauthenticated(message);
  return status;
}

template <typename Map>
void Bound(Map& map) {
  if (map.size() >= kMaxCacheEntries) map.clear();
}

}  // namespace

AccessControl::AccessControl(AuthStore& store, const PolicyHolder& policy, const Clock& clock,
                             AuthOptions options, ModelStore* audit_log)
    : store_(store),
      policy_(policy),
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
                                                                    bool fresh) {
  if (!fresh) {
    std::shared_lock lock(mutex_);
    auto it = profiles_.find(username);
    if (it != profiles_.end() && Fresh(it->second.loaded_at)) return it->second.profile;
  }
  uint64_t generation;
  {
    std::shared_lock lock(mutex_);
    generation = generation_;
  }
  ASSIGN_OR_RETURN(AccessProfile loaded, store_.LoadAccessProfile(username));
  auto profile = std::make_shared<const AccessProfile>(std::move(loaded));
  std::unique_lock lock(mutex_);
  // A profile read before an Invalidate() that happened meanwhile may predate the change:
  // use it for this request, but do not cache it.
  if (generation == generation_) {
    Bound(profiles_);
    profiles_[username] = {profile, clock_.NowMillis()};
  }
  return std::shared_ptr<const AccessProfile>(profile);
}

Result<Principal> AccessControl::AuthenticatePassword(const std::string& username,
                                                      const std::string& password) {
  const std::string key = HmacSha256(cache_key_, username + '\0' + password);
  std::optional<CachedCredential> cached;
  {
    std::shared_lock lock(mutex_);
    auto it = credentials_.find(key);
    if (it != credentials_.end()) cached = it->second;
  }
  const bool fresh = cached.has_value() && Fresh(cached->checked_at);
  Result<std::shared_ptr<const AccessProfile>> profile = Profile(username, /*fresh=*/!fresh);
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
    return Principal{username, (*profile)->user.is_admin};
  }
  if (!VerifyBounded(password, stored)) return Status::Unauthenticated(kBadCredentials);
  std::unique_lock lock(mutex_);
  Bound(credentials_);
  credentials_[key] = {stored, clock_.NowMillis()};
  return Principal{username, (*profile)->user.is_admin};
}

Result<Principal> AccessControl::AuthenticateToken(const std::string& secret) {
  const std::string hash = Sha256Hex(secret);
  std::optional<ApiToken> token;
  {
    std::shared_lock lock(mutex_);
    auto it = tokens_.find(hash);
    if (it != tokens_.end() && Fresh(it->second.checked_at)) token = it->second.token;
  }
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
  Result<std::shared_ptr<const AccessProfile>> profile = Profile(token->username, false);
  RETURN_IF_ERROR(UnknownUserIsUnauthenticated(profile.status(), kUnknownToken));
  return Principal{token->username, (*profile)->user.is_admin};
}

Status AccessControl::Authorize(const Principal& principal, const AccessRequest& request,
                                const CallContext* ctx) {
  if (!options_.enabled || principal.is_admin) return Status::Ok();
  ASSIGN_OR_RETURN(std::shared_ptr<const AccessProfile> profile,
                   Profile(principal.username, false));
  Status status = Check(principal, request, *profile);
  if (status.code() != ErrorCode::kPermissionDenied) return status;
  ASSIGN_OR_RETURN(profile, Profile(principal.username, true));
  if (profile->user.is_admin) return Status::Ok();
  status = Check(principal, request, *profile);
  if (status.code() == ErrorCode::kPermissionDenied) RecordDenial(principal, request, ctx, status);
  return status;
}

void AccessControl::RecordDenial(const Principal& principal, const AccessRequest& request,
                                 const CallContext* ctx, const Status& denial) {
  if (audit_log_ == nullptr) return;
  AuditEvent event;
  event.timestamp = clock_.NowMillis();
  if (ctx != nullptr) {
    event.request_id = ctx->request_id;
    event.client_address = ctx->client_address;
  }
  event.principal = principal.username;
  event.operation = std::string(OperationName(request.operation));
  event.model_name = request.name.value_or(request.model_name.value_or(""));
  if (request.stage) event.after = "stage=" + *request.stage;
  if (request.alias) event.after = "alias=" + *request.alias;
  event.outcome = "denied";
  event.checks.push_back({"access", "failed", denial.message()});
  const Status recorded = audit_log_->AppendAuditEvent(event);
  if (!recorded.ok()) {
    // The denial stands either way; losing its record must not turn it into a 5xx.
    std::fprintf(stderr, "[error] request %s: access denial not recorded in the audit log: %s\n",
                 event.request_id.c_str(), recorded.ToString().c_str());
  }
}

Status AccessControl::NeedOnModel(const AccessProfile& profile, const AccessRequest& request,
                                  const std::string& name, bool (*allowed)(Permission),
                                  std::string_view needed) const {
  const EffectivePermission effective =
      ResolvePermission(profile, name, options_.default_permission);
  if (allowed(effective.permission)) return Status::Ok();
  return Status::PermissionDenied(
      "Permission denied: " + std::string(OperationName(request.operation)) + " needs " +
      std::string(needed) + " on registered model '" + name + "'; user '" + profile.user.username +
      "' has " + std::string(PermissionName(effective.permission)) + " (from " + effective.source +
      ").");
}

Status AccessControl::CheckPromotion(const AccessProfile& profile, const AccessRequest& request,
                                     const std::string& name) const {
  std::string target;
  if (request.operation == Operation::kTransitionModelVersionStage) {
    target = Lower(request.stage.value_or(""));
  } else if (request.alias.has_value()) {
    // As the policy's own promotion checks: aliases stand for stages while lifecycle is on.
    const std::shared_ptr<const Policy> policy = policy_.Current();
    if (policy->lifecycle.mode == RuleMode::kOff) return Status::Ok();
    auto it = policy->lifecycle.alias_stages.find(*request.alias);
    if (it != policy->lifecycle.alias_stages.end())
      target = Lower(std::string(StageName(it->second)));
  }
  if (target != "staging" && target != "production") return Status::Ok();
  if (HasPromoteGrant(profile, name)) return Status::Ok();
  return Status::PermissionDenied("Permission denied: moving a version of '" + name + "' into " +
                                  (target == "staging" ? "Staging" : "Production") +
                                  " needs a PROMOTE grant; user '" + profile.user.username +
                                  "' has none on this model.");
}

Status AccessControl::Check(const Principal& principal, const AccessRequest& request,
                            const AccessProfile& profile) const {
  const AccessRule rule = RequiredAccess(request.operation);
  const auto required_name = [&](const std::optional<std::string>& field,
                                 std::string_view field_name) -> Result<std::string> {
    if (!field.has_value() || field->empty()) {
      return MissingParameterError(field_name);
    }
    return *field;
  };
  const auto admin_only = [&]() {
    return Status::PermissionDenied("Permission denied: only admins may call " +
                                    std::string(OperationName(request.operation)) + ".");
  };
  switch (rule.requirement) {
    case Requirement::kAuthenticated:
      return Status::Ok();
    case Requirement::kAdmin:
      return admin_only();
    case Requirement::kSelf:
      if (request.username.value_or(principal.username) == principal.username) {
        return Status::Ok();
      }
      return Status::PermissionDenied("Permission denied: only admins may call " +
                                      std::string(OperationName(request.operation)) +
                                      " for another user.");
    case Requirement::kAuditLog: {
      if (request.model_name.value_or("").empty()) return admin_only();
      return NeedOnModel(profile, request, *request.model_name, &CanRead, "READ");
    }
    case Requirement::kManageGrant: {
      if (request.prefix.has_value() || request.permission == std::string(kPromotePermission) ||
          !request.name.has_value()) {
        return Status::PermissionDenied(
            "Permission denied: only admins may manage prefix grants, PROMOTE grants or "
            "list every grant.");
      }
      return NeedOnModel(profile, request, *request.name, &CanManage, "MANAGE");
    }
    case Requirement::kRegisterModel: {
      ASSIGN_OR_RETURN(std::string name, required_name(request.name, "name"));
      if (!options_.registration_needs_grant) return Status::Ok();
      return NeedOnModel(profile, request, name, &CanUpdate, "EDIT");
    }
    case Requirement::kRenameModel: {
      ASSIGN_OR_RETURN(std::string name, required_name(request.name, "name"));
      RETURN_IF_ERROR(NeedOnModel(profile, request, name, &CanUpdate, "EDIT"));
      if (!options_.registration_needs_grant) return Status::Ok();
      ASSIGN_OR_RETURN(std::string new_name, required_name(request.new_name, "new_name"));
      return NeedOnModel(profile, request, new_name, &CanUpdate, "EDIT");
    }
    case Requirement::kReadModel:
    case Requirement::kUpdateModel:
    case Requirement::kDeleteModel:
    case Requirement::kManageModel: {
      ASSIGN_OR_RETURN(std::string name, required_name(request.name, "name"));
      bool (*allowed)(Permission) = &Always;
      std::string_view needed;
      switch (rule.requirement) {
        case Requirement::kReadModel:
          allowed = &CanRead;
          needed = "READ";
          break;
        case Requirement::kUpdateModel:
          allowed = &CanUpdate;
          needed = "EDIT";
          break;
        default:
          allowed = &CanManage;
          needed = "MANAGE";
          break;
      }
      RETURN_IF_ERROR(NeedOnModel(profile, request, name, allowed, needed));
      if (rule.promotes) return CheckPromotion(profile, request, name);
      return Status::Ok();
    }
  }
  return admin_only();
}

Result<std::optional<ReadScope>> AccessControl::ReadScopeFor(const std::string& username) {
  if (!options_.enabled) return std::optional<ReadScope>();
  ASSIGN_OR_RETURN(std::shared_ptr<const AccessProfile> profile, Profile(username, false));
  if (profile->user.is_admin) return std::optional<ReadScope>();
  ReadScope scope = BuildReadScope(*profile, options_.default_permission);
  const bool everything = !scope.live && scope.default_readable && scope.hidden_names.empty() &&
                          scope.visible_names.empty() && scope.prefixes.empty();
  if (everything) return std::optional<ReadScope>();
  return std::optional<ReadScope>(std::move(scope));
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
