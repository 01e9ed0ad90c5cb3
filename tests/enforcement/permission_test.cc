// Permissions: names, what each level allows, which grant decides for a model name
// (ResolvePermission), PROMOTE grants, and the authorization table (RequiredAccess) for every
// operation against MLflow's validators (mlflow/server/auth/__init__.py).

#include "enforcement/access/permission.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "enforcement/access/access_rules.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::MakeGrant;

using ::testing::HasSubstr;

Grant UserModel(const std::string& model, const std::string& permission) {
  return MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, model, permission);
}
Grant UserPrefix(const std::string& prefix, const std::string& permission) {
  return MakeGrant(SubjectType::kUser, "bob", ResourceType::kPrefix, prefix, permission);
}
Grant GroupModel(const std::string& group, const std::string& model,
                 const std::string& permission) {
  return MakeGrant(SubjectType::kGroup, group, ResourceType::kModel, model, permission);
}
Grant GroupPrefix(const std::string& group, const std::string& prefix,
                  const std::string& permission) {
  return MakeGrant(SubjectType::kGroup, group, ResourceType::kPrefix, prefix, permission);
}

AccessProfile Profile(std::vector<Grant> grants) {
  AccessProfile profile;
  profile.user.id = 1;
  profile.user.username = "bob";
  profile.grants = std::move(grants);
  return profile;
}

Permission Resolve(const std::vector<Grant>& grants, const std::string& name,
                   Permission fallback = Permission::kRead) {
  return ResolvePermission(Profile(grants), name, fallback).permission;
}

TEST(PermissionTest, NamesRoundTripAndAreCaseSensitive) {
  for (Permission p :
       {Permission::kNoPermissions, Permission::kRead, Permission::kEdit, Permission::kManage}) {
    EXPECT_EQ(ParsePermission(PermissionName(p)), p);
  }
  EXPECT_EQ(PermissionName(Permission::kNoPermissions), "NO_PERMISSIONS");
  EXPECT_EQ(ParsePermission("read"), std::nullopt);
  EXPECT_EQ(ParsePermission("PROMOTE"), std::nullopt);
  EXPECT_EQ(ParsePermission(""), std::nullopt);
  EXPECT_EQ(InvalidPermissionMessage("WRITE"),
            "Invalid permission 'WRITE'. Valid permissions are: ('READ', 'EDIT', 'MANAGE', "
            "'NO_PERMISSIONS')");
}

TEST(PermissionTest, WhatEachLevelAllows) {
  // MLflow's permissions.py: READ can_read; EDIT also can_update; MANAGE everything.
  struct Row {
    Permission permission;
    bool read, update, del, manage;
  };
  for (const Row& row : std::vector<Row>{{Permission::kNoPermissions, false, false, false, false},
                                         {Permission::kRead, true, false, false, false},
                                         {Permission::kEdit, true, true, false, false},
                                         {Permission::kManage, true, true, true, true}}) {
    SCOPED_TRACE(std::string(PermissionName(row.permission)));
    EXPECT_EQ(CanRead(row.permission), row.read);
    EXPECT_EQ(CanUpdate(row.permission), row.update);
    EXPECT_EQ(CanDelete(row.permission), row.del);
    EXPECT_EQ(CanManage(row.permission), row.manage);
  }
}

TEST(PermissionTest, GrantCoversExactNamesAndBytePrefixes) {
  EXPECT_TRUE(GrantCovers(UserModel("fraud.a", "READ"), "fraud.a"));
  EXPECT_FALSE(GrantCovers(UserModel("fraud.a", "READ"), "fraud.ab"));
  EXPECT_FALSE(GrantCovers(UserModel("fraud.a", "READ"), "Fraud.a"));
  EXPECT_TRUE(GrantCovers(UserPrefix("fraud.", "READ"), "fraud."));
  EXPECT_TRUE(GrantCovers(UserPrefix("fraud.", "READ"), "fraud.a"));
  EXPECT_FALSE(GrantCovers(UserPrefix("fraud.", "READ"), "fraud"));
  EXPECT_FALSE(GrantCovers(UserPrefix("fraud.", "READ"), "FRAUD.a"));
  EXPECT_FALSE(GrantCovers(UserPrefix("a_", "READ"), "ab"));  // No LIKE wildcards.
}

