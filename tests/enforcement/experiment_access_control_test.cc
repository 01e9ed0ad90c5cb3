// Access to the tracker's experiments through AccessControl and AccessAdmin, over a real
// in-memory SQLite store: ExperimentAccessFor for every kind of caller, on the cached profile
// (a grant changed through this process shows at once), and grants on experiments and on
// models never deciding for each other.

#include <memory>
#include <string>

#include "enforcement/access/access_admin.h"
#include "enforcement/access/access_control.h"
#include "registry/store_factory.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::FakeClock;
using ::modelwarden::testing::MakeGrant;
using ::testing::HasSubstr;

constexpr int kIterations = 1000;
constexpr char kPassword[] = "correct horse battery";

CallContext As(const std::string& user) {
  CallContext ctx;
  ctx.request_id = "test";
  ctx.principal = Principal::User(user);
  return ctx;
}

class ExperimentAccessControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = OpenStores(StoreOptions{"sqlite:///:memory:", 1, 1000});
    ASSERT_OK(stores);
    stores_ = std::move(*stores);
    Configure({});
    ASSERT_OK(store().CreateUser("root", HashPassword(kPassword, kIterations), true));
    for (const char* user : {"bob", "carol"}) {
      ASSERT_OK(store().CreateUser(user, HashPassword(kPassword, kIterations), false));
    }
    ASSERT_OK(store().CreateGroup("team"));
    ASSERT_OK(store().AddGroupMember("team", "bob"));
  }

  void Configure(AuthOptions options, bool enabled = true) {
    options.enabled = enabled;
    options.password_iterations = kIterations;
    access_ = std::make_unique<AccessControl>(store(), clock_, options);
    admin_ = std::make_unique<AccessAdmin>(store(), *stores_.models, *access_, clock_);
  }

  AuthStore& store() { return *stores_.auth; }

  void AddGrant(SubjectType subject_type, const std::string& subject, ResourceType type,
                const std::string& resource, const std::string& permission) {
    ASSERT_OK(store().CreateGrant(MakeGrant(subject_type, subject, type, resource, permission)));
  }

  ExperimentAccess For(const std::string& user) {
    Result<ExperimentAccess> access = access_->ExperimentAccessFor(Principal::User(user));
    EXPECT_OK(access);
    return access.ok() ? *access : ExperimentAccess::ForProfile(nullptr, Permission::kRead);
  }

  const CallContext root_ = As("root");
  FakeClock clock_;
  Stores stores_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<AccessAdmin> admin_;
};

TEST_F(ExperimentAccessControlTest, WhoSeesEverything) {
  Result<ExperimentAccess> system = access_->ExperimentAccessFor(Principal::System("retention"));
  ASSERT_OK(system);
  EXPECT_TRUE(system->sees_everything());
  EXPECT_TRUE(For("root").sees_everything());
  EXPECT_FALSE(For("bob").sees_everything());
  EXPECT_EQ(For("bob").username(), "bob");
  EXPECT_CODE(access_->ExperimentAccessFor(Principal()), ErrorCode::kUnauthenticated);
  EXPECT_CODE(access_->ExperimentAccessFor(Principal::User("ghost")), ErrorCode::kUnauthenticated);

  Configure({}, /*enabled=*/false);
  for (const Principal& principal :
       {Principal(), Principal::User("bob"), Principal::User("ghost")}) {
    Result<ExperimentAccess> off = access_->ExperimentAccessFor(principal);
    ASSERT_OK(off);
    EXPECT_TRUE(off->sees_everything());
    EXPECT_EQ(off->ForExperiment("1", "").permission, Permission::kManage);
  }
}

TEST_F(ExperimentAccessControlTest, GrantsAndTheDefaultDecide) {
  Configure({/*enabled=*/true, Permission::kNoPermissions});
  AddGrant(SubjectType::kUser, "bob", ResourceType::kExperiment, "1", "READ");
  AddGrant(SubjectType::kGroup, "team", ResourceType::kExperimentPrefix, "team-", "EDIT");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kScorer, "1/s", "MANAGE");
  const ExperimentAccess bob = For("bob");
  EXPECT_TRUE(bob.NeedsNames());
  EXPECT_EQ(bob.ForExperiment("1", "team-a").permission, Permission::kRead);
  EXPECT_EQ(bob.ForExperiment("2", "team-a").permission, Permission::kEdit);
  EXPECT_EQ(bob.ForExperiment("2", "").permission, Permission::kNoPermissions);
  EXPECT_EQ(bob.ForScorer("1", "s", "").permission, Permission::kManage);
  EXPECT_EQ(bob.ForScorer("1", "t", "").permission, Permission::kRead);
  const ExperimentAccess carol = For("carol");
  EXPECT_FALSE(carol.NeedsNames());
  EXPECT_EQ(carol.ForExperiment("1", "team-a").permission, Permission::kNoPermissions);
  // The admin flag is the profile's: an admin sees everything whatever their grants say.
  AddGrant(SubjectType::kUser, "root", ResourceType::kExperiment, "1", "NO_PERMISSIONS");
  EXPECT_EQ(For("root").ForExperiment("1", "").permission, Permission::kManage);
}

