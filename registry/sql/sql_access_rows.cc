#include "registry/sql/sql_access_rows.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "registry/sql/dialect.h"

namespace modelwarden {
namespace {

// ---- users ----
constexpr char kInsertUser[] =
    "INSERT INTO auth_users (username, password_hash, is_admin) VALUES (?, ?, ?)";
constexpr char kSelectUser[] =
    "SELECT id, username, password_hash, is_admin FROM auth_users WHERE username = ?";
constexpr char kSelectUsers[] =
    "SELECT id, username, password_hash, is_admin FROM auth_users ORDER BY username";
constexpr char kUpdatePassword[] = "UPDATE auth_users SET password_hash = ? WHERE username = ?";
constexpr char kUpdateAdmin[] = "UPDATE auth_users SET is_admin = ? WHERE id = ?";
constexpr char kDeleteUser[] = "DELETE FROM auth_users WHERE id = ?";
constexpr char kDeleteUserGrants[] =
    "DELETE FROM auth_grants WHERE subject_type = 'user' AND subject_id = ?";
constexpr char kDeleteUserMemberships[] = "DELETE FROM auth_group_members WHERE user_id = ?";
constexpr char kDeleteUserTokens[] = "DELETE FROM auth_tokens WHERE user_id = ?";
constexpr char kSelectAdmins[] = "SELECT id FROM auth_users WHERE is_admin = 1";

// ---- groups ----
constexpr char kInsertGroup[] = "INSERT INTO auth_groups (name) VALUES (?)";
constexpr char kSelectGroup[] = "SELECT id, name FROM auth_groups WHERE name = ?";
constexpr char kSelectGroups[] = "SELECT id, name FROM auth_groups ORDER BY name";
constexpr char kSelectGroupMembers[] =
    "SELECT u.username FROM auth_group_members m JOIN auth_users u ON u.id = m.user_id "
    "WHERE m.group_id = ? ORDER BY u.username";
constexpr char kDeleteGroup[] = "DELETE FROM auth_groups WHERE id = ?";
constexpr char kDeleteGroupGrants[] =
    "DELETE FROM auth_grants WHERE subject_type = 'group' AND subject_id = ?";
constexpr char kDeleteGroupMemberships[] = "DELETE FROM auth_group_members WHERE group_id = ?";
constexpr char kInsertMember[] = "INSERT INTO auth_group_members (group_id, user_id) VALUES (?, ?)";
constexpr char kDeleteMember[] =
    "DELETE FROM auth_group_members WHERE group_id = ? AND user_id = ?";
constexpr char kSelectUserGroupIds[] =
    "SELECT group_id FROM auth_group_members WHERE user_id = ? ORDER BY group_id";

// ---- grants ----
constexpr char kInsertGrant[] =
    "INSERT INTO auth_grants (subject_type, subject_id, resource_type, resource, kind, "
    "permission) VALUES (?, ?, ?, ?, ?, ?)";
constexpr char kUpdateGrant[] =
    "UPDATE auth_grants SET permission = ? WHERE subject_type = ? AND subject_id = ? AND "
    "resource_type = ? AND resource = ? AND kind = ?";
constexpr char kDeleteGrant[] =
    "DELETE FROM auth_grants WHERE subject_type = ? AND subject_id = ? AND resource_type = ? "
    "AND resource = ? AND kind = ?";
constexpr char kDeleteGrantsOn[] =
    "DELETE FROM auth_grants WHERE resource_type = ? AND resource = ?";
// Grants with their subject's name.
constexpr char kSelectGrants[] =
    "SELECT g.subject_type, g.subject_id, COALESCE(u.username, gr.name), g.resource_type, "
    "g.resource, g.permission FROM auth_grants g "
    "LEFT JOIN auth_users u ON g.subject_type = 'user' AND u.id = g.subject_id "
    "LEFT JOIN auth_groups gr ON g.subject_type = 'group' AND gr.id = g.subject_id WHERE 1 = 1";
constexpr char kGrantsOrder[] =
    " ORDER BY g.subject_type DESC, COALESCE(u.username, gr.name), g.resource_type, g.resource, "
    "g.kind";
constexpr char kProfileGrantsWhere[] =
    " AND ((g.subject_type = 'user' AND g.subject_id = ?) OR (g.subject_type = 'group' AND "
    "g.subject_id IN (SELECT group_id FROM auth_group_members WHERE user_id = ?)))";

// ---- the epoch (schema.cc migration 4) ----
constexpr char kSelectEpoch[] = "SELECT epoch FROM auth_epoch WHERE id = 1";
constexpr char kBumpEpoch[] = "UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1";

// ---- tokens ----
constexpr char kInsertToken[] =
    "INSERT INTO auth_tokens (user_id, name, token_hash, creation_time, expiration_time, "
    "revocation_time) VALUES (?, ?, ?, ?, ?, 0)";
constexpr char kSelectTokens[] =
    "SELECT t.id, t.user_id, u.username, t.name, t.creation_time, t.expiration_time, "
    "t.revocation_time FROM auth_tokens t JOIN auth_users u ON u.id = t.user_id";
constexpr char kRevokeToken[] =
    "UPDATE auth_tokens SET revocation_time = ? WHERE id = ? AND revocation_time = 0";

constexpr char kUserSubject[] = "user";
constexpr char kGroupSubject[] = "group";

std::string SubjectTypeText(SubjectType type) {
  return type == SubjectType::kUser ? kUserSubject : kGroupSubject;
}
std::string ResourceTypeText(ResourceType type) { return std::string(ResourceTypeName(type)); }
std::string KindText(GrantKind kind) {
  switch (kind) {
    case GrantKind::kPromote:
      return "promote";
    case GrantKind::kWebhooks:
      return "webhooks";
    case GrantKind::kAccess:
      break;
  }
  return "access";
}

std::string UserNotFound(const std::string& username) {
  return "User with username=" + username + " not found";
}
std::string GroupNotFound(const std::string& name) {
  return "Group with name=" + name + " not found";
}

// MLflow's wording (mlflow/server/auth/sqlalchemy_store.py) for a user's grant on one model,
// experiment or scorer; ours for the rest. `exists`: the wording of "already exists", which
// MLflow words differently for experiments and scorers.
std::string DescribeGrant(const Grant& grant, bool exists = false) {
  const bool mlflow = grant.subject_type == SubjectType::kUser && grant.kind == GrantKind::kAccess;
  if (mlflow && grant.resource_type == ResourceType::kModel) {
    return "Registered model permission with name=" + grant.resource +
           " and username=" + grant.subject_name;
  }
  if (mlflow && grant.resource_type == ResourceType::kExperiment) {
    return exists ? "Experiment permission (experiment_id=" + grant.resource +
                        ", username=" + grant.subject_name + ")"
                  : "Experiment permission with experiment_id=" + grant.resource +
                        " and username=" + grant.subject_name;
  }
  std::string experiment_id;
  std::string scorer;
  if (mlflow && grant.resource_type == ResourceType::kScorer &&
      SplitScorerResource(grant.resource, experiment_id, scorer)) {
    return exists ? "Scorer permission (experiment_id=" + experiment_id +
                        ", scorer_name=" + scorer + ", username=" + grant.subject_name + ")"
                  : "Scorer permission with experiment_id=" + experiment_id +
                        ", scorer_name=" + scorer + ", and username=" + grant.subject_name;
  }
  const std::string what = grant.kind == GrantKind::kAccess
                               ? "Grant"
                               : std::string(GrantPermissionName(grant)) + " grant";
  const std::string on = grant.resource_type == ResourceType::kModel ? "name="
                         : grant.resource_type == ResourceType::kPrefix
                             ? "prefix="
                             : std::string(ResourceTypeName(grant.resource_type)) + "=";
  return what + " on " + on + grant.resource + " to " +
         (grant.subject_type == SubjectType::kUser ? "username=" : "group=") + grant.subject_name;
}

User UserFromRow(const SqlRow& row) {
  User user;
  user.id = row.Int(0);
  user.username = row.Text(1);
  user.password_hash = row.Text(2);
  user.is_admin = row.Int(3) != 0;
  return user;
}

// nullopt for a row of a resource type this build does not know (written by a newer one):
// it decides nothing here.
std::optional<Grant> GrantFromRow(const SqlRow& row) {
  const std::optional<ResourceType> resource_type = ParseResourceType(row.Text(3));
  if (!resource_type) return std::nullopt;
  Grant grant;
  grant.subject_type = row.Text(0) == kUserSubject ? SubjectType::kUser : SubjectType::kGroup;
  grant.subject_id = row.Int(1);
  grant.subject_name = row.Text(2);
  grant.resource_type = *resource_type;
  grant.resource = row.Text(4);
  if (!SetGrantPermission(row.Text(5), grant)) grant.permission = Permission::kNoPermissions;
  return grant;
}

ApiToken TokenFromRow(const SqlRow& row) {
  ApiToken token;
  token.id = row.Int(0);
  token.user_id = row.Int(1);
  token.username = row.Text(2);
  token.name = row.Text(3);
  token.creation_timestamp = row.Int(4);
  token.expiration_timestamp = row.Int(5);
  token.revocation_timestamp = row.Int(6);
  return token;
}

Result<User> FindUser(SqlConnection& db, const std::string& username) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(kSelectUser, {username}));
  if (rows.empty()) return Status::NotFound(UserNotFound(username));
  return UserFromRow(rows[0]);
}

