// The policy over `modelwarden import`: a model brought over is judged as it will be, by the
// checks of the compliance report; the findings are reported and audited, and refuse the model
// only with `enforce` (then nothing of it is written and the refusal is audited). The dry run
// reports exactly what the import would. And the names --suggest-renames proposes fit the
// naming rule.

#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include "enforcement/access/access_control.h"
#include "enforcement/enforcing_governor.h"
#include "enforcement/policy/policy_holder.h"
#include "enforcement/policy/policy_loader.h"
#include "enforcement/policy/rename_suggestion.h"
#include "registry/registry_importer.h"
#include "registry/store_factory.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::FakeClock;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPolicy[] = R"({
  "naming": {"mode": "enforce", "pattern": "^[a-z]+\\.[a-z-]+$", "reserved_prefixes": ["tmp."],
             "max_length": 40},
  "requirements": [
    {"id": "owner", "target": "model_tag", "key": "owner", "applies_at": ["production"]},
    {"id": "data", "mode": "warn", "target": "version_tag", "key": "training_data_version",
     "applies_at": ["registration"]}
  ]
})";

class SnapshotList final : public RegistrySource {
 public:
  explicit SnapshotList(std::vector<ModelSnapshot> models) : models_(std::move(models)) {}
  std::string Describe() const override { return "legacy"; }
  std::optional<int64_t> ModelCount() const override {
    return static_cast<int64_t>(models_.size());
  }
  Result<std::vector<ModelSnapshot>> Next(size_t) override { return std::exchange(models_, {}); }

 private:
  std::vector<ModelSnapshot> models_;
};

ModelSnapshot Model(const std::string& name, Stage stage, std::vector<Tag> tags = {}) {
  ModelSnapshot m;
  m.model.name = name;
  m.model.creation_timestamp = 1000;
  m.model.last_updated_timestamp = 2000;
  m.model.tags = std::move(tags);
  VersionSnapshot v;
  v.version.name = name;
  v.version.version = 1;
  v.version.creation_timestamp = 1500;
  v.version.last_updated_timestamp = 1600;
  v.version.current_stage = stage;
  v.version.source = "s3://m/1";
  m.versions = {v};
  return m;
}

class ImportPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path =
        ::testing::TempDir() + "/import_policy_test_" + std::to_string(getpid()) + ".json";
    std::ofstream(path) << kPolicy;
    auto holder = PolicyHolder::Load(path);
    ASSERT_OK(holder);
    policy_ = std::move(*holder);
    auto stores = OpenStores(StoreOptions{"sqlite:///:memory:", 1, 1000});
    ASSERT_OK(stores);
    stores_ = std::move(*stores);
    access_ = std::make_unique<AccessControl>(*stores_.auth, clock_, AuthOptions{});
    governor_ = std::make_unique<EnforcingGovernor>(*policy_, *access_, *stores_.models);
    importer_ = std::make_unique<RegistryImporter>(*stores_.models, *governor_, clock_);
    ctx_.request_id = "import-1";
    ctx_.principal = Principal::System("import");
  }

  ImportSummary Run(bool enforce, bool dry_run = false) {
    SnapshotList source({Model("fraud.detector", Stage::kProduction, {{"owner", "a@b"}}),
                         Model("Churn Model", Stage::kProduction),
                         Model("tmp.scratch", Stage::kNone)});
    ImportOptions options;
    options.enforce = enforce;
    options.dry_run = dry_run;
    reports_.clear();
    auto summary = importer_->Run(
        ctx_, source, options, [this](const ModelReport& r) { reports_[r.name] = r; }, nullptr);
    EXPECT_OK(summary);
    return summary.ok() ? *summary : ImportSummary{};
  }

  bool Exists(const std::string& name) {
    bool exists = false;
    EXPECT_OK(stores_.models->Read([&](ModelReader& reader) -> Status {
      ASSIGN_OR_RETURN(exists, reader.ModelExists(name));
      return Status::Ok();
    }));
    return exists;
  }

  std::vector<AuditEvent> Audit() {
    auto page = stores_.models->SearchAuditEvents(AuditQuery{});
    EXPECT_OK(page);
    return page.ok() ? page->items : std::vector<AuditEvent>{};
  }

  FakeClock clock_;
  std::unique_ptr<PolicyHolder> policy_;
  Stores stores_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<EnforcingGovernor> governor_;
  std::unique_ptr<RegistryImporter> importer_;
  CallContext ctx_;
  std::map<std::string, ModelReport> reports_;
};