TEST(PermissionTest, NoGrantGivesTheDefault) {
  EXPECT_EQ(Resolve({}, "m", Permission::kRead), Permission::kRead);
  EXPECT_EQ(Resolve({}, "m", Permission::kNoPermissions), Permission::kNoPermissions);
  const EffectivePermission effective = ResolvePermission(
      Profile({UserModel("other", "MANAGE"), UserPrefix("x", "MANAGE")}), "m", Permission::kEdit);
  EXPECT_EQ(effective.permission, Permission::kEdit);
  EXPECT_EQ(effective.source, "the default permission");
}

TEST(PermissionTest, ModelGrantBeatsPrefixGrant) {
  EXPECT_EQ(Resolve({UserPrefix("fraud.", "MANAGE"), UserModel("fraud.a", "READ")}, "fraud.a"),
            Permission::kRead);
  EXPECT_EQ(
      Resolve({UserModel("fraud.a", "NO_PERMISSIONS"), UserPrefix("fraud.a", "MANAGE")}, "fraud.a"),
      Permission::kNoPermissions);
  // Even a group's model grant beats the user's own prefix grant.
  EXPECT_EQ(
      Resolve({UserPrefix("fraud.", "MANAGE"), GroupModel("g", "fraud.a", "READ")}, "fraud.a"),
      Permission::kRead);
}

TEST(PermissionTest, LongerPrefixBeatsShorter) {
  const std::vector<Grant> grants = {UserPrefix("f", "MANAGE"), UserPrefix("fraud.", "READ"),
                                     UserPrefix("fraud.a", "NO_PERMISSIONS"),
                                     UserPrefix("fraud", "EDIT")};
  EXPECT_EQ(Resolve(grants, "fraud.ab"), Permission::kNoPermissions);
  EXPECT_EQ(Resolve(grants, "fraud.b"), Permission::kRead);
  EXPECT_EQ(Resolve(grants, "fraudx"), Permission::kEdit);
  EXPECT_EQ(Resolve(grants, "fr"), Permission::kManage);
  EXPECT_EQ(Resolve(grants, "x", Permission::kNoPermissions), Permission::kNoPermissions);
  // A group's longer prefix beats the user's shorter one.
  EXPECT_EQ(Resolve({UserPrefix("fraud", "MANAGE"), GroupPrefix("g", "fraud.", "READ")}, "fraud.a"),
            Permission::kRead);
}

TEST(PermissionTest, UserBeatsGroupAtTheSameSpecificity) {
  EXPECT_EQ(Resolve({GroupModel("g", "m", "MANAGE"), UserModel("m", "READ")}, "m"),
            Permission::kRead);
  EXPECT_EQ(Resolve({UserPrefix("p", "NO_PERMISSIONS"), GroupPrefix("g", "p", "MANAGE")}, "px"),
            Permission::kNoPermissions);
  const EffectivePermission effective = ResolvePermission(
      Profile({GroupPrefix("ml", "fraud.", "MANAGE"), UserPrefix("fraud.", "EDIT")}), "fraud.a",
      Permission::kNoPermissions);
  EXPECT_EQ(effective.permission, Permission::kEdit);
  EXPECT_EQ(effective.source, "grant to user bob on prefix fraud.");
}

TEST(PermissionTest, HighestAmongGroupsAtTheSameSpecificity) {
  for (const auto& order :
       std::vector<std::vector<std::string>>{{"READ", "NO_PERMISSIONS", "MANAGE", "EDIT"},
                                             {"MANAGE", "EDIT", "READ"},
                                             {"NO_PERMISSIONS", "EDIT"},
                                             {"EDIT", "NO_PERMISSIONS"}}) {
    std::vector<Grant> grants;
    Permission highest = Permission::kNoPermissions;
    for (size_t i = 0; i < order.size(); ++i) {
      grants.push_back(GroupPrefix("g" + std::to_string(i), "p.", order[i]));
      highest = std::max(highest, *ParsePermission(order[i]));
    }
    EXPECT_EQ(Resolve(grants, "p.x", Permission::kNoPermissions), highest);
  }
  const EffectivePermission effective =
      ResolvePermission(Profile({GroupModel("a", "m", "READ"), GroupModel("b", "m", "EDIT")}), "m",
                        Permission::kNoPermissions);
  EXPECT_EQ(effective.source, "grant to group b on model m");
  EXPECT_EQ(
      Resolve({GroupModel("a", "m", "NO_PERMISSIONS"), GroupModel("b", "m", "NO_PERMISSIONS")}, "m",
              Permission::kManage),
      Permission::kNoPermissions);
}

