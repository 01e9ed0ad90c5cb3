#include "compat/access_handlers.h"

#include <optional>

#include "compat/access_json.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

constexpr char kEmptyResponse[] = "{}";
constexpr int64_t kDefaultTokenDays = 90;

std::optional<std::string> FieldOrNull(const RequestReader& request, std::string_view field) {
  Result<std::optional<std::string>> value = request.OptionalString(field);
  return value.ok() ? *value : std::nullopt;
}

Result<std::string> UsernameOrCaller(const CallContext& ctx, const RequestReader& request) {
  ASSIGN_OR_RETURN(std::optional<std::string> username, request.OptionalString("username"));
  return username.value_or(ctx.principal);
}

// A user's access grant on one model, as MLflow's registered-model permission endpoints name it.
Result<Grant> ModelPermissionKey(const RequestReader& request, bool with_permission) {
  Grant grant;
  grant.subject_type = SubjectType::kUser;
  grant.resource_type = ResourceType::kModel;
  ASSIGN_OR_RETURN(grant.resource, request.RequiredString("name"));
  ASSIGN_OR_RETURN(grant.subject_name, request.RequiredString("username"));
  if (with_permission) {
    ASSIGN_OR_RETURN(grant.permission, request.RequiredString("permission"));
    if (!ParsePermission(grant.permission)) {
      return Status::InvalidArgument(InvalidPermissionMessage(grant.permission));
    }
  }
  return grant;
}

// modelwarden's grants: exactly one of username/group and one of name/prefix.
Result<Grant> GrantFromRequest(const RequestReader& request, bool permission_required) {
  ASSIGN_OR_RETURN(std::optional<std::string> username, request.OptionalString("username"));
  ASSIGN_OR_RETURN(std::optional<std::string> group, request.OptionalString("group"));
  ASSIGN_OR_RETURN(std::optional<std::string> name, request.OptionalString("name"));
  ASSIGN_OR_RETURN(std::optional<std::string> prefix, request.OptionalString("prefix"));
  if (username.has_value() == group.has_value()) {
    return Status::InvalidArgument("Give exactly one of 'username' and 'group'.");
  }
  if (name.has_value() == prefix.has_value()) {
    return Status::InvalidArgument("Give exactly one of 'name' (one model) and 'prefix'.");
  }
  Grant grant;
  grant.subject_type = username ? SubjectType::kUser : SubjectType::kGroup;
  grant.subject_name = username ? *username : *group;
  grant.resource_type = name ? ResourceType::kModel : ResourceType::kPrefix;
  grant.resource = name ? *name : *prefix;
  if (permission_required) {
    ASSIGN_OR_RETURN(grant.permission, request.RequiredString("permission"));
  } else {
    ASSIGN_OR_RETURN(grant.permission, request.StringOr("permission", ""));
  }
  return grant;
}

Result<bool> RequiredBool(const RequestReader& request, std::string_view field) {
  ASSIGN_OR_RETURN(std::optional<bool> value, request.OptionalBool(field));
  if (!value.has_value()) {
    return MissingParameterError(field);
  }
  return *value;
}

}  // namespace

AccessRequest ReadAccessRequest(Operation operation, const RequestReader& request) {
  AccessRequest access;
  access.operation = operation;
  access.name = FieldOrNull(request, "name");
  access.new_name = FieldOrNull(request, "new_name");
  access.model_name = FieldOrNull(request, "model_name");
  access.stage = FieldOrNull(request, "stage");
  access.alias = FieldOrNull(request, "alias");
  access.username = FieldOrNull(request, "username");
  access.prefix = FieldOrNull(request, "prefix");
  access.permission = FieldOrNull(request, "permission");
  return access;
}

Result<std::string> HandleCreateUser(const CallContext& ctx, const RequestReader& request,
                                     AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  ASSIGN_OR_RETURN(std::string password, request.RequiredString("password"));
  ASSIGN_OR_RETURN(UserView user, admin.CreateUser(username, password, /*is_admin=*/false, &ctx));
  return UserResponse(user);
}

Result<std::string> HandleGetUser(const CallContext&, const RequestReader& request,
                                  AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  ASSIGN_OR_RETURN(UserView user, admin.GetUser(username));
  return UserResponse(user);
}

