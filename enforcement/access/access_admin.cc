#include "enforcement/access/access_admin.h"

#include <cstdio>
#include <utility>

#include "enforcement/access/crypto.h"
#include "enforcement/access/password_hash.h"
#include "enforcement/access/permission.h"
#include "registry/operation.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr size_t kMaxNameLength = 255;
constexpr size_t kMinPasswordLength = 12;
constexpr int64_t kMaxTokenDays = 3650;
constexpr int64_t kMillisPerDay = 24LL * 60 * 60 * 1000;
constexpr char kTokenPrefix[] = "mwt_";

bool HasControlCharacter(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

Status ValidatePassword(const std::string& password) {
  if (password.size() < kMinPasswordLength) {
    return Status::InvalidArgument("Password must be a string longer than 12 characters.");
  }
  return Status::Ok();
}

Status ValidateGroupName(const std::string& name) {
  if (name.empty()) return Status::InvalidArgument("Group name cannot be empty.");
  if (name.size() > kMaxNameLength || HasControlCharacter(name)) {
    return Status::InvalidArgument(
        "Group name must be at most 255 bytes without control "
        "characters.");
  }
  return Status::Ok();
}

// A grant on the tracker's experiments: an access grant on an experiment id (no '/'), a
// non-empty name prefix, or "<experiment id>/<scorer>" with both parts.
Status ValidateExperimentGrant(const Grant& grant) {
  if (grant.kind != GrantKind::kAccess) {
    return Status::InvalidArgument(
        "A grant on experiments is one of READ, EDIT, MANAGE or NO_PERMISSIONS, not " +
        std::string(GrantPermissionName(grant)) + ".");
  }
  switch (grant.resource_type) {
    case ResourceType::kExperiment:
      if (grant.resource.empty() || grant.resource.find('/') != std::string::npos) {
        return Status::InvalidArgument("A grant needs an experiment id (without '/').");
      }
      break;
    case ResourceType::kExperimentPrefix:
      if (grant.resource.empty()) {
        return Status::InvalidArgument("A prefix grant needs a non-empty prefix.");
      }
      break;
    default: {
      std::string experiment_id;
      std::string scorer;
      if (!SplitScorerResource(grant.resource, experiment_id, scorer) || experiment_id.empty() ||
          scorer.empty()) {
        return Status::InvalidArgument("A scorer grant needs an experiment id and a scorer name.");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateGrant(const Grant& grant) {
  if (IsExperimentResource(grant.resource_type)) {
    RETURN_IF_ERROR(ValidateExperimentGrant(grant));
  } else if (grant.kind == GrantKind::kWebhooks) {
    if (grant.resource_type != ResourceType::kPrefix) {
      return Status::InvalidArgument(
          "A WEBHOOKS grant is on a prefix (\"\" for every model), not on one model.");
    }
  } else if (grant.resource.empty()) {
    return Status::InvalidArgument(grant.resource_type == ResourceType::kModel
                                       ? "A grant needs a model name."
                                       : "A prefix grant needs a non-empty prefix.");
  }
  if (grant.subject_name.empty()) {
    return Status::InvalidArgument("A grant needs a username or a group.");
  }
  return Status::Ok();
}

namespace {

std::string DescribeGrant(const Grant& grant) {
  return std::string(GrantPermissionName(grant)) + " on " + ResourceTypeWords(grant.resource_type) +
         " " + grant.resource + " to " +
         (grant.subject_type == SubjectType::kUser ? "user " : "group ") + grant.subject_name;
}

AccessRequest Ask(Operation operation) {
  AccessRequest request;
  request.operation = operation;
  return request;
}

// About one user (nullopt: about every user, which only admins may ask).
AccessRequest AskAbout(Operation operation, const std::optional<std::string>& username) {
  AccessRequest request = Ask(operation);
  request.username = username;
  request.needs_admin = !username.has_value();
  return request;
}

// A grant on one model (experiment, scorer) is its business (MANAGE on it); anything wider is
// an admin's. `experiment_name` ("" when unknown) lets experiment prefix grants count.
AccessRequest AskForGrant(Operation operation, const Grant& grant,
                          const std::string& experiment_name = "") {
  AccessRequest request = Ask(operation);
  switch (grant.resource_type) {
    case ResourceType::kModel:
      request.model = grant.resource;
      break;
    case ResourceType::kExperiment:
      request.experiment_id = grant.resource;
      break;
    case ResourceType::kScorer:
      if (!SplitScorerResource(grant.resource, request.experiment_id, request.scorer)) {
        request.needs_admin = true;
      }
      break;
    case ResourceType::kPrefix:
    case ResourceType::kExperimentPrefix:
      request.needs_admin = true;
      break;
  }
  request.experiment_name = request.experiment_id.empty() ? "" : experiment_name;
  if (grant.kind != GrantKind::kAccess) request.needs_admin = true;
  return request;
}

}  // namespace

Status ValidateUsername(const std::string& username) {
  if (username.empty()) return Status::InvalidArgument("Username cannot be empty.");
  if (username.size() > kMaxNameLength || HasControlCharacter(username) ||
      username.find(':') != std::string::npos) {
    return Status::InvalidArgument(
        "Username must be at most 255 bytes without ':' or control characters.");
  }
  return Status::Ok();
}

Status AccessAdmin::Change(const CallContext& ctx, const AccessRequest& request,
                           const std::string& after,
                           const std::function<Status(AuthStore&)>& change, bool authorize) {
  const int64_t now = clock_.NowMillis();
  Status refusal;
  const std::vector<std::string> locks =
      request.model.empty() ? std::vector<std::string>{} : std::vector<std::string>{request.model};
  RETURN_IF_ERROR(units_.Write(locks, [&](WriteTxn& txn) -> Status {
    refusal = Status::Ok();
    AuditEvent event;
    event.timestamp = now;
    event.request_id = ctx.request_id;
    event.principal = ctx.principal.AuditName();
    event.client_address = ctx.client_address;
    event.operation = std::string(OperationName(request.operation));
    event.model_name = request.model;
    event.after = after;
    // A system action still takes the epoch exclusively: its change is an access change.
    const Status allowed = authorize
                               ? access_.AuthorizeIn(txn.auth(), ctx.principal, request,
                                                     AuthStore::EpochLock::kExclusive)
                               : txn.auth().AccessEpoch(AuthStore::EpochLock::kExclusive).status();
    if (allowed.code() == ErrorCode::kPermissionDenied) {
      refusal = allowed;
      event.outcome = AuditOutcome::kDenied;
      event.checks.push_back({"access", CheckOutcome::kFailed, allowed.message()});
      return txn.AppendAudit(event);
    }
    RETURN_IF_ERROR(allowed);
    RETURN_IF_ERROR(change(txn.auth()));
    return txn.AppendAudit(event);
  }));
  RETURN_IF_ERROR(refusal);
  access_.Invalidate();
  return Status::Ok();
}

Result<UserView> AccessAdmin::CreateUser(const CallContext& ctx, const std::string& username,
                                         const std::string& password, bool is_admin) {
  RETURN_IF_ERROR(ValidateUsername(username));
  RETURN_IF_ERROR(ValidatePassword(password));
  const std::string hash = HashPassword(password, access_.options().password_iterations);
  UserView created;
  RETURN_IF_ERROR(
      Change(ctx, Ask(Operation::kCreateUser), "user " + username + (is_admin ? " (admin)" : ""),
             [&](AuthStore& auth) -> Status {
               ASSIGN_OR_RETURN(created.user, auth.CreateUser(username, hash, is_admin));
               return Status::Ok();
             }));
  return created;
}

Result<UserView> AccessAdmin::GetUser(const CallContext& ctx, const std::string& username) {
  RETURN_IF_ERROR(access_.Authorize(ctx, AskAbout(Operation::kGetUser, username)));
  UserView view;
  ASSIGN_OR_RETURN(view.user, store_.GetUser(username));
  GrantQuery query;
  query.subject_type = SubjectType::kUser;
  query.subject_name = username;
  ASSIGN_OR_RETURN(std::vector<Grant> grants, store_.ListGrants(query));
  for (Grant& grant : grants) {
    if (grant.kind != GrantKind::kAccess) continue;
    switch (grant.resource_type) {
      case ResourceType::kModel:
        view.model_grants.push_back(std::move(grant));
        break;
      case ResourceType::kExperiment:
        view.experiment_grants.push_back(std::move(grant));
        break;
      case ResourceType::kScorer:
        view.scorer_grants.push_back(std::move(grant));
        break;
      case ResourceType::kPrefix:  // MLflow's User has no prefix grants.
      case ResourceType::kExperimentPrefix:
        break;
    }
  }
  return view;
}

Result<std::vector<User>> AccessAdmin::ListUsers(const CallContext& ctx) {
  RETURN_IF_ERROR(access_.Authorize(ctx, Ask(Operation::kListUsers)));
  return store_.ListUsers();
}

Status AccessAdmin::UpdatePassword(const CallContext& ctx, const std::string& username,
                                   const std::string& password) {
  RETURN_IF_ERROR(ValidatePassword(password));
  const std::string hash = HashPassword(password, access_.options().password_iterations);
  return Change(ctx, AskAbout(Operation::kUpdateUserPassword, username), "user " + username,
                [&](AuthStore& auth) { return auth.UpdatePassword(username, hash); });
}

Status AccessAdmin::UpdateAdmin(const CallContext& ctx, const std::string& username,
                                bool is_admin) {
  return Change(ctx, Ask(Operation::kUpdateUserAdmin),
                "user " + username + " is_admin=" + (is_admin ? "true" : "false"),
                [&](AuthStore& auth) { return auth.UpdateAdmin(username, is_admin); });
}

Status AccessAdmin::DeleteUser(const CallContext& ctx, const std::string& username) {
  return Change(ctx, Ask(Operation::kDeleteUser), "user " + username,
                [&](AuthStore& auth) { return auth.DeleteUser(username); });
}

Status AccessAdmin::EnsureAdmin(const std::string& username, const std::string& password) {
  Result<User> existing = store_.GetUser(username);
  if (existing.ok()) return Status::Ok();
  if (existing.status().code() != ErrorCode::kResourceDoesNotExist) return existing.status();
  CallContext bootstrap;
  bootstrap.request_id = "bootstrap";
  bootstrap.principal = Principal::System("bootstrap");
  Result<UserView> created = CreateUser(bootstrap, username, password, /*is_admin=*/true);
  if (created.status().code() == ErrorCode::kResourceAlreadyExists) return Status::Ok();
  return created.status();
}

Result<Group> AccessAdmin::CreateGroup(const CallContext& ctx, const std::string& name) {
  RETURN_IF_ERROR(ValidateGroupName(name));
  Group group;
  RETURN_IF_ERROR(
      Change(ctx, Ask(Operation::kCreateGroup), "group " + name, [&](AuthStore& auth) -> Status {
        ASSIGN_OR_RETURN(group, auth.CreateGroup(name));
        return Status::Ok();
      }));
  return group;
}

Result<Group> AccessAdmin::GetGroup(const CallContext& ctx, const std::string& name) {
  RETURN_IF_ERROR(access_.Authorize(ctx, Ask(Operation::kGetGroup)));
  return store_.GetGroup(name);
}

Result<std::vector<Group>> AccessAdmin::ListGroups(const CallContext& ctx) {
  RETURN_IF_ERROR(access_.Authorize(ctx, Ask(Operation::kListGroups)));
  return store_.ListGroups();
}

Status AccessAdmin::DeleteGroup(const CallContext& ctx, const std::string& name) {
  return Change(ctx, Ask(Operation::kDeleteGroup), "group " + name,
                [&](AuthStore& auth) { return auth.DeleteGroup(name); });
}

Status AccessAdmin::AddGroupMember(const CallContext& ctx, const std::string& group,
                                   const std::string& username) {
  return Change(ctx, Ask(Operation::kAddGroupMember), "group " + group + " + user " + username,
                [&](AuthStore& auth) { return auth.AddGroupMember(group, username); });
}

Status AccessAdmin::RemoveGroupMember(const CallContext& ctx, const std::string& group,
                                      const std::string& username) {
  return Change(ctx, Ask(Operation::kRemoveGroupMember), "group " + group + " - user " + username,
                [&](AuthStore& auth) { return auth.RemoveGroupMember(group, username); });
}

Result<Grant> AccessAdmin::CreateGrant(const CallContext& ctx, Operation operation,
                                       const Grant& grant) {
  RETURN_IF_ERROR(ValidateGrant(grant));
  ASSIGN_OR_RETURN(const std::string experiment_name, ExperimentNameFor(ctx.principal, grant));
  Grant created;
  RETURN_IF_ERROR(Change(ctx, AskForGrant(operation, grant, experiment_name), DescribeGrant(grant),
                         [&](AuthStore& auth) -> Status {
                           ASSIGN_OR_RETURN(created, auth.CreateGrant(grant));
                           return Status::Ok();
                         }));
  return created;
}

Result<Grant> AccessAdmin::GetGrant(const CallContext& ctx, Operation operation, const Grant& key) {
  ASSIGN_OR_RETURN(const std::string experiment_name, ExperimentNameFor(ctx.principal, key));
  RETURN_IF_ERROR(access_.Authorize(ctx, AskForGrant(operation, key, experiment_name)));
  return store_.GetGrant(key);
}

Status AccessAdmin::UpdateGrant(const CallContext& ctx, Operation operation, const Grant& grant) {
  RETURN_IF_ERROR(ValidateGrant(grant));
  if (grant.kind != GrantKind::kAccess) {
    return Status::InvalidArgument("A " + std::string(GrantPermissionName(grant)) +
                                   " grant has no level to update: create or delete it instead.");
  }
  ASSIGN_OR_RETURN(const std::string experiment_name, ExperimentNameFor(ctx.principal, grant));
  return Change(ctx, AskForGrant(operation, grant, experiment_name), DescribeGrant(grant),
                [&](AuthStore& auth) { return auth.UpdateGrant(grant); });
}

Status AccessAdmin::DeleteGrant(const CallContext& ctx, Operation operation, const Grant& key) {
  ASSIGN_OR_RETURN(const std::string experiment_name, ExperimentNameFor(ctx.principal, key));
  return Change(ctx, AskForGrant(operation, key, experiment_name), DescribeGrant(key),
                [&](AuthStore& auth) { return auth.DeleteGrant(key); });
}

Result<std::vector<Grant>> AccessAdmin::ListGrants(const CallContext& ctx,
                                                   const GrantQuery& query) {
  AccessRequest request = Ask(Operation::kListGrants);
  const bool one_resource = query.resource && (query.resource_type == ResourceType::kModel ||
                                               query.resource_type == ResourceType::kExperiment ||
                                               query.resource_type == ResourceType::kScorer);
  if (one_resource) {
    // The grants on one model (experiment, scorer): for whoever may manage them.
    Grant on;
    on.resource_type = *query.resource_type;
    on.resource = *query.resource;
    ASSIGN_OR_RETURN(const std::string experiment_name, ExperimentNameFor(ctx.principal, on));
    request = AskForGrant(Operation::kListGrants, on, experiment_name);
  } else {
    request.needs_admin = true;
  }
  RETURN_IF_ERROR(access_.Authorize(ctx, request));
  return store_.ListGrants(query);
}

Result<PermissionExplanation> AccessAdmin::Explain(const CallContext& ctx,
                                                   const std::string& username,
                                                   const std::string& name) {
  RETURN_IF_ERROR(access_.Authorize(ctx, AskAbout(Operation::kGetEffectivePermission, username)));
  return access_.Explain(username, name);
}

Result<NewToken> AccessAdmin::CreateToken(const CallContext& ctx, const std::string& username,
                                          const std::string& name, int64_t expires_in_days) {
  if (name.size() > kMaxNameLength || HasControlCharacter(name)) {
    return Status::InvalidArgument(
        "Token name must be at most 255 bytes without control characters.");
  }
  if (expires_in_days < 0 || expires_in_days > kMaxTokenDays) {
    return Status::InvalidArgument("expires_in_days must be between 0 (never) and " +
                                   std::to_string(kMaxTokenDays) + ", got " +
                                   std::to_string(expires_in_days) + ".");
  }
  const int64_t now = clock_.NowMillis();
  NewToken created;
  created.secret = kTokenPrefix + EncodeBase64Url(RandomBytes(32));
  const std::string hash = Sha256Hex(created.secret);
  const int64_t expires = expires_in_days == 0 ? 0 : now + expires_in_days * kMillisPerDay;
  RETURN_IF_ERROR(Change(ctx, AskAbout(Operation::kCreateToken, username),
                         "token for user " + username, [&](AuthStore& auth) -> Status {
                           ASSIGN_OR_RETURN(created.token,
                                            auth.CreateToken(username, name, hash, now, expires));
                           return Status::Ok();
                         }));
  return created;
}

Result<std::vector<ApiToken>> AccessAdmin::ListTokens(const CallContext& ctx,
                                                      const std::optional<std::string>& username) {
  RETURN_IF_ERROR(access_.Authorize(ctx, AskAbout(Operation::kListTokens, username)));
  if (username && username->empty()) return std::vector<ApiToken>{};  // No user has this name.
  return store_.ListTokens(username.value_or(""));
}

Status AccessAdmin::RevokeToken(const CallContext& ctx, int64_t id,
                                const std::optional<std::string>& owner) {
  if (owner && owner->empty()) {
    return Status::NotFound("Token with id=" + std::to_string(id) + " not found");
  }
  return Change(ctx, AskAbout(Operation::kRevokeToken, owner), "token " + std::to_string(id),
                [&](AuthStore& auth) {
                  return auth.RevokeToken(id, owner.value_or(""), clock_.NowMillis());
                });
}

}  // namespace modelwarden
