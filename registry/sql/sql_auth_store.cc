#include "registry/sql/sql_auth_store.h"

#include <string>
#include <utility>
#include <vector>

#include "registry/sql/transaction.h"

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
// MySQL: two admins demoting each other concurrently must not both see the other one.
constexpr char kLockAdmins[] = "SELECT id FROM auth_users WHERE is_admin = 1 FOR UPDATE";

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
std::string ResourceTypeText(ResourceType type) {
  return type == ResourceType::kModel ? "model" : "prefix";
}
std::string KindText(bool promote) { return promote ? "promote" : "access"; }
bool IsPromote(const std::string& permission) { return permission == "PROMOTE"; }

std::string UserNotFound(const std::string& username) {
  return "User with username=" + username + " not found";
}
std::string GroupNotFound(const std::string& name) {
  return "Group with name=" + name + " not found";
}

// MLflow's wording for a user's grant on one model; ours for the rest.
std::string DescribeGrant(SubjectType subject_type, const std::string& subject_name,
                          ResourceType resource_type, const std::string& resource, bool promote) {
  if (subject_type == SubjectType::kUser && resource_type == ResourceType::kModel && !promote) {
    return "Registered model permission with name=" + resource + " and username=" + subject_name;
  }
  return std::string(promote ? "PROMOTE grant" : "Grant") + " on " +
         (resource_type == ResourceType::kModel ? "name=" : "prefix=") + resource + " to " +
         (subject_type == SubjectType::kUser ? "username=" : "group=") + subject_name;
}

User UserFromRow(const SqlRow& row) {
  User user;
  user.id = row.Int(0);
  user.username = row.Text(1);
  user.password_hash = row.Text(2);
  user.is_admin = row.Int(3) != 0;
  return user;
}

Grant GrantFromRow(const SqlRow& row) {
  Grant grant;
  grant.subject_type = row.Text(0) == kUserSubject ? SubjectType::kUser : SubjectType::kGroup;
  grant.subject_id = row.Int(1);
  grant.subject_name = row.Text(2);
  grant.resource_type = row.Text(3) == "model" ? ResourceType::kModel : ResourceType::kPrefix;
  grant.resource = row.Text(4);
  grant.permission = row.Text(5);
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
  ASSIGN_OR_RETURN(std::vector<SqlRow> admins,
                   db.Query(db.dialect() == SqlDialect::kMysql ? kLockAdmins : kSelectAdmins, {}));
  if (admins.size() <= 1) {
    return Status::InvalidArgument("User " + user.username +
                                   " is the last admin; make another user admin first.");
  }
  return Status::Ok();
}

class SqlAuthStore final : public AuthStore {
 public:
  explicit SqlAuthStore(std::shared_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}