Result<std::string> HandleUpdateUserPassword(const CallContext& ctx, const RequestReader& request,
                                             AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  ASSIGN_OR_RETURN(std::string password, request.RequiredString("password"));
  RETURN_IF_ERROR(admin.UpdatePassword(username, password, &ctx));
  return std::string(kEmptyResponse);
}

Result<std::string> HandleUpdateUserAdmin(const CallContext& ctx, const RequestReader& request,
                                          AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  ASSIGN_OR_RETURN(bool is_admin, RequiredBool(request, "is_admin"));
  RETURN_IF_ERROR(admin.UpdateAdmin(username, is_admin, &ctx));
  return std::string(kEmptyResponse);
}

Result<std::string> HandleDeleteUser(const CallContext& ctx, const RequestReader& request,
                                     AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  RETURN_IF_ERROR(admin.DeleteUser(username, &ctx));
  return std::string(kEmptyResponse);
}

Result<std::string> HandleCreateModelPermission(const CallContext& ctx,
                                                const RequestReader& request, AccessAdmin& admin,
                                                AccessControl&) {
  ASSIGN_OR_RETURN(Grant grant, ModelPermissionKey(request, /*with_permission=*/true));
  ASSIGN_OR_RETURN(Grant created, admin.CreateGrant(grant, &ctx));
  return ModelPermissionResponse(created);
}

Result<std::string> HandleGetModelPermission(const CallContext&, const RequestReader& request,
                                             AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(Grant key, ModelPermissionKey(request, /*with_permission=*/false));
  ASSIGN_OR_RETURN(Grant grant, admin.GetGrant(key));
  return ModelPermissionResponse(grant);
}

Result<std::string> HandleUpdateModelPermission(const CallContext& ctx,
                                                const RequestReader& request, AccessAdmin& admin,
                                                AccessControl&) {
  ASSIGN_OR_RETURN(Grant grant, ModelPermissionKey(request, /*with_permission=*/true));
  RETURN_IF_ERROR(admin.UpdateGrant(grant, &ctx));
  return std::string(kEmptyResponse);
}

Result<std::string> HandleDeleteModelPermission(const CallContext& ctx,
                                                const RequestReader& request, AccessAdmin& admin,
                                                AccessControl&) {
  ASSIGN_OR_RETURN(Grant key, ModelPermissionKey(request, /*with_permission=*/false));
  RETURN_IF_ERROR(admin.DeleteGrant(key, &ctx));
  return std::string(kEmptyResponse);
}

Result<std::string> HandleGetCurrentUser(const CallContext& ctx, const RequestReader&,
                                         AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(UserView user, admin.GetUser(ctx.principal));
  return UserResponse(user);
}

Result<std::string> HandleListUsers(const CallContext&, const RequestReader&, AccessAdmin& admin,
                                    AccessControl&) {
  ASSIGN_OR_RETURN(std::vector<User> users, admin.ListUsers());
  return UsersResponse(users);
}

Result<std::string> HandleCreateGroup(const CallContext& ctx, const RequestReader& request,
                                      AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(Group group, admin.CreateGroup(name, &ctx));
  return GroupResponse(group);
}

Result<std::string> HandleGetGroup(const CallContext&, const RequestReader& request,
                                   AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(Group group, admin.GetGroup(name));
  return GroupResponse(group);
}

Result<std::string> HandleListGroups(const CallContext&, const RequestReader&, AccessAdmin& admin,
                                     AccessControl&) {
  ASSIGN_OR_RETURN(std::vector<Group> groups, admin.ListGroups());
  return GroupsResponse(groups);
}

Result<std::string> HandleDeleteGroup(const CallContext& ctx, const RequestReader& request,
                                      AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  RETURN_IF_ERROR(admin.DeleteGroup(name, &ctx));
  return std::string(kEmptyResponse);
}

Result<std::string> HandleAddGroupMember(const CallContext& ctx, const RequestReader& request,
                                         AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  RETURN_IF_ERROR(admin.AddGroupMember(name, username, &ctx));
  return std::string(kEmptyResponse);
}

