// EnforcingGovernor deciding for a real RegistryService over a SQLite store: denials write
// nothing and are audited, warnings pass through, aliases mapped to stages run the stage's
// checks, and every change lands in the audit log. The dry run (GovernanceService) answers as
// the change would.

#include "enforcement/enforcing_governor.h"

#include <unistd.h>

#include <fstream>

#include "enforcement/governance_service.h"
#include "registry/registry_service.h"
#include "registry/store_factory.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::FakeClock;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPolicy[] = R"({
  "naming": {"mode": "enforce", "pattern": "^[a-z]+\\.[a-z-]+$", "hint": "<project>.<model>"},
  "requirements": [
    {"id": "owner", "target": "model_tag", "key": "owner", "applies_at": ["staging", "production"]},
    {"id": "data", "mode": "warn", "target": "version_tag", "key": "training_data_version",
     "applies_at": ["registration"]}
  ],
  "model_card": {"mode": "enforce", "production_sections": ["Intended use"]},
  "lifecycle": {"mode": "enforce",
    "allowed_transitions": {"None": ["Staging", "Archived"], "Staging": ["Production", "None", "Archived"],
                            "Production": ["Archived", "Staging"], "Archived": ["None"]},
    "alias_stages": {"champion": "Production"}},
  "gates": [
    {"id": "auc", "stage": "Production", "metric": "metrics.auc", "op": ">=", "threshold": 0.85},
    {"id": "auc-regression", "stage": "Production", "metric": "metrics.auc", "max_regression": 0.01}
  ]
})";

class EnforcingGovernorTest : public ::testing::Test {
 protected:
  void SetUp() override { UsePolicy(kPolicy); }

  void UsePolicy(const std::string& json) {
    // One file per test and process: ctest runs tests in parallel, and one test rewrites it.
    const std::string path = ::testing::TempDir() + "/enforcing_registry_test_" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                             std::to_string(getpid()) + ".json";
    std::ofstream(path) << json;
    auto holder = PolicyHolder::Load(path);
    ASSERT_OK(holder);
    policy_ = std::move(*holder);
    auto stores = OpenStores(StoreOptions{"sqlite:///:memory:", 1, 1000});
    ASSERT_OK(stores);
    stores_ = std::move(*stores);
    access_ = std::make_unique<AccessControl>(*stores_.auth, clock_, AuthOptions{});
    governor_ = std::make_unique<EnforcingGovernor>(*policy_, *access_, *stores_.models);
    service_ = std::make_unique<RegistryService>(*stores_.models, permit_all_, clock_);
    registry_ = std::make_unique<RegistryService>(*stores_.models, *governor_, clock_);
    governance_ = std::make_unique<GovernanceService>(*policy_, *access_, *governor_,
                                                      *stores_.models, *stores_.models, *registry_);
    ctx_.request_id = "test";
  }

  std::vector<AuditEvent> Audit(const std::string& operation = "") {
    AuditQuery query;
    query.operation = operation;
    auto page = governance_->SearchAuditLog(ctx_, query);
    EXPECT_OK(page);
    return page.ok() ? page->items : std::vector<AuditEvent>{};
  }

  // A model with an owner and a version carrying `auc`, promoted to Staging.
  void StagedVersion(const std::string& auc) {
    if (!service_->GetRegisteredModel(ctx_, "fraud.detector").ok()) {
      ASSERT_OK(registry_->CreateRegisteredModel(ctx_, {"fraud.detector", "", {{"owner", "a@b"}}}));
    }
    NewModelVersion version{"fraud.detector",
                            "s3://b/m",
                            "",
                            "",
                            "## Intended use\nfraud\n",
                            {{"metrics.auc", auc}, {"training_data_version", "2025-06"}}};
    auto created = registry_->CreateModelVersion(ctx_, version);
    ASSERT_OK(created);
    ASSERT_OK(registry_->TransitionModelVersionStage(ctx_, "fraud.detector", created->value.version,
                                                     Stage::kStaging, false));
  }

  FakeClock clock_;
  CallContext ctx_;
  PermitAll permit_all_;
  std::unique_ptr<PolicyHolder> policy_;
  Stores stores_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<EnforcingGovernor> governor_;
  std::unique_ptr<RegistryService> service_;  // Ungoverned: what the store holds.
  std::unique_ptr<RegistryService> registry_;
  std::unique_ptr<GovernanceService> governance_;
};