  Result<User> CreateUser(const std::string& username, const std::string& password_hash,
                          bool is_admin) override {
    User user;
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      Status inserted =
          db.Execute(kInsertUser, {username, password_hash, int64_t{is_admin ? 1 : 0}}).status();
      if (inserted.code() == ErrorCode::kResourceAlreadyExists) {
        return Status::AlreadyExists("User (username=" + username + ") already exists.");
      }
      RETURN_IF_ERROR(inserted);
      ASSIGN_OR_RETURN(user, FindUser(db, username));
      return Status::Ok();
    }));
    return user;
  }

  Result<User> GetUser(const std::string& username) override {
    User user;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(user, FindUser(db, username));
      return Status::Ok();
    }));
    return user;
  }

  Result<std::vector<User>> ListUsers() override {
    std::vector<User> users;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(kSelectUsers, {}));
      for (const SqlRow& row : rows) users.push_back(UserFromRow(row));
      return Status::Ok();
    }));
    return users;
  }

  Status UpdatePassword(const std::string& username, const std::string& password_hash) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(int64_t changed, db.Execute(kUpdatePassword, {password_hash, username}));
      if (changed == 0) return Status::NotFound(UserNotFound(username));
      return Status::Ok();
    });
  }

  Status UpdateAdmin(const std::string& username, bool is_admin) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(User user, FindUser(db, username));
      if (!is_admin) RETURN_IF_ERROR(KeepAnAdmin(db, user));
      return db.Execute(kUpdateAdmin, {int64_t{is_admin ? 1 : 0}, user.id}).status();
    });
  }

  Status DeleteUser(const std::string& username) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(User user, FindUser(db, username));
      RETURN_IF_ERROR(KeepAnAdmin(db, user));
      for (const char* sql :
           {kDeleteUserGrants, kDeleteUserMemberships, kDeleteUserTokens, kDeleteUser}) {
        RETURN_IF_ERROR(db.Execute(sql, {user.id}));
      }
      return Status::Ok();
    });
  }

  Result<bool> HasAdmin() override {
    bool has_admin = false;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(kSelectAdmins, {}));
      has_admin = !rows.empty();
      return Status::Ok();
    }));
    return has_admin;
  }

  Result<AccessProfile> LoadAccessProfile(const std::string& username) override {
    AccessProfile profile;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(profile.user, FindUser(db, username));
      ASSIGN_OR_RETURN(std::vector<SqlRow> groups,
                       db.Query(kSelectUserGroupIds, {profile.user.id}));
      for (const SqlRow& row : groups) profile.group_ids.push_back(row.Int(0));
      ASSIGN_OR_RETURN(std::vector<SqlRow> grants,
                       db.Query(std::string(kSelectGrants) + kProfileGrantsWhere + kGrantsOrder,
                                {profile.user.id, profile.user.id}));
      for (const SqlRow& row : grants) profile.grants.push_back(GrantFromRow(row));
      return Status::Ok();
    }));
    return profile;
  }

  Result<Group> CreateGroup(const std::string& name) override {
    Group group;
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      Status inserted = db.Execute(kInsertGroup, {name}).status();
      if (inserted.code() == ErrorCode::kResourceAlreadyExists) {
        return Status::AlreadyExists("Group (name=" + name + ") already exists.");
      }
      RETURN_IF_ERROR(inserted);
      ASSIGN_OR_RETURN(group, FindGroup(db, name));
      return Status::Ok();
    }));
    return group;
  }

  Result<Group> GetGroup(const std::string& name) override {
    Group group;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(group, FindGroup(db, name));
      return Status::Ok();
    }));
    return group;
  }

  Result<std::vector<Group>> ListGroups() override {
    std::vector<Group> groups;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(kSelectGroups, {}));
      for (const SqlRow& row : rows) {
        ASSIGN_OR_RETURN(Group group, FindGroup(db, row.Text(1)));
        groups.push_back(std::move(group));
      }
      return Status::Ok();
    }));
    return groups;
  }

  Status DeleteGroup(const std::string& name) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(int64_t id, SubjectId(db, SubjectType::kGroup, name));
      for (const char* sql : {kDeleteGroupGrants, kDeleteGroupMemberships, kDeleteGroup}) {
        RETURN_IF_ERROR(db.Execute(sql, {id}));
      }
      return Status::Ok();
    });
  }

  Status AddGroupMember(const std::string& group, const std::string& username) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(int64_t group_id, SubjectId(db, SubjectType::kGroup, group));
      ASSIGN_OR_RETURN(User user, FindUser(db, username));
      Status inserted = db.Execute(kInsertMember, {group_id, user.id}).status();
      if (inserted.code() == ErrorCode::kResourceAlreadyExists) {
        return Status::AlreadyExists("User " + username + " is already a member of group " + group +
                                     ".");
      }
      return inserted;
    });
  }

  Status RemoveGroupMember(const std::string& group, const std::string& username) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(int64_t group_id, SubjectId(db, SubjectType::kGroup, group));
      ASSIGN_OR_RETURN(User user, FindUser(db, username));
      ASSIGN_OR_RETURN(int64_t removed, db.Execute(kDeleteMember, {group_id, user.id}));
      if (removed == 0) {
        return Status::NotFound("User " + username + " is not a member of group " + group + ".");
      }
      return Status::Ok();
    });
  }

  Result<Grant> CreateGrant(const Grant& grant) override {
    Grant created = grant;
    const bool promote = IsPromote(grant.permission);
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(created.subject_id, SubjectId(db, grant.subject_type, grant.subject_name));
      Status inserted =
          db.Execute(kInsertGrant, {SubjectTypeText(grant.subject_type), created.subject_id,
                                    ResourceTypeText(grant.resource_type), grant.resource,
                                    KindText(promote), grant.permission})
              .status();
      if (inserted.code() == ErrorCode::kResourceAlreadyExists) {
        return Status::AlreadyExists(DescribeGrant(grant.subject_type, grant.subject_name,
                                                   grant.resource_type, grant.resource, promote) +
                                     " already exists.");
      }
      return inserted;
    }));
    return created;
  }

  Result<Grant> GetGrant(SubjectType subject_type, const std::string& subject_name,
                         ResourceType resource_type, const std::string& resource,
                         bool promote) override {
    Grant grant;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(int64_t subject_id, SubjectId(db, subject_type, subject_name));
      ASSIGN_OR_RETURN(
          std::vector<SqlRow> rows,
          db.Query(std::string(kSelectGrants) +
                       " AND g.subject_type = ? AND g.subject_id = ? AND g.resource_type = ? AND "
                       "g.resource = ? AND g.kind = ?",
                   {SubjectTypeText(subject_type), subject_id, ResourceTypeText(resource_type),
                    resource, KindText(promote)}));
      if (rows.empty()) {
        return Status::NotFound(
            DescribeGrant(subject_type, subject_name, resource_type, resource, promote) +
            " not found");
      }
      grant = GrantFromRow(rows[0]);
      return Status::Ok();
    }));
    return grant;
  }

  Status UpdateGrant(const Grant& grant) override {
    const bool promote = IsPromote(grant.permission);
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(int64_t subject_id, SubjectId(db, grant.subject_type, grant.subject_name));
      ASSIGN_OR_RETURN(
          int64_t changed,
          db.Execute(kUpdateGrant,
                     {grant.permission, SubjectTypeText(grant.subject_type), subject_id,
                      ResourceTypeText(grant.resource_type), grant.resource, KindText(promote)}));
      if (changed == 0) {
        // MySQL counts matched-but-unchanged rows as 0: tell "same value" from "absent".
        ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            db.Query(std::string(kSelectGrants) +
                         " AND g.subject_type = ? AND g.subject_id = ? AND "
                         "g.resource_type = ? AND g.resource = ? AND g.kind = ?",
                     {SubjectTypeText(grant.subject_type), subject_id,
                      ResourceTypeText(grant.resource_type), grant.resource, KindText(promote)}));
        if (rows.empty()) {
          return Status::NotFound(DescribeGrant(grant.subject_type, grant.subject_name,
                                                grant.resource_type, grant.resource, promote) +
                                  " not found");
        }
      }
      return Status::Ok();
    });
  }

  Status DeleteGrant(SubjectType subject_type, const std::string& subject_name,
                     ResourceType resource_type, const std::string& resource,
                     bool promote) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(int64_t subject_id, SubjectId(db, subject_type, subject_name));
      ASSIGN_OR_RETURN(
          int64_t removed,
          db.Execute(kDeleteGrant, {SubjectTypeText(subject_type), subject_id,
                                    ResourceTypeText(resource_type), resource, KindText(promote)}));
      if (removed == 0) {
        return Status::NotFound(
            DescribeGrant(subject_type, subject_name, resource_type, resource, promote) +
            " not found");
      }
      return Status::Ok();
    });
  }

  Result<std::vector<Grant>> ListGrants(const GrantQuery& query) override {
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
    std::vector<Grant> grants;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
      for (const SqlRow& row : rows) grants.push_back(GrantFromRow(row));
      return Status::Ok();
    }));
    return grants;
  }

  Result<ApiToken> CreateToken(const std::string& username, const std::string& name,
                               const std::string& token_hash, int64_t now,
                               int64_t expiration_timestamp) override {
    ApiToken token;
    RETURN_IF_ERROR(WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(User user, FindUser(db, username));
      RETURN_IF_ERROR(
          db.Execute(kInsertToken, {user.id, name, token_hash, now, expiration_timestamp}));
      ASSIGN_OR_RETURN(
          std::vector<SqlRow> rows,
          db.Query(std::string(kSelectTokens) + " WHERE t.token_hash = ?", {token_hash}));
      if (rows.empty()) return Status::Internal("The new token was not found.");
      token = TokenFromRow(rows[0]);
      return Status::Ok();
    }));
    return token;
  }

  Result<ApiToken> FindToken(const std::string& token_hash) override {
    ApiToken token;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(
          std::vector<SqlRow> rows,
          db.Query(std::string(kSelectTokens) + " WHERE t.token_hash = ?", {token_hash}));
      if (rows.empty()) return Status::NotFound("Unknown token");
      token = TokenFromRow(rows[0]);
      return Status::Ok();
    }));
    return token;
  }

  Result<std::vector<ApiToken>> ListTokens(const std::string& username) override {
    std::string sql = kSelectTokens;
    std::vector<SqlValue> params;
    if (!username.empty()) {
      sql += " WHERE u.username = ?";
      params.emplace_back(username);
    }
    sql += " ORDER BY t.id DESC";
    std::vector<ApiToken> tokens;
    RETURN_IF_ERROR(WithReadTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
      for (const SqlRow& row : rows) tokens.push_back(TokenFromRow(row));
      return Status::Ok();
    }));
    return tokens;
  }

  Status RevokeToken(int64_t id, const std::string& username, int64_t now) override {
    return WithWriteTransaction(*pool_, [&](SqlConnection& db) -> Status {
      ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                       db.Query(std::string(kSelectTokens) + " WHERE t.id = ?", {id}));
      if (rows.empty() || (!username.empty() && rows[0].Text(2) != username)) {
        return Status::NotFound("Token with id=" + std::to_string(id) + " not found");
      }
      return db.Execute(kRevokeToken, {now, id}).status();
    });
  }

 private:
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace

std::unique_ptr<AuthStore> NewSqlAuthStore(std::shared_ptr<ConnectionPool> pool) {
  return std::make_unique<SqlAuthStore>(std::move(pool));
}

}  // namespace modelwarden
