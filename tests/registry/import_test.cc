// `modelwarden import` in the registry layer, on every backend: a model is written exactly as
// the source holds it (numbers, gaps, deleted versions, stages, users, statuses, timestamps),
// one unit of work per model by the system principal "import", audited with its source; a
// second run writes nothing; a changed source writes only the difference; a model that is not
// the source's is left alone; an interrupted run leaves whole models and resumes.

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "registry/registry_importer.h"
#include "registry/registry_service.h"
#include "registry/store_source.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kT0 = 1'600'000'000'000;

// Models from memory; fails with kTemporarilyUnavailable once `fail_after` models were served.
class VectorSource final : public RegistrySource {
 public:
  explicit VectorSource(std::vector<ModelSnapshot> models,
                        size_t fail_after = std::numeric_limits<size_t>::max())
      : models_(std::move(models)), fail_after_(fail_after) {}

  std::string Describe() const override { return "test source"; }
  std::optional<int64_t> ModelCount() const override {
    return static_cast<int64_t>(models_.size());
  }
  Result<std::vector<ModelSnapshot>> Next(size_t max) override {
    if (next_ >= fail_after_ && next_ < models_.size()) {
      return Status::Unavailable("the source went away");
    }
    const size_t end = std::min({models_.size(), next_ + max, fail_after_});
    std::vector<ModelSnapshot> batch(models_.begin() + next_, models_.begin() + end);
    next_ = end;
    return batch;
  }

 private:
  std::vector<ModelSnapshot> models_;
  size_t fail_after_;
  size_t next_ = 0;
};

VersionSnapshot Version(const std::string& name, int64_t number, Stage stage) {
  VersionSnapshot v;
  v.version.name = name;
  v.version.version = number;
  v.version.creation_timestamp = kT0 + number * 1000;
  v.version.last_updated_timestamp = kT0 + number * 1000 + 500;
  v.version.current_stage = stage;
  v.version.source = "s3://models/" + name + "/" + std::to_string(number);
  return v;
}

VersionSnapshot Deleted(const std::string& name, int64_t number) {
  VersionSnapshot v = Version(name, number, Stage::kNone);
  v.deleted = true;
  v.version.source = kRedactedSource;
  v.version.run_id = std::string(kRedactedRunId);
  v.version.run_link = std::string(kRedactedRunLink);
  return v;
}

// A model as a legacy registry holds it: version 2 deleted (alias `stale` still points at it,
// as MLflow 3.6 leaves it), version 3 in Production with a user and a resolved location,
// version 4 failed to register.
ModelSnapshot Fraud() {
  ModelSnapshot m;
  m.model.name = "fraud.detector";
  m.model.creation_timestamp = kT0;
  m.model.last_updated_timestamp = kT0 + 9000;
  m.model.description = "Scores card transactions.";
  m.model.tags = {{"team", "fraud"}, {"owner", "jane.doe@example.com"}};
  m.model.aliases = {{"champion", 3}, {"stale", 2}};
  VersionSnapshot v1 = Version(m.model.name, 1, Stage::kArchived);
  v1.version.description = "first";
  v1.version.run_id = "0123456789abcdef0123456789abcdef";
  v1.version.run_link = "";
  v1.version.tags = {{"metrics.auc", "0.88"}};
  VersionSnapshot v3 = Version(m.model.name, 3, Stage::kProduction);
  v3.version.user_id = "alice";
  v3.version.source = "runs:/0123456789abcdef0123456789abcdef/model";
  v3.version.storage_location = "s3://artifacts/1/0123456789abcdef0123456789abcdef/model";
  v3.version.description = "";
  v3.version.tags = {{"metrics.auc", "0.91"}, {"training_data_version", "2025-06-30"}};
  VersionSnapshot v4 = Version(m.model.name, 4, Stage::kNone);
  v4.version.status = VersionStatus::kFailedRegistration;
  v4.version.status_message = "copy failed";
  m.versions = {v1, Deleted(m.model.name, 2), v3, v4};
  return m;
}

ModelSnapshot Prompt() {
  ModelSnapshot m;
  m.model.name = "summarize";
  m.model.creation_timestamp = kT0 + 100;
  m.model.last_updated_timestamp = kT0 + 200;
  m.model.tags = {{std::string(kIsPromptTagKey), "true"}};
  for (int64_t n : {1, 2}) {
    VersionSnapshot v = Version(m.model.name, n, Stage::kNone);
    v.version.source = "dummy-source";
    v.version.tags = {{std::string(kIsPromptTagKey), "true"},
                      {"mlflow.prompt.text", "Summarize " + std::to_string(n)}};
    m.versions.push_back(v);
  }
  m.model.aliases = {{"production", 2}};
  return m;
}