Result<Group> FindGroup(SqlConnection& db, const std::string& name) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(kSelectGroup, {name}));
  if (rows.empty()) return Status::NotFound(GroupNotFound(name));
  Group group;
  group.id = rows[0].Int(0);
  group.name = rows[0].Text(1);
  ASSIGN_OR_RETURN(std::vector<SqlRow> members, db.Query(kSelectGroupMembers, {group.id}));
  for (const SqlRow& row : members) group.members.push_back(row.Text(0));
  return group;
}

Result<int64_t> SubjectId(SqlConnection& db, SubjectType type, const std::string& name) {
  if (type == SubjectType::kUser) {
    ASSIGN_OR_RETURN(User user, FindUser(db, name));
    return user.id;
  }
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(kSelectGroup, {name}));
  if (rows.empty()) return Status::NotFound(GroupNotFound(name));
  return rows[0].Int(0);
}

// Refuses a change that would leave `user` the admin removed and no other admin.
Status KeepAnAdmin(SqlConnection& db, const User& user) {
  if (!user.is_admin) return Status::Ok();
  // MySQL: two admins demoting each other concurrently must not both see the other one.
  ASSIGN_OR_RETURN(
      std::vector<SqlRow> admins,
      db.Query(std::string(kSelectAdmins) + Dialect::Of(db.dialect()).ForUpdate(), {}));
  if (admins.size() <= 1) {
    return Status::InvalidArgument("User " + user.username +
                                   " is the last admin; make another user admin first.");
  }
  return Status::Ok();
}