TEST_F(EnforcingGovernorTest, BadNameIsDeniedNothingWrittenAndTheDenialAudited) {
  auto denied = registry_->CreateRegisteredModel(ctx_, {"Fraud/Detector", "", {}});
  EXPECT_CODE(denied, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(denied.status().message(), HasSubstr("[naming.slash]"));
  EXPECT_THAT(denied.status().message(), HasSubstr("[naming.pattern]"));
  EXPECT_THAT(denied.status().message(), HasSubstr("<project>.<model>"));
  EXPECT_CODE(service_->GetRegisteredModel(ctx_, "Fraud/Detector"),
              ErrorCode::kResourceDoesNotExist);
  auto audit = Audit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].outcome, AuditOutcome::kDenied);
  EXPECT_EQ(audit[0].operation, "CreateRegisteredModel");
  EXPECT_EQ(audit[0].principal, "anonymous");
  EXPECT_GT(audit[0].timestamp, 0);
  EXPECT_EQ(audit[0].checks.at(0).rule_id, "naming.slash");
}

TEST_F(EnforcingGovernorTest, RenameIsCheckedToo) {
  ASSERT_OK(registry_->CreateRegisteredModel(ctx_, {"fraud.detector", "", {}}));
  EXPECT_CODE(registry_->RenameRegisteredModel(ctx_, "fraud.detector", "FRAUD"),
              ErrorCode::kInvalidParameterValue);
  EXPECT_OK(service_->GetRegisteredModel(ctx_, "fraud.detector"));
  EXPECT_OK(registry_->RenameRegisteredModel(ctx_, "fraud.detector", "fraud.scorer"));
}

TEST_F(EnforcingGovernorTest, RegistrationWarningsAllowAndAreReturned) {
  ASSERT_OK(registry_->CreateRegisteredModel(ctx_, {"fraud.detector", "", {}}));
  auto created =
      registry_->CreateModelVersion(ctx_, {"fraud.detector", "s3://b/m", "", "", "", {}});
  ASSERT_OK(created);
  ASSERT_EQ(created->warnings.size(), 1u);
  EXPECT_THAT(created->warnings[0], HasSubstr("[data]"));
  auto audit = Audit("CreateModelVersion");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].outcome, AuditOutcome::kWarned);
  EXPECT_EQ(audit[0].version, created->value.version);
  EXPECT_EQ(audit[0].timestamp, created->value.creation_timestamp);
}

TEST_F(EnforcingGovernorTest, PromotionDeniedThenFixedThenAllowed) {
  ASSERT_OK(registry_->CreateRegisteredModel(ctx_, {"fraud.detector", "", {}}));
  ASSERT_OK(registry_->CreateModelVersion(
      ctx_, {"fraud.detector", "s3://b/m", "", "", "", {{"metrics.auc", "0.80"}}}));

  // None -> Production skips Staging, and the model lacks everything Production needs.
  auto denied =
      registry_->TransitionModelVersionStage(ctx_, "fraud.detector", 1, Stage::kProduction, false);
  EXPECT_CODE(denied, ErrorCode::kInvalidParameterValue);
  for (const char* rule :
       {"[lifecycle.transition]", "[owner]", "[model-card.production]", "[auc]"}) {
    EXPECT_THAT(denied.status().message(), HasSubstr(rule));
  }
  EXPECT_EQ(service_->GetModelVersion(ctx_, "fraud.detector", 1)->current_stage, Stage::kNone);

  EXPECT_CODE(
      registry_->TransitionModelVersionStage(ctx_, "fraud.detector", 1, Stage::kStaging, false),
      ErrorCode::kInvalidParameterValue);  // [owner] applies at Staging.
  ASSERT_OK(registry_->SetRegisteredModelTag(ctx_, "fraud.detector", {"owner", "a@b"}));
  ASSERT_OK(
      registry_->TransitionModelVersionStage(ctx_, "fraud.detector", 1, Stage::kStaging, false));
  ASSERT_OK(governance_->SetModelCard(ctx_, "fraud.detector", 1, "## Intended use\nCard fraud.\n"));
  ASSERT_OK(registry_->SetModelVersionTag(ctx_, "fraud.detector", 1, {"metrics.auc", "0.9"}));
  auto promoted =
      registry_->TransitionModelVersionStage(ctx_, "fraud.detector", 1, Stage::kProduction, false);
  ASSERT_OK(promoted);
  EXPECT_EQ(promoted->value.current_stage, Stage::kProduction);

  auto transitions = Audit("TransitionModelVersionStage");
  ASSERT_EQ(transitions.size(), 4u);  // Newest first.
  EXPECT_EQ(transitions[0].outcome, AuditOutcome::kAllowed);
  EXPECT_EQ(transitions[0].before, "stage=Staging");
  EXPECT_EQ(transitions[0].after, "stage=Production");
  EXPECT_EQ(transitions[3].outcome, AuditOutcome::kDenied);
}

