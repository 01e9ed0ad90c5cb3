// A unit of work against an access change running at the same time, on every backend with a
// second connection (a SQLite file, MariaDB): a change authorized on grants that a concurrent
// access change revokes must not commit after that revocation. On SQLite the writer lock
// orders the two; on MySQL the unit of work reads the access epoch (and the grants) without a
// lock, under READ COMMITTED, so it decides on the grants as they were before an access change
// that is still open, and a change that then waits for that access change (here a rename,
// which moves grants and so bumps the epoch) commits after it anyway.

#include <chrono>
#include <future>
#include <thread>

#include "enforcement/access/access_control.h"
#include "enforcement/enforcing_governor.h"
#include "enforcement/policy/policy_holder.h"
#include "registry/registry_service.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::FakeClock;
using ::modelwarden::testing::MakeGrant;

class ConcurrentRevocationTest : public ::modelwarden::testing::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (GetParam() == Backend::kSqliteMemory) {
      GTEST_SKIP() << "one connection: a second transaction cannot be held open";
    }
    AuthOptions options;
    options.enabled = true;
    options.default_permission = Permission::kNoPermissions;
    options.password_iterations = 1000;
    access_ = std::make_unique<AccessControl>(*stores_.auth, clock_, options, stores_.models.get());
    governor_ = std::make_unique<EnforcingGovernor>(policy_, *access_, *stores_.models);
    registry_ = std::make_unique<RegistryService>(*stores_.models, *governor_, clock_);
  }

  static CallContext As(Principal principal) {
    CallContext ctx;
    ctx.request_id = "test";
    ctx.principal = std::move(principal);
    return ctx;
  }

  FakeClock clock_;
  PolicyHolder policy_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<EnforcingGovernor> governor_;
  std::unique_ptr<RegistryService> registry_;
};

TEST_P(ConcurrentRevocationTest, AChangeDecidedBeforeARevocationDoesNotCommitAfterIt) {
  ASSERT_OK(stores_.auth->CreateUser("bob", "hash", /*is_admin=*/false));
  const Grant grant = MakeGrant(SubjectType::kUser, "bob", ResourceType::kPrefix, "p.", "MANAGE");
  ASSERT_OK(stores_.auth->CreateGrant(grant));
  ASSERT_OK(registry_->CreateRegisteredModel(As(Principal::System("setup")), {"p.m", "", {}}));
  const CallContext bob = As(Principal::User("bob"));
  ASSERT_OK(registry_->SetRegisteredModelTag(bob, "p.m", {"k", "v"}));  // Allowed, and cached.

  // Another server revokes bob's prefix grant; its transaction stays open while bob renames.
  auto other = database_->OpenStores();
  ASSERT_OK(other);
  std::promise<void> held;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::thread revoker([&] {
    bool signalled = false;
    const Status revoked = other->models->Write({}, [&](WriteTxn& txn) -> Status {
      RETURN_IF_ERROR(txn.auth().DeleteGrant(grant));
      if (!signalled) {
        signalled = true;
        held.set_value();
      }
      released.wait();
      return Status::Ok();
    });
    EXPECT_OK(revoked);
  });
  held.get_future().wait();
  auto renamed = std::async(std::launch::async,
                            [&] { return registry_->RenameRegisteredModel(bob, "p.m", "p.n"); });
  // Far more than the rename needs to decide and reach what the revocation holds.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  release.set_value();
  revoker.join();
  const Result<Written<RegisteredModel>> result = renamed.get();

  // The revocation committed first; a rename that commits after it was made without a grant.
  EXPECT_CODE(result, ErrorCode::kPermissionDenied);
  EXPECT_OK(registry_->GetRegisteredModel(As(Principal::System("check")), "p.m"));
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrentRevocationTest,
                         ::testing::ValuesIn(::modelwarden::testing::AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