// The grant's row, by subject, resource and kind.
Result<std::vector<SqlRow>> SelectGrant(SqlConnection& db, const Grant& key, int64_t subject_id) {
  return db.Query(std::string(kSelectGrants) +
                      " AND g.subject_type = ? AND g.subject_id = ? AND g.resource_type = ? AND "
                      "g.resource = ? AND g.kind = ?",
                  {SubjectTypeText(key.subject_type), subject_id,
                   ResourceTypeText(key.resource_type), key.resource, KindText(key.kind)});
}

}  // namespace

Status BumpAccessEpoch(SqlConnection& db) { return db.Execute(kBumpEpoch, {}).status(); }

Result<int64_t> SqlAccessRows::AccessEpoch(EpochLock lock) {
  const Dialect& dialect = Dialect::Of(db_.dialect());
  const char* suffix = lock == EpochLock::kShared      ? dialect.ForShare()
                       : lock == EpochLock::kExclusive ? dialect.ForUpdate()
                                                       : "";
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(std::string(kSelectEpoch) + suffix, {}));
  if (rows.empty()) return Status::Internal("The access epoch is missing.");
  return rows[0].Int(0);
}

Status SqlAccessRows::BumpEpoch() { return BumpAccessEpoch(db_); }

Result<User> SqlAccessRows::CreateUser(const std::string& username,
                                       const std::string& password_hash, bool is_admin) {
  RETURN_IF_ERROR(BumpEpoch());
  Status inserted =
      db_.Execute(kInsertUser, {username, password_hash, int64_t{is_admin ? 1 : 0}}).status();
  if (inserted.code() == ErrorCode::kResourceAlreadyExists) {
    return Status::AlreadyExists("User (username=" + username + ") already exists.");
  }
  RETURN_IF_ERROR(inserted);
  return FindUser(db_, username);
}

