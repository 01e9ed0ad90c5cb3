#include "compat/access_handlers.h"

#include <optional>

#include "compat/access_json.h"
#include "enforcement/access/permission.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

constexpr char kEmptyResponse[] = "{}";
constexpr int64_t kDefaultTokenDays = 90;

// modelwarden's endpoints take `username` to mean another user; left out, the caller. Sent
// empty it names no one (it must never widen to "every user").
Result<std::string> UsernameOrCaller(const CallContext& ctx, const RequestReader& request) {
  ASSIGN_OR_RETURN(std::optional<std::string> username, request.OptionalString("username"));
  if (username && username->empty()) {
    return Status::InvalidArgument(
        "Parameter 'username' must not be empty; leave it out to mean yourself.");
  }
  return username.value_or(ctx.principal.name);
}

// A user's access grant on one model, as MLflow's registered-model permission endpoints name it.
Result<Grant> ModelPermissionKey(const RequestReader& request, bool with_permission) {
  Grant grant;
  grant.subject_type = SubjectType::kUser;
  grant.resource_type = ResourceType::kModel;
  ASSIGN_OR_RETURN(grant.resource, request.RequiredString("name"));
  ASSIGN_OR_RETURN(grant.subject_name, request.RequiredString("username"));
  if (with_permission) {
    ASSIGN_OR_RETURN(std::string permission, request.RequiredString("permission"));
    const std::optional<Permission> parsed = ParsePermission(permission);
    if (!parsed) return Status::InvalidArgument(InvalidPermissionMessage(permission));
    grant.permission = *parsed;
  }
  return grant;
}

// What a modelwarden grant is on: exactly one of `name` (one model), `prefix` (model names),
// `experiment_id` (one experiment; with `scorer_name`, one scorer of it) and
// `experiment_prefix` (experiment names). For ListGrants none is allowed too (`required`).
Status ResourceFromRequest(const RequestReader& request, bool required,
                           std::optional<ResourceType>& type, std::string& resource) {
  ASSIGN_OR_RETURN(std::optional<std::string> name, request.OptionalString("name"));
  ASSIGN_OR_RETURN(std::optional<std::string> prefix, request.OptionalString("prefix"));
  ASSIGN_OR_RETURN(std::optional<std::string> experiment_id,
                   request.OptionalString("experiment_id"));
  ASSIGN_OR_RETURN(std::optional<std::string> experiment_prefix,
                   request.OptionalString("experiment_prefix"));
  ASSIGN_OR_RETURN(std::optional<std::string> scorer_name, request.OptionalString("scorer_name"));
  const int given = int{name.has_value()} + int{prefix.has_value()} +
                    int{experiment_id.has_value()} + int{experiment_prefix.has_value()};
  if (given > 1 || (required && given == 0)) {
    return Status::InvalidArgument(std::string("Give ") + (required ? "exactly" : "at most") +
                                   " one of 'name' (one model), 'prefix', 'experiment_id' (one "
                                   "experiment) and 'experiment_prefix'.");
  }
  if (scorer_name && !experiment_id) {
    return Status::InvalidArgument("'scorer_name' goes with 'experiment_id'.");
  }
  if (given == 0) return Status::Ok();
  if (name || prefix) {
    type = name ? ResourceType::kModel : ResourceType::kPrefix;
    resource = name ? *name : *prefix;
  } else if (experiment_prefix) {
    type = ResourceType::kExperimentPrefix;
    resource = *experiment_prefix;
  } else if (scorer_name) {
    type = ResourceType::kScorer;
    resource = ScorerResource(*experiment_id, *scorer_name);
  } else {
    type = ResourceType::kExperiment;
    resource = *experiment_id;
  }
  return Status::Ok();
}

