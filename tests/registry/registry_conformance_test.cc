// The registry's behaviour, through RegistryService over the real SqlModelStore, on every
// available backend (SQLite in memory and in a file, and MariaDB when configured).

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <set>
#include <thread>
#include <utility>

#include "registry/registry_service.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::FakeClock;
using ::modelwarden::testing::TestDatabase;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class RegistryConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (!::modelwarden::testing::BackendConfigured(GetParam())) {
      GTEST_SKIP() << "MODELWARDEN_TEST_MYSQL_URI is not set";
    }
    auto db = TestDatabase::Create(GetParam());
    ASSERT_OK(db);
    database_ = std::move(*db);
    auto store = database_->OpenStore();
    ASSERT_OK(store);
    store_ = std::move(*store);
    service_ = std::make_unique<RegistryService>(*store_, permit_all_, clock_);
  }

  RegisteredModel CreateModel(const std::string& name, std::vector<Tag> tags = {}) {
    auto created = service_->CreateRegisteredModel(ctx_, {name, "", std::move(tags)});
    EXPECT_OK(created);
    return created.ok() ? created->value : RegisteredModel{};
  }

  ModelVersion CreateVersion(const std::string& name, std::vector<Tag> tags = {},
                             const std::string& run_id = "") {
    NewModelVersion version;
    version.name = name;
    version.source = "s3://bucket/" + name;
    version.run_id = run_id;
    version.tags = std::move(tags);
    auto created = service_->CreateModelVersion(ctx_, version);
    EXPECT_OK(created);
    return created.ok() ? created->value : ModelVersion{};
  }

  std::vector<std::string> SearchModelNames(const std::string& filter,
                                            std::vector<std::string> order_by = {}) {
    SearchQuery query;
    query.filter = filter;
    query.order_by = std::move(order_by);
    auto page = service_->SearchRegisteredModels(ctx_, query);
    EXPECT_OK(page);
    std::vector<std::string> names;
    if (page.ok()) {
      for (const RegisteredModel& m : page->items) names.push_back(m.name);
    }
    return names;
  }

  std::vector<std::string> SearchVersionKeys(const std::string& filter,
                                             std::vector<std::string> order_by = {}) {
    SearchQuery query;
    query.filter = filter;
    query.order_by = std::move(order_by);
    auto page = service_->SearchModelVersions(ctx_, query);
    EXPECT_OK(page);
    std::vector<std::string> keys;
    if (page.ok()) {
      for (const ModelVersion& v : page->items) {
        keys.push_back(v.name + "/" + std::to_string(v.version));
      }
    }
    return keys;
  }

  FakeClock clock_;
  PermitAll permit_all_;
  CallContext ctx_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<ModelStore> store_;
  std::unique_ptr<RegistryService> service_;
};

TEST_P(RegistryConformanceTest, CreateAndGetRegisteredModel) {
  auto created = service_->CreateRegisteredModel(
      ctx_, {"fraud.detector", "Detects fraud", {{"team", "risk"}, {"owner", "alice"}}});
  ASSERT_OK(created);
  EXPECT_EQ(created->value.name, "fraud.detector");
  EXPECT_GT(created->value.creation_timestamp, 0);
  EXPECT_EQ(created->value.creation_timestamp, created->value.last_updated_timestamp);

  auto got = service_->GetRegisteredModel(ctx_, "fraud.detector");
  ASSERT_OK(got);
  EXPECT_EQ(got->description, "Detects fraud");
  EXPECT_EQ(got->creation_timestamp, created->value.creation_timestamp);
  EXPECT_THAT(got->tags, UnorderedElementsAre(Tag{"team", "risk"}, Tag{"owner", "alice"}));
  EXPECT_TRUE(got->latest_versions.empty());
  EXPECT_TRUE(got->aliases.empty());
}

TEST_P(RegistryConformanceTest, DuplicateNameIsAlreadyExists) {
  CreateModel("m");
  EXPECT_CODE(service_->CreateRegisteredModel(ctx_, {"m", "", {}}),
              ErrorCode::kResourceAlreadyExists);
  auto prompt =
      service_->CreateRegisteredModel(ctx_, {"m", "", {{"mlflow.prompt.is_prompt", "true"}}});
  EXPECT_CODE(prompt, ErrorCode::kResourceAlreadyExists);
  EXPECT_NE(prompt.status().message().find("prompt"), std::string::npos);
}

TEST_P(RegistryConformanceTest, NamesCompareByteExactly) {
  CreateModel("Model");
  CreateModel("model");
  CreateModel("a");
  CreateModel("a ");
  EXPECT_CODE(service_->GetRegisteredModel(ctx_, "MODEL"), ErrorCode::kResourceDoesNotExist);
  EXPECT_THAT(SearchModelNames(""), ElementsAre("Model", "a", "a ", "model"));
  EXPECT_THAT(SearchModelNames("name = 'a'"), ElementsAre("a"));
}