Result<User> SqlAccessRows::GetUser(const std::string& username) { return FindUser(db_, username); }

Result<std::vector<User>> SqlAccessRows::ListUsers() {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(kSelectUsers, {}));
  std::vector<User> users;
  for (const SqlRow& row : rows) users.push_back(UserFromRow(row));
  return users;
}

Status SqlAccessRows::UpdatePassword(const std::string& username,
                                     const std::string& password_hash) {
  RETURN_IF_ERROR(BumpEpoch());
  ASSIGN_OR_RETURN(int64_t changed, db_.Execute(kUpdatePassword, {password_hash, username}));
  if (changed == 0) return Status::NotFound(UserNotFound(username));
  return Status::Ok();
}

Status SqlAccessRows::UpdateAdmin(const std::string& username, bool is_admin) {
  RETURN_IF_ERROR(BumpEpoch());
  ASSIGN_OR_RETURN(User user, FindUser(db_, username));
  if (!is_admin) RETURN_IF_ERROR(KeepAnAdmin(db_, user));
  return db_.Execute(kUpdateAdmin, {int64_t{is_admin ? 1 : 0}, user.id}).status();
}

Status SqlAccessRows::DeleteUser(const std::string& username) {
  RETURN_IF_ERROR(BumpEpoch());
  ASSIGN_OR_RETURN(User user, FindUser(db_, username));
  RETURN_IF_ERROR(KeepAnAdmin(db_, user));
  for (const char* sql :
       {kDeleteUserGrants, kDeleteUserMemberships, kDeleteUserTokens, kDeleteUser}) {
    RETURN_IF_ERROR(db_.Execute(sql, {user.id}));
  }
  return Status::Ok();
}

Result<bool> SqlAccessRows::HasAdmin() {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(kSelectAdmins, {}));
  return !rows.empty();
}

Result<AccessProfile> SqlAccessRows::LoadAccessProfile(const std::string& username) {
  AccessProfile profile;
  // The epoch first: a change that commits while the rest is read makes the profile newer than
  // its epoch says, never older, so a later comparison of epochs can only reload too often.
  ASSIGN_OR_RETURN(profile.epoch, AccessEpoch());
  ASSIGN_OR_RETURN(profile.user, FindUser(db_, username));
  ASSIGN_OR_RETURN(std::vector<SqlRow> groups, db_.Query(kSelectUserGroupIds, {profile.user.id}));
  for (const SqlRow& row : groups) profile.group_ids.push_back(row.Int(0));
  ASSIGN_OR_RETURN(std::vector<SqlRow> grants,
                   db_.Query(std::string(kSelectGrants) + kProfileGrantsWhere + kGrantsOrder,
                             {profile.user.id, profile.user.id}));
  for (const SqlRow& row : grants) {
    if (std::optional<Grant> grant = GrantFromRow(row)) profile.grants.push_back(std::move(*grant));
  }
  return profile;
}

Result<Group> SqlAccessRows::CreateGroup(const std::string& name) {
  RETURN_IF_ERROR(BumpEpoch());
  Status inserted = db_.Execute(kInsertGroup, {name}).status();
  if (inserted.code() == ErrorCode::kResourceAlreadyExists) {
    return Status::AlreadyExists("Group (name=" + name + ") already exists.");
  }
  RETURN_IF_ERROR(inserted);
  return FindGroup(db_, name);
}

Result<Group> SqlAccessRows::GetGroup(const std::string& name) { return FindGroup(db_, name); }

