// AccessAdmin's experiment and scorer permissions on every backend (SQLite in memory and in a
// file, MariaDB when configured): MLflow's create/get/update/delete with its errors, who may
// call them (MANAGE on the experiment through exact, prefix and group grants, or admin), the
// epoch and the cache (a new grant shows at once), the audit entries, and the after-request
// hooks (the creator's MANAGE, the scorer cascade).

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "enforcement/access/access_admin.h"
#include "enforcement/access/access_control.h"
#include "enforcement/access/password_hash.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::FakeClock;
using ::modelwarden::testing::MakeGrant;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The tracker's experiment names, as a map; `unavailable` makes every lookup fail.
class FakeExperimentNames final : public ExperimentNames {
 public:
  Result<std::string> NameOf(const std::string& experiment_id) override {
    ++lookups;
    if (unavailable) return Status::Unavailable("The tracker is down.");
    auto it = names.find(experiment_id);
    if (it == names.end()) {
      return Status::NotFound("No experiment with id=" + experiment_id);
    }
    return it->second;
  }
  std::map<std::string, std::string> names;
  bool unavailable = false;
  int lookups = 0;
};

CallContext As(const std::string& user) {
  CallContext ctx;
  ctx.request_id = "req-" + user;
  ctx.principal = Principal::User(user);
  return ctx;
}

class ExperimentAdminTest : public ::modelwarden::testing::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    AuthOptions options;
    options.enabled = true;
    options.default_permission = Permission::kRead;
    options.password_iterations = 1000;
    access_ = std::make_unique<AccessControl>(auth(), clock_, options);
    admin_ = std::make_unique<AccessAdmin>(auth(), *stores_.models, *access_, clock_);
    ASSERT_OK(auth().CreateUser("root", HashPassword("x", 1000), true));
    for (const char* user : {"bob", "carol", "dave"}) {
      ASSERT_OK(auth().CreateUser(user, HashPassword("x", 1000), false));
    }
    ASSERT_OK(auth().CreateGroup("team"));
    ASSERT_OK(auth().AddGroupMember("team", "dave"));
  }

  AuthStore& auth() { return *stores_.auth; }

  void AddGrant(SubjectType type, const std::string& subject, ResourceType resource_type,
                const std::string& resource, const std::string& permission) {
    ASSERT_OK(auth().CreateGrant(MakeGrant(type, subject, resource_type, resource, permission)));
  }

  std::vector<AuditEvent> Audit(const std::string& operation) {
    AuditQuery query;
    query.operation = operation;
    auto page = stores_.models->SearchAuditEvents(query);
    EXPECT_OK(page);
    return page.ok() ? page->items : std::vector<AuditEvent>{};
  }

  const CallContext root_ = As("root");
  FakeClock clock_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<AccessAdmin> admin_;
};