TEST_F(ImportPolicyTest, TheCheckersReportButDoNotBlock) {
  const ImportSummary summary = Run(/*enforce=*/false);
  EXPECT_EQ(summary.created, 3);
  EXPECT_EQ(summary.models_with_findings, 3);
  for (const char* name : {"fraud.detector", "Churn Model", "tmp.scratch"})
    EXPECT_TRUE(Exists(name));
  EXPECT_THAT(reports_["fraud.detector"].findings,
              ElementsAre(HasSubstr("[data] (warn) version 1 [registration]: model version tag "
                                    "'training_data_version' is required")));
  EXPECT_THAT(reports_["Churn Model"].findings,
              Contains(HasSubstr("[naming.pattern] (enforce) model [name]")));
  EXPECT_THAT(reports_["Churn Model"].findings,
              Contains(HasSubstr("[owner] (enforce) version 1 [Production]")));
  EXPECT_THAT(reports_["tmp.scratch"].findings,
              Contains(HasSubstr("[naming.reserved-prefix] (enforce)")));
  // Audited as imported with what the policy found.
  std::vector<AuditEvent> audit = Audit();
  ASSERT_EQ(audit.size(), 3u);
  for (const AuditEvent& e : audit) {
    EXPECT_EQ(e.principal, "import");
    EXPECT_EQ(e.outcome, AuditOutcome::kWarned);
    EXPECT_THAT(e.after, HasSubstr("from legacy: create"));
    EXPECT_FALSE(e.checks.empty());
  }
}

TEST_F(ImportPolicyTest, EnforceRefusesWhatBreaksAnEnforcedRule) {
  const ImportSummary summary = Run(/*enforce=*/true);
  EXPECT_EQ(summary.created, 1);  // Only a warn-mode finding.
  EXPECT_EQ(summary.refused, 2);
  EXPECT_TRUE(Exists("fraud.detector"));
  EXPECT_FALSE(Exists("Churn Model"));
  EXPECT_FALSE(Exists("tmp.scratch"));
  const ModelReport& churn = reports_["Churn Model"];
  EXPECT_TRUE(churn.refused);
  EXPECT_THAT(churn.status.message(), HasSubstr("Importing model 'Churn Model' denied by policy"));
  EXPECT_THAT(churn.status.message(), HasSubstr("[owner]"));
  int denied = 0;
  for (const AuditEvent& e : Audit()) denied += e.outcome == AuditOutcome::kDenied ? 1 : 0;
  EXPECT_EQ(denied, 2);
}

TEST_F(ImportPolicyTest, TheDryRunReportsWhatTheImportWouldAndWritesNothing) {
  const ImportSummary dry = Run(/*enforce=*/true, /*dry_run=*/true);
  EXPECT_EQ(dry.created, 1);
  EXPECT_EQ(dry.refused, 2);
  const std::map<std::string, ModelReport> planned = reports_;
  EXPECT_FALSE(Exists("fraud.detector"));
  EXPECT_THAT(Audit(), IsEmpty());
  Run(/*enforce=*/false);
  for (const auto& [name, report] : reports_) {
    EXPECT_EQ(report.findings, planned.at(name).findings) << name;
  }
}

TEST(RenameSuggestionTest, SuggestionsFitTheRuleAndAvoidTakenNames) {
  auto policy = ParsePolicy(kPolicy, "policy.json");
  ASSERT_OK(policy);
  const NamingPolicy& naming = policy->naming;
  std::set<std::string> taken = {"churn.model"};
  const auto is_taken = [&](const std::string& name) { return taken.count(name) != 0; };
  const std::map<std::string, std::string> expected = {
      {"Fraud Detector", "fraud.detector"},
      // churn.model is taken, and "-2" breaks a pattern without digits.
      {"Churn Model", "legacy.churn-model"},
      {"tmp.scratch", "legacy.scratch"},  // The reserved prefix goes; one '.' is needed.
  };
  for (const auto& [name, suggestion] : expected) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(FitsNamingRule(naming, name, false));
    std::optional<std::string> got = SuggestName(naming, name, false, is_taken);
    ASSERT_TRUE(got.has_value());
    EXPECT_TRUE(FitsNamingRule(naming, *got, false)) << *got;
    EXPECT_FALSE(is_taken(*got));
    EXPECT_EQ(*got, suggestion);
  }
  // A digit-free pattern has no place for these.
  EXPECT_FALSE(SuggestName(naming, "12345", false, is_taken).has_value());
  EXPECT_FALSE(SuggestName(naming, "pricing_v2.elastic", false, is_taken).has_value());
}

}  // namespace
}  // namespace modelwarden
