// SqlAuthStore on every available backend (SQLite in memory and in a file, and MariaDB when
// configured): users, groups, grants and API tokens, their error codes and messages, the
// last-admin protection, and byte-exact names.

#include "registry/auth_store.h"

#include <string>
#include <vector>

#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::MakeGrant;

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::TestDatabase;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

Grant UserModel(const std::string& user, const std::string& model, const std::string& permission) {
  return MakeGrant(SubjectType::kUser, user, ResourceType::kModel, model, permission);
}

// "<u|g>:<subject> <resource type>:<resource> <permission>", to compare grant lists at a glance.
std::string Describe(const Grant& grant) {
  return std::string(grant.subject_type == SubjectType::kUser ? "u:" : "g:") + grant.subject_name +
         " " + std::string(ResourceTypeName(grant.resource_type)) + ":" + grant.resource + " " +
         std::string(GrantPermissionName(grant));
}

std::vector<std::string> Describe(const std::vector<Grant>& grants) {
  std::vector<std::string> out;
  for (const Grant& grant : grants) out.push_back(Describe(grant));
  return out;
}

class AuthStoreTest : public ::modelwarden::testing::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auth_ = stores_.auth.get();
  }

  User AddUser(const std::string& username, bool is_admin = false) {
    auto user = auth_->CreateUser(username, "hash-of-" + username, is_admin);
    EXPECT_OK(user);
    return user.ok() ? *user : User{};
  }

  Group AddGroup(const std::string& name, const std::vector<std::string>& members = {}) {
    auto group = auth_->CreateGroup(name);
    EXPECT_OK(group);
    for (const std::string& member : members) EXPECT_OK(auth_->AddGroupMember(name, member));
    return group.ok() ? *group : Group{};
  }

  std::vector<std::string> AllGrants() {
    auto grants = auth_->ListGrants({});
    EXPECT_OK(grants);
    return grants.ok() ? Describe(*grants) : std::vector<std::string>{};
  }

  AuthStore* auth_ = nullptr;
};

TEST_P(AuthStoreTest, CreateGetListUsers) {
  const User bob = AddUser("bob");
  const User alice = AddUser("alice", /*is_admin=*/true);
  EXPECT_GT(bob.id, 0);
  EXPECT_NE(alice.id, bob.id);
  EXPECT_EQ(alice.username, "alice");
  EXPECT_EQ(alice.password_hash, "hash-of-alice");
  EXPECT_TRUE(alice.is_admin);
  EXPECT_FALSE(bob.is_admin);

  auto got = auth_->GetUser("bob");
  ASSERT_OK(got);
  EXPECT_EQ(got->id, bob.id);
  EXPECT_EQ(got->password_hash, "hash-of-bob");
  EXPECT_FALSE(got->is_admin);

  auto users = auth_->ListUsers();
  ASSERT_OK(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].username, "alice");  // Ordered by username.
  EXPECT_EQ((*users)[1].username, "bob");
}