TEST_F(EnforcingGovernorTest, ChampionAliasRunsTheProductionGateWithRegression) {
  StagedVersion("0.90");
  ASSERT_OK(registry_->SetRegisteredModelAlias(ctx_, "fraud.detector", "champion", 1));
  StagedVersion("0.87");  // Passes the 0.85 threshold but is 0.03 worse than the champion.
  auto denied = registry_->SetRegisteredModelAlias(ctx_, "fraud.detector", "champion", 2);
  EXPECT_CODE(denied, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(denied.status().message(), HasSubstr("[auc-regression]"));
  EXPECT_THAT(denied.status().message(), HasSubstr("counts as Production"));
  EXPECT_EQ(service_->GetModelVersionByAlias(ctx_, "fraud.detector", "champion")->version, 1);
  // Unmapped aliases are not promotions.
  EXPECT_OK(registry_->SetRegisteredModelAlias(ctx_, "fraud.detector", "candidate", 2));
  StagedVersion("0.95");
  EXPECT_OK(registry_->SetRegisteredModelAlias(ctx_, "fraud.detector", "champion", 3));
}

TEST_F(EnforcingGovernorTest, DryRunReportsEveryCheckAndWritesNothing) {
  StagedVersion("0.80");
  PromotionTarget target;
  target.alias = "champion";
  auto report = governance_->CheckPromotion(ctx_, "fraud.detector", 1, target);
  ASSERT_OK(report);
  EXPECT_FALSE(report->allowed);
  EXPECT_EQ(report->stage, Stage::kProduction);
  std::vector<std::string> outcomes;
  for (const CheckResult& c : report->checks) {
    outcomes.push_back(c.rule_id + ":" + std::string(CheckOutcomeName(OutcomeOf(c))));
  }
  EXPECT_THAT(outcomes, ElementsAre("owner:passed", "model-card.production:passed", "auc:failed",
                                    "auc-regression:passed"));
  const size_t audited = Audit().size();
  target.alias.clear();
  target.stage = Stage::kArchived;
  auto archive = governance_->CheckPromotion(ctx_, "fraud.detector", 1, target);
  ASSERT_OK(archive);
  EXPECT_TRUE(archive->allowed);
  EXPECT_EQ(Audit().size(), audited);
  EXPECT_CODE(governance_->CheckPromotion(ctx_, "fraud.detector", 9, target),
              ErrorCode::kResourceDoesNotExist);
}

TEST_F(EnforcingGovernorTest, WithoutAPolicyEverythingPassesAndIsAudited) {
  PolicyHolder empty;
  EnforcingGovernor governor(empty, *access_, *stores_.models);
  RegistryService plain(*stores_.models, governor, clock_);
  ASSERT_OK(plain.CreateRegisteredModel(ctx_, {"Any/Name", "", {}}));
  auto created = plain.CreateModelVersion(ctx_, {"Any/Name", "s3://b/m", "", "", "", {}});
  ASSERT_OK(created);
  EXPECT_THAT(created->warnings, IsEmpty());
  ASSERT_OK(plain.TransitionModelVersionStage(ctx_, "Any/Name", 1, Stage::kProduction, false));
  auto audit = Audit();
  ASSERT_EQ(audit.size(), 3u);
  for (const AuditEvent& e : audit) EXPECT_EQ(e.outcome, AuditOutcome::kAllowed);
}

TEST_F(EnforcingGovernorTest, MissingTargetsKeepMlflowErrors) {
  EXPECT_CODE(
      registry_->TransitionModelVersionStage(ctx_, "fraud.detector", 1, Stage::kStaging, false),
      ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(registry_->SetRegisteredModelAlias(ctx_, "fraud.detector", "champion", 1),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_THAT(Audit(), IsEmpty());  // Nothing changed, nothing was denied by policy.
}

TEST_F(EnforcingGovernorTest, RepeatedTagKeysAreJudgedByTheValueThatIsStored) {
  ASSERT_OK(registry_->CreateRegisteredModel(ctx_, {"fraud.detector", "", {}}));
  // The store keeps the last value; a prompt tag overridden to "false" is no prompt.
  EXPECT_CODE(registry_->CreateRegisteredModel(ctx_, {"Bad/Name",
                                                      "",
                                                      {{"mlflow.prompt.is_prompt", "true"},
                                                       {"mlflow.prompt.is_prompt", "false"}}}),
              ErrorCode::kInvalidParameterValue);
  auto created = registry_->CreateModelVersion(
      ctx_, {"fraud.detector",
             "s3://b/m",
             "",
             "",
             "",
             {{"training_data_version", "x"}, {"training_data_version", "2025-06"}}});
  ASSERT_OK(created);
  EXPECT_THAT(created->warnings, IsEmpty());  // The stored value satisfies the warn rule.
}

TEST_F(EnforcingGovernorTest, APromptThatStopsBeingOneMustObeyTheNamingRule) {
  ASSERT_OK(registry_->CreateRegisteredModel(
      ctx_, {"My_Prompt", "", {{"mlflow.prompt.is_prompt", "true"}}}));
  EXPECT_CODE(registry_->DeleteRegisteredModelTag(ctx_, "My_Prompt", "mlflow.prompt.is_prompt"),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(
      registry_->SetRegisteredModelTag(ctx_, "My_Prompt", {"mlflow.prompt.is_prompt", "false"}),
      ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(service_->GetRegisteredModel(ctx_, "My_Prompt")->tags.size(), 1u);
  // Renaming a prompt still may not introduce '/'.
  EXPECT_CODE(registry_->RenameRegisteredModel(ctx_, "My_Prompt", "my/prompt"),
              ErrorCode::kInvalidParameterValue);
}

TEST_F(EnforcingGovernorTest, ArchivingExistingVersionsMustBeAnAllowedTransition) {
  UsePolicy(R"({"lifecycle": {"mode": "enforce", "allowed_transitions": {
      "None": ["Staging", "Production"], "Staging": ["Production"], "Production": []}}})");
  ASSERT_OK(registry_->CreateRegisteredModel(ctx_, {"m", "", {}}));
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK(registry_->CreateModelVersion(ctx_, {"m", "s3://b/m", "", "", "", {}}));
  }
  ASSERT_OK(registry_->TransitionModelVersionStage(ctx_, "m", 1, Stage::kProduction, false));
  auto denied = registry_->TransitionModelVersionStage(ctx_, "m", 2, Stage::kProduction, true);
  EXPECT_CODE(denied, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(denied.status().message(), HasSubstr("Production -> Archived"));
  EXPECT_EQ(service_->GetModelVersion(ctx_, "m", 1)->current_stage, Stage::kProduction);
  EXPECT_OK(registry_->TransitionModelVersionStage(ctx_, "m", 2, Stage::kProduction, false));
}

// The versions archive_existing_versions moves are every other live version in the stage, not
// only the newest one (latest_versions): when the candidate is itself the newest holder, the
// older holders still leave the stage, and the lifecycle must allow that.
TEST_F(EnforcingGovernorTest, ArchivingOlderHoldersIsJudgedWhenTheCandidateIsTheNewestHolder) {
  UsePolicy(R"({"lifecycle": {"mode": "enforce", "allowed_transitions": {
      "None": ["Staging", "Production"], "Staging": ["Production"], "Production": []}}})");
  ASSERT_OK(registry_->CreateRegisteredModel(ctx_, {"m", "", {}}));
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK(registry_->CreateModelVersion(ctx_, {"m", "s3://b/m", "", "", "", {}}));
  }
  ASSERT_OK(registry_->TransitionModelVersionStage(ctx_, "m", 1, Stage::kProduction, false));
  ASSERT_OK(registry_->TransitionModelVersionStage(ctx_, "m", 2, Stage::kProduction, false));
  // v2 (the newest in Production) "moves" to Production again, archiving v1: Production ->
  // Archived, which this lifecycle forbids.
  auto denied = registry_->TransitionModelVersionStage(ctx_, "m", 2, Stage::kProduction, true);
  EXPECT_CODE(denied, ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(service_->GetModelVersion(ctx_, "m", 1)->current_stage, Stage::kProduction);
}

