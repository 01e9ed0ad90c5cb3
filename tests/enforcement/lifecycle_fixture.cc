#include "tests/enforcement/lifecycle_fixture.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "enforcement/access/password_hash.h"

namespace modelwarden::testing {

void LifecycleTest::SetUp() {
  StoresTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(test.begin(), test.end(), '/', '_');
  policy_path_ =
      ::testing::TempDir() + "/lifecycle_" + std::to_string(getpid()) + "_" + test + ".json";
  std::ofstream(policy_path_) << Policy();
  PolicyLoadOptions load;
  load.auth_enabled = true;
  auto holder = PolicyHolder::Load(policy_path_, load);
  ASSERT_OK(holder);
  policy_ = std::move(*holder);
  AuthOptions auth;
  auth.enabled = true;
  auth.password_iterations = 1000;
  auth.cache_seconds = 0;
  access_ = std::make_unique<AccessControl>(*stores_.auth, clock_, auth, stores_.models.get());
  governor_ =
      std::make_unique<EnforcingGovernor>(*policy_, *access_, *stores_.models, nullptr, &clock_);
  registry_ = std::make_unique<RegistryService>(*stores_.models, *governor_, clock_);
  approvals_ = std::make_unique<ApprovalService>(*registry_, *stores_.models, *governor_, *access_,
                                                 *stores_.auth, clock_);
  planner_ = std::make_unique<RetentionPlanner>(*policy_, *stores_.models, clock_);
  runner_ = std::make_unique<RetentionRunner>(*planner_, *registry_, *stores_.models);
  AddUser("root", {}, /*is_admin=*/true);
}

void LifecycleTest::UsePolicy(const std::string& json) {
  std::ofstream(policy_path_, std::ios::trunc) << json;
  ASSERT_OK(policy_->Reload());
}

void LifecycleTest::AddUser(const std::string& username,
                            const std::vector<std::pair<std::string, std::string>>& grants,
                            bool is_admin) {
  ASSERT_OK(stores_.auth->CreateUser(username, HashPassword("password", 1000), is_admin));
  for (const auto& [resource, permission] : grants) {
    const bool prefix = !resource.empty() && resource.back() == '.';
    ASSERT_OK(stores_.auth->CreateGrant(
        MakeGrant(SubjectType::kUser, username,
                  prefix ? ResourceType::kPrefix : ResourceType::kModel, resource, permission)));
  }
}

CallContext LifecycleTest::As(const std::string& username) {
  CallContext ctx;
  ctx.request_id = "test-" + username;
  ctx.principal = Principal::User(username);
  return ctx;
}

CallContext LifecycleTest::System() {
  CallContext ctx;
  ctx.request_id = "test-retention";
  ctx.principal = Principal::System(kRetentionPrincipal);
  return ctx;
}

void LifecycleTest::CreateModel(const std::string& name, int versions,
                                const std::vector<Tag>& tags) {
  ASSERT_OK(registry_->CreateRegisteredModel(As("root"), {name, "", tags}));
  for (int i = 1; i <= versions; ++i) {
    NewModelVersion version{name, "s3://bucket/" + name + "/" + std::to_string(i),
                            "",   "",
                            "",   {{"metrics.auc", "0.9"}}};
    auto created = registry_->CreateModelVersion(As("root"), version);
    ASSERT_OK(created);
    ASSERT_EQ(created->value.version, i);
  }
}

std::vector<AuditEvent> LifecycleTest::Audit(const std::string& model,
                                             const std::string& operation) {
  AuditQuery query;
  query.model_name = model;
  query.operation = operation;
  query.max_results = 1000;
  auto page = stores_.models->SearchAuditEvents(query);
  EXPECT_OK(page);
  return page.ok() ? page->items : std::vector<AuditEvent>{};
}

std::optional<ModelVersion> LifecycleTest::Version(const std::string& name, int64_t version) {
  auto found = registry_->GetModelVersion(As("root"), name, version);
  if (found.status().code() == ErrorCode::kResourceDoesNotExist) return std::nullopt;
  EXPECT_OK(found);
  if (!found.ok()) return std::nullopt;
  return *found;
}

}  // namespace modelwarden::testing