TEST_P(AuthStoreTest, UserErrors) {
  AddUser("bob");
  auto duplicate = auth_->CreateUser("bob", "other", false);
  EXPECT_CODE(duplicate, ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(duplicate.status().message(), "User (username=bob) already exists.");

  auto missing = auth_->GetUser("x");
  EXPECT_CODE(missing, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(missing.status().message(), "User with username=x not found");
  EXPECT_CODE(auth_->UpdatePassword("x", "h"), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(auth_->UpdateAdmin("x", true), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(auth_->DeleteUser("x"), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(auth_->LoadAccessProfile("x"), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(auth_->DeleteUser("x").message(), "User with username=x not found");
}

TEST_P(AuthStoreTest, UpdatePasswordAndAdmin) {
  AddUser("admin", true);
  AddUser("bob");
  ASSERT_OK(auth_->UpdatePassword("bob", "new-hash"));
  EXPECT_EQ(auth_->GetUser("bob")->password_hash, "new-hash");
  // The same value again is not "not found" (MySQL counts matched rows, not changed ones).
  EXPECT_OK(auth_->UpdatePassword("bob", "new-hash"));

  ASSERT_OK(auth_->UpdateAdmin("bob", true));
  EXPECT_TRUE(auth_->GetUser("bob")->is_admin);
  EXPECT_OK(auth_->UpdateAdmin("bob", true));
  ASSERT_OK(auth_->UpdateAdmin("bob", false));
  EXPECT_FALSE(auth_->GetUser("bob")->is_admin);
  EXPECT_OK(auth_->UpdateAdmin("bob", false));  // Demoting a non-admin never trips the guard.
}

TEST_P(AuthStoreTest, TheLastAdminCannotBeDemotedOrDeleted) {
  auto none = auth_->HasAdmin();
  ASSERT_OK(none);
  EXPECT_FALSE(*none);
  AddUser("root", true);
  AddUser("bob");
  EXPECT_TRUE(*auth_->HasAdmin());

  Status demote = auth_->UpdateAdmin("root", false);
  EXPECT_CODE(demote, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(demote.message(), HasSubstr("last admin"));
  EXPECT_CODE(auth_->DeleteUser("root"), ErrorCode::kInvalidParameterValue);
  EXPECT_TRUE(auth_->GetUser("root")->is_admin);

  // With a second admin either may go, and then the other is the last one.
  ASSERT_OK(auth_->UpdateAdmin("bob", true));
  ASSERT_OK(auth_->UpdateAdmin("root", false));
  EXPECT_FALSE(auth_->GetUser("root")->is_admin);
  EXPECT_CODE(auth_->DeleteUser("bob"), ErrorCode::kInvalidParameterValue);
  ASSERT_OK(auth_->UpdateAdmin("root", true));
  ASSERT_OK(auth_->DeleteUser("bob"));
  EXPECT_CODE(auth_->GetUser("bob"), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(auth_->UpdateAdmin("root", false), ErrorCode::kInvalidParameterValue);
  // A non-admin is deleted freely.
  AddUser("carol");
  EXPECT_OK(auth_->DeleteUser("carol"));
}

TEST_P(AuthStoreTest, DeleteUserRemovesGrantsMembershipsAndTokens) {
  AddUser("root", true);
  AddUser("bob");
  AddUser("carol");
  AddGroup("team", {"bob", "carol"});
  ASSERT_OK(auth_->CreateGrant(UserModel("bob", "m", "EDIT")));
  ASSERT_OK(auth_->CreateGrant(UserModel("bob", "m", "PROMOTE")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kUser, "bob", ResourceType::kPrefix, "fraud.", "READ")));
  ASSERT_OK(auth_->CreateGrant(UserModel("carol", "m", "READ")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "team", ResourceType::kModel, "m", "MANAGE")));
  ASSERT_OK(auth_->CreateToken("bob", "ci", "hash-bob-1", 100, 0));
  ASSERT_OK(auth_->CreateToken("carol", "ci", "hash-carol-1", 100, 0));

  ASSERT_OK(auth_->DeleteUser("bob"));
  EXPECT_THAT(AllGrants(), ElementsAre("u:carol model:m READ", "g:team model:m MANAGE"));
  EXPECT_THAT(auth_->GetGroup("team")->members, ElementsAre("carol"));
  EXPECT_CODE(auth_->FindToken("hash-bob-1"), ErrorCode::kResourceDoesNotExist);
  EXPECT_OK(auth_->FindToken("hash-carol-1"));
  auto tokens = auth_->ListTokens("");
  ASSERT_OK(tokens);
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].username, "carol");

  // A new user of the same name starts with nothing.
  AddUser("bob");
  auto profile = auth_->LoadAccessProfile("bob");
  ASSERT_OK(profile);
  EXPECT_THAT(profile->group_ids, IsEmpty());
  EXPECT_THAT(profile->grants, IsEmpty());
}

TEST_P(AuthStoreTest, GroupsAndMembers) {
  AddUser("bob");
  AddUser("alice");
  const Group team = AddGroup("team");
  EXPECT_GT(team.id, 0);
  EXPECT_EQ(team.name, "team");
  EXPECT_THAT(team.members, IsEmpty());

  auto duplicate = auth_->CreateGroup("team");
  EXPECT_CODE(duplicate, ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(duplicate.status().message(), "Group (name=team) already exists.");
  auto missing = auth_->GetGroup("nope");
  EXPECT_CODE(missing, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(missing.status().message(), "Group with name=nope not found");

  ASSERT_OK(auth_->AddGroupMember("team", "bob"));
  ASSERT_OK(auth_->AddGroupMember("team", "alice"));
  EXPECT_CODE(auth_->AddGroupMember("team", "bob"), ErrorCode::kResourceAlreadyExists);
  EXPECT_CODE(auth_->AddGroupMember("nope", "bob"), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(auth_->AddGroupMember("team", "x"), ErrorCode::kResourceDoesNotExist);
  EXPECT_THAT(auth_->GetGroup("team")->members, ElementsAre("alice", "bob"));

  AddGroup("other", {"bob"});
  auto groups = auth_->ListGroups();
  ASSERT_OK(groups);
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].name, "other");
  EXPECT_THAT((*groups)[0].members, ElementsAre("bob"));
  EXPECT_EQ((*groups)[1].name, "team");
  EXPECT_THAT((*groups)[1].members, ElementsAre("alice", "bob"));

  ASSERT_OK(auth_->RemoveGroupMember("team", "bob"));
  EXPECT_CODE(auth_->RemoveGroupMember("team", "bob"), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(auth_->RemoveGroupMember("nope", "bob"), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(auth_->RemoveGroupMember("team", "x"), ErrorCode::kResourceDoesNotExist);
  EXPECT_THAT(auth_->GetGroup("team")->members, ElementsAre("alice"));

  // Deleting a group takes its grants and memberships, and nothing of other groups.
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "team", ResourceType::kPrefix, "p.", "EDIT")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "other", ResourceType::kPrefix, "p.", "READ")));
  ASSERT_OK(auth_->DeleteGroup("team"));
  EXPECT_CODE(auth_->DeleteGroup("team"), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(auth_->GetGroup("team"), ErrorCode::kResourceDoesNotExist);
  EXPECT_THAT(AllGrants(), ElementsAre("g:other prefix:p. READ"));
  EXPECT_THAT(auth_->LoadAccessProfile("alice")->group_ids, IsEmpty());
  // A new group of the same name has no members left over.
  EXPECT_THAT(AddGroup("team").members, IsEmpty());
}

TEST_P(AuthStoreTest, GrantsCrud) {
  AddUser("bob");
  AddGroup("team");
  auto created = auth_->CreateGrant(UserModel("bob", "m", "READ"));
  ASSERT_OK(created);
  EXPECT_GT(created->subject_id, 0);
  EXPECT_EQ(created->subject_id, auth_->GetUser("bob")->id);

  // An access grant and a PROMOTE grant coexist on one resource.
  ASSERT_OK(auth_->CreateGrant(UserModel("bob", "m", "PROMOTE")));
  auto got =
      auth_->GetGrant(MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "READ"));
  ASSERT_OK(got);
  EXPECT_EQ(GrantPermissionName(*got), "READ");
  EXPECT_EQ(got->subject_name, "bob");
  auto promote =
      auth_->GetGrant(MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "PROMOTE"));
  ASSERT_OK(promote);
  EXPECT_EQ(GrantPermissionName(*promote), "PROMOTE");

  // A second access grant (whatever level) or PROMOTE on the same resource is a duplicate.
  auto duplicate = auth_->CreateGrant(UserModel("bob", "m", "MANAGE"));
  EXPECT_CODE(duplicate, ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(duplicate.status().message(),
            "Registered model permission with name=m and username=bob already exists.");
  EXPECT_CODE(auth_->CreateGrant(UserModel("bob", "m", "PROMOTE")),
              ErrorCode::kResourceAlreadyExists);
  // The same resource as a prefix, or to a group, is a different grant.
  ASSERT_OK(
      auth_->CreateGrant(MakeGrant(SubjectType::kUser, "bob", ResourceType::kPrefix, "m", "EDIT")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "team", ResourceType::kModel, "m", "EDIT")));
  auto group_duplicate =
      auth_->CreateGrant(MakeGrant(SubjectType::kGroup, "team", ResourceType::kModel, "m", "READ"));
  EXPECT_CODE(group_duplicate, ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(group_duplicate.status().message(), "Grant on name=m to group=team already exists.");

  EXPECT_CODE(auth_->CreateGrant(UserModel("x", "m", "READ")), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(
      auth_->CreateGrant(MakeGrant(SubjectType::kGroup, "x", ResourceType::kModel, "m", "READ")),
      ErrorCode::kResourceDoesNotExist);

  // Update changes the access grant only.
  ASSERT_OK(auth_->UpdateGrant(UserModel("bob", "m", "MANAGE")));
  EXPECT_OK(auth_->UpdateGrant(UserModel("bob", "m", "MANAGE")));  // Same value: still found.
  EXPECT_EQ(GrantPermissionName(*auth_->GetGrant(
                MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "READ"))),
            "MANAGE");
  EXPECT_EQ(GrantPermissionName(*auth_->GetGrant(
                MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "PROMOTE"))),
            "PROMOTE");
  Status update_missing = auth_->UpdateGrant(UserModel("bob", "other", "READ"));
  EXPECT_CODE(update_missing, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(update_missing.message(),
            "Registered model permission with name=other and username=bob not found");
  EXPECT_CODE(auth_->UpdateGrant(UserModel("x", "m", "READ")), ErrorCode::kResourceDoesNotExist);

  EXPECT_THAT(AllGrants(), ElementsAre("u:bob model:m MANAGE", "u:bob model:m PROMOTE",
                                       "u:bob prefix:m EDIT", "g:team model:m EDIT"));

  // Delete removes one grant of one kind.
  ASSERT_OK(auth_->DeleteGrant(
      MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "PROMOTE")));
  EXPECT_CODE(
      auth_->GetGrant(MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "PROMOTE")),
      ErrorCode::kResourceDoesNotExist);
  EXPECT_OK(
      auth_->GetGrant(MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "READ")));
  Status delete_missing = auth_->DeleteGrant(
      MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "PROMOTE"));
  EXPECT_CODE(delete_missing, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(delete_missing.message(), "PROMOTE grant on name=m to username=bob not found");
  EXPECT_CODE(auth_->DeleteGrant(
                  MakeGrant(SubjectType::kGroup, "team", ResourceType::kPrefix, "m", "READ")),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(
      auth_->DeleteGrant(MakeGrant(SubjectType::kGroup, "x", ResourceType::kModel, "m", "READ")),
      ErrorCode::kResourceDoesNotExist);
  ASSERT_OK(auth_->DeleteGrant(
      MakeGrant(SubjectType::kGroup, "team", ResourceType::kModel, "m", "READ")));
  EXPECT_THAT(AllGrants(), ElementsAre("u:bob model:m MANAGE", "u:bob prefix:m EDIT"));
}

// Grants on experiments and scorers are grants like the others, with MLflow's messages
// (sqlalchemy_store.py) for a user's: the same id as a model name or a prefix is another grant.
TEST_P(AuthStoreTest, ExperimentAndScorerGrants) {
  AddUser("bob");
  AddGroup("team");
  const Grant on_experiment =
      MakeGrant(SubjectType::kUser, "bob", ResourceType::kExperiment, "7", "READ");
  const Grant on_scorer = MakeGrant(SubjectType::kUser, "bob", ResourceType::kScorer,
                                    ScorerResource("7", "relevance"), "EDIT");
  ASSERT_OK(auth_->CreateGrant(on_experiment));
  ASSERT_OK(auth_->CreateGrant(on_scorer));
  ASSERT_OK(auth_->CreateGrant(UserModel("bob", "7", "MANAGE")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kUser, "bob", ResourceType::kPrefix, "7", "MANAGE")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "team", ResourceType::kExperimentPrefix, "7", "EDIT")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "team", ResourceType::kExperiment, "7", "MANAGE")));

  auto duplicate = auth_->CreateGrant(on_experiment);
  EXPECT_CODE(duplicate, ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(duplicate.status().message(),
            "Experiment permission (experiment_id=7, username=bob) already exists.");
  auto scorer_duplicate = auth_->CreateGrant(on_scorer);
  EXPECT_CODE(scorer_duplicate, ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(scorer_duplicate.status().message(),
            "Scorer permission (experiment_id=7, scorer_name=relevance, username=bob) already "
            "exists.");
  Result<Grant> missing =
      auth_->GetGrant(MakeGrant(SubjectType::kUser, "bob", ResourceType::kExperiment, "8", "READ"));
  EXPECT_CODE(missing, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(missing.status().message(),
            "Experiment permission with experiment_id=8 and username=bob not found");
  Status scorer_missing = auth_->DeleteGrant(MakeGrant(
      SubjectType::kUser, "bob", ResourceType::kScorer, ScorerResource("7", "other"), "READ"));
  EXPECT_CODE(scorer_missing, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(scorer_missing.message(),
            "Scorer permission with experiment_id=7, scorer_name=other, and username=bob not "
            "found");
  Result<Grant> group_duplicate = auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "team", ResourceType::kExperiment, "7", "READ"));
  EXPECT_EQ(group_duplicate.status().message(),
            "Grant on experiment=7 to group=team already exists.");

  ASSERT_OK(auth_->UpdateGrant(
      MakeGrant(SubjectType::kUser, "bob", ResourceType::kExperiment, "7", "MANAGE")));
  EXPECT_THAT(AllGrants(),
              ElementsAre("u:bob experiment:7 MANAGE", "u:bob model:7 MANAGE",
                          "u:bob prefix:7 MANAGE", "u:bob scorer:7/relevance EDIT",
                          "g:team experiment:7 MANAGE", "g:team experiment_prefix:7 EDIT"));
  auto profile = auth_->LoadAccessProfile("bob");
  ASSERT_OK(profile);
  EXPECT_THAT(Describe(profile->grants),
              ElementsAre("u:bob experiment:7 MANAGE", "u:bob model:7 MANAGE",
                          "u:bob prefix:7 MANAGE", "u:bob scorer:7/relevance EDIT"));
  GrantQuery experiments;
  experiments.resource_type = ResourceType::kExperiment;
  experiments.resource = "7";
  EXPECT_THAT(Describe(*auth_->ListGrants(experiments)),
              ElementsAre("u:bob experiment:7 MANAGE", "g:team experiment:7 MANAGE"));

  // A scorer's grants go all at once (MLflow's cascade when the scorer is deleted), and only
  // they; the epoch moves.
  ASSERT_OK(auth_->CreateGrant(MakeGrant(SubjectType::kGroup, "team", ResourceType::kScorer,
                                         ScorerResource("7", "relevance"), "READ")));
  ASSERT_OK(auth_->CreateGrant(MakeGrant(SubjectType::kGroup, "team", ResourceType::kScorer,
                                         ScorerResource("7", "other"), "READ")));
  const int64_t epoch = *auth_->AccessEpoch();
  Result<int64_t> deleted =
      auth_->DeleteGrantsOn(ResourceType::kScorer, ScorerResource("7", "relevance"));
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 2);
  EXPECT_GT(*auth_->AccessEpoch(), epoch);
  EXPECT_EQ(*auth_->DeleteGrantsOn(ResourceType::kScorer, ScorerResource("7", "relevance")), 0);
  EXPECT_THAT(AllGrants(),
              ElementsAre("u:bob experiment:7 MANAGE", "u:bob model:7 MANAGE",
                          "u:bob prefix:7 MANAGE", "g:team experiment:7 MANAGE",
                          "g:team experiment_prefix:7 EDIT", "g:team scorer:7/other READ"));
}