TEST_F(EnforcingGovernorTest, ExistenceErrorsComeBeforePolicyDenials) {
  EXPECT_CODE(registry_->RenameRegisteredModel(ctx_, "absent.model", "BAD NAME"),
              ErrorCode::kResourceDoesNotExist);
  // A legacy model, registered before the policy (straight through the service).
  ASSERT_OK(service_->CreateRegisteredModel(ctx_, {"Legacy Name", "", {}}));
  // register_model relies on RESOURCE_ALREADY_EXISTS for a name that is taken.
  EXPECT_CODE(registry_->CreateRegisteredModel(ctx_, {"Legacy Name", "", {}}),
              ErrorCode::kResourceAlreadyExists);
  auto audit = Audit();  // Only the legacy model's creation: nothing was denied by policy.
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].outcome, AuditOutcome::kAllowed);
}

TEST_F(EnforcingGovernorTest, ReloadKeepsThePreviousPolicyOnABadFile) {
  const std::string path = policy_->path();
  std::ofstream(path) << R"({"naming": {"mode": "block"}})";
  EXPECT_CODE(policy_->Reload(), ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(registry_->CreateRegisteredModel(ctx_, {"Bad/Name", "", {}}),
              ErrorCode::kInvalidParameterValue);
  std::ofstream(path) << "{}";
  ASSERT_OK(policy_->Reload());
  EXPECT_OK(registry_->CreateRegisteredModel(ctx_, {"Bad/Name", "", {}}));
}

}  // namespace
}  // namespace modelwarden

