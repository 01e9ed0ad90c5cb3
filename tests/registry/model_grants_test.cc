// Grants on a model follow the model, in the model's own unit of work, on every available
// backend: the creator gets MANAGE, a rename moves every grant on the name, a delete removes
// them; prefix grants are never touched.

#include <string>
#include <vector>

#include "registry/auth_store.h"
#include "registry/registry_service.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::MakeGrant;

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::TestDatabase;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

class ModelGrantsTest : public ::modelwarden::testing::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    for (const char* user : {"alice", "bob"}) {
      ASSERT_OK(stores_.auth->CreateUser(user, "h", false));
    }
    ASSERT_OK(stores_.auth->CreateGroup("team"));
    service_ = std::make_unique<RegistryService>(*stores_.models, permit_all_, clock_);
  }

  // A call by `user`, or anonymous (authentication off) when empty.
  static CallContext As(const std::string& user = "") {
    CallContext ctx;
    if (!user.empty()) ctx.principal = Principal::User(user);
    return ctx;
  }

  void CreateModel(const std::string& name, const std::string& creator = "") {
    ASSERT_OK(service_->CreateRegisteredModel(As(creator), {name, "", {}}));
  }

  void AddGrant(SubjectType subject_type, const std::string& subject, ResourceType resource_type,
                const std::string& resource, const std::string& permission) {
    ASSERT_OK(stores_.auth->CreateGrant(
        MakeGrant(subject_type, subject, resource_type, resource, permission)));
  }

  // Every grant as "<u|g>:<subject> <resource type>:<resource> <permission>", in ListGrants
  // order.
  std::vector<std::string> AllGrants() {
    auto grants = stores_.auth->ListGrants({});
    EXPECT_OK(grants);
    std::vector<std::string> out;
    if (!grants.ok()) return out;
    for (const Grant& g : *grants) {
      out.push_back(std::string(g.subject_type == SubjectType::kUser ? "u:" : "g:") +
                    g.subject_name + " " + std::string(ResourceTypeName(g.resource_type)) + ":" +
                    g.resource + " " + std::string(GrantPermissionName(g)));
    }
    return out;
  }

  ::modelwarden::testing::FakeClock clock_;
  PermitAll permit_all_;
  std::unique_ptr<RegistryService> service_;
};

TEST_P(ModelGrantsTest, CreatorGetsManage) {
  CreateModel("m", "alice");
  EXPECT_THAT(AllGrants(), ElementsAre("u:alice model:m MANAGE"));
  // No creator, or a creator who is no user (auth off): no grant, and no failure.
  CreateModel("anonymous");
  CreateModel("ghost", "nobody");
  EXPECT_THAT(AllGrants(), ElementsAre("u:alice model:m MANAGE"));
}

TEST_P(ModelGrantsTest, CreatorsEarlierGrantOnTheNameGivesWayToManage) {
  AddGrant(SubjectType::kUser, "alice", ResourceType::kModel, "m", "READ");
  AddGrant(SubjectType::kUser, "alice", ResourceType::kModel, "m", "PROMOTE");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "EDIT");
  CreateModel("m", "alice");
  EXPECT_THAT(AllGrants(), ElementsAre("u:alice model:m MANAGE", "u:alice model:m PROMOTE",
                                       "u:bob model:m EDIT"));
}

TEST_P(ModelGrantsTest, FailedCreateGrantsNothing) {
  CreateModel("m", "alice");
  EXPECT_CODE(service_->CreateRegisteredModel(As("bob"), {"m", "", {}}),
              ErrorCode::kResourceAlreadyExists);
  EXPECT_THAT(AllGrants(), ElementsAre("u:alice model:m MANAGE"));
}