Result<std::string> HandleRemoveGroupMember(const CallContext& ctx, const RequestReader& request,
                                            AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  RETURN_IF_ERROR(admin.RemoveGroupMember(name, username, &ctx));
  return std::string(kEmptyResponse);
}

Result<std::string> HandleCreateGrant(const CallContext& ctx, const RequestReader& request,
                                      AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(Grant grant, GrantFromRequest(request, /*permission_required=*/true));
  ASSIGN_OR_RETURN(Grant created, admin.CreateGrant(grant, &ctx));
  return GrantResponse(created);
}

Result<std::string> HandleUpdateGrant(const CallContext& ctx, const RequestReader& request,
                                      AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(Grant grant, GrantFromRequest(request, /*permission_required=*/true));
  RETURN_IF_ERROR(admin.UpdateGrant(grant, &ctx));
  return std::string(kEmptyResponse);
}

// `permission` is needed only to say which grant: PROMOTE, or (absent) the access grant.
Result<std::string> HandleDeleteGrant(const CallContext& ctx, const RequestReader& request,
                                      AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(Grant key, GrantFromRequest(request, /*permission_required=*/false));
  RETURN_IF_ERROR(admin.DeleteGrant(key, &ctx));
  return std::string(kEmptyResponse);
}

Result<std::string> HandleListGrants(const CallContext&, const RequestReader& request,
                                     AccessAdmin& admin, AccessControl&) {
  GrantQuery query;
  ASSIGN_OR_RETURN(std::optional<std::string> username, request.OptionalString("username"));
  ASSIGN_OR_RETURN(std::optional<std::string> group, request.OptionalString("group"));
  ASSIGN_OR_RETURN(std::optional<std::string> name, request.OptionalString("name"));
  ASSIGN_OR_RETURN(std::optional<std::string> prefix, request.OptionalString("prefix"));
  if (username && group) return Status::InvalidArgument("Give at most one of username, group.");
  if (name && prefix) return Status::InvalidArgument("Give at most one of name, prefix.");
  if (username || group) {
    query.subject_type = username ? SubjectType::kUser : SubjectType::kGroup;
    query.subject_name = username ? *username : *group;
  }
  if (name || prefix) {
    query.resource_type = name ? ResourceType::kModel : ResourceType::kPrefix;
    query.resource = name ? *name : *prefix;
  }
  ASSIGN_OR_RETURN(std::vector<Grant> grants, admin.ListGrants(query));
  return GrantsResponse(grants);
}

Result<std::string> HandleGetEffectivePermission(const CallContext& ctx,
                                                 const RequestReader& request, AccessAdmin&,
                                                 AccessControl& access) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string username, UsernameOrCaller(ctx, request));
  ASSIGN_OR_RETURN(PermissionExplanation explanation, access.Explain(username, name));
  return ExplanationResponse(explanation, name);
}

Result<std::string> HandleCreateToken(const CallContext& ctx, const RequestReader& request,
                                      AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string username, UsernameOrCaller(ctx, request));
  ASSIGN_OR_RETURN(std::string name, request.StringOr("name", ""));
  ASSIGN_OR_RETURN(std::optional<int64_t> days, request.OptionalInt64("expires_in_days"));
  ASSIGN_OR_RETURN(NewToken token,
                   admin.CreateToken(username, name, days.value_or(kDefaultTokenDays), &ctx));
  return NewTokenResponse(token);
}

Result<std::string> HandleListTokens(const CallContext& ctx, const RequestReader& request,
                                     AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::string username, UsernameOrCaller(ctx, request));
  ASSIGN_OR_RETURN(std::vector<ApiToken> tokens, admin.ListTokens(username));
  return TokensResponse(tokens);
}

Result<std::string> HandleRevokeToken(const CallContext& ctx, const RequestReader& request,
                                      AccessAdmin& admin, AccessControl&) {
  ASSIGN_OR_RETURN(std::optional<int64_t> id, request.OptionalInt64("id"));
  if (!id.has_value()) {
    return MissingParameterError("id");
  }
  ASSIGN_OR_RETURN(std::string owner, UsernameOrCaller(ctx, request));
  RETURN_IF_ERROR(admin.RevokeToken(*id, owner, &ctx));
  return std::string(kEmptyResponse);
}

}  // namespace modelwarden