TEST(PermissionTest, PromoteGrantsAreSeparateFromAccess) {
  // A PROMOTE grant never decides the access level, whatever its specificity.
  EXPECT_EQ(Resolve({UserPrefix("m", "READ"), UserModel("m", "PROMOTE")}, "m"), Permission::kRead);
  EXPECT_EQ(Resolve({UserModel("m", "PROMOTE")}, "m", Permission::kNoPermissions),
            Permission::kNoPermissions);
  EXPECT_TRUE(HasPromoteGrant(Profile({UserModel("m", "PROMOTE")}), "m"));
  EXPECT_TRUE(HasPromoteGrant(Profile({GroupPrefix("g", "fraud.", "PROMOTE")}), "fraud.a"));
  EXPECT_FALSE(HasPromoteGrant(Profile({GroupPrefix("g", "fraud.", "PROMOTE")}), "risk.a"));
  EXPECT_FALSE(HasPromoteGrant(Profile({UserModel("m", "MANAGE")}), "m"));
  EXPECT_FALSE(HasPromoteGrant(Profile({UserModel("m", "PROMOTE")}), "m2"));
}

// Grants on experiments and scorers, even on resources spelled like a model name or a prefix of
// one, never change what a model decision says: not the level, not its source, not PROMOTE,
// not a search's read scope.
TEST(PermissionTest, ExperimentGrantsNeverDecideForModels) {
  const std::vector<Grant> model_grants = {UserModel("m", "READ"), UserPrefix("fraud.", "EDIT"),
                                           GroupPrefix("g", "risk.", "NO_PERMISSIONS")};
  std::vector<Grant> with_experiments = model_grants;
  for (ResourceType type :
       {ResourceType::kExperiment, ResourceType::kExperimentPrefix, ResourceType::kScorer}) {
    for (const char* resource : {"m", "fraud.", "fraud.a", "risk.x", "", "other", "m/s"}) {
      for (const char* permission : {"MANAGE", "NO_PERMISSIONS"}) {
        with_experiments.push_back(
            MakeGrant(SubjectType::kUser, "bob", type, resource, permission));
        with_experiments.push_back(MakeGrant(SubjectType::kGroup, "g", type, resource, permission));
      }
    }
  }
  for (const std::string name : {"m", "fraud.a", "fraud.", "risk.x", "other", "m/s", ""}) {
    for (Permission fallback : {Permission::kNoPermissions, Permission::kRead}) {
      SCOPED_TRACE(name);
      const EffectivePermission without = ResolvePermission(Profile(model_grants), name, fallback);
      const EffectivePermission with = ResolvePermission(Profile(with_experiments), name, fallback);
      EXPECT_EQ(with.permission, without.permission);
      EXPECT_EQ(with.source, without.source);
    }
    EXPECT_FALSE(HasPromoteGrant(Profile(with_experiments), name));
  }
  for (const Grant& grant : with_experiments) {
    if (IsExperimentResource(grant.resource_type)) {
      EXPECT_FALSE(GrantCovers(grant, grant.resource));
      EXPECT_FALSE(GrantCovers(grant, grant.resource + "x"));
    }
  }
  for (Permission fallback : {Permission::kNoPermissions, Permission::kRead}) {
    const ReadScope without = BuildReadScope(Profile(model_grants), fallback);
    const ReadScope with = BuildReadScope(Profile(with_experiments), fallback);
    EXPECT_EQ(with.default_readable, without.default_readable);
    EXPECT_EQ(with.hidden_names, without.hidden_names);
    EXPECT_EQ(with.visible_names, without.visible_names);
    ASSERT_EQ(with.prefixes.size(), without.prefixes.size());
    for (size_t i = 0; i < with.prefixes.size(); ++i) {
      EXPECT_EQ(with.prefixes[i].prefix, without.prefixes[i].prefix);
      EXPECT_EQ(with.prefixes[i].readable, without.prefixes[i].readable);
    }
  }
  // Experiment grants only: the scope of no grants at all.
  std::vector<Grant> only_experiments(with_experiments.begin() + model_grants.size(),
                                      with_experiments.end());
  const ReadScope scope = BuildReadScope(Profile(only_experiments), Permission::kRead, 1);
  EXPECT_FALSE(scope.live);
  EXPECT_TRUE(scope.hidden_names.empty() && scope.visible_names.empty() && scope.prefixes.empty());
}