// The profile is the cached one: a grant made through AccessAdmin (this process) shows at once;
// one written behind the cache's back (another server process) within cache_seconds.
TEST_F(ExperimentAccessControlTest, TheCachedProfileSeesAGrantMadeHereAtOnce) {
  Configure({/*enabled=*/true, Permission::kNoPermissions});
  EXPECT_EQ(For("carol").ForExperiment("5", "").permission, Permission::kNoPermissions);
  ASSERT_OK(admin_->CreateGrant(
      root_, Operation::kCreateGrant,
      MakeGrant(SubjectType::kUser, "carol", ResourceType::kExperiment, "5", "EDIT")));
  EXPECT_EQ(For("carol").ForExperiment("5", "").permission, Permission::kEdit);

  AddGrant(SubjectType::kUser, "carol", ResourceType::kExperiment, "6", "READ");
  EXPECT_EQ(For("carol").ForExperiment("6", "").permission, Permission::kNoPermissions);
  clock_.Advance(60'000);
  EXPECT_EQ(For("carol").ForExperiment("6", "").permission, Permission::kRead);
}

// Experiment grants spelled like model names never change a model decision, and model grants
// spelled like experiment ids never change an experiment decision.
TEST_F(ExperimentAccessControlTest, ExperimentAndModelGrantsNeverDecideForEachOther) {
  Configure({/*enabled=*/true, Permission::kRead});
  AddGrant(SubjectType::kUser, "bob", ResourceType::kExperiment, "m", "MANAGE");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kExperimentPrefix, "m", "MANAGE");
  AddGrant(SubjectType::kGroup, "team", ResourceType::kScorer, "m/s", "MANAGE");
  AddGrant(SubjectType::kUser, "carol", ResourceType::kModel, "7", "MANAGE");
  AddGrant(SubjectType::kUser, "carol", ResourceType::kPrefix, "team-", "NO_PERMISSIONS");
  for (Operation operation : {Operation::kDeleteRegisteredModel, Operation::kUpdateRegisteredModel,
                              Operation::kCreateModelPermission}) {
    AccessRequest request;
    request.operation = operation;
    request.model = "m";
    const Status denied = access_->Authorize(As("bob"), request);
    EXPECT_CODE(denied, ErrorCode::kPermissionDenied);
    EXPECT_THAT(denied.message(), HasSubstr("has READ (from the default permission)"));
  }
  auto explained = access_->Explain("bob", "m");
  ASSERT_OK(explained);
  EXPECT_EQ(explained->effective.permission, Permission::kRead);
  auto scope = access_->ReadScopeFor(Principal::User("bob"));
  ASSERT_OK(scope);
  EXPECT_FALSE(scope->has_value());  // Nothing hidden: the default reads everything.

  const ExperimentAccess carol = For("carol");
  EXPECT_FALSE(carol.NeedsNames());
  EXPECT_EQ(carol.ForExperiment("7", "team-a").permission, Permission::kRead);
  EXPECT_EQ(carol.ForScorer("7", "s", "team-a").permission, Permission::kRead);
}

// modelwarden's own grant endpoints take experiment grants: MANAGE on the experiment (or the
// scorer) for a grant on it, admin for a prefix; grants on experiments are access grants only.
TEST_F(ExperimentAccessControlTest, GrantsOnExperimentsNeedManageOnThem) {
  Configure({/*enabled=*/true, Permission::kRead});
  AddGrant(SubjectType::kUser, "bob", ResourceType::kExperiment, "7", "MANAGE");
  const Grant for_carol =
      MakeGrant(SubjectType::kUser, "carol", ResourceType::kExperiment, "7", "EDIT");
  EXPECT_OK(admin_->CreateGrant(As("bob"), Operation::kCreateGrant, for_carol));
  Grant elsewhere = for_carol;
  elsewhere.resource = "8";
  const Status denied = admin_->CreateGrant(As("bob"), Operation::kCreateGrant, elsewhere).status();
  EXPECT_CODE(denied, ErrorCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("needs MANAGE on experiment '8'; user 'bob' has READ"));
  const Grant scorer = MakeGrant(SubjectType::kUser, "carol", ResourceType::kScorer, "7/s", "READ");
  EXPECT_OK(admin_->CreateGrant(As("bob"), Operation::kCreateGrant, scorer));
  const Grant prefix =
      MakeGrant(SubjectType::kUser, "carol", ResourceType::kExperimentPrefix, "team-", "READ");
  EXPECT_CODE(admin_->CreateGrant(As("bob"), Operation::kCreateGrant, prefix),
              ErrorCode::kPermissionDenied);
  EXPECT_OK(admin_->CreateGrant(root_, Operation::kCreateGrant, prefix));
  // Carol (EDIT) may not hand out grants on experiment 7.
  EXPECT_CODE(admin_->UpdateGrant(As("carol"), Operation::kUpdateGrant, for_carol),
              ErrorCode::kPermissionDenied);
  for (const char* bad : {"PROMOTE", "WEBHOOKS"}) {
    Grant wrong_kind = for_carol;
    ASSERT_TRUE(SetGrantPermission(bad, wrong_kind));
    EXPECT_CODE(admin_->CreateGrant(root_, Operation::kCreateGrant, wrong_kind),
                ErrorCode::kInvalidParameterValue);
  }
  for (const auto& [type, resource] :
       std::vector<std::pair<ResourceType, std::string>>{{ResourceType::kExperiment, ""},
                                                         {ResourceType::kExperiment, "1/2"},
                                                         {ResourceType::kExperimentPrefix, ""},
                                                         {ResourceType::kScorer, "7"},
                                                         {ResourceType::kScorer, "/s"},
                                                         {ResourceType::kScorer, "7/"}}) {
    SCOPED_TRACE(resource);
    Grant bad = for_carol;
    bad.resource_type = type;
    bad.resource = resource;
    EXPECT_CODE(admin_->CreateGrant(root_, Operation::kCreateGrant, bad),
                ErrorCode::kInvalidParameterValue);
  }
}

}  // namespace
}  // namespace modelwarden