TEST_P(ExperimentAdminTest, ExperimentPermissionsAsMlflow) {
  Result<Grant> created =
      admin_->CreateExperimentPermission(root_, "exp1", "bob", Permission::kRead);
  ASSERT_OK(created);
  EXPECT_EQ(created->resource_type, ResourceType::kExperiment);
  EXPECT_EQ(created->resource, "exp1");
  EXPECT_EQ(created->subject_id, auth().GetUser("bob")->id);
  EXPECT_EQ(created->permission, Permission::kRead);

  Result<Grant> duplicate =
      admin_->CreateExperimentPermission(root_, "exp1", "bob", Permission::kEdit);
  EXPECT_CODE(duplicate, ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(duplicate.status().message(),
            "Experiment permission (experiment_id=exp1, username=bob) already exists.");
  Result<Grant> ghost =
      admin_->CreateExperimentPermission(root_, "exp1", "ghost", Permission::kRead);
  EXPECT_CODE(ghost, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(ghost.status().message(), "User with username=ghost not found");

  EXPECT_EQ(admin_->GetExperimentPermission(root_, "exp1", "bob")->permission, Permission::kRead);
  ASSERT_OK(admin_->UpdateExperimentPermission(root_, "exp1", "bob", Permission::kEdit));
  ASSERT_OK(admin_->UpdateExperimentPermission(root_, "exp1", "bob", Permission::kEdit));
  EXPECT_EQ(admin_->GetExperimentPermission(root_, "exp1", "bob")->permission, Permission::kEdit);
  ASSERT_OK(admin_->DeleteExperimentPermission(root_, "exp1", "bob"));

  Result<Grant> missing = admin_->GetExperimentPermission(root_, "exp1", "bob");
  EXPECT_CODE(missing, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(missing.status().message(),
            "Experiment permission with experiment_id=exp1 and username=bob not found");
  EXPECT_CODE(admin_->UpdateExperimentPermission(root_, "exp1", "bob", Permission::kRead),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(admin_->DeleteExperimentPermission(root_, "exp1", "bob"),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(admin_->GetExperimentPermission(root_, "exp1", "ghost"),
              ErrorCode::kResourceDoesNotExist);
  // Ids with '/' would not survive as a scorer's resource; MLflow's ids are numbers.
  EXPECT_CODE(admin_->CreateExperimentPermission(root_, "1/2", "bob", Permission::kRead),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(admin_->CreateExperimentPermission(root_, "", "bob", Permission::kRead),
              ErrorCode::kInvalidParameterValue);
  Result<std::vector<Grant>> left = auth().ListGrants({});
  ASSERT_OK(left);
  EXPECT_TRUE(left->empty());
}

TEST_P(ExperimentAdminTest, ScorerPermissionsAsMlflow) {
  ASSERT_OK(admin_->CreateScorerPermission(root_, "7", "rel/v2", "bob", Permission::kRead));
  Result<Grant> duplicate =
      admin_->CreateScorerPermission(root_, "7", "rel/v2", "bob", Permission::kRead);
  EXPECT_CODE(duplicate, ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(duplicate.status().message(),
            "Scorer permission (experiment_id=7, scorer_name=rel/v2, username=bob) already "
            "exists.");
  ASSERT_OK(admin_->UpdateScorerPermission(root_, "7", "rel/v2", "bob", Permission::kManage));
  Result<Grant> got = admin_->GetScorerPermission(root_, "7", "rel/v2", "bob");
  ASSERT_OK(got);
  EXPECT_EQ(got->resource, "7/rel/v2");
  EXPECT_EQ(got->permission, Permission::kManage);
  ASSERT_OK(admin_->DeleteScorerPermission(root_, "7", "rel/v2", "bob"));
  Result<Grant> missing = admin_->GetScorerPermission(root_, "7", "rel/v2", "bob");
  EXPECT_CODE(missing, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(missing.status().message(),
            "Scorer permission with experiment_id=7, scorer_name=rel/v2, and username=bob not "
            "found");
  EXPECT_CODE(admin_->CreateScorerPermission(root_, "7", "", "bob", Permission::kRead),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(admin_->CreateScorerPermission(root_, "7", "s", "ghost", Permission::kRead),
              ErrorCode::kResourceDoesNotExist);
}

// MLflow's validate_can_manage_experiment: MANAGE on the experiment, here through the user's
// own grant, a group's, or a prefix of the experiment's name; or admin.
TEST_P(ExperimentAdminTest, OnlyManagersAndAdminsManageAnExperimentsPermissions) {
  FakeExperimentNames names;
  names.names = {{"1", "team-a"}, {"2", "other"}};
  admin_->SetExperimentNames(&names);
  AddGrant(SubjectType::kUser, "bob", ResourceType::kExperiment, "1", "MANAGE");
  AddGrant(SubjectType::kUser, "carol", ResourceType::kExperiment, "1", "EDIT");
  AddGrant(SubjectType::kGroup, "team", ResourceType::kExperimentPrefix, "team-", "MANAGE");

  // Default READ, EDIT: refused, for every operation; the refusal names what is missing.
  Status refused =
      admin_->CreateExperimentPermission(As("carol"), "1", "carol", Permission::kManage).status();
  EXPECT_CODE(refused, ErrorCode::kPermissionDenied);
  EXPECT_THAT(refused.message(),
              HasSubstr("CreateExperimentPermission needs MANAGE on experiment '1'; user "
                        "'carol' has EDIT (from grant to user carol on experiment 1)"));
  EXPECT_CODE(admin_->GetExperimentPermission(As("carol"), "1", "bob"),
              ErrorCode::kPermissionDenied);
  EXPECT_CODE(admin_->UpdateExperimentPermission(As("carol"), "1", "carol", Permission::kManage),
              ErrorCode::kPermissionDenied);
  EXPECT_CODE(admin_->DeleteExperimentPermission(As("carol"), "1", "bob"),
              ErrorCode::kPermissionDenied);
  EXPECT_CODE(admin_->CreateExperimentPermission(As("bob"), "2", "carol", Permission::kRead),
              ErrorCode::kPermissionDenied);
  EXPECT_EQ(admin_->GetExperimentPermission(root_, "1", "carol")->permission, Permission::kEdit)
      << "refusals changed nothing";

  // Bob's own MANAGE; Dave's through his group's grant on the name prefix.
  ASSERT_OK(admin_->UpdateExperimentPermission(As("bob"), "1", "carol", Permission::kRead));
  EXPECT_OK(admin_->GetExperimentPermission(As("dave"), "1", "carol"));
  ASSERT_OK(admin_->CreateExperimentPermission(As("dave"), "1", "dave", Permission::kEdit));
  EXPECT_GT(names.lookups, 0);
  // Dave's own grant is more specific than the prefix: he has EDIT on 1 now.
  EXPECT_CODE(admin_->DeleteExperimentPermission(As("dave"), "1", "carol"),
              ErrorCode::kPermissionDenied);
  EXPECT_CODE(admin_->CreateExperimentPermission(As("dave"), "2", "dave", Permission::kRead),
              ErrorCode::kPermissionDenied);  // "other" is not under "team-".
  EXPECT_CODE(admin_->DeleteExperimentPermission(root_, "2", "dave"),
              ErrorCode::kResourceDoesNotExist);
  ASSERT_OK(admin_->CreateExperimentPermission(root_, "2", "carol", Permission::kRead));

  // An experiment the tracker does not know has no name: the prefix grant does not count.
  EXPECT_CODE(admin_->GetExperimentPermission(As("dave"), "3", "carol"),
              ErrorCode::kPermissionDenied);
  names.names["3"] = "team-b";
  EXPECT_CODE(admin_->GetExperimentPermission(As("dave"), "3", "carol"),
              ErrorCode::kResourceDoesNotExist);  // Allowed; there is no such grant.
  // A caller who may need the name, while the tracker cannot be asked.
  names.unavailable = true;
  EXPECT_CODE(admin_->GetExperimentPermission(As("dave"), "3", "carol"),
              ErrorCode::kTemporarilyUnavailable);
  // One who holds no prefix grant is never held up by it.
  EXPECT_OK(admin_->GetExperimentPermission(As("bob"), "1", "carol"));
  // Names unknown altogether: prefix grants never count.
  admin_->SetExperimentNames(nullptr);
  EXPECT_CODE(admin_->GetExperimentPermission(As("dave"), "3", "carol"),
              ErrorCode::kPermissionDenied);
}

// validate_can_manage_scorer_permission: MANAGE on the scorer, which without a grant of its
// own is its experiment's.
TEST_P(ExperimentAdminTest, ScorerPermissionsNeedManageOnTheScorer) {
  AddGrant(SubjectType::kUser, "bob", ResourceType::kExperiment, "7", "MANAGE");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kScorer, "7/locked", "READ");
  AddGrant(SubjectType::kUser, "carol", ResourceType::kScorer, "7/mine", "MANAGE");
  EXPECT_OK(admin_->CreateScorerPermission(As("bob"), "7", "s", "carol", Permission::kRead));
  const Status locked =
      admin_->CreateScorerPermission(As("bob"), "7", "locked", "carol", Permission::kRead).status();
  EXPECT_CODE(locked, ErrorCode::kPermissionDenied);
  EXPECT_THAT(locked.message(), HasSubstr("needs MANAGE on scorer 'locked' of experiment '7'"));
  EXPECT_OK(admin_->CreateScorerPermission(As("carol"), "7", "mine", "dave", Permission::kEdit));
  EXPECT_CODE(admin_->CreateScorerPermission(As("carol"), "7", "s", "dave", Permission::kEdit),
              ErrorCode::kPermissionDenied);
  EXPECT_OK(admin_->CreateScorerPermission(root_, "7", "locked", "dave", Permission::kEdit));
}

// Each change bumps the epoch in its unit of work and drops the caches: the cached profile of
// ExperimentAccessFor sees a new grant at once.
TEST_P(ExperimentAdminTest, ACachedProfileSeesANewGrantAtOnce) {
  Result<ExperimentAccess> before = access_->ExperimentAccessFor(Principal::User("carol"));
  ASSERT_OK(before);
  EXPECT_EQ(before->ForExperiment("5", "").permission, Permission::kRead);
  const int64_t epoch = *auth().AccessEpoch();
  ASSERT_OK(admin_->CreateExperimentPermission(root_, "5", "carol", Permission::kNoPermissions));
  EXPECT_GT(*auth().AccessEpoch(), epoch);
  Result<ExperimentAccess> after = access_->ExperimentAccessFor(Principal::User("carol"));
  ASSERT_OK(after);
  EXPECT_EQ(after->ForExperiment("5", "").permission, Permission::kNoPermissions);
  ASSERT_OK(admin_->UpdateExperimentPermission(root_, "5", "carol", Permission::kManage));
  EXPECT_EQ(
      access_->ExperimentAccessFor(Principal::User("carol"))->ForExperiment("5", "").permission,
      Permission::kManage);
  ASSERT_OK(admin_->DeleteExperimentPermission(root_, "5", "carol"));
  EXPECT_EQ(
      access_->ExperimentAccessFor(Principal::User("carol"))->ForExperiment("5", "").permission,
      Permission::kRead);
  // The old snapshot is a value: it keeps deciding as it did.
  EXPECT_EQ(before->ForExperiment("5", "").permission, Permission::kRead);
}

TEST_P(ExperimentAdminTest, ChangesAndRefusalsAreAudited) {
  ASSERT_OK(admin_->CreateExperimentPermission(root_, "9", "bob", Permission::kEdit));
  EXPECT_CODE(admin_->CreateExperimentPermission(As("bob"), "9", "carol", Permission::kRead),
              ErrorCode::kPermissionDenied);
  ASSERT_OK(admin_->CreateScorerPermission(root_, "9", "s", "bob", Permission::kRead));
  const std::vector<AuditEvent> created = Audit("CreateExperimentPermission");
  ASSERT_EQ(created.size(), 2u);
  // Newest first: bob's refusal, then root's grant.
  EXPECT_EQ(created[0].principal, "bob");
  EXPECT_EQ(created[0].outcome, AuditOutcome::kDenied);
  EXPECT_EQ(created[0].after, "READ on experiment 9 to user carol");
  ASSERT_EQ(created[0].checks.size(), 1u);
  EXPECT_THAT(created[0].checks[0].message, HasSubstr("needs MANAGE on experiment '9'"));
  EXPECT_EQ(created[1].principal, "root");
  EXPECT_EQ(created[1].request_id, "req-root");
  EXPECT_EQ(created[1].outcome, AuditOutcome::kAllowed);
  EXPECT_EQ(created[1].after, "EDIT on experiment 9 to user bob");
  const std::vector<AuditEvent> scorer = Audit("CreateScorerPermission");
  ASSERT_EQ(scorer.size(), 1u);
  EXPECT_EQ(scorer[0].after, "READ on scorer 9/s to user bob");
}

// MLflow's after-request hooks: the creator's MANAGE (kept as it is when they hold a grant),
// nothing for system or anonymous principals, and a deleted scorer's grants going with it.
TEST_P(ExperimentAdminTest, CreatorsGetManageAndDeletedScorersTakeTheirGrants) {
  ASSERT_OK(admin_->GrantExperimentCreator(Principal::User("bob"), "11"));
  EXPECT_EQ(admin_->GetExperimentPermission(root_, "11", "bob")->permission, Permission::kManage);
  ASSERT_OK(admin_->CreateExperimentPermission(root_, "12", "carol", Permission::kRead));
  ASSERT_OK(admin_->GrantExperimentCreator(Principal::User("carol"), "12"));
  EXPECT_EQ(admin_->GetExperimentPermission(root_, "12", "carol")->permission, Permission::kRead);
  ASSERT_OK(admin_->GrantExperimentCreator(Principal::System("retention"), "13"));
  ASSERT_OK(admin_->GrantExperimentCreator(Principal(), "13"));
  EXPECT_CODE(admin_->GrantExperimentCreator(Principal::User("ghost"), "13"),
              ErrorCode::kResourceDoesNotExist);
  const std::vector<AuditEvent> hooks = Audit("CreateExperimentPermission");
  ASSERT_GE(hooks.size(), 2u);
  EXPECT_EQ(hooks.back().principal, "bob");
  EXPECT_EQ(hooks.back().after, "MANAGE on experiment 11 to user bob (creator)");

  ASSERT_OK(admin_->GrantScorerCreator(Principal::User("bob"), "11", "rel"));
  ASSERT_OK(admin_->GrantScorerCreator(Principal::User("bob"), "11", "rel"));  // Idempotent.
  ASSERT_OK(admin_->CreateScorerPermission(root_, "11", "rel", "carol", Permission::kRead));
  AddGrant(SubjectType::kGroup, "team", ResourceType::kScorer, "11/rel", "EDIT");
  ASSERT_OK(admin_->CreateScorerPermission(root_, "11", "other", "carol", Permission::kRead));
  ASSERT_OK(admin_->DeleteScorerGrants("11", "rel"));
  ASSERT_OK(admin_->DeleteScorerGrants("11", "rel"));  // None left: not an error.
  GrantQuery scorers;
  scorers.resource_type = ResourceType::kScorer;
  Result<std::vector<Grant>> left = auth().ListGrants(scorers);
  ASSERT_OK(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].resource, "11/other");
  const std::vector<AuditEvent> cascade = Audit("DeleteScorerPermission");
  ASSERT_EQ(cascade.size(), 2u);
  EXPECT_EQ(cascade[0].principal, "tracker");
  EXPECT_EQ(cascade[0].after, "every grant on scorer 11/rel");
  // The experiment's grants were not the scorer's.
  EXPECT_EQ(admin_->GetExperimentPermission(root_, "11", "bob")->permission, Permission::kManage);
}

// Several servers' hooks for one creation (or a retried request) race: each runs alone on the
// access epoch, so one grants and the others find the grant; nobody sees an error.
TEST_P(ExperimentAdminTest, ConcurrentCreatorHooksGrantOnce) {
  constexpr int kThreads = 8;
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      results[i] = i % 2 == 0 ? admin_->GrantExperimentCreator(Principal::User("bob"), "21")
                              : admin_->GrantScorerCreator(Principal::User("bob"), "21", "s");
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Status& result : results) EXPECT_OK(result);
  Result<std::vector<Grant>> grants = auth().ListGrants({});
  ASSERT_OK(grants);
  ASSERT_EQ(grants->size(), 2u);
  EXPECT_EQ((*grants)[0].resource, "21");
  EXPECT_EQ((*grants)[1].resource, "21/s");
  EXPECT_EQ(Audit("CreateExperimentPermission").size(), static_cast<size_t>(kThreads / 2));
}

// MLflow's User.to_json lists the user's experiment and scorer permissions.
TEST_P(ExperimentAdminTest, GetUserListsExperimentAndScorerPermissions) {
  ASSERT_OK(admin_->CreateExperimentPermission(root_, "1", "bob", Permission::kEdit));
  ASSERT_OK(admin_->CreateScorerPermission(root_, "1", "s", "bob", Permission::kRead));
  AddGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "READ");
  AddGrant(SubjectType::kUser, "bob", ResourceType::kExperimentPrefix, "p", "READ");
  AddGrant(SubjectType::kGroup, "team", ResourceType::kExperiment, "2", "READ");
  Result<UserView> view = admin_->GetUser(As("bob"), "bob");
  ASSERT_OK(view);
  ASSERT_EQ(view->experiment_grants.size(), 1u);
  EXPECT_EQ(view->experiment_grants[0].resource, "1");
  ASSERT_EQ(view->scorer_grants.size(), 1u);
  EXPECT_EQ(view->scorer_grants[0].resource, "1/s");
  ASSERT_EQ(view->model_grants.size(), 1u);
  EXPECT_EQ(view->model_grants[0].resource, "m");
}

INSTANTIATE_TEST_SUITE_P(Backends, ExperimentAdminTest,
                         ::testing::ValuesIn(::modelwarden::testing::AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