TEST(PermissionTest, ResourceTypeNamesRoundTrip) {
  for (ResourceType type : {ResourceType::kModel, ResourceType::kPrefix, ResourceType::kExperiment,
                            ResourceType::kExperimentPrefix, ResourceType::kScorer}) {
    EXPECT_EQ(ParseResourceType(ResourceTypeName(type)), type);
    EXPECT_LE(ResourceTypeName(type).size(), 32u);  // auth_grants.resource_type (migration 8).
    EXPECT_NE(IsModelResource(type), IsExperimentResource(type));
  }
  EXPECT_EQ(ResourceTypeName(ResourceType::kExperimentPrefix), "experiment_prefix");
  EXPECT_EQ(ParseResourceType("Model"), std::nullopt);
  EXPECT_EQ(ParseResourceType("experime"), std::nullopt);
}

// The requirement of every operation, written out from MLflow's validator table (§9.4 of the
// research notes) and modelwarden's additions, independently of operation.cc.
struct Expected {
  Operation operation;
  Requirement requirement;
  bool promotes;
  const char* name;
};

const std::vector<Expected>& ExpectedTable() {
  using O = Operation;
  using R = Requirement;
  static const std::vector<Expected> table = {
      {O::kCreateRegisteredModel, R::kRegisterModel, false, "CreateRegisteredModel"},
      {O::kGetRegisteredModel, R::kReadModel, false, "GetRegisteredModel"},
      {O::kUpdateRegisteredModel, R::kUpdateModel, false, "UpdateRegisteredModel"},
      {O::kRenameRegisteredModel, R::kRenameModel, false, "RenameRegisteredModel"},
      {O::kDeleteRegisteredModel, R::kDeleteModel, false, "DeleteRegisteredModel"},
      {O::kSearchRegisteredModels, R::kAuthenticated, false, "SearchRegisteredModels"},
      {O::kGetLatestVersions, R::kReadModel, false, "GetLatestVersions"},
      {O::kSetRegisteredModelTag, R::kUpdateModel, false, "SetRegisteredModelTag"},
      {O::kDeleteRegisteredModelTag, R::kUpdateModel, false, "DeleteRegisteredModelTag"},
      {O::kSetRegisteredModelAlias, R::kUpdateModel, true, "SetRegisteredModelAlias"},
      {O::kDeleteRegisteredModelAlias, R::kDeleteModel, false, "DeleteRegisteredModelAlias"},
      {O::kGetModelVersionByAlias, R::kReadModel, false, "GetModelVersionByAlias"},
      {O::kCreateModelVersion, R::kUpdateModel, false, "CreateModelVersion"},
      {O::kGetModelVersion, R::kReadModel, false, "GetModelVersion"},
      {O::kUpdateModelVersion, R::kUpdateModel, false, "UpdateModelVersion"},
      {O::kTransitionModelVersionStage, R::kUpdateModel, true, "TransitionModelVersionStage"},
      {O::kDeleteModelVersion, R::kDeleteModel, false, "DeleteModelVersion"},
      {O::kSearchModelVersions, R::kAuthenticated, false, "SearchModelVersions"},
      {O::kGetModelVersionDownloadUri, R::kReadModel, false, "GetModelVersionDownloadUri"},
      {O::kSetModelVersionTag, R::kUpdateModel, false, "SetModelVersionTag"},
      {O::kDeleteModelVersionTag, R::kDeleteModel, false, "DeleteModelVersionTag"},
      {O::kCheckPromotion, R::kReadModel, false, "CheckPromotion"},
      {O::kGetModelCard, R::kReadModel, false, "GetModelCard"},
      {O::kSetModelCard, R::kUpdateModel, false, "SetModelCard"},
      {O::kSearchAuditEvents, R::kAuditLog, false, "SearchAuditEvents"},
      {O::kCreateApproval, R::kUpdateModel, false, "CreateApproval"},
      {O::kGetApproval, R::kReadModel, false, "GetApproval"},
      {O::kListApprovals, R::kAuditLog, false, "ListApprovals"},
      {O::kApprove, R::kPromoteModel, false, "Approve"},
      {O::kReject, R::kPromoteModel, false, "Reject"},
      {O::kCancelApproval, R::kReadModel, false, "CancelApproval"},
      {O::kCreateUser, R::kAdmin, false, "CreateUser"},
      {O::kGetUser, R::kSelf, false, "GetUser"},
      {O::kUpdateUserPassword, R::kSelf, false, "UpdateUserPassword"},
      {O::kUpdateUserAdmin, R::kAdmin, false, "UpdateUserAdmin"},
      {O::kDeleteUser, R::kAdmin, false, "DeleteUser"},
      {O::kCreateModelPermission, R::kManageModel, false, "CreateRegisteredModelPermission"},
      {O::kGetModelPermission, R::kManageModel, false, "GetRegisteredModelPermission"},
      {O::kUpdateModelPermission, R::kManageModel, false, "UpdateRegisteredModelPermission"},
      {O::kDeleteModelPermission, R::kManageModel, false, "DeleteRegisteredModelPermission"},
      {O::kCreateExperimentPermission, R::kManageExperiment, false, "CreateExperimentPermission"},
      {O::kGetExperimentPermission, R::kManageExperiment, false, "GetExperimentPermission"},
      {O::kUpdateExperimentPermission, R::kManageExperiment, false, "UpdateExperimentPermission"},
      {O::kDeleteExperimentPermission, R::kManageExperiment, false, "DeleteExperimentPermission"},
      {O::kCreateScorerPermission, R::kManageExperiment, false, "CreateScorerPermission"},
      {O::kGetScorerPermission, R::kManageExperiment, false, "GetScorerPermission"},
      {O::kUpdateScorerPermission, R::kManageExperiment, false, "UpdateScorerPermission"},
      {O::kDeleteScorerPermission, R::kManageExperiment, false, "DeleteScorerPermission"},
      {O::kGetCurrentUser, R::kAuthenticated, false, "GetCurrentUser"},
      {O::kListUsers, R::kAdmin, false, "ListUsers"},
      {O::kCreateGroup, R::kAdmin, false, "CreateGroup"},
      {O::kGetGroup, R::kAdmin, false, "GetGroup"},
      {O::kListGroups, R::kAdmin, false, "ListGroups"},
      {O::kDeleteGroup, R::kAdmin, false, "DeleteGroup"},
      {O::kAddGroupMember, R::kAdmin, false, "AddGroupMember"},
      {O::kRemoveGroupMember, R::kAdmin, false, "RemoveGroupMember"},
      {O::kCreateGrant, R::kManageGrant, false, "CreateGrant"},
      {O::kUpdateGrant, R::kManageGrant, false, "UpdateGrant"},
      {O::kDeleteGrant, R::kManageGrant, false, "DeleteGrant"},
      {O::kListGrants, R::kManageGrant, false, "ListGrants"},
      {O::kGetEffectivePermission, R::kSelf, false, "GetEffectivePermission"},
      {O::kCreateToken, R::kSelf, false, "CreateToken"},
      {O::kListTokens, R::kSelf, false, "ListTokens"},
      {O::kRevokeToken, R::kSelf, false, "RevokeToken"},
      {O::kCreateWebhook, R::kWebhooks, false, "CreateWebhook"},
      {O::kListWebhooks, R::kWebhooks, false, "ListWebhooks"},
      {O::kGetWebhook, R::kWebhooks, false, "GetWebhook"},
      {O::kUpdateWebhook, R::kWebhooks, false, "UpdateWebhook"},
      {O::kDeleteWebhook, R::kWebhooks, false, "DeleteWebhook"},
      {O::kTestWebhook, R::kWebhooks, false, "TestWebhook"},
      {O::kListWebhookDeliveries, R::kWebhooks, false, "ListWebhookDeliveries"},
      {O::kGetWebhookDelivery, R::kWebhooks, false, "GetWebhookDelivery"},
      {O::kRedeliverWebhookDelivery, R::kWebhooks, false, "RedeliverWebhookDelivery"},
      {O::kImportRegisteredModel, R::kAdmin, false, "ImportRegisteredModel"},
  };
  return table;
}