TEST_P(ModelGrantsTest, RenameMovesEveryGrantOnTheModel) {
  CreateModel("fraud.a", "alice");
  AddGrant(SubjectType::kUser, "alice", ResourceType::kModel, "fraud.a", "PROMOTE");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kModel, "fraud.a", "READ");
  AddGrant(SubjectType::kGroup, "team", ResourceType::kModel, "fraud.a", "EDIT");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kPrefix, "fraud.a", "EDIT");
  AddGrant(SubjectType::kGroup, "team", ResourceType::kPrefix, "fraud.", "READ");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kModel, "fraud.other", "MANAGE");

  ASSERT_OK(service_->RenameRegisteredModel(As(), "fraud.a", "risk.a"));
  EXPECT_THAT(AllGrants(),
              ElementsAre("u:alice model:risk.a MANAGE", "u:alice model:risk.a PROMOTE",
                          "u:bob model:fraud.other MANAGE", "u:bob model:risk.a READ",
                          "u:bob prefix:fraud.a EDIT", "g:team model:risk.a EDIT",
                          "g:team prefix:fraud. READ"));
}

TEST_P(ModelGrantsTest, RenameReplacesTheSameSubjectsGrantOnTheNewName) {
  CreateModel("old", "alice");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kModel, "old", "READ");
  // Left on a name no model has: bob's and alice's give way to theirs on the renamed model;
  // the group's has no counterpart and stays; alice's PROMOTE is another kind and stays too.
  AddGrant(SubjectType::kUser, "alice", ResourceType::kModel, "new", "NO_PERMISSIONS");
  AddGrant(SubjectType::kUser, "alice", ResourceType::kModel, "new", "PROMOTE");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kModel, "new", "MANAGE");
  AddGrant(SubjectType::kGroup, "team", ResourceType::kModel, "new", "READ");

  ASSERT_OK(service_->RenameRegisteredModel(As(), "old", "new"));
  EXPECT_THAT(AllGrants(), ElementsAre("u:alice model:new MANAGE", "u:alice model:new PROMOTE",
                                       "u:bob model:new READ", "g:team model:new READ"));
}

TEST_P(ModelGrantsTest, FailedRenameMovesNothing) {
  CreateModel("a", "alice");
  CreateModel("b", "bob");
  EXPECT_CODE(service_->RenameRegisteredModel(As(), "a", "b"), ErrorCode::kResourceAlreadyExists);
  EXPECT_THAT(AllGrants(), ElementsAre("u:alice model:a MANAGE", "u:bob model:b MANAGE"));
}

TEST_P(ModelGrantsTest, DeleteRemovesEveryGrantOnTheModelOnly) {
  CreateModel("fraud.a", "alice");
  CreateModel("fraud.b", "alice");
  AddGrant(SubjectType::kUser, "alice", ResourceType::kModel, "fraud.a", "PROMOTE");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kModel, "fraud.a", "READ");
  AddGrant(SubjectType::kGroup, "team", ResourceType::kModel, "fraud.a", "EDIT");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kPrefix, "fraud.a", "EDIT");
  AddGrant(SubjectType::kGroup, "team", ResourceType::kPrefix, "fraud.", "READ");

  ASSERT_OK(service_->DeleteRegisteredModel(As(), "fraud.a"));
  EXPECT_THAT(AllGrants(), ElementsAre("u:alice model:fraud.b MANAGE", "u:bob prefix:fraud.a EDIT",
                                       "g:team prefix:fraud. READ"));
  // A new model of the name starts with only its creator's grant.
  CreateModel("fraud.a", "bob");
  GrantQuery on_a;
  on_a.resource_type = ResourceType::kModel;
  on_a.resource = "fraud.a";
  auto grants = stores_.auth->ListGrants(on_a);
  ASSERT_OK(grants);
  ASSERT_EQ(grants->size(), 1u);
  EXPECT_EQ((*grants)[0].subject_name, "bob");
  EXPECT_EQ((*grants)[0].permission, Permission::kManage);
}

TEST_P(ModelGrantsTest, FailedDeleteRemovesNothing) {
  AddGrant(SubjectType::kUser, "bob", ResourceType::kModel, "missing", "READ");
  EXPECT_CODE(service_->DeleteRegisteredModel(As(), "missing"), ErrorCode::kResourceDoesNotExist);
  EXPECT_THAT(AllGrants(), ElementsAre("u:bob model:missing READ"));
}