// A model whose highest version was deleted: the next one created here must not reuse it.
ModelSnapshot TopDeleted() {
  ModelSnapshot m;
  m.model.name = "churn";
  m.model.creation_timestamp = kT0 + 300;
  m.model.last_updated_timestamp = kT0 + 400;
  m.versions = {Version("churn", 1, Stage::kStaging), Deleted("churn", 2)};
  return m;
}

// What the importer writes for `m`: aliases of deleted versions dropped.
ModelSnapshot AsWritten(ModelSnapshot m) {
  std::vector<ModelVersionAlias> kept;
  for (const ModelVersionAlias& a : m.model.aliases) {
    for (const VersionSnapshot& v : m.versions) {
      if (v.version.version == a.version && !v.deleted) kept.push_back(a);
    }
  }
  m.model.aliases = kept;
  return m;
}

class ImportTest : public ::modelwarden::testing::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    service_ = std::make_unique<RegistryService>(*stores_.models, permit_all_, clock_);
    importer_ = std::make_unique<RegistryImporter>(*stores_.models, permit_all_, clock_);
    ctx_.request_id = "import-test";
    ctx_.principal = Principal::System("import");
  }

  Result<ImportSummary> Import(RegistrySource& source, ImportOptions options = {}) {
    reports_.clear();
    return importer_->Run(
        ctx_, source, options, [this](const ModelReport& r) { reports_[r.source_name] = r; },
        nullptr);
  }
  Result<ImportSummary> Import(std::vector<ModelSnapshot> models, ImportOptions options = {}) {
    VectorSource source(std::move(models));
    return Import(source, options);
  }

  std::optional<ModelSnapshot> Stored(const std::string& name) {
    std::vector<ModelSnapshot> found;
    EXPECT_OK(stores_.models->Read([&](ModelReader& reader) -> Status {
      ASSIGN_OR_RETURN(found, reader.FindSnapshots({name}));
      return Status::Ok();
    }));
    if (found.empty()) return std::nullopt;
    return found.front();
  }

  // Field by field, every version included.
  void ExpectStoredAs(const ModelSnapshot& expected) {
    SCOPED_TRACE(expected.model.name);
    std::optional<ModelSnapshot> stored = Stored(expected.model.name);
    ASSERT_TRUE(stored.has_value());
    EXPECT_TRUE(SameModelFields(stored->model, expected.model));
    ASSERT_EQ(VersionNumbers(*stored), VersionNumbers(expected));
    for (size_t i = 0; i < expected.versions.size(); ++i) {
      EXPECT_TRUE(SameVersion(stored->versions[i], expected.versions[i]))
          << "version " << expected.versions[i].version.version;
    }
  }

  std::vector<AuditEvent> ImportAudit() {
    AuditQuery query;
    query.principal = "import";
    auto page = stores_.models->SearchAuditEvents(query);
    EXPECT_OK(page);
    return page.ok() ? page->items : std::vector<AuditEvent>{};
  }

  ::modelwarden::testing::FakeClock clock_{kT0 + 1'000'000'000};
  PermitAll permit_all_;
  std::unique_ptr<RegistryService> service_;
  std::unique_ptr<RegistryImporter> importer_;
  CallContext ctx_;
  std::map<std::string, ModelReport> reports_;
};