// modelwarden's grants: exactly one of username/group and one resource (ResourceFromRequest).
Result<Grant> GrantFromRequest(const RequestReader& request, bool permission_required) {
  ASSIGN_OR_RETURN(std::optional<std::string> username, request.OptionalString("username"));
  ASSIGN_OR_RETURN(std::optional<std::string> group, request.OptionalString("group"));
  if (username.has_value() == group.has_value()) {
    return Status::InvalidArgument("Give exactly one of 'username' and 'group'.");
  }
  Grant grant;
  grant.subject_type = username ? SubjectType::kUser : SubjectType::kGroup;
  grant.subject_name = username ? *username : *group;
  std::optional<ResourceType> type;
  RETURN_IF_ERROR(ResourceFromRequest(request, /*required=*/true, type, grant.resource));
  grant.resource_type = *type;
  std::string permission;
  if (permission_required) {
    ASSIGN_OR_RETURN(permission, request.RequiredString("permission"));
  } else {
    // Only needed to say which grant: PROMOTE, or (absent) the access grant.
    ASSIGN_OR_RETURN(permission, request.StringOr("permission", "READ"));
  }
  if (!SetGrantPermission(permission, grant)) {
    return Status::InvalidArgument(InvalidPermissionMessage(permission) +
                                   " (or PROMOTE or WEBHOOKS for modelwarden's grants)");
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

Result<Reply> HandleCreateUser(const CallContext& ctx, const RequestReader& request,
                               AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  ASSIGN_OR_RETURN(std::string password, request.RequiredString("password"));
  ASSIGN_OR_RETURN(UserView user, admin.CreateUser(ctx, username, password, /*is_admin=*/false));
  return Reply{UserResponse(user)};
}

Result<Reply> HandleGetUser(const CallContext& ctx, const RequestReader& request,
                            AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  ASSIGN_OR_RETURN(UserView user, admin.GetUser(ctx, username));
  return Reply{UserResponse(user)};
}

Result<Reply> HandleUpdateUserPassword(const CallContext& ctx, const RequestReader& request,
                                       AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  ASSIGN_OR_RETURN(std::string password, request.RequiredString("password"));
  RETURN_IF_ERROR(admin.UpdatePassword(ctx, username, password));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleUpdateUserAdmin(const CallContext& ctx, const RequestReader& request,
                                    AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  ASSIGN_OR_RETURN(bool is_admin, RequiredBool(request, "is_admin"));
  RETURN_IF_ERROR(admin.UpdateAdmin(ctx, username, is_admin));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleDeleteUser(const CallContext& ctx, const RequestReader& request,
                               AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  RETURN_IF_ERROR(admin.DeleteUser(ctx, username));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleCreateModelPermission(const CallContext& ctx, const RequestReader& request,
                                          AccessAdmin& admin) {
  ASSIGN_OR_RETURN(Grant grant, ModelPermissionKey(request, /*with_permission=*/true));
  ASSIGN_OR_RETURN(Grant created, admin.CreateGrant(ctx, Operation::kCreateModelPermission, grant));
  return Reply{ModelPermissionResponse(created)};
}

Result<Reply> HandleGetModelPermission(const CallContext& ctx, const RequestReader& request,
                                       AccessAdmin& admin) {
  ASSIGN_OR_RETURN(Grant key, ModelPermissionKey(request, /*with_permission=*/false));
  ASSIGN_OR_RETURN(Grant grant, admin.GetGrant(ctx, Operation::kGetModelPermission, key));
  return Reply{ModelPermissionResponse(grant)};
}

Result<Reply> HandleUpdateModelPermission(const CallContext& ctx, const RequestReader& request,
                                          AccessAdmin& admin) {
  ASSIGN_OR_RETURN(Grant grant, ModelPermissionKey(request, /*with_permission=*/true));
  RETURN_IF_ERROR(admin.UpdateGrant(ctx, Operation::kUpdateModelPermission, grant));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleDeleteModelPermission(const CallContext& ctx, const RequestReader& request,
                                          AccessAdmin& admin) {
  ASSIGN_OR_RETURN(Grant key, ModelPermissionKey(request, /*with_permission=*/false));
  RETURN_IF_ERROR(admin.DeleteGrant(ctx, Operation::kDeleteModelPermission, key));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleGetCurrentUser(const CallContext& ctx, const RequestReader&,
                                   AccessAdmin& admin) {
  ASSIGN_OR_RETURN(UserView user, admin.GetUser(ctx, ctx.principal.name));
  return Reply{UserResponse(user)};
}

Result<Reply> HandleListUsers(const CallContext& ctx, const RequestReader&, AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::vector<User> users, admin.ListUsers(ctx));
  return Reply{UsersResponse(users)};
}

Result<Reply> HandleCreateGroup(const CallContext& ctx, const RequestReader& request,
                                AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(Group group, admin.CreateGroup(ctx, name));
  return Reply{GroupResponse(group)};
}

Result<Reply> HandleGetGroup(const CallContext& ctx, const RequestReader& request,
                             AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(Group group, admin.GetGroup(ctx, name));
  return Reply{GroupResponse(group)};
}

Result<Reply> HandleListGroups(const CallContext& ctx, const RequestReader&, AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::vector<Group> groups, admin.ListGroups(ctx));
  return Reply{GroupsResponse(groups)};
}

Result<Reply> HandleDeleteGroup(const CallContext& ctx, const RequestReader& request,
                                AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  RETURN_IF_ERROR(admin.DeleteGroup(ctx, name));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleAddGroupMember(const CallContext& ctx, const RequestReader& request,
                                   AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  RETURN_IF_ERROR(admin.AddGroupMember(ctx, name, username));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleRemoveGroupMember(const CallContext& ctx, const RequestReader& request,
                                      AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string username, request.RequiredString("username"));
  RETURN_IF_ERROR(admin.RemoveGroupMember(ctx, name, username));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleCreateGrant(const CallContext& ctx, const RequestReader& request,
                                AccessAdmin& admin) {
  ASSIGN_OR_RETURN(Grant grant, GrantFromRequest(request, /*permission_required=*/true));
  ASSIGN_OR_RETURN(Grant created, admin.CreateGrant(ctx, Operation::kCreateGrant, grant));
  return Reply{GrantResponse(created)};
}

Result<Reply> HandleUpdateGrant(const CallContext& ctx, const RequestReader& request,
                                AccessAdmin& admin) {
  ASSIGN_OR_RETURN(Grant grant, GrantFromRequest(request, /*permission_required=*/true));
  RETURN_IF_ERROR(admin.UpdateGrant(ctx, Operation::kUpdateGrant, grant));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleDeleteGrant(const CallContext& ctx, const RequestReader& request,
                                AccessAdmin& admin) {
  ASSIGN_OR_RETURN(Grant key, GrantFromRequest(request, /*permission_required=*/false));
  RETURN_IF_ERROR(admin.DeleteGrant(ctx, Operation::kDeleteGrant, key));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleListGrants(const CallContext& ctx, const RequestReader& request,
                               AccessAdmin& admin) {
  GrantQuery query;
  ASSIGN_OR_RETURN(std::optional<std::string> username, request.OptionalString("username"));
  ASSIGN_OR_RETURN(std::optional<std::string> group, request.OptionalString("group"));
  if (username && group) return Status::InvalidArgument("Give at most one of username, group.");
  if (username || group) {
    query.subject_type = username ? SubjectType::kUser : SubjectType::kGroup;
    query.subject_name = username ? *username : *group;
  }
  std::string resource;
  RETURN_IF_ERROR(ResourceFromRequest(request, /*required=*/false, query.resource_type, resource));
  if (query.resource_type) query.resource = resource;
  ASSIGN_OR_RETURN(std::vector<Grant> grants, admin.ListGrants(ctx, query));
  return Reply{GrantsResponse(grants)};
}

Result<Reply> HandleGetEffectivePermission(const CallContext& ctx, const RequestReader& request,
                                           AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string username, UsernameOrCaller(ctx, request));
  ASSIGN_OR_RETURN(PermissionExplanation explanation, admin.Explain(ctx, username, name));
  return Reply{ExplanationResponse(explanation, name)};
}

Result<Reply> HandleCreateToken(const CallContext& ctx, const RequestReader& request,
                                AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string username, UsernameOrCaller(ctx, request));
  ASSIGN_OR_RETURN(std::string name, request.StringOr("name", ""));
  ASSIGN_OR_RETURN(std::optional<int64_t> days, request.OptionalInt64("expires_in_days"));
  ASSIGN_OR_RETURN(NewToken token,
                   admin.CreateToken(ctx, username, name, days.value_or(kDefaultTokenDays)));
  return Reply{NewTokenResponse(token)};
}

Result<Reply> HandleListTokens(const CallContext& ctx, const RequestReader& request,
                               AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::string username, UsernameOrCaller(ctx, request));
  ASSIGN_OR_RETURN(std::vector<ApiToken> tokens, admin.ListTokens(ctx, username));
  return Reply{TokensResponse(tokens)};
}

Result<Reply> HandleRevokeToken(const CallContext& ctx, const RequestReader& request,
                                AccessAdmin& admin) {
  ASSIGN_OR_RETURN(std::optional<int64_t> id, request.OptionalInt64("id"));
  if (!id.has_value()) return MissingParameterError("id");
  ASSIGN_OR_RETURN(std::string owner, UsernameOrCaller(ctx, request));
  RETURN_IF_ERROR(admin.RevokeToken(ctx, *id, owner));
  return Reply{kEmptyResponse};
}

}  // namespace modelwarden
