#include "enforcement/access_admin.h"

#include <cstdio>
#include <utility>

#include "enforcement/crypto.h"
#include "enforcement/password_hash.h"
#include "enforcement/permission.h"

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

Status ValidateGrant(const Grant& grant) {
  if (grant.permission != kPromotePermission && !ParsePermission(grant.permission)) {
    return Status::InvalidArgument(InvalidPermissionMessage(grant.permission) +
                                   " (or PROMOTE for a promotion grant)");
  }
  if (grant.resource.empty()) {
    return Status::InvalidArgument(grant.resource_type == ResourceType::kModel
                                       ? "A grant needs a model name."
                                       : "A prefix grant needs a non-empty prefix.");
  }
  if (grant.subject_name.empty()) {
    return Status::InvalidArgument("A grant needs a username or a group.");
  }
  return Status::Ok();
}

// Grants on one model are found under the model's name in the audit log.
std::string ModelOf(const Grant& grant) {
  return grant.resource_type == ResourceType::kModel ? grant.resource : "";
}

std::string DescribeGrant(const Grant& grant) {
  return std::string(grant.permission.empty() ? "access" : grant.permission) + " on " +
         (grant.resource_type == ResourceType::kModel ? "model " : "prefix ") + grant.resource +
         " to " + (grant.subject_type == SubjectType::kUser ? "user " : "group ") +
         grant.subject_name;
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

Result<UserView> AccessAdmin::CreateUser(const std::string& username, const std::string& password,
                                         bool is_admin, const CallContext* ctx) {
  RETURN_IF_ERROR(ValidateUsername(username));
  RETURN_IF_ERROR(ValidatePassword(password));
  ASSIGN_OR_RETURN(
      User user,
      store_.CreateUser(username, HashPassword(password, access_.options().password_iterations),
                        is_admin));
  Record(ctx, "CreateUser", "", "user " + username + (is_admin ? " (admin)" : ""));
  return UserView{std::move(user), {}};
}

Result<UserView> AccessAdmin::GetUser(const std::string& username) {
  UserView view;
  ASSIGN_OR_RETURN(view.user, store_.GetUser(username));
  GrantQuery query;
  query.subject_type = SubjectType::kUser;
  query.subject_name = username;
  query.resource_type = ResourceType::kModel;
  ASSIGN_OR_RETURN(std::vector<Grant> grants, store_.ListGrants(query));
  for (Grant& grant : grants) {
    if (grant.permission != kPromotePermission) view.model_grants.push_back(std::move(grant));
  }
  return view;
}

Result<std::vector<User>> AccessAdmin::ListUsers() { return store_.ListUsers(); }

Status AccessAdmin::UpdatePassword(const std::string& username, const std::string& password,
                                   const CallContext* ctx) {
  RETURN_IF_ERROR(ValidatePassword(password));
  RETURN_IF_ERROR(store_.UpdatePassword(
      username, HashPassword(password, access_.options().password_iterations)));
  access_.Invalidate();
  Record(ctx, "UpdateUserPassword", "", "user " + username);
  return Status::Ok();
}

Status AccessAdmin::UpdateAdmin(const std::string& username, bool is_admin,
                                const CallContext* ctx) {
  RETURN_IF_ERROR(store_.UpdateAdmin(username, is_admin));
  access_.Invalidate();
  Record(ctx, "UpdateUserAdmin", "",
         "user " + username + " is_admin=" + (is_admin ? "true" : "false"));
  return Status::Ok();
}

Status AccessAdmin::DeleteUser(const std::string& username, const CallContext* ctx) {
  RETURN_IF_ERROR(store_.DeleteUser(username));
  access_.Invalidate();
  Record(ctx, "DeleteUser", "", "user " + username);
  return Status::Ok();
}

Status AccessAdmin::EnsureAdmin(const std::string& username, const std::string& password) {
  Result<User> existing = store_.GetUser(username);
  if (existing.ok()) return Status::Ok();
  if (existing.status().code() != ErrorCode::kResourceDoesNotExist) return existing.status();
  Result<UserView> created = CreateUser(username, password, /*is_admin=*/true);
  if (created.status().code() == ErrorCode::kResourceAlreadyExists) return Status::Ok();
  return created.status();
}

Result<Group> AccessAdmin::CreateGroup(const std::string& name, const CallContext* ctx) {
  RETURN_IF_ERROR(ValidateGroupName(name));
  ASSIGN_OR_RETURN(Group group, store_.CreateGroup(name));
  Record(ctx, "CreateGroup", "", "group " + name);
  return group;
}

Result<Group> AccessAdmin::GetGroup(const std::string& name) { return store_.GetGroup(name); }

Result<std::vector<Group>> AccessAdmin::ListGroups() { return store_.ListGroups(); }

Status AccessAdmin::DeleteGroup(const std::string& name, const CallContext* ctx) {
  RETURN_IF_ERROR(store_.DeleteGroup(name));
  access_.Invalidate();
  Record(ctx, "DeleteGroup", "", "group " + name);
  return Status::Ok();
}

Status AccessAdmin::AddGroupMember(const std::string& group, const std::string& username,
                                   const CallContext* ctx) {
  RETURN_IF_ERROR(store_.AddGroupMember(group, username));
  access_.Invalidate();
  Record(ctx, "AddGroupMember", "", "group " + group + " + user " + username);
  return Status::Ok();
}

Status AccessAdmin::RemoveGroupMember(const std::string& group, const std::string& username,
                                      const CallContext* ctx) {
  RETURN_IF_ERROR(store_.RemoveGroupMember(group, username));
  access_.Invalidate();
  Record(ctx, "RemoveGroupMember", "", "group " + group + " - user " + username);
  return Status::Ok();
}

Result<Grant> AccessAdmin::CreateGrant(const Grant& grant, const CallContext* ctx) {
  RETURN_IF_ERROR(ValidateGrant(grant));
  ASSIGN_OR_RETURN(Grant created, store_.CreateGrant(grant));
  access_.Invalidate();
  Record(ctx, "CreateGrant", ModelOf(grant), DescribeGrant(grant));
  return created;
}

Result<Grant> AccessAdmin::GetGrant(const Grant& key) {
  return store_.GetGrant(key.subject_type, key.subject_name, key.resource_type, key.resource,
                         key.permission == kPromotePermission);
}

Status AccessAdmin::UpdateGrant(const Grant& grant, const CallContext* ctx) {
  RETURN_IF_ERROR(ValidateGrant(grant));
  if (grant.permission == kPromotePermission) {
    return Status::InvalidArgument(
        "A PROMOTE grant has no level to update: create or delete it instead.");
  }
  RETURN_IF_ERROR(store_.UpdateGrant(grant));
  access_.Invalidate();
  Record(ctx, "UpdateGrant", ModelOf(grant), DescribeGrant(grant));
  return Status::Ok();
}

Status AccessAdmin::DeleteGrant(const Grant& key, const CallContext* ctx) {
  RETURN_IF_ERROR(store_.DeleteGrant(key.subject_type, key.subject_name, key.resource_type,
                                     key.resource, key.permission == kPromotePermission));
  access_.Invalidate();
  Record(ctx, "DeleteGrant", ModelOf(key), DescribeGrant(key));
  return Status::Ok();
}

Result<std::vector<Grant>> AccessAdmin::ListGrants(const GrantQuery& query) {
  return store_.ListGrants(query);
}

Result<NewToken> AccessAdmin::CreateToken(const std::string& username, const std::string& name,
                                          int64_t expires_in_days, const CallContext* ctx) {
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
  created.secret = kTokenPrefix + Base64UrlEncode(RandomBytes(32));
  ASSIGN_OR_RETURN(
      created.token,
      store_.CreateToken(username, name, Sha256Hex(created.secret), now,
                         expires_in_days == 0 ? 0 : now + expires_in_days * kMillisPerDay));
  Record(ctx, "CreateToken", "",
         "token " + std::to_string(created.token.id) + " for user " + username);
  return created;
}

Result<std::vector<ApiToken>> AccessAdmin::ListTokens(const std::string& username) {
  return store_.ListTokens(username);
}

Status AccessAdmin::RevokeToken(int64_t id, const std::string& owner, const CallContext* ctx) {
  RETURN_IF_ERROR(store_.RevokeToken(id, owner, clock_.NowMillis()));
  access_.Invalidate();
  Record(ctx, "RevokeToken", "", "token " + std::to_string(id));
  return Status::Ok();
}

void AccessAdmin::Record(const CallContext* ctx, const char* operation,
                         const std::string& model_name, const std::string& after) {
  if (audit_log_ == nullptr || ctx == nullptr) return;
  AuditEvent event;
  event.timestamp = clock_.NowMillis();
  event.request_id = ctx->request_id;
  event.principal = ctx->principal.empty() ? "anonymous" : ctx->principal;
  event.client_address = ctx->client_address;
  event.operation = operation;
  event.model_name = model_name;
  event.outcome = "allowed";
  event.after = after;
  const Status recorded = audit_log_->AppendAuditEvent(event);
  if (!recorded.ok()) {
    std::fprintf(stderr, "[error] request %s: %s not recorded in the audit log: %s\n",
                 event.request_id.c_str(), operation, recorded.ToString().c_str());
  }
}

}  // namespace modelwarden