// A grant a newer build wrote on a resource type this one does not know decides nothing here:
// it is not read as a grant on some other resource.
TEST_P(AuthStoreTest, GrantsOfUnknownResourceTypesAreLeftOut) {
  if (GetParam() == Backend::kSqliteMemory) GTEST_SKIP() << "needs a second connection";
  const User bob = AddUser("bob");
  ASSERT_OK(auth_->CreateGrant(UserModel("bob", "m", "READ")));
  ASSERT_OK(database_->ExecuteSql(
      "INSERT INTO auth_grants (subject_type, subject_id, resource_type, resource, kind, "
      "permission) VALUES ('user', " +
      std::to_string(bob.id) + ", 'dataset', 'm', 'access', 'MANAGE')"));
  auto profile = auth_->LoadAccessProfile("bob");
  ASSERT_OK(profile);
  EXPECT_THAT(Describe(profile->grants), ElementsAre("u:bob model:m READ"));
  EXPECT_THAT(AllGrants(), ElementsAre("u:bob model:m READ"));
}

TEST_P(AuthStoreTest, ListGrantsFilters) {
  AddUser("bob");
  AddUser("carol");
  AddGroup("team");
  ASSERT_OK(auth_->CreateGrant(UserModel("bob", "a", "READ")));
  ASSERT_OK(
      auth_->CreateGrant(MakeGrant(SubjectType::kUser, "bob", ResourceType::kPrefix, "a", "EDIT")));
  ASSERT_OK(auth_->CreateGrant(UserModel("carol", "a", "MANAGE")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "team", ResourceType::kModel, "b", "READ")));

  GrantQuery by_user;
  by_user.subject_type = SubjectType::kUser;
  by_user.subject_name = "bob";
  EXPECT_THAT(Describe(*auth_->ListGrants(by_user)),
              ElementsAre("u:bob model:a READ", "u:bob prefix:a EDIT"));
  GrantQuery by_model;
  by_model.resource_type = ResourceType::kModel;
  by_model.resource = "a";
  EXPECT_THAT(Describe(*auth_->ListGrants(by_model)),
              ElementsAre("u:bob model:a READ", "u:carol model:a MANAGE"));
  GrantQuery groups;
  groups.subject_type = SubjectType::kGroup;
  EXPECT_THAT(Describe(*auth_->ListGrants(groups)), ElementsAre("g:team model:b READ"));
  GrantQuery nothing;
  nothing.subject_name = "nobody";
  EXPECT_THAT(*auth_->ListGrants(nothing), IsEmpty());
}