// Grants on experiments and scorers spelled like the model's name are not the model's: its
// creation, rename and deletion leave them as they are.
TEST_P(ModelGrantsTest, ModelChangesLeaveExperimentGrantsAlone) {
  AddGrant(SubjectType::kUser, "alice", ResourceType::kExperiment, "m", "READ");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kExperiment, "m", "EDIT");
  AddGrant(SubjectType::kGroup, "team", ResourceType::kExperimentPrefix, "m", "READ");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kScorer, "m/s", "NO_PERMISSIONS");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kExperiment, "n", "MANAGE");
  const std::vector<std::string> experiment_grants = {
      "u:alice experiment:m READ", "u:bob experiment:m EDIT", "u:bob experiment:n MANAGE",
      "u:bob scorer:m/s NO_PERMISSIONS", "g:team experiment_prefix:m READ"};
  CreateModel("m", "alice");
  std::vector<std::string> expected = experiment_grants;
  expected.insert(expected.begin() + 1, "u:alice model:m MANAGE");
  EXPECT_THAT(AllGrants(), ElementsAreArray(expected));
  ASSERT_OK(service_->RenameRegisteredModel(As(), "m", "n"));
  expected[1] = "u:alice model:n MANAGE";
  EXPECT_THAT(AllGrants(), ElementsAreArray(expected));
  ASSERT_OK(service_->DeleteRegisteredModel(As(), "n"));
  EXPECT_THAT(AllGrants(), ElementsAreArray(experiment_grants));
}

TEST_P(ModelGrantsTest, GrantsFollowByteExactNames) {
  CreateModel("Model", "alice");
  CreateModel("model", "bob");
  ASSERT_OK(service_->RenameRegisteredModel(As(), "Model", "MODEL"));
  EXPECT_THAT(AllGrants(), ElementsAre("u:alice model:MODEL MANAGE", "u:bob model:model MANAGE"));
  ASSERT_OK(service_->DeleteRegisteredModel(As(), "model"));
  EXPECT_THAT(AllGrants(), ElementsAre("u:alice model:MODEL MANAGE"));
  EXPECT_THAT(stores_.auth->LoadAccessProfile("bob")->grants, IsEmpty());
}

// Every change that writes grants moves the access epoch, in its own transaction; changes that
// write none leave it: a unit of work that finds the epoch unchanged may decide on cached grants.
TEST_P(ModelGrantsTest, ChangesThatWriteGrantsMoveTheAccessEpoch) {
  const auto epoch = [&] {
    auto value = stores_.auth->AccessEpoch();
    EXPECT_OK(value);
    return value.ok() ? *value : -1;
  };
  int64_t last = epoch();
  const auto moved = [&] {
    const int64_t now = epoch();
    const bool changed = now > last;
    last = now;
    return changed;
  };
  CreateModel("m", "alice");
  EXPECT_TRUE(moved()) << "the creator's MANAGE";
  ASSERT_OK(service_->CreateModelVersion(As("alice"), {"m", "s3://b/m", "", "", "", {}}));
  ASSERT_OK(service_->SetRegisteredModelTag(As("alice"), "m", {"k", "v"}));
  EXPECT_FALSE(moved()) << "no grant was written";
  ASSERT_OK(service_->RenameRegisteredModel(As(), "m", "n"));
  EXPECT_TRUE(moved()) << "the grants followed the rename";
  AddGrant(SubjectType::kUser, "bob", ResourceType::kModel, "n", "READ");
  EXPECT_TRUE(moved());
  ASSERT_OK(stores_.auth->AddGroupMember("team", "bob"));
  EXPECT_TRUE(moved());
  EXPECT_CODE(stores_.auth->AddGroupMember("team", "bob"), ErrorCode::kResourceAlreadyExists);
  EXPECT_FALSE(moved()) << "a failed change moves nothing";
  ASSERT_OK(service_->DeleteRegisteredModel(As(), "n"));
  EXPECT_TRUE(moved()) << "the grants went with the model";
  // A profile carries the epoch it was read at.
  auto profile = stores_.auth->LoadAccessProfile("bob");
  ASSERT_OK(profile);
  EXPECT_EQ(profile->epoch, last);
}

INSTANTIATE_TEST_SUITE_P(Backends, ModelGrantsTest,
                         ::testing::ValuesIn(::modelwarden::testing::AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