TEST_P(ImportTest, KeepsEveryFieldNumbersGapsAndDeletedVersions) {
  auto summary = Import({Fraud(), Prompt(), TopDeleted()});
  ASSERT_OK(summary);
  EXPECT_EQ(summary->created, 3);
  EXPECT_EQ(summary->versions_written, 8);
  for (const ModelSnapshot& m : {Fraud(), Prompt(), TopDeleted()}) ExpectStoredAs(AsWritten(m));
  EXPECT_THAT(reports_["fraud.detector"].notes,
              ElementsAre(HasSubstr("alias 'stale' -> version 2 dropped")));

  // What MLflow's API answers: the stored fields, the stage's latest versions, the alias.
  auto model = service_->GetRegisteredModel(ctx_, "fraud.detector");
  ASSERT_OK(model);
  EXPECT_EQ(model->creation_timestamp, kT0);
  EXPECT_EQ(model->last_updated_timestamp, kT0 + 9000);
  EXPECT_THAT(model->aliases, ElementsAre(ModelVersionAlias{"champion", 3}));
  ASSERT_EQ(model->latest_versions.size(), 3u);  // Archived 1, Production 3, None 4.
  auto v3 = service_->GetModelVersion(ctx_, "fraud.detector", 3);
  ASSERT_OK(v3);
  EXPECT_EQ(v3->user_id, "alice");
  EXPECT_EQ(v3->current_stage, Stage::kProduction);
  EXPECT_EQ(v3->creation_timestamp, kT0 + 3000);
  EXPECT_THAT(v3->aliases, ElementsAre("champion"));
  auto uri = service_->GetModelVersionDownloadUri(ctx_, "fraud.detector", 3);
  ASSERT_OK(uri);
  EXPECT_EQ(*uri, "s3://artifacts/1/0123456789abcdef0123456789abcdef/model");
  auto v4 = service_->GetModelVersion(ctx_, "fraud.detector", 4);
  ASSERT_OK(v4);
  EXPECT_EQ(v4->status, VersionStatus::kFailedRegistration);
  EXPECT_EQ(v4->status_message, "copy failed");
  EXPECT_CODE(service_->GetModelVersion(ctx_, "fraud.detector", 2),
              ErrorCode::kResourceDoesNotExist);

  // A gap stays a gap: the next version continues after the old maximum, deleted ones counted.
  auto v5 = service_->CreateModelVersion(ctx_, {"fraud.detector", "s3://m/5", "", "", "", {}});
  ASSERT_OK(v5);
  EXPECT_EQ(v5->value.version, 5);
  auto churn = service_->CreateModelVersion(ctx_, {"churn", "s3://m/3", "", "", "", {}});
  ASSERT_OK(churn);
  EXPECT_EQ(churn->value.version, 3);

  // Prompts come along and are found as MLflow finds them.
  SearchQuery prompts;
  prompts.filter = "tags.`mlflow.prompt.is_prompt` = 'true'";
  auto found = service_->SearchRegisteredModels(ctx_, prompts);
  ASSERT_OK(found);
  ASSERT_EQ(found->items.size(), 1u);
  EXPECT_EQ(found->items[0].name, "summarize");
}

TEST_P(ImportTest, EachModelIsOneAuditedUnitOfWorkThatNamesTheSource) {
  ASSERT_OK(Import({Fraud(), Prompt()}));
  std::vector<AuditEvent> audit = ImportAudit();
  ASSERT_EQ(audit.size(), 2u);
  for (const AuditEvent& e : audit) {
    EXPECT_EQ(e.operation, "ImportRegisteredModel");
    EXPECT_EQ(e.request_id, "import-test");
    EXPECT_EQ(e.outcome, AuditOutcome::kAllowed);
    EXPECT_THAT(e.after, HasSubstr("from test source: create"));
  }
}

TEST_P(ImportTest, SecondRunWritesNothingAndChangesOnlyTheDifference) {
  ASSERT_OK(Import({Fraud(), Prompt()}));
  auto again = Import({Fraud(), Prompt()});
  ASSERT_OK(again);
  EXPECT_EQ(again->unchanged, 2);
  EXPECT_EQ(again->versions_written, 0);
  EXPECT_EQ(ImportAudit().size(), 2u);  // No write, so no entry.

  // The source moved on: a new version, a stage change, a tag edit.
  ModelSnapshot changed = Fraud();
  changed.versions[0].version.current_stage = Stage::kNone;
  changed.versions[0].version.last_updated_timestamp += 1;
  changed.versions.push_back(Version(changed.model.name, 5, Stage::kStaging));
  changed.model.tags[0].value = "risk";
  changed.model.last_updated_timestamp += 100;
  auto update = Import({changed, Prompt()});
  ASSERT_OK(update);
  EXPECT_EQ(update->updated, 1);
  EXPECT_EQ(update->unchanged, 1);
  EXPECT_EQ(update->versions_written, 2);
  const ImportPlan& plan = reports_["fraud.detector"].plan;
  EXPECT_THAT(plan.new_versions, ElementsAre(5));
  EXPECT_THAT(plan.changed_versions, ElementsAre(1));
  EXPECT_TRUE(plan.model_changed);
  EXPECT_FALSE(plan.aliases_changed);
  ExpectStoredAs(AsWritten(changed));
  EXPECT_EQ(ImportAudit().size(), 3u);
}