TEST(OperationTest, TheTableCoversEveryOperationOnce) {
  std::set<int> seen;
  for (const Expected& row : ExpectedTable()) {
    EXPECT_TRUE(seen.insert(static_cast<int>(row.operation)).second) << row.name;
  }
  // Operations are numbered from 0 to kImportRegisteredModel, the last one.
  EXPECT_EQ(seen.size(), static_cast<size_t>(Operation::kImportRegisteredModel) + 1);
  EXPECT_EQ(*seen.begin(), 0);
}

TEST(OperationTest, RequiredAccessMatchesMlflowsValidators) {
  for (const Expected& row : ExpectedTable()) {
    SCOPED_TRACE(row.name);
    const AccessRule rule = RequiredAccess(row.operation);
    EXPECT_EQ(static_cast<int>(rule.requirement), static_cast<int>(row.requirement));
    EXPECT_EQ(rule.promotes, row.promotes);
    EXPECT_EQ(OperationName(row.operation), row.name);
  }
}

}  // namespace
}  // namespace modelwarden

namespace modelwarden {
namespace {

// ---- BuildReadScope: the rules a search applies ----

std::vector<std::string> Prefixes(const ReadScope& scope) {
  std::vector<std::string> out;
  for (const ReadScope::Prefix& p : scope.prefixes) {
    out.push_back(p.prefix + (p.readable ? "=read" : "=hidden"));
  }
  return out;
}

TEST(BuildReadScopeTest, RulesThatChangeNothingAreLeftOut) {
  // A readable default: EDIT on a prefix and MANAGE on a model hide nothing, so no rules.
  const ReadScope open = BuildReadScope(
      Profile({UserPrefix("fraud.", "EDIT"), UserModel("fraud.a", "MANAGE")}), Permission::kRead);
  EXPECT_FALSE(open.live);
  EXPECT_TRUE(open.hidden_names.empty());
  EXPECT_TRUE(open.visible_names.empty());
  EXPECT_TRUE(open.prefixes.empty());

  // Under a hidden prefix, a model grant that reveals is kept; one that agrees is not.
  const ReadScope nested =
      BuildReadScope(Profile({UserPrefix("risk.", "NO_PERMISSIONS"), UserModel("risk.a", "READ"),
                              UserModel("risk.b", "NO_PERMISSIONS"), UserModel("other", "EDIT")}),
                     Permission::kRead);
  EXPECT_THAT(nested.visible_names, ::testing::ElementsAre("risk.a"));
  EXPECT_TRUE(nested.hidden_names.empty());
  EXPECT_THAT(Prefixes(nested), ::testing::ElementsAre("risk.=hidden"));
}

TEST(BuildReadScopeTest, PrefixesLongestFirstAndTheUsersOwnGrantDecides) {
  const ReadScope scope = BuildReadScope(
      Profile({GroupPrefix("ml", "a.", "READ"), UserPrefix("a.", "NO_PERMISSIONS"),
               GroupPrefix("ml", "a.b.", "EDIT"), GroupPrefix("ops", "a.b.", "NO_PERMISSIONS"),
               UserPrefix("a.b.c.", "NO_PERMISSIONS"), GroupModel("ml", "a.x", "READ")}),
      Permission::kNoPermissions);
  // a. is hidden by bob's own grant (his group's READ does not count), a.b. readable (the
  // highest group grant), a.b.c. hidden again; a.x readable against its hidden prefix.
  EXPECT_THAT(Prefixes(scope), ::testing::ElementsAre("a.b.c.=hidden", "a.b.=read"));
  EXPECT_THAT(scope.visible_names, ::testing::ElementsAre("a.x"));
  EXPECT_FALSE(scope.default_readable);
}

TEST(BuildReadScopeTest, TooManyNamesForOneStatementGoLive) {
  AccessProfile profile = Profile({UserModel("m1", "READ"), UserModel("m2", "READ")});
  profile.user.id = 42;
  const ReadScope scope = BuildReadScope(profile, Permission::kNoPermissions, /*max_names=*/1);
  EXPECT_TRUE(scope.live);
  EXPECT_EQ(scope.user_id, 42);
  EXPECT_FALSE(scope.default_readable);
  EXPECT_FALSE(BuildReadScope(profile, Permission::kNoPermissions, 2).live);
}

}  // namespace
}  // namespace modelwarden