namespace modelwarden {
namespace {

// A caller that is not HTTP (a job, the command line, an importer) calls the Registry
// in-process: access control holds for it as for the HTTP edge, because it is decided inside
// the registry's own calls, not at the edge.
class InProcessAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = OpenStores(StoreOptions{"sqlite:///:memory:", 1, 1000});
    ASSERT_OK(stores);
    stores_ = std::move(*stores);
    AuthOptions options;
    options.enabled = true;
    options.default_permission = Permission::kNoPermissions;
    options.password_iterations = 1000;
    access_ = std::make_unique<AccessControl>(*stores_.auth, clock_, options, stores_.models.get());
    governor_ = std::make_unique<EnforcingGovernor>(policy_, *access_, *stores_.models);
    registry_ = std::make_unique<RegistryService>(*stores_.models, *governor_, clock_);
    ASSERT_OK(stores_.auth->CreateUser("root", "hash", /*is_admin=*/true));
    ASSERT_OK(stores_.auth->CreateUser("nobody", "hash", /*is_admin=*/false));
    ASSERT_OK(stores_.auth->CreateUser("reader", "hash", /*is_admin=*/false));
    ASSERT_OK(stores_.auth->CreateGrant(::modelwarden::testing::MakeGrant(
        SubjectType::kUser, "reader", ResourceType::kModel, "fraud.model", "READ")));
    ASSERT_OK(registry_->CreateRegisteredModel(As("root"), {"fraud.model", "", {}}));
    ASSERT_OK(
        registry_->CreateModelVersion(As("root"), {"fraud.model", "s3://b/m", "", "", "", {}}));
  }

  static CallContext As(const std::string& user) {
    CallContext ctx;
    ctx.request_id = "in-process";
    ctx.principal = Principal::User(user);
    return ctx;
  }

  FakeClock clock_;
  PolicyHolder policy_;
  Stores stores_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<EnforcingGovernor> governor_;
  std::unique_ptr<RegistryService> registry_;
};