Result<std::vector<Group>> SqlAccessRows::ListGroups() {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(kSelectGroups, {}));
  std::vector<Group> groups;
  for (const SqlRow& row : rows) {
    ASSIGN_OR_RETURN(Group group, FindGroup(db_, row.Text(1)));
    groups.push_back(std::move(group));
  }
  return groups;
}

Status SqlAccessRows::DeleteGroup(const std::string& name) {
  RETURN_IF_ERROR(BumpEpoch());
  ASSIGN_OR_RETURN(int64_t id, SubjectId(db_, SubjectType::kGroup, name));
  for (const char* sql : {kDeleteGroupGrants, kDeleteGroupMemberships, kDeleteGroup}) {
    RETURN_IF_ERROR(db_.Execute(sql, {id}));
  }
  return Status::Ok();
}

Status SqlAccessRows::AddGroupMember(const std::string& group, const std::string& username) {
  RETURN_IF_ERROR(BumpEpoch());
  ASSIGN_OR_RETURN(int64_t group_id, SubjectId(db_, SubjectType::kGroup, group));
  ASSIGN_OR_RETURN(User user, FindUser(db_, username));
  Status inserted = db_.Execute(kInsertMember, {group_id, user.id}).status();
  if (inserted.code() == ErrorCode::kResourceAlreadyExists) {
    return Status::AlreadyExists("User " + username + " is already a member of group " + group +
                                 ".");
  }
  return inserted;
}

Status SqlAccessRows::RemoveGroupMember(const std::string& group, const std::string& username) {
  RETURN_IF_ERROR(BumpEpoch());
  ASSIGN_OR_RETURN(int64_t group_id, SubjectId(db_, SubjectType::kGroup, group));
  ASSIGN_OR_RETURN(User user, FindUser(db_, username));
  ASSIGN_OR_RETURN(int64_t removed, db_.Execute(kDeleteMember, {group_id, user.id}));
  if (removed == 0) {
    return Status::NotFound("User " + username + " is not a member of group " + group + ".");
  }
  return Status::Ok();
}

Result<Grant> SqlAccessRows::CreateGrant(const Grant& grant) {
  RETURN_IF_ERROR(BumpEpoch());
  Grant created = grant;
  ASSIGN_OR_RETURN(created.subject_id, SubjectId(db_, grant.subject_type, grant.subject_name));
  Status inserted =
      db_.Execute(kInsertGrant, {SubjectTypeText(grant.subject_type), created.subject_id,
                                 ResourceTypeText(grant.resource_type), grant.resource,
                                 KindText(grant.kind), std::string(GrantPermissionName(grant))})
          .status();
  if (inserted.code() == ErrorCode::kResourceAlreadyExists) {
    return Status::AlreadyExists(DescribeGrant(grant, /*exists=*/true) + " already exists.");
  }
  RETURN_IF_ERROR(inserted);
  return created;
}

Result<Grant> SqlAccessRows::GetGrant(const Grant& key) {
  ASSIGN_OR_RETURN(int64_t subject_id, SubjectId(db_, key.subject_type, key.subject_name));
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, SelectGrant(db_, key, subject_id));
  std::optional<Grant> grant = rows.empty() ? std::nullopt : GrantFromRow(rows[0]);
  if (!grant) return Status::NotFound(DescribeGrant(key) + " not found");
  return std::move(*grant);
}

Status SqlAccessRows::UpdateGrant(const Grant& grant) {
  RETURN_IF_ERROR(BumpEpoch());
  ASSIGN_OR_RETURN(int64_t subject_id, SubjectId(db_, grant.subject_type, grant.subject_name));
  ASSIGN_OR_RETURN(int64_t changed,
                   db_.Execute(kUpdateGrant, {std::string(GrantPermissionName(grant)),
                                              SubjectTypeText(grant.subject_type), subject_id,
                                              ResourceTypeText(grant.resource_type), grant.resource,
                                              KindText(grant.kind)}));
  if (changed == 0) {
    // MySQL counts matched-but-unchanged rows as 0: tell "same value" from "absent".
    ASSIGN_OR_RETURN(std::vector<SqlRow> rows, SelectGrant(db_, grant, subject_id));
    if (rows.empty()) return Status::NotFound(DescribeGrant(grant) + " not found");
  }
  return Status::Ok();
}