TEST_P(AuthStoreTest, LoadAccessProfileHasTheUsersAndTheirGroupsGrants) {
  const User bob = AddUser("bob");
  AddUser("carol");
  const Group team = AddGroup("team", {"bob", "carol"});
  const Group ops = AddGroup("ops", {"bob"});
  AddGroup("others", {"carol"});
  ASSERT_OK(auth_->CreateGrant(UserModel("bob", "m", "READ")));
  ASSERT_OK(auth_->CreateGrant(UserModel("bob", "m", "PROMOTE")));
  ASSERT_OK(auth_->CreateGrant(UserModel("carol", "m", "MANAGE")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "team", ResourceType::kPrefix, "fraud.", "EDIT")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "ops", ResourceType::kModel, "m", "NO_PERMISSIONS")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "others", ResourceType::kModel, "m", "MANAGE")));

  auto profile = auth_->LoadAccessProfile("bob");
  ASSERT_OK(profile);
  EXPECT_EQ(profile->user.id, bob.id);
  EXPECT_EQ(profile->user.username, "bob");
  EXPECT_THAT(profile->group_ids, UnorderedElementsAre(team.id, ops.id));
  EXPECT_THAT(Describe(profile->grants),
              UnorderedElementsAre("u:bob model:m READ", "u:bob model:m PROMOTE",
                                   "g:team prefix:fraud. EDIT", "g:ops model:m NO_PERMISSIONS"));
  for (const Grant& grant : profile->grants) {
    EXPECT_EQ(grant.subject_id, grant.subject_type == SubjectType::kUser
                                    ? bob.id
                                    : (grant.subject_name == "team" ? team.id : ops.id));
  }
}