TEST_F(InProcessAccessTest, ANoPermissionsUserIsRefusedEveryReadAndWrite) {
  const CallContext nobody = As("nobody");
  EXPECT_CODE(registry_->GetRegisteredModel(nobody, "fraud.model"), ErrorCode::kPermissionDenied);
  EXPECT_CODE(registry_->GetModelVersion(nobody, "fraud.model", 1), ErrorCode::kPermissionDenied);
  EXPECT_CODE(registry_->CreateModelVersion(nobody, {"fraud.model", "s3://b/x", "", "", "", {}}),
              ErrorCode::kPermissionDenied);
  EXPECT_CODE(
      registry_->TransitionModelVersionStage(nobody, "fraud.model", 1, Stage::kArchived, false),
      ErrorCode::kPermissionDenied);
  EXPECT_CODE(registry_->DeleteRegisteredModel(nobody, "fraud.model"),
              ErrorCode::kPermissionDenied);
  auto search = registry_->SearchRegisteredModels(nobody, SearchQuery{});
  ASSERT_OK(search);
  EXPECT_THAT(search->items, IsEmpty());  // Nothing it may read.

  // Nothing changed, and every refusal is in the audit log under the caller's name.
  auto version = registry_->GetModelVersion(As("root"), "fraud.model", 1);
  ASSERT_OK(version);
  EXPECT_EQ(version->current_stage, Stage::kNone);
  AuditQuery query;
  query.principal = "nobody";
  auto refusals = stores_.models->SearchAuditEvents(query);
  ASSERT_OK(refusals);
  ASSERT_EQ(refusals->items.size(), 5u);
  for (const AuditEvent& e : refusals->items) {
    EXPECT_EQ(e.outcome, AuditOutcome::kDenied);
    EXPECT_EQ(e.checks.at(0).rule_id, "access");
  }
}

TEST_F(InProcessAccessTest, PromotionsNeedPromoteAndAliasesCountAsTheStageThePolicySays) {
  const std::string path =
      ::testing::TempDir() + "/in_process_access_test_" + std::to_string(getpid()) + ".json";
  std::ofstream(path) << R"({"lifecycle": {"mode": "enforce",
                             "alias_stages": {"champion": "Production"}}})";
  auto policy = PolicyHolder::Load(path);
  ASSERT_OK(policy);
  EnforcingGovernor governor(**policy, *access_, *stores_.models);
  RegistryService registry(*stores_.models, governor, clock_);
  ASSERT_OK(stores_.auth->CreateUser("editor", "hash", /*is_admin=*/false));
  ASSERT_OK(stores_.auth->CreateGrant(::modelwarden::testing::MakeGrant(
      SubjectType::kUser, "editor", ResourceType::kModel, "fraud.model", "EDIT")));
  const CallContext editor = As("editor");
  auto champion = registry.SetRegisteredModelAlias(editor, "fraud.model", "champion", 1);
  EXPECT_CODE(champion, ErrorCode::kPermissionDenied);
  EXPECT_THAT(champion.status().message(), HasSubstr("into Production needs a PROMOTE grant"));
  EXPECT_OK(registry.SetRegisteredModelAlias(editor, "fraud.model", "nightly", 1));
  EXPECT_CODE(
      registry.TransitionModelVersionStage(editor, "fraud.model", 1, Stage::kStaging, false),
      ErrorCode::kPermissionDenied);
  EXPECT_OK(
      registry.TransitionModelVersionStage(editor, "fraud.model", 1, Stage::kArchived, false));
  ASSERT_OK(stores_.auth->CreateGrant(::modelwarden::testing::MakeGrant(
      SubjectType::kUser, "editor", ResourceType::kModel, "fraud.model", "PROMOTE")));
  EXPECT_OK(registry.SetRegisteredModelAlias(editor, "fraud.model", "champion", 1));
}