TEST_P(RegistryConformanceTest, InvalidInputChangesNothing) {
  EXPECT_CODE(service_->CreateRegisteredModel(ctx_, {"", "", {}}),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(service_->CreateRegisteredModel(ctx_, {"m", "", {{"bad/../key", "v"}}}),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(service_->CreateRegisteredModel(ctx_, {std::string(300, 'x'), "", {}}),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(service_->GetRegisteredModel(ctx_, "m"), ErrorCode::kResourceDoesNotExist);
}

TEST_P(RegistryConformanceTest, UpdateDescriptionBumpsTimestamp) {
  RegisteredModel created = CreateModel("m");
  auto updated = service_->UpdateRegisteredModel(ctx_, "m", "new text");
  ASSERT_OK(updated);
  EXPECT_EQ(updated->value.description, "new text");
  EXPECT_GT(updated->value.last_updated_timestamp, created.last_updated_timestamp);
  ASSERT_OK(service_->UpdateRegisteredModel(ctx_, "m", ""));
  EXPECT_EQ(service_->GetRegisteredModel(ctx_, "m")->description, "");
  EXPECT_CODE(service_->UpdateRegisteredModel(ctx_, "absent", "x"),
              ErrorCode::kResourceDoesNotExist);
}

TEST_P(RegistryConformanceTest, VersionsAreNumberedPerModelAndNeverReused) {
  CreateModel("a");
  CreateModel("b");
  EXPECT_EQ(CreateVersion("a").version, 1);
  EXPECT_EQ(CreateVersion("a").version, 2);
  EXPECT_EQ(CreateVersion("b").version, 1);
  EXPECT_EQ(CreateVersion("a").version, 3);
  ASSERT_OK(service_->DeleteModelVersion(ctx_, "a", 3));
  EXPECT_EQ(CreateVersion("a").version, 4);
  EXPECT_CODE(service_->GetModelVersion(ctx_, "a", 3), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(service_->DeleteModelVersion(ctx_, "a", 3), ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(service_->SetModelVersionTag(ctx_, "a", 3, {"k", "v"}),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(service_->TransitionModelVersionStage(ctx_, "a", 3, Stage::kStaging, false),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(service_->SetRegisteredModelAlias(ctx_, "a", "x", 3),
              ErrorCode::kResourceDoesNotExist);
}

TEST_P(RegistryConformanceTest, CreateVersionFieldsAndModelTimestamp) {
  RegisteredModel model = CreateModel("m");
  NewModelVersion request;
  request.name = "m";
  request.source = "s3://b/m/1";
  request.run_id = "a1b2c3";
  request.tags = {{"framework", "xgboost"}};
  auto created = service_->CreateModelVersion(ctx_, request);
  ASSERT_OK(created);
  EXPECT_EQ(created->value.current_stage, Stage::kNone);
  EXPECT_EQ(created->value.status, VersionStatus::kReady);
  EXPECT_EQ(created->value.description, "");
  EXPECT_EQ(created->value.run_link, "");
  EXPECT_EQ(created->value.run_id, "a1b2c3");

  auto got = service_->GetModelVersion(ctx_, "m", 1);
  ASSERT_OK(got);
  EXPECT_EQ(got->source, "s3://b/m/1");
  EXPECT_EQ(got->description, "");
  EXPECT_THAT(got->tags, ElementsAre(Tag{"framework", "xgboost"}));
  EXPECT_EQ(*service_->GetModelVersionDownloadUri(ctx_, "m", 1), "s3://b/m/1");
  EXPECT_GT(service_->GetRegisteredModel(ctx_, "m")->last_updated_timestamp,
            model.last_updated_timestamp);
}

TEST_P(RegistryConformanceTest, CreateVersionOfMissingModelIsNotFound) {
  NewModelVersion request{"absent", "s3://b/x", "", "", "", {}};
  EXPECT_CODE(service_->CreateModelVersion(ctx_, request), ErrorCode::kResourceDoesNotExist);
}

TEST_P(RegistryConformanceTest, SourceValidationSkipsPrompts) {
  CreateModel("m");
  NewModelVersion request{"m", "/tmp/local", "", "", "", {}};
  EXPECT_CODE(service_->CreateModelVersion(ctx_, request), ErrorCode::kInvalidParameterValue);
  request.source = "s3://b/../secrets";
  EXPECT_CODE(service_->CreateModelVersion(ctx_, request), ErrorCode::kInvalidParameterValue);
  request.source = "dummy-source";
  request.tags = {{"mlflow.prompt.is_prompt", "true"}};
  EXPECT_OK(service_->CreateModelVersion(ctx_, request));
}

TEST_P(RegistryConformanceTest, OverlongRunIdSourceAndRunLinkAreRejected) {
  CreateModel("m");
  NewModelVersion request{"m", "s3://b/m", std::string(257, 'a'), "", "", {}};
  EXPECT_CODE(service_->CreateModelVersion(ctx_, request), ErrorCode::kInvalidParameterValue);
  request.run_id = std::string(256, 'a');
  request.source = "s3://b/" + std::string(16384, 'x');
  EXPECT_CODE(service_->CreateModelVersion(ctx_, request), ErrorCode::kInvalidParameterValue);
  request.source = "s3://b/m";
  request.run_link = std::string(16385, 'l');
  EXPECT_CODE(service_->CreateModelVersion(ctx_, request), ErrorCode::kInvalidParameterValue);
  request.run_link = std::string(16384, 'l');
  auto created = service_->CreateModelVersion(ctx_, request);
  ASSERT_OK(created);
  EXPECT_EQ(service_->GetModelVersion(ctx_, "m", created->value.version)->run_id, request.run_id);
}

TEST_P(RegistryConformanceTest, UpdateVersionDescriptionLeavesModelTimestamp) {
  CreateModel("m");
  CreateVersion("m");
  int64_t model_updated = service_->GetRegisteredModel(ctx_, "m")->last_updated_timestamp;
  auto updated = service_->UpdateModelVersion(ctx_, "m", 1, std::string("better"));
  ASSERT_OK(updated);
  EXPECT_EQ(updated->value.description, "better");
  EXPECT_GT(updated->value.last_updated_timestamp, updated->value.creation_timestamp);
  EXPECT_EQ(service_->GetRegisteredModel(ctx_, "m")->last_updated_timestamp, model_updated);
  ASSERT_OK(service_->UpdateModelVersion(ctx_, "m", 1, std::nullopt));
  EXPECT_FALSE(service_->GetModelVersion(ctx_, "m", 1)->description.has_value());
}

TEST_P(RegistryConformanceTest, TransitionArchivesOnlyTheTargetStage) {
  CreateModel("m");
  for (int i = 0; i < 3; ++i) CreateVersion("m");
  ASSERT_OK(service_->TransitionModelVersionStage(ctx_, "m", 1, Stage::kStaging, false));
  ASSERT_OK(service_->TransitionModelVersionStage(ctx_, "m", 2, Stage::kProduction, false));
  auto moved = service_->TransitionModelVersionStage(ctx_, "m", 3, Stage::kProduction, true);
  ASSERT_OK(moved);
  EXPECT_EQ(moved->value.current_stage, Stage::kProduction);
  EXPECT_EQ(service_->GetModelVersion(ctx_, "m", 2)->current_stage, Stage::kArchived);
  EXPECT_EQ(service_->GetModelVersion(ctx_, "m", 1)->current_stage, Stage::kStaging);
  EXPECT_CODE(service_->TransitionModelVersionStage(ctx_, "m", 1, Stage::kArchived, true),
              ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(service_->GetModelVersion(ctx_, "m", 1)->current_stage, Stage::kStaging);
}

TEST_P(RegistryConformanceTest, LatestVersionsPerStageInMlflowOrder) {
  CreateModel("m");
  for (int i = 0; i < 5; ++i) CreateVersion("m");
  ASSERT_OK(service_->TransitionModelVersionStage(ctx_, "m", 1, Stage::kStaging, false));
  ASSERT_OK(service_->TransitionModelVersionStage(ctx_, "m", 2, Stage::kProduction, false));
  ASSERT_OK(service_->TransitionModelVersionStage(ctx_, "m", 3, Stage::kStaging, false));
  ASSERT_OK(service_->DeleteModelVersion(ctx_, "m", 5));
  // Stages in the order of their lowest live version: Staging(1), Production(2), None(4).
  auto latest = service_->GetLatestVersions(ctx_, "m", {});
  ASSERT_OK(latest);
  std::vector<std::pair<Stage, int64_t>> got;
  for (const ModelVersion& v : *latest) got.emplace_back(v.current_stage, v.version);
  EXPECT_THAT(got, ElementsAre(std::pair{Stage::kStaging, int64_t{3}},
                               std::pair{Stage::kProduction, int64_t{2}},
                               std::pair{Stage::kNone, int64_t{4}}));
  auto production = service_->GetLatestVersions(ctx_, "m", {Stage::kProduction});
  ASSERT_OK(production);
  ASSERT_EQ(production->size(), 1u);
  EXPECT_EQ((*production)[0].version, 2);
  EXPECT_TRUE(service_->GetLatestVersions(ctx_, "m", {Stage::kArchived})->empty());
  EXPECT_CODE(service_->GetLatestVersions(ctx_, "absent", {}), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(service_->GetRegisteredModel(ctx_, "m")->latest_versions.size(), 3u);
}

TEST_P(RegistryConformanceTest, AliasesSetMoveDeleteAndResolve) {
  CreateModel("m");
  for (int i = 0; i < 3; ++i) CreateVersion("m");
  ASSERT_OK(service_->SetRegisteredModelAlias(ctx_, "m", "champion", 3));
  ASSERT_OK(service_->SetRegisteredModelAlias(ctx_, "m", "stable", 3));
  EXPECT_THAT(service_->GetModelVersion(ctx_, "m", 3)->aliases,
              UnorderedElementsAre("champion", "stable"));
  ASSERT_OK(service_->SetRegisteredModelAlias(ctx_, "m", "champion", 1));
  EXPECT_EQ(service_->GetModelVersionByAlias(ctx_, "m", "champion")->version, 1);
  EXPECT_THAT(service_->GetModelVersion(ctx_, "m", 3)->aliases, ElementsAre("stable"));
  EXPECT_THAT(
      service_->GetRegisteredModel(ctx_, "m")->aliases,
      UnorderedElementsAre(ModelVersionAlias{"champion", 1}, ModelVersionAlias{"stable", 3}));

  ASSERT_OK(service_->DeleteRegisteredModelAlias(ctx_, "m", "stable"));
  ASSERT_OK(service_->DeleteRegisteredModelAlias(ctx_, "m", "stable"));  // Idempotent.
  EXPECT_CODE(service_->GetModelVersionByAlias(ctx_, "m", "stable"),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(service_->GetModelVersionByAlias(ctx_, "absent", "x"),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(service_->DeleteRegisteredModelAlias(ctx_, "absent", "x"),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(service_->SetRegisteredModelAlias(ctx_, "m", "latest", 1),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(service_->SetRegisteredModelAlias(ctx_, "m", "V12", 1),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(service_->SetRegisteredModelAlias(ctx_, "m", "bad alias!", 1),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(service_->SetRegisteredModelAlias(ctx_, "m", "ghost", 42),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(service_->SetRegisteredModelAlias(ctx_, "absent", "ghost", 1),
              ErrorCode::kResourceDoesNotExist);
}

TEST_P(RegistryConformanceTest, LatestAliasResolvesToNewestLiveVersion) {
  CreateModel("m");
  EXPECT_CODE(service_->GetModelVersionByAlias(ctx_, "m", "latest"),
              ErrorCode::kResourceDoesNotExist);
  for (int i = 0; i < 3; ++i) CreateVersion("m");
  ASSERT_OK(service_->TransitionModelVersionStage(ctx_, "m", 1, Stage::kProduction, false));
  EXPECT_EQ(service_->GetModelVersionByAlias(ctx_, "m", "LATEST")->version, 3);
  ASSERT_OK(service_->DeleteModelVersion(ctx_, "m", 3));
  EXPECT_EQ(service_->GetModelVersionByAlias(ctx_, "m", "latest")->version, 2);
}

TEST_P(RegistryConformanceTest, DeletingAVersionRemovesItsAliases) {
  CreateModel("m");
  CreateVersion("m");
  CreateVersion("m");
  ASSERT_OK(service_->SetRegisteredModelAlias(ctx_, "m", "champion", 1));
  ASSERT_OK(service_->SetRegisteredModelAlias(ctx_, "m", "challenger", 2));
  ASSERT_OK(service_->DeleteModelVersion(ctx_, "m", 1));
  EXPECT_CODE(service_->GetModelVersionByAlias(ctx_, "m", "champion"),
              ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(service_->GetRegisteredModel(ctx_, "m")->aliases,
              ElementsAre(ModelVersionAlias{"challenger", 2}));
}

TEST_P(RegistryConformanceTest, RenameCarriesEverything) {
  CreateModel("old", {{"team", "risk"}});
  CreateVersion("old", {{"k", "v"}});
  CreateVersion("old");
  ASSERT_OK(service_->DeleteModelVersion(ctx_, "old", 2));
  ASSERT_OK(service_->SetRegisteredModelAlias(ctx_, "old", "champion", 1));
  CreateModel("taken");

  EXPECT_CODE(service_->RenameRegisteredModel(ctx_, "old", "taken"),
              ErrorCode::kResourceAlreadyExists);
  EXPECT_CODE(service_->RenameRegisteredModel(ctx_, "absent", "x"),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(service_->RenameRegisteredModel(ctx_, "old", ""), ErrorCode::kInvalidParameterValue);
  int64_t before = service_->GetModelVersion(ctx_, "old", 1)->last_updated_timestamp;

  auto renamed = service_->RenameRegisteredModel(ctx_, "old", "new");
  ASSERT_OK(renamed);
  EXPECT_EQ(renamed->value.name, "new");
  EXPECT_THAT(renamed->value.tags, ElementsAre(Tag{"team", "risk"}));
  EXPECT_THAT(renamed->value.aliases, ElementsAre(ModelVersionAlias{"champion", 1}));
  EXPECT_CODE(service_->GetRegisteredModel(ctx_, "old"), ErrorCode::kResourceDoesNotExist);
  auto version = service_->GetModelVersion(ctx_, "new", 1);
  ASSERT_OK(version);
  EXPECT_THAT(version->tags, ElementsAre(Tag{"k", "v"}));
  EXPECT_GT(version->last_updated_timestamp, before);
  EXPECT_EQ(service_->GetModelVersionByAlias(ctx_, "new", "champion")->version, 1);
  // The deleted version 2 moved too: numbering continues.
  EXPECT_EQ(CreateVersion("new").version, 3);
}

TEST_P(RegistryConformanceTest, DeleteModelCascadesAndNumberingRestarts) {
  CreateModel("m", {{"team", "x"}});
  CreateVersion("m", {{"k", "v"}});
  CreateVersion("m");
  ASSERT_OK(service_->SetRegisteredModelAlias(ctx_, "m", "champion", 2));
  ASSERT_OK(service_->DeleteRegisteredModel(ctx_, "m"));
  EXPECT_CODE(service_->DeleteRegisteredModel(ctx_, "m"), ErrorCode::kResourceDoesNotExist);
  EXPECT_TRUE(SearchVersionKeys("name = 'm'").empty());
  RegisteredModel again = CreateModel("m");
  EXPECT_TRUE(again.tags.empty());
  EXPECT_EQ(CreateVersion("m").version, 1);
  auto model = service_->GetRegisteredModel(ctx_, "m");
  ASSERT_OK(model);
  EXPECT_TRUE(model->aliases.empty());
  EXPECT_TRUE(service_->GetModelVersion(ctx_, "m", 1)->tags.empty());
}

TEST_P(RegistryConformanceTest, TagsUpsertDeleteAndLeaveTimestamps) {
  CreateModel("m");
  CreateVersion("m");
  int64_t model_updated = service_->GetRegisteredModel(ctx_, "m")->last_updated_timestamp;
  int64_t version_updated = service_->GetModelVersion(ctx_, "m", 1)->last_updated_timestamp;
  ASSERT_OK(service_->SetRegisteredModelTag(ctx_, "m", {"owner", "bob"}));
  ASSERT_OK(service_->SetRegisteredModelTag(ctx_, "m", {"owner", "carol"}));
  ASSERT_OK(service_->SetModelVersionTag(ctx_, "m", 1, {"validated", "true"}));
  ASSERT_OK(service_->SetModelVersionTag(ctx_, "m", 1, {"validated", "false"}));
  auto model = service_->GetRegisteredModel(ctx_, "m");
  EXPECT_THAT(model->tags, ElementsAre(Tag{"owner", "carol"}));
  EXPECT_EQ(model->last_updated_timestamp, model_updated);
  auto version = service_->GetModelVersion(ctx_, "m", 1);
  EXPECT_THAT(version->tags, ElementsAre(Tag{"validated", "false"}));
  EXPECT_EQ(version->last_updated_timestamp, version_updated);

  ASSERT_OK(service_->DeleteRegisteredModelTag(ctx_, "m", "owner"));
  ASSERT_OK(service_->DeleteRegisteredModelTag(ctx_, "m", "owner"));
  ASSERT_OK(service_->DeleteModelVersionTag(ctx_, "m", 1, "validated"));
  ASSERT_OK(service_->DeleteModelVersionTag(ctx_, "m", 1, "validated"));
  EXPECT_TRUE(service_->GetRegisteredModel(ctx_, "m")->tags.empty());
  EXPECT_CODE(service_->SetRegisteredModelTag(ctx_, "absent", {"k", "v"}),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(service_->DeleteModelVersionTag(ctx_, "m", 99, "k"),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(service_->SetModelVersionTag(ctx_, "m", 1, {"a//b", "v"}),
              ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(service_->SetModelVersionTag(ctx_, "m", 1, {"k", std::string(100001, 'x')}),
              ErrorCode::kInvalidParameterValue);
}

TEST_P(RegistryConformanceTest, LargeTagValuesRoundTrip) {
  CreateModel("m");
  CreateVersion("m");
  std::string large(100000, 'v');
  large[0] = 'A';
  ASSERT_OK(service_->SetModelVersionTag(ctx_, "m", 1, {"big", large}));
  ASSERT_OK(service_->SetRegisteredModelTag(ctx_, "m", {"emoji", "caf\xc3\xa9 \xf0\x9f\x9a\x80"}));
  EXPECT_EQ(service_->GetModelVersion(ctx_, "m", 1)->tags.at(0).value, large);
  EXPECT_EQ(service_->GetRegisteredModel(ctx_, "m")->tags.at(0).value,
            "caf\xc3\xa9 \xf0\x9f\x9a\x80");
}

TEST_P(RegistryConformanceTest, SearchModelsByNameAndTags) {
  CreateModel("churn-model", {{"team", "growth"}});
  CreateModel("Churn-Model-EU", {{"team", "growth"}, {"region", "eu"}});
  CreateModel("fraud-detector", {{"team", "risk"}});
  CreateModel("my-prompt", {{"mlflow.prompt.is_prompt", "true"}});

  const std::string no_prompts = " AND tag.`mlflow.prompt.is_prompt` != 'true'";
  EXPECT_THAT(SearchModelNames("tag.`mlflow.prompt.is_prompt` != 'true'"),
              ElementsAre("Churn-Model-EU", "churn-model", "fraud-detector"));
  EXPECT_THAT(SearchModelNames("name LIKE 'churn%'" + no_prompts), ElementsAre("churn-model"));
  EXPECT_THAT(SearchModelNames("name ILIKE 'churn%'" + no_prompts),
              ElementsAre("Churn-Model-EU", "churn-model"));
  EXPECT_THAT(SearchModelNames("name != 'churn-model'"),
              ElementsAre("Churn-Model-EU", "fraud-detector"));
  EXPECT_THAT(SearchModelNames("tags.team = 'growth' AND name LIKE '%EU'"),
              ElementsAre("Churn-Model-EU"));
  EXPECT_THAT(SearchModelNames("tags.region != 'us'"), ElementsAre("Churn-Model-EU"));
  EXPECT_THAT(SearchModelNames("tags.`mlflow.prompt.is_prompt` = 'true'"),
              ElementsAre("my-prompt"));
  EXPECT_THAT(SearchModelNames("", {"name DESC"}),
              ElementsAre("fraud-detector", "churn-model", "Churn-Model-EU"));
  EXPECT_THAT(SearchModelNames("", {"last_updated_timestamp DESC"}),
              ElementsAre("fraud-detector", "Churn-Model-EU", "churn-model"));
}

TEST_P(RegistryConformanceTest, SearchFilterInjectionIsLiteralOrRejected) {
  CreateModel("m");
  EXPECT_TRUE(SearchModelNames("name = \"m'; DROP TABLE registered_models; --\"").empty());
  SearchQuery query;
  for (const char* bad :
       {"name = 'm'; DROP TABLE registered_models", "name = 'm' OR 1 = 1", "name = 'm' -- comment",
        "tags.`x` = 'a') OR (1=1", "name = (SELECT name FROM x)"}) {
    query.filter = bad;
    EXPECT_CODE(service_->SearchRegisteredModels(ctx_, query), ErrorCode::kInvalidParameterValue)
        << bad;
  }
  EXPECT_OK(service_->GetRegisteredModel(ctx_, "m"));
}

TEST_P(RegistryConformanceTest, SearchModelsPaginates) {
  for (const char* name : {"a", "b", "c", "d", "e"}) CreateModel(name);
  SearchQuery query;
  query.max_results = 2;
  std::vector<std::string> seen;
  int pages = 0;
  do {
    auto page = service_->SearchRegisteredModels(ctx_, query);
    ASSERT_OK(page);
    for (const RegisteredModel& m : page->items) seen.push_back(m.name);
    query.page_token = page->next_page_token;
    ++pages;
  } while (!query.page_token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAre("a", "b", "c", "d", "e"));

  query.max_results = 5;
  query.page_token.clear();
  EXPECT_TRUE(service_->SearchRegisteredModels(ctx_, query)->next_page_token.empty());
  query.page_token = "garbage";
  EXPECT_CODE(service_->SearchRegisteredModels(ctx_, query), ErrorCode::kInvalidParameterValue);
  query.page_token.clear();
  query.max_results = 1001;
  EXPECT_CODE(service_->SearchRegisteredModels(ctx_, query), ErrorCode::kInvalidParameterValue);
  // MLflow's registered-model search has no lower bound: 0 answers an empty page and a token
  // for the same offset when a model is there; a negative value always answers one.
  query.max_results = 0;
  auto empty = service_->SearchRegisteredModels(ctx_, query);
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->items.empty());
  EXPECT_EQ(empty->next_page_token, EncodePageToken(0));
  query.filter = "name = 'nothing'";
  empty = service_->SearchRegisteredModels(ctx_, query);
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->next_page_token.empty());
  query.max_results = -5;
  empty = service_->SearchRegisteredModels(ctx_, query);
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->items.empty());
  EXPECT_EQ(empty->next_page_token, EncodePageToken(0));
  query.filter = "name = ";  // Still parsed: a bad filter is a 400 whatever max_results says.
  EXPECT_CODE(service_->SearchRegisteredModels(ctx_, query), ErrorCode::kInvalidParameterValue);
  // Model-version search keeps MLflow's lower bound.
  SearchQuery versions;
  versions.max_results = 0;
  EXPECT_CODE(service_->SearchModelVersions(ctx_, versions), ErrorCode::kInvalidParameterValue);
}

TEST_P(RegistryConformanceTest, RenamingAModelToItsOwnNameMovesItsTimestamps) {
  CreateModel("same");
  CreateVersion("same");
  auto before = service_->GetRegisteredModel(ctx_, "same");
  ASSERT_OK(before);
  auto renamed = service_->RenameRegisteredModel(ctx_, "same", "same");
  ASSERT_OK(renamed);
  EXPECT_GT(renamed->value.last_updated_timestamp, before->last_updated_timestamp);
  auto version = service_->GetModelVersion(ctx_, "same", 1);
  ASSERT_OK(version);
  EXPECT_EQ(version->last_updated_timestamp, renamed->value.last_updated_timestamp);
}

TEST_P(RegistryConformanceTest, CopiesResolveToTheSourceVersionsLocationThroughChains) {
  CreateModel("src");
  CreateVersion("src");  // s3://bucket/src
  CreateModel("copy");
  NewModelVersion copy;
  copy.name = "copy";
  copy.source = "models:/src/1";
  ASSERT_OK(service_->CreateModelVersion(ctx_, copy));
  copy.source = "models:/copy/1";  // A copy of the copy.
  ASSERT_OK(service_->CreateModelVersion(ctx_, copy));
  auto uri = service_->GetModelVersionDownloadUri(ctx_, "copy", 2);
  ASSERT_OK(uri);
  EXPECT_EQ(*uri, "s3://bucket/src");
  auto version = service_->GetModelVersion(ctx_, "copy", 2);
  ASSERT_OK(version);
  EXPECT_EQ(version->source, "models:/copy/1");  // The source stays as given.
  copy.source = "models:/src@champion";
  EXPECT_CODE(service_->CreateModelVersion(ctx_, copy), ErrorCode::kInvalidParameterValue);
  // A source naming no version is refused and writes nothing.
  copy.source = "models:/src/9";
  EXPECT_CODE(service_->CreateModelVersion(ctx_, copy), ErrorCode::kInvalidParameterValue);
  EXPECT_CODE(service_->GetModelVersion(ctx_, "copy", 3), ErrorCode::kResourceDoesNotExist);
}

TEST_P(RegistryConformanceTest, SearchVersions) {
  CreateModel("fraud");
  CreateModel("churn");
  CreateModel("prompt");
  CreateVersion("fraud", {{"framework", "sklearn"}}, "aaaa");
  CreateVersion("fraud", {{"framework", "xgboost"}}, "bbbb");
  CreateVersion("fraud", {}, "aaaa");
  CreateVersion("churn", {}, "cccc");
  CreateVersion("prompt", {{"mlflow.prompt.is_prompt", "true"}});
  ASSERT_OK(service_->DeleteModelVersion(ctx_, "fraud", 3));

  // Default order: last_updated DESC (the delete bumped nothing on live versions).
  EXPECT_THAT(SearchVersionKeys(""), ElementsAre("churn/1", "fraud/2", "fraud/1"));
  EXPECT_THAT(SearchVersionKeys("name = 'fraud'", {"version_number ASC"}),
              ElementsAre("fraud/1", "fraud/2"));
  EXPECT_THAT(SearchVersionKeys("run_id = 'aaaa'"), ElementsAre("fraud/1"));
  EXPECT_THAT(SearchVersionKeys("run_id IN ('aaaa', 'cccc', 'BBBB')", {"name ASC"}),
              ElementsAre("churn/1", "fraud/1"));
  EXPECT_THAT(SearchVersionKeys("tags.framework = 'xgboost'"), ElementsAre("fraud/2"));
  EXPECT_THAT(SearchVersionKeys("version_number >= 2"), ElementsAre("fraud/2"));
  EXPECT_THAT(SearchVersionKeys("source_path LIKE 's3://bucket/ch%'"), ElementsAre("churn/1"));
  EXPECT_THAT(SearchVersionKeys("tags.`mlflow.prompt.is_prompt` = 'true'"),
              ElementsAre("prompt/1"));
  EXPECT_THAT(SearchVersionKeys("name = 'fraud'", {"creation_timestamp DESC"}),
              ElementsAre("fraud/2", "fraud/1"));

  SearchQuery query;
  query.max_results = 0;
  EXPECT_CODE(service_->SearchModelVersions(ctx_, query), ErrorCode::kInvalidParameterValue);
  query.max_results = 200001;
  EXPECT_CODE(service_->SearchModelVersions(ctx_, query), ErrorCode::kInvalidParameterValue);
  query.max_results = 1;
  auto page = service_->SearchModelVersions(ctx_, query);
  ASSERT_OK(page);
  EXPECT_EQ(page->items.size(), 1u);
  EXPECT_FALSE(page->next_page_token.empty());
  EXPECT_THAT(page->items[0].aliases, ::testing::IsEmpty());
  query.filter = "current_stage = 'Staging'";
  EXPECT_CODE(service_->SearchModelVersions(ctx_, query), ErrorCode::kInvalidParameterValue);
}

TEST_P(RegistryConformanceTest, ConcurrentVersionCreatesGetDistinctNumbers) {
  CreateModel("m");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10;
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> numbers(kThreads);
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        NewModelVersion request{"m", "s3://b/m", "", "", "", {{"thread", std::to_string(t)}}};
        auto created = service_->CreateModelVersion(ctx_, request);
        if (created.ok()) {
          numbers[t].push_back(created->value.version);
        } else {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<int64_t> all;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0);
    all.insert(numbers[t].begin(), numbers[t].end());
  }
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kPerThread);
}

TEST_P(RegistryConformanceTest, ReopeningKeepsCommittedData) {
  if (GetParam() == Backend::kSqliteMemory) GTEST_SKIP() << "nothing outlives an in-memory db";
  CreateModel("m");
  CreateVersion("m", {{"k", "v"}});
  store_ = nullptr;
  auto reopened = database_->OpenStore();
  ASSERT_OK(reopened);
  RegistryService again(**reopened, permit_all_, clock_);
  EXPECT_THAT(again.GetModelVersion(ctx_, "m", 1)->tags, ElementsAre(Tag{"k", "v"}));
}

TEST_P(RegistryConformanceTest, AuditEntryIsWrittenWithTheChangeAndOnlyThen) {
  CallContext alice;
  alice.request_id = "req-1";
  alice.principal = Principal::User("alice");
  ASSERT_OK(service_->CreateRegisteredModel(alice, {"m", "", {}}));
  auto created = service_->CreateModelVersion(alice, {"m", "s3://b/m", "", "", "", {}});
  ASSERT_OK(created);
  EXPECT_EQ(created->value.user_id, "alice");

  alice.request_id = "req-2";
  EXPECT_CODE(service_->CreateModelVersion(alice, {"absent", "s3://b/m", "", "", "", {}}),
              ErrorCode::kResourceDoesNotExist);
  EXPECT_CODE(service_->SetModelVersionTag(alice, "m", 1, {"bad//key", "v"}),
              ErrorCode::kInvalidParameterValue);

  auto log = store_->SearchAuditEvents(AuditQuery{});
  ASSERT_OK(log);
  ASSERT_EQ(log->items.size(), 2u);
  const AuditEvent& stored = log->items[0];
  EXPECT_EQ(stored.request_id, "req-1");
  EXPECT_EQ(stored.principal, "alice");
  EXPECT_EQ(stored.operation, "CreateModelVersion");
  EXPECT_EQ(stored.version, 1);
  EXPECT_EQ(stored.model_name, "m");
  EXPECT_EQ(stored.timestamp, created->value.creation_timestamp);
  EXPECT_EQ(stored.outcome, AuditOutcome::kAllowed);
  EXPECT_EQ(log->items[1].operation, "CreateRegisteredModel");
}

// A governor whose verdicts the test sets: what the unit of work does with each kind of
// answer, whatever enforcement decides.
class ScriptedGovernor final : public Governor {
 public:
  Status Preauthorize(const CallContext&, const Change&) override { return Status::Ok(); }
  Result<OutsideFacts> Prepare(const CallContext&, const Change&) override {
    return OutsideFacts{};
  }
  Status Authorize(const CallContext&, const Change& change, AuthStore&, ModelReader&) override {
    if (OperationOf(change) == refused) return Status::PermissionDenied("not you");
    return Status::Ok();
  }
  Result<Verdict> Judge(const CallContext&, const Change&, const ChangeState& state,
                        const OutsideFacts&, ModelReader&) override {
    seen = state;
    return verdict;
  }
  void Committed(const Change&) override { ++committed; }
  Status AuthorizeRead(const CallContext&, Operation, const std::string&) override {
    return Status::Ok();
  }
  Result<std::optional<ReadScope>> SearchScope(const CallContext&) override {
    return std::optional<ReadScope>();
  }

  Operation refused = Operation::kGetCurrentUser;  // Nothing the registry writes.
  Verdict verdict;
  ChangeState seen;
  int committed = 0;
};

TEST_P(RegistryConformanceTest, UnitOfWorkCommitsTheChangeWithItsEntryOrOnlyTheDenial) {
  ScriptedGovernor governor;
  RegistryService governed(*store_, governor, clock_);
  CreateModel("m");
  CreateVersion("m");

  // Allowed with warnings: the change, its entry with the checks (kept byte for byte), and
  // the warnings for the caller.
  governor.verdict.checks = {{"owner", CheckOutcome::kPassed, "tag owner is set"},
                             {"card", CheckOutcome::kWarned, "no\tcard\n \\ here"}};
  governor.verdict.warnings = {"[card] no card"};
  auto moved = governed.TransitionModelVersionStage(ctx_, "m", 1, Stage::kStaging, false);
  ASSERT_OK(moved);
  EXPECT_THAT(moved->warnings, ElementsAre("[card] no card"));
  EXPECT_EQ(governor.seen.version->current_stage, Stage::kNone);
  EXPECT_EQ(governor.committed, 1);

  // Denied by the policy: only the denial's entry.
  governor.verdict = Verdict{};
  governor.verdict.denial = Status::InvalidArgument("policy says no");
  governor.verdict.checks = {{"gate", CheckOutcome::kFailed, "auc too low"}};
  EXPECT_CODE(governed.TransitionModelVersionStage(ctx_, "m", 1, Stage::kProduction, false),
              ErrorCode::kInvalidParameterValue);
  // Refused by access control: only the refusal's entry, before the state is even read.
  governor.verdict = Verdict{};
  governor.refused = Operation::kDeleteModelVersion;
  EXPECT_CODE(governed.DeleteModelVersion(ctx_, "m", 1), ErrorCode::kPermissionDenied);
  EXPECT_EQ(governor.committed, 1);
  EXPECT_EQ(service_->GetModelVersion(ctx_, "m", 1)->current_stage, Stage::kStaging);

  AuditQuery query;
  query.max_results = 3;
  auto log = store_->SearchAuditEvents(query);
  ASSERT_OK(log);
  ASSERT_EQ(log->items.size(), 3u);
  EXPECT_EQ(log->items[0].operation, "DeleteModelVersion");
  EXPECT_EQ(log->items[0].outcome, AuditOutcome::kDenied);
  EXPECT_THAT(log->items[0].checks,
              ElementsAre(AuditCheck{"access", CheckOutcome::kFailed, "not you"}));
  EXPECT_EQ(log->items[1].outcome, AuditOutcome::kDenied);
  EXPECT_EQ(log->items[1].before, "stage=Staging");
  EXPECT_EQ(log->items[1].after, "stage=Production");
  EXPECT_EQ(log->items[2].outcome, AuditOutcome::kWarned);
  EXPECT_EQ(log->items[2].before, "stage=None");
  EXPECT_THAT(log->items[2].checks,
              ElementsAre(AuditCheck{"owner", CheckOutcome::kPassed, "tag owner is set"},
                          AuditCheck{"card", CheckOutcome::kWarned, "no\tcard\n \\ here"}));
}

// Lets everything through; runs `on_judge` once, while the first change it judges holds its
// locks (e.g. to let another server change the database at that moment).
class HookedGovernor final : public PermitAll {
 public:
  std::function<void()> on_judge;

  Result<Verdict> Judge(const CallContext& ctx, const Change& change, const ChangeState& state,
                        const OutsideFacts& facts, ModelReader& reader) override {
    if (on_judge) std::exchange(on_judge, nullptr)();
    return PermitAll::Judge(ctx, change, state, facts, reader);
  }
};

// Another server registers the name a rename is moving to while the rename is being judged
// (MySQL locks no row for a name that is absent). Either the rename wins and the create fails,
// or the rename fails as MLflow's does - not with the database's wording.
TEST_P(RegistryConformanceTest, ANameTakenDuringARenameAnswersMlflowsError) {
  if (GetParam() == Backend::kSqliteMemory) GTEST_SKIP() << "needs a second connection";
  CreateModel("a");
  auto other_store = database_->OpenStore();
  ASSERT_OK(other_store);
  RegistryService other(**other_store, permit_all_, clock_);
  std::promise<Status> created;
  std::future<Status> create = created.get_future();
  std::thread creator;
  HookedGovernor governor;
  governor.on_judge = [&] {
    creator = std::thread([&] {
      created.set_value(other.CreateRegisteredModel(ctx_, {"x", "", {}}).status());
    });
    // SQLite: the create waits for this unit of work's writer lock; MySQL: it commits now.
    create.wait_for(std::chrono::seconds(2));
  };
  RegistryService governed(*store_, governor, clock_);
  const Result<Written<RegisteredModel>> renamed = governed.RenameRegisteredModel(ctx_, "a", "x");
  creator.join();
  const Status created_status = create.get();
  if (renamed.ok()) {
    EXPECT_CODE(created_status, ErrorCode::kResourceAlreadyExists);
  } else {
    EXPECT_CODE(renamed, ErrorCode::kResourceAlreadyExists);
    EXPECT_EQ(renamed.status().message(), "Registered Model (name=x) already exists.");
  }
}

TEST_P(RegistryConformanceTest, AuditLogFiltersAndPages) {
  for (int i = 0; i < 5; ++i) {
    AuditEvent e;
    e.timestamp = 1000 + i;
    e.principal = i % 2 ? "alice" : "bob";
    e.operation = i < 3 ? "TransitionModelVersionStage" : "SetRegisteredModelAlias";
    e.model_name = i < 4 ? "m" : "other";
    e.outcome = AuditOutcome::kDenied;
    ASSERT_OK(store_->AppendAuditEvent(e));
  }
  const auto timestamps = [&](AuditQuery query) {
    std::vector<int64_t> out;
    auto page = store_->SearchAuditEvents(query);
    EXPECT_OK(page);
    if (page.ok()) {
      for (const AuditEvent& e : page->items) out.push_back(e.timestamp);
    }
    return out;
  };
  AuditQuery query;
  EXPECT_THAT(timestamps(query), ElementsAre(1004, 1003, 1002, 1001, 1000));
  query.model_name = "m";
  query.principal = "alice";
  EXPECT_THAT(timestamps(query), ElementsAre(1003, 1001));
  query = AuditQuery{};
  query.operation = "SetRegisteredModelAlias";
  EXPECT_THAT(timestamps(query), ElementsAre(1004, 1003));
  query = AuditQuery{};
  query.since = 1001;
  query.until = 1003;
  EXPECT_THAT(timestamps(query), ElementsAre(1002, 1001));
  query = AuditQuery{};
  query.max_results = 2;
  auto first = store_->SearchAuditEvents(query);
  ASSERT_OK(first);
  EXPECT_FALSE(first->next_page_token.empty());
  query.offset = 4;
  auto last = store_->SearchAuditEvents(query);
  ASSERT_OK(last);
  EXPECT_EQ(last->items.size(), 1u);
  EXPECT_TRUE(last->next_page_token.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryConformanceTest,
                         ::testing::ValuesIn(::modelwarden::testing::AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