TEST_P(ImportTest, VersionsCreatedHereAfterAnImportAreKept) {
  ASSERT_OK(Import({TopDeleted()}));
  ASSERT_OK(service_->CreateModelVersion(ctx_, {"churn", "s3://here/3", "", "", "", {}}));
  ModelSnapshot source = TopDeleted();
  source.versions[0].version.description = "edited at the source";
  auto again = Import({source});
  ASSERT_OK(again);
  EXPECT_EQ(again->updated, 1);
  EXPECT_THAT(reports_["churn"].plan.kept_versions, ElementsAre(3));
  std::optional<ModelSnapshot> stored = Stored("churn");
  ASSERT_TRUE(stored);
  EXPECT_EQ(VersionNumbers(*stored), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(stored->versions[0].version.description, "edited at the source");
}

TEST_P(ImportTest, AnotherModelOfTheSameNameIsAConflictAndIsLeftAlone) {
  ASSERT_OK(service_->CreateRegisteredModel(ctx_, {"fraud.detector", "mine", {}}));
  auto summary = Import({Fraud(), Prompt()});
  ASSERT_OK(summary);
  EXPECT_EQ(summary->conflicts, 1);
  EXPECT_EQ(summary->created, 1);
  EXPECT_EQ(reports_["fraud.detector"].status.code(), ErrorCode::kResourceAlreadyExists);
  EXPECT_THAT(reports_["fraud.detector"].status.message(), HasSubstr("--rename-map"));
  auto model = service_->GetRegisteredModel(ctx_, "fraud.detector");
  ASSERT_OK(model);
  EXPECT_EQ(model->description, "mine");
  EXPECT_THAT(model->latest_versions, IsEmpty());

  // Under another name it comes over whole.
  ImportOptions options;
  options.renames = {{"fraud.detector", "fraud.legacy-detector"}};
  auto renamed = Import({Fraud()}, options);
  ASSERT_OK(renamed);
  EXPECT_EQ(renamed->created, 1);
  ModelSnapshot expected = AsWritten(Fraud());
  expected.model.name = "fraud.legacy-detector";
  for (VersionSnapshot& v : expected.versions) v.version.name = expected.model.name;
  ExpectStoredAs(expected);
}

TEST_P(ImportTest, RenameMapMistakesAreReportedPerModel) {
  ImportOptions options;
  options.renames = {{"fraud.detector", "summarize"}, {"nobody", "x"}, {"churn", ""}};
  auto summary = Import({Fraud(), Prompt(), TopDeleted()}, options);
  ASSERT_OK(summary);
  // Two source models onto one name: the second is refused, the first imported.
  EXPECT_OK(reports_["fraud.detector"].status);
  EXPECT_CODE(reports_["summarize"].status, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(reports_["summarize"].status.message(), HasSubstr("--rename-map"));
  EXPECT_CODE(reports_["churn"].status, ErrorCode::kInvalidParameterValue);  // Empty name.
  EXPECT_EQ(summary->failed, 2);
  EXPECT_THAT(summary->unused_renames, ElementsAre("nobody"));
}

TEST_P(ImportTest, DryRunPlansAndWritesNothing) {
  ImportOptions options;
  options.dry_run = true;
  auto summary = Import({Fraud(), Prompt()}, options);
  ASSERT_OK(summary);
  EXPECT_EQ(summary->created, 2);
  EXPECT_EQ(reports_["fraud.detector"].description, "4 versions (1 deleted), 2 tags, 1 alias");
  EXPECT_FALSE(Stored("fraud.detector").has_value());
  EXPECT_THAT(ImportAudit(), IsEmpty());
}

TEST_P(ImportTest, AnInterruptedRunLeavesWholeModelsAndResumes) {
  std::vector<ModelSnapshot> models;
  for (int i = 0; i < 7; ++i) {
    ModelSnapshot m = Fraud();
    m.model.name = "m" + std::to_string(i);
    for (VersionSnapshot& v : m.versions) v.version.name = m.model.name;
    models.push_back(m);
  }
  VectorSource failing(models, /*fail_after=*/3);
  ImportOptions options;
  options.batch_size = 2;
  auto stopped = Import(failing, options);
  EXPECT_CODE(stopped, ErrorCode::kTemporarilyUnavailable);
  for (int i = 0; i < 3; ++i) ExpectStoredAs(AsWritten(models[i]));
  for (int i = 3; i < 7; ++i) EXPECT_FALSE(Stored(models[i].model.name).has_value());

  auto resumed = Import(models, options);
  ASSERT_OK(resumed);
  EXPECT_EQ(resumed->unchanged, 3);
  EXPECT_EQ(resumed->created, 4);
  for (const ModelSnapshot& m : models) ExpectStoredAs(AsWritten(m));
}

// A write that fails midway through a model (here a trigger refusing its third version) rolls
// the whole model back: no half-imported model, and the models around it are imported.
TEST_P(ImportTest, AFailureInsideAModelRollsBackTheWholeModel) {
  if (GetParam() == ::modelwarden::testing::Backend::kSqliteMemory) {
    GTEST_SKIP() << "a trigger needs a database other connections can open";
  }
  const bool mysql = GetParam() == ::modelwarden::testing::Backend::kMysql;
  const Status trigger = database_->ExecuteSql(
      mysql ? "CREATE TRIGGER refuse_third BEFORE INSERT ON model_versions FOR EACH ROW "
              "BEGIN IF NEW.name = 'boom' AND NEW.version = 3 THEN SIGNAL SQLSTATE '45000' SET "
              "MESSAGE_TEXT = 'refused'; END IF; END"
            : "CREATE TRIGGER refuse_third BEFORE INSERT ON model_versions WHEN NEW.name = 'boom' "
              "AND NEW.version = 3 BEGIN SELECT RAISE(ABORT, 'refused'); END");
  if (mysql && !trigger.ok()) GTEST_SKIP() << "no TRIGGER privilege: " << trigger.ToString();
  ASSERT_OK(trigger);
  ModelSnapshot boom = Fraud();
  boom.model.name = "boom";
  for (VersionSnapshot& v : boom.versions) v.version.name = "boom";
  auto summary = Import({Prompt(), boom, TopDeleted()});
  ASSERT_OK(summary);
  EXPECT_EQ(summary->failed, 1);
  EXPECT_EQ(summary->created, 2);
  EXPECT_FALSE(reports_["boom"].status.ok());
  EXPECT_FALSE(Stored("boom").has_value());
  ExpectStoredAs(AsWritten(Prompt()));
  ExpectStoredAs(AsWritten(TopDeleted()));
}

TEST_P(ImportTest, TheStoreExportsWhatWasImported) {
  ASSERT_OK(Import({Fraud(), Prompt(), TopDeleted()}));
  auto source = OpenStoreSource(*stores_.models, "this store");
  ASSERT_OK(source);
  EXPECT_EQ((*source)->ModelCount(), 3);
  std::vector<ModelSnapshot> read;
  while (true) {
    auto batch = (*source)->Next(2);
    ASSERT_OK(batch);
    if (batch->empty()) break;
    read.insert(read.end(), batch->begin(), batch->end());
  }
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[0].model.name, "churn");  // By name, byte order.
  EXPECT_EQ(read[1].model.name, "fraud.detector");
  EXPECT_EQ(VersionNumbers(read[1]), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_TRUE(read[1].versions[1].deleted);

  // Into an empty registry, and it is the same again.
  auto other = ::modelwarden::testing::TestDatabase::Create(GetParam());
  ASSERT_OK(other);
  auto other_stores = (*other)->OpenStores();
  ASSERT_OK(other_stores);
  RegistryImporter second(*other_stores->models, permit_all_, clock_);
  VectorSource copy(read);
  ASSERT_OK(second.Run(ctx_, copy, {}, nullptr, nullptr));
  std::vector<ModelSnapshot> copied;
  ASSERT_OK(other_stores->models->Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(copied, reader.FindSnapshots({"churn", "fraud.detector", "summarize"}));
    return Status::Ok();
  }));
  ASSERT_EQ(copied.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(SameModelFields(copied[i].model, read[i].model));
    ASSERT_EQ(VersionNumbers(copied[i]), VersionNumbers(read[i]));
    for (size_t v = 0; v < read[i].versions.size(); ++v) {
      EXPECT_TRUE(SameVersion(copied[i].versions[v], read[i].versions[v]));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportTest,
                         ::testing::ValuesIn(::modelwarden::testing::AvailableBackends()),
                         [](const auto& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