// PROMOTE is scoped by name ("owners build, release managers promote"), and a rename moves a
// model's Production versions to another name: a rename must not take a promotion where its
// caller could not have made it. Here alice may promote under sandbox. only, and may edit
// (and, with registration_needs_grant, register) under prod.
TEST_F(InProcessAccessTest, ARenameCarriesNoPromotionPastThePromoteGrant) {
  AuthOptions options;
  options.enabled = true;
  options.default_permission = Permission::kNoPermissions;
  options.registration_needs_grant = true;
  options.password_iterations = 1000;
  AccessControl access(*stores_.auth, clock_, options, stores_.models.get());
  EnforcingGovernor governor(policy_, access, *stores_.models);
  RegistryService registry(*stores_.models, governor, clock_);
  ASSERT_OK(stores_.auth->CreateUser("alice", "hash", /*is_admin=*/false));
  for (const auto& [prefix, permission] : std::vector<std::pair<std::string, std::string>>{
           {"sandbox.", "EDIT"}, {"sandbox.", "PROMOTE"}, {"prod.", "EDIT"}}) {
    ASSERT_OK(stores_.auth->CreateGrant(::modelwarden::testing::MakeGrant(
        SubjectType::kUser, "alice", ResourceType::kPrefix, prefix, permission)));
  }
  const CallContext alice = As("alice");
  ASSERT_OK(registry.CreateRegisteredModel(alice, {"sandbox.m", "", {}}));
  ASSERT_OK(registry.CreateModelVersion(alice, {"sandbox.m", "s3://b/m", "", "", "", {}}));
  ASSERT_OK(registry.TransitionModelVersionStage(alice, "sandbox.m", 1, Stage::kProduction, false));
  // Under prod. alice may not promote...
  ASSERT_OK(registry.CreateRegisteredModel(As("root"), {"prod.other", "", {}}));
  ASSERT_OK(registry.CreateModelVersion(As("root"), {"prod.other", "s3://b/o", "", "", "", {}}));
  EXPECT_CODE(
      registry.TransitionModelVersionStage(alice, "prod.other", 1, Stage::kProduction, false),
      ErrorCode::kPermissionDenied);
  // ...so she may not rename a model with a version in Production there either.
  EXPECT_CODE(registry.RenameRegisteredModel(alice, "sandbox.m", "prod.m"),
              ErrorCode::kPermissionDenied);
  EXPECT_CODE(registry.GetModelVersion(As("root"), "prod.m", 1), ErrorCode::kResourceDoesNotExist);
}

// A refusal's entry says what was refused as the change's own entry would: the version and
// what it asked for, whichever step refused it (here Preauthorize, on the cached grants).
TEST_F(InProcessAccessTest, ARefusalIsAuditedWithTheVersionAndChangeItNamed) {
  EXPECT_CODE(registry_->SetModelVersionTag(As("reader"), "fraud.model", 1, {"k", "v"}),
              ErrorCode::kPermissionDenied);
  AuditQuery query;
  query.principal = "reader";
  auto log = stores_.models->SearchAuditEvents(query);
  ASSERT_OK(log);
  ASSERT_EQ(log->items.size(), 1u);
  const AuditEvent& refused = log->items[0];
  EXPECT_EQ(refused.operation, "SetModelVersionTag");
  EXPECT_EQ(refused.outcome, AuditOutcome::kDenied);
  EXPECT_EQ(refused.version, std::optional<int64_t>(1));
  EXPECT_EQ(refused.after, "tag k=v");
}

// A user that does not exist (deleted by another server after authentication, or named by an
// in-process caller) is unauthenticated, as inside the unit of work (AuthorizeIn) - never a
// 404 that a client reads as "the model does not exist".
TEST_F(InProcessAccessTest, AUserThatDoesNotExistIsUnauthenticatedNotNotFound) {
  EXPECT_CODE(registry_->GetRegisteredModel(As("ghost"), "fraud.model"),
              ErrorCode::kUnauthenticated);
  EXPECT_CODE(registry_->SetRegisteredModelTag(As("ghost"), "fraud.model", {"k", "v"}),
              ErrorCode::kUnauthenticated);
}

TEST_F(InProcessAccessTest, ReadersReadAndSystemPrincipalsAreTrusted) {
  EXPECT_OK(registry_->GetRegisteredModel(As("reader"), "fraud.model"));
  EXPECT_CODE(registry_->SetRegisteredModelTag(As("reader"), "fraud.model", {"k", "v"}),
              ErrorCode::kPermissionDenied);
  CallContext job;
  job.request_id = "retention";
  job.principal = Principal::System("retention");
  ASSERT_OK(registry_->DeleteModelVersion(job, "fraud.model", 1));
  AuditQuery query;
  query.principal = "retention";
  auto log = stores_.models->SearchAuditEvents(query);
  ASSERT_OK(log);
  ASSERT_EQ(log->items.size(), 1u);
  EXPECT_EQ(log->items[0].operation, "DeleteModelVersion");
  // Anonymous callers do not exist while authentication is on.
  EXPECT_CODE(registry_->GetRegisteredModel(CallContext{}, "fraud.model"),
              ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace modelwarden