TEST_P(AuthStoreTest, Tokens) {
  AddUser("bob");
  AddUser("carol");
  auto first = auth_->CreateToken("bob", "laptop", "hash-1", 1000, 5000);
  ASSERT_OK(first);
  EXPECT_GT(first->id, 0);
  EXPECT_EQ(first->username, "bob");
  EXPECT_EQ(first->user_id, auth_->GetUser("bob")->id);
  EXPECT_EQ(first->name, "laptop");
  EXPECT_EQ(first->creation_timestamp, 1000);
  EXPECT_EQ(first->expiration_timestamp, 5000);
  EXPECT_EQ(first->revocation_timestamp, 0);
  auto second = auth_->CreateToken("bob", "ci", "hash-2", 2000, 0);
  ASSERT_OK(second);
  auto carols = auth_->CreateToken("carol", "", "hash-3", 3000, 0);
  ASSERT_OK(carols);
  EXPECT_CODE(auth_->CreateToken("x", "n", "hash-4", 1, 0), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(auth_->CreateToken("carol", "dup", "hash-1", 1, 0),
              ErrorCode::kResourceAlreadyExists);

  auto found = auth_->FindToken("hash-2");
  ASSERT_OK(found);
  EXPECT_EQ(found->id, second->id);
  EXPECT_EQ(found->username, "bob");
  EXPECT_CODE(auth_->FindToken("hash-unknown"), ErrorCode::kResourceDoesNotExist);

  auto all = auth_->ListTokens("");
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 3u);  // Newest first.
  EXPECT_EQ((*all)[0].id, carols->id);
  EXPECT_EQ((*all)[1].id, second->id);
  EXPECT_EQ((*all)[2].id, first->id);
  auto bobs = auth_->ListTokens("bob");
  ASSERT_OK(bobs);
  ASSERT_EQ(bobs->size(), 2u);
  EXPECT_EQ((*bobs)[0].id, second->id);
  EXPECT_THAT(*auth_->ListTokens("nobody"), IsEmpty());

  // Revocation: only the owner's (or anyone's with no owner), idempotent, keeps the first time.
  Status not_theirs = auth_->RevokeToken(first->id, "carol", 7000);
  EXPECT_CODE(not_theirs, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(not_theirs.message(), "Token with id=" + std::to_string(first->id) + " not found");
  EXPECT_EQ(auth_->FindToken("hash-1")->revocation_timestamp, 0);
  ASSERT_OK(auth_->RevokeToken(first->id, "bob", 7000));
  EXPECT_EQ(auth_->FindToken("hash-1")->revocation_timestamp, 7000);
  EXPECT_OK(auth_->RevokeToken(first->id, "bob", 8000));
  EXPECT_EQ(auth_->FindToken("hash-1")->revocation_timestamp, 7000);
  ASSERT_OK(auth_->RevokeToken(carols->id, "", 9000));
  EXPECT_EQ(auth_->FindToken("hash-3")->revocation_timestamp, 9000);
  EXPECT_EQ(auth_->FindToken("hash-2")->revocation_timestamp, 0);
  EXPECT_CODE(auth_->RevokeToken(99999, "", 1), ErrorCode::kResourceDoesNotExist);
}

TEST_P(AuthStoreTest, NamesAreByteExact) {
  const User upper = AddUser("Alice");
  const User lower = AddUser("alice");
  EXPECT_NE(upper.id, lower.id);
  EXPECT_CODE(auth_->GetUser("ALICE"), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(auth_->GetUser("alice "), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(auth_->GetUser("Alice")->id, upper.id);
  AddGroup("Team", {"Alice"});
  AddGroup("team", {"alice"});
  EXPECT_THAT(auth_->GetGroup("Team")->members, ElementsAre("Alice"));

  ASSERT_OK(auth_->CreateGrant(UserModel("Alice", "Model", "READ")));
  ASSERT_OK(auth_->CreateGrant(UserModel("Alice", "model", "EDIT")));
  ASSERT_OK(auth_->CreateGrant(UserModel("alice", "Model", "MANAGE")));
  ASSERT_OK(auth_->CreateGrant(
      MakeGrant(SubjectType::kGroup, "team", ResourceType::kPrefix, "Fraud.", "READ")));
  EXPECT_EQ(GrantPermissionName(*auth_->GetGrant(
                MakeGrant(SubjectType::kUser, "Alice", ResourceType::kModel, "model", "READ"))),
            "EDIT");
  EXPECT_CODE(auth_->GetGrant(
                  MakeGrant(SubjectType::kUser, "Alice", ResourceType::kModel, "MODEL", "READ")),
              ErrorCode::kResourceDoesNotExist);
  GrantQuery query;
  query.subject_name = "alice";
  EXPECT_THAT(Describe(*auth_->ListGrants(query)), ElementsAre("u:alice model:Model MANAGE"));
  query.subject_name = "Team";
  EXPECT_THAT(*auth_->ListGrants(query), IsEmpty());
  query = GrantQuery{};
  query.resource = "model";
  EXPECT_THAT(Describe(*auth_->ListGrants(query)), ElementsAre("u:Alice model:model EDIT"));

  auto profile = auth_->LoadAccessProfile("alice");
  ASSERT_OK(profile);
  EXPECT_EQ(profile->user.id, lower.id);
  EXPECT_THAT(Describe(profile->grants),
              UnorderedElementsAre("u:alice model:Model MANAGE", "g:team prefix:Fraud. READ"));

  ASSERT_OK(auth_->CreateToken("alice", "t", "hash-a", 1, 0));
  EXPECT_THAT(*auth_->ListTokens("ALICE"), IsEmpty());
  EXPECT_EQ(auth_->ListTokens("alice")->size(), 1u);
  EXPECT_CODE(auth_->RevokeToken(auth_->FindToken("hash-a")->id, "Alice", 2),
              ErrorCode::kResourceDoesNotExist);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthStoreTest,
                         ::testing::ValuesIn(::modelwarden::testing::AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