Status SqlAccessRows::DeleteGrant(const Grant& key) {
  RETURN_IF_ERROR(BumpEpoch());
  ASSIGN_OR_RETURN(int64_t subject_id, SubjectId(db_, key.subject_type, key.subject_name));
  ASSIGN_OR_RETURN(int64_t removed,
                   db_.Execute(kDeleteGrant, {SubjectTypeText(key.subject_type), subject_id,
                                              ResourceTypeText(key.resource_type), key.resource,
                                              KindText(key.kind)}));
  if (removed == 0) return Status::NotFound(DescribeGrant(key) + " not found");
  return Status::Ok();
}

Result<std::vector<Grant>> SqlAccessRows::ListGrants(const GrantQuery& query) {
  std::string sql = kSelectGrants;
  std::vector<SqlValue> params;
  if (query.subject_type.has_value()) {
    sql += " AND g.subject_type = ?";
    params.emplace_back(SubjectTypeText(*query.subject_type));
  }
  if (query.subject_name.has_value()) {
    sql += " AND COALESCE(u.username, gr.name) = ?";
    params.emplace_back(*query.subject_name);
  }
  if (query.resource_type.has_value()) {
    sql += " AND g.resource_type = ?";
    params.emplace_back(ResourceTypeText(*query.resource_type));
  }
  if (query.resource.has_value()) {
    sql += " AND g.resource = ?";
    params.emplace_back(*query.resource);
  }
  sql += kGrantsOrder;
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(sql, params));
  std::vector<Grant> grants;
  for (const SqlRow& row : rows) {
    if (std::optional<Grant> grant = GrantFromRow(row)) grants.push_back(std::move(*grant));
  }
  return grants;
}

Result<int64_t> SqlAccessRows::DeleteGrantsOn(ResourceType resource_type,
                                              const std::string& resource) {
  RETURN_IF_ERROR(BumpEpoch());
  return db_.Execute(kDeleteGrantsOn, {ResourceTypeText(resource_type), resource});
}

Result<ApiToken> SqlAccessRows::CreateToken(const std::string& username, const std::string& name,
                                            const std::string& token_hash, int64_t now,
                                            int64_t expiration_timestamp) {
  RETURN_IF_ERROR(BumpEpoch());
  ASSIGN_OR_RETURN(User user, FindUser(db_, username));
  RETURN_IF_ERROR(
      db_.Execute(kInsertToken, {user.id, name, token_hash, now, expiration_timestamp}));
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db_.Query(std::string(kSelectTokens) + " WHERE t.token_hash = ?", {token_hash}));
  if (rows.empty()) return Status::Internal("The new token was not found.");
  return TokenFromRow(rows[0]);
}

Result<ApiToken> SqlAccessRows::FindToken(const std::string& token_hash) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db_.Query(std::string(kSelectTokens) + " WHERE t.token_hash = ?", {token_hash}));
  if (rows.empty()) return Status::NotFound("Unknown token");
  return TokenFromRow(rows[0]);
}

Result<std::vector<ApiToken>> SqlAccessRows::ListTokens(const std::string& username) {
  std::string sql = kSelectTokens;
  std::vector<SqlValue> params;
  if (!username.empty()) {
    sql += " WHERE u.username = ?";
    params.emplace_back(username);
  }
  sql += " ORDER BY t.id DESC";
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db_.Query(sql, params));
  std::vector<ApiToken> tokens;
  for (const SqlRow& row : rows) tokens.push_back(TokenFromRow(row));
  return tokens;
}

Status SqlAccessRows::RevokeToken(int64_t id, const std::string& username, int64_t now) {
  RETURN_IF_ERROR(BumpEpoch());
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db_.Query(std::string(kSelectTokens) + " WHERE t.id = ?", {id}));
  if (rows.empty() || (!username.empty() && rows[0].Text(2) != username)) {
    return Status::NotFound("Token with id=" + std::to_string(id) + " not found");
  }
  return db_.Execute(kRevokeToken, {now, id}).status();
}

}  // namespace modelwarden
