// The MLflow database reader of `modelwarden import --from-db`, on the fixtures of
// tests/fixtures/mlflow: schemas exactly as MLflow's alembic migrations leave them (MLflow 2.0,
// 2.22, 3.x, the opendatahub fork's 3.6 with workspaces) on SQLite and MariaDB, and databases
// written by the real MLflow 3.6 client. Each is recognised by its revision and read whole,
// read-only.

#include "registry/sql/mlflow_database_source.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "registry/store_factory.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::TestDatabase;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kT0 = 1700000000000;  // generate.py's T0.

std::string FixturePath(const std::string& name) {
  return std::string(MODELWARDEN_SOURCE_DIR) + "/tests/fixtures/mlflow/" + name;
}

struct Fixture {
  std::string file;
  Backend backend;
  std::string revision;
  bool from_client;  // Written by the real MLflow client (else generate.py's DATASET).
};

std::string FixtureName(const ::testing::TestParamInfo<Fixture>& info) {
  std::string name = info.param.file.substr(0, info.param.file.size() - 4);
  for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

std::vector<Fixture> Fixtures() {
  return {
      {"sqlite-97727af70f4d.sql", Backend::kSqliteFile, "97727af70f4d", false},
      {"sqlite-0584bdc529eb.sql", Backend::kSqliteFile, "0584bdc529eb", false},
      {"sqlite-bf29a5ff90ea.sql", Backend::kSqliteFile, "bf29a5ff90ea", false},
      {"sqlite-1b5f0d9ad7c1.sql", Backend::kSqliteFile, "1b5f0d9ad7c1", false},
      {"sqlite-mlflow-3.6-client.sql", Backend::kSqliteFile, "1b5f0d9ad7c1", true},
      {"mysql-0584bdc529eb.sql", Backend::kMysql, "0584bdc529eb", false},
      {"mysql-bf29a5ff90ea.sql", Backend::kMysql, "bf29a5ff90ea", false},
      {"mysql-mlflow-3.6-client.sql", Backend::kMysql, "1b5f0d9ad7c1", true},
  };
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class MlflowFixtureTest : public ::testing::TestWithParam<Fixture> {
 protected:
  void SetUp() override {
    const Fixture& fixture = GetParam();
#ifndef MODELWARDEN_HAVE_MYSQL
    if (fixture.backend == Backend::kMysql) GTEST_SKIP() << "built without MySQL";
#endif
    if (!::modelwarden::testing::BackendConfigured(fixture.backend)) {
      GTEST_SKIP() << "MODELWARDEN_TEST_MYSQL_URI is not set";
    }
    auto db = TestDatabase::Create(fixture.backend);
    ASSERT_OK(db);
    database_ = std::move(*db);
    ASSERT_OK(database_->ExecuteScript(FixturePath(fixture.file)));
  }

  // Every model of the source, by name.
  std::map<std::string, ModelSnapshot> ReadAll(RegistrySource& source) {
    std::map<std::string, ModelSnapshot> models;
    while (true) {
      auto batch = source.Next(2);
      EXPECT_OK(batch);
      if (!batch.ok() || batch->empty()) break;
      for (ModelSnapshot& m : *batch) models[m.model.name] = m;
    }
    return models;
  }

  std::unique_ptr<TestDatabase> database_;
};

TEST_P(MlflowFixtureTest, RecognisesTheRevisionAndReadsTheRegistryWhole) {
  const Fixture& fixture = GetParam();
  auto source = OpenMlflowDatabase({database_->uri(), "default"});
  ASSERT_OK(source);
  EXPECT_THAT((*source)->Describe(), HasSubstr("alembic revision " + fixture.revision));
  EXPECT_EQ((*source)->ModelCount(), 3);
  std::map<std::string, ModelSnapshot> models = ReadAll(**source);
  ASSERT_EQ(models.size(), 3u);

  const ModelSnapshot& fraud = models["fraud.detector"];
  EXPECT_EQ(fraud.model.description, "Scores card transactions for fraud.");
  ASSERT_EQ(VersionNumbers(fraud), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_FALSE(fraud.versions[0].deleted);
  EXPECT_TRUE(fraud.versions[1].deleted);
  EXPECT_EQ(fraud.versions[1].version.source, kRedactedSource);
  EXPECT_EQ(fraud.versions[0].version.current_stage, Stage::kArchived);
  EXPECT_EQ(fraud.versions[2].version.current_stage, Stage::kProduction);
  EXPECT_EQ(fraud.versions[0].version.description, "first");
  EXPECT_THAT(fraud.model.tags.size(), 2u);
  std::map<std::string, std::string> v3_tags;
  for (const Tag& t : fraud.versions[2].version.tags) v3_tags[t.key] = t.value;
  EXPECT_EQ(v3_tags["metrics.auc"], "0.91");
  EXPECT_EQ(v3_tags["training_data_version"], "2025-06-30");
  EXPECT_EQ(models["Churn Model"].versions.at(0).version.current_stage, Stage::kStaging);
  const ModelSnapshot& prompt = models["summarize"];
  EXPECT_TRUE(IsPrompt(prompt.model.tags));
  ASSERT_EQ(VersionNumbers(prompt), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(IsPrompt(prompt.versions[1].version.tags));

  const bool has_aliases = fixture.revision != "97727af70f4d";  // Aliases came with MLflow 2.3.
  if (fixture.from_client) {
    EXPECT_THAT(fraud.model.aliases, ElementsAre(ModelVersionAlias{"champion", 3}));
    EXPECT_THAT(prompt.model.aliases, ElementsAre(ModelVersionAlias{"production", 2}));
    EXPECT_EQ(fraud.versions[2].version.source.rfind("runs:/", 0), 0u);
    EXPECT_GT(fraud.model.creation_timestamp, 0);
    EXPECT_EQ(fraud.model.last_updated_timestamp, fraud.versions[1].version.last_updated_timestamp)
        << "deleting version 2 was the model's last change";
    return;
  }
  // generate.py's DATASET, field by field.
  EXPECT_EQ(fraud.model.creation_timestamp, kT0);
  EXPECT_EQ(fraud.model.last_updated_timestamp, kT0 + 9000);
  const ModelVersion& v3 = fraud.versions[2].version;
  EXPECT_EQ(v3.creation_timestamp, kT0 + 3000);
  EXPECT_EQ(v3.last_updated_timestamp, kT0 + 7000);
  EXPECT_EQ(v3.user_id, "alice");
  EXPECT_EQ(v3.description, "");
  EXPECT_EQ(v3.run_id, "0123456789abcdef0123456789abcdef");
  const bool has_storage_location = fixture.revision != "97727af70f4d";
  EXPECT_EQ(v3.storage_location,
            has_storage_location
                ? "s3://artifacts/1/0123456789abcdef0123456789abcdef/artifacts/model"
                : "");
  EXPECT_EQ(v3.run_link,
            "http://tracker:5000/#/experiments/1/runs/0123456789abcdef0123456789abcdef");
  const ModelVersion& v4 = fraud.versions[3].version;
  EXPECT_EQ(v4.status, VersionStatus::kFailedRegistration);
  EXPECT_EQ(v4.status_message, "copy failed");
  EXPECT_FALSE(v4.description.has_value());
  EXPECT_FALSE(v4.run_id.has_value());
  EXPECT_EQ(models["Churn Model"].model.description, "");
  if (has_aliases) {
    // The dangling alias is read as MLflow has it; the importer decides what to do with it.
    EXPECT_THAT(fraud.model.aliases,
                ElementsAre(ModelVersionAlias{"champion", 3}, ModelVersionAlias{"stale", 2}));
  } else {
    EXPECT_THAT(fraud.model.aliases, IsEmpty());
  }
}

// SQLite: the file's bytes are the same after reading; MySQL reads in a READ ONLY transaction
// of a READ ONLY session, which the server itself refuses to write in.
TEST_P(MlflowFixtureTest, ReadsWithoutWriting) {
  const bool file = GetParam().backend == Backend::kSqliteFile;
  const std::string before = file ? FileBytes(database_->name()) : "";
  auto source = OpenMlflowDatabase({database_->uri(), "default"});
  ASSERT_OK(source);
  ReadAll(**source);
  source->reset();
  if (file) {
    EXPECT_EQ(FileBytes(database_->name()), before);
  }

  // And a server that is pointed at it refuses it unchanged, naming the import.
  StoreOptions options;
  options.uri = database_->uri();
  auto stores = OpenStores(options);
  EXPECT_CODE(stores, ErrorCode::kInvalidState);
  EXPECT_THAT(stores.status().message(), HasSubstr("modelwarden import --from-db"));
  EXPECT_THAT(stores.status().message(), HasSubstr(GetParam().revision));
  if (file) {
    EXPECT_EQ(FileBytes(database_->name()), before);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, MlflowFixtureTest, ::testing::ValuesIn(Fixtures()), FixtureName);

class MlflowSchemaTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (!::modelwarden::testing::BackendConfigured(GetParam())) {
      GTEST_SKIP() << "MODELWARDEN_TEST_MYSQL_URI is not set";
    }
    auto db = TestDatabase::Create(GetParam());
    ASSERT_OK(db);
    database_ = std::move(*db);
  }
  std::string Fixture(const std::string& revision) const {
    return FixturePath((GetParam() == Backend::kMysql ? "mysql-" : "sqlite-") + revision + ".sql");
  }

  std::unique_ptr<TestDatabase> database_;
};

TEST_P(MlflowSchemaTest, AModelwardenDatabaseIsNotReadAsMlflows) {
  ASSERT_OK(database_->OpenStores());
  auto source = OpenMlflowDatabase({database_->uri(), "default"});
  EXPECT_CODE(source, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(source.status().message(), HasSubstr("modelwarden export"));
}

TEST_P(MlflowSchemaTest, AnEmptyDatabaseIsNotAnMlflowOne) {
  ASSERT_OK(database_->ExecuteSql("CREATE TABLE unrelated (id INTEGER)"));
  auto source = OpenMlflowDatabase({database_->uri(), "default"});
  EXPECT_CODE(source, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(source.status().message(), HasSubstr("alembic_version"));
}

// A newer MLflow's revision is read by the columns it has, and the import says so.
TEST_P(MlflowSchemaTest, AnUnknownRevisionIsReadByItsColumns) {
  ASSERT_OK(database_->ExecuteScript(Fixture("bf29a5ff90ea")));
  ASSERT_OK(database_->ExecuteSql("UPDATE alembic_version SET version_num = 'ffffffffffff'"));
  auto source = OpenMlflowDatabase({database_->uri(), "default"});
  ASSERT_OK(source);
  EXPECT_THAT((*source)->Notes(), ElementsAre(HasSubstr("not one this modelwarden knows")));
  EXPECT_EQ((*source)->ModelCount(), 3);
}

// A known revision whose tables say otherwise was changed by hand: refused, not guessed at.
TEST_P(MlflowSchemaTest, TablesThatContradictTheirRevisionAreRefused) {
  ASSERT_OK(database_->ExecuteScript(Fixture("bf29a5ff90ea")));
  ASSERT_OK(database_->ExecuteSql("UPDATE alembic_version SET version_num = '97727af70f4d'"));
  auto source = OpenMlflowDatabase({database_->uri(), "default"});
  EXPECT_CODE(source, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(source.status().message(), HasSubstr("do not match its alembic revision"));
}

TEST_P(MlflowSchemaTest, ARevisionFromBeforeTheRegistryHasNothingToImport) {
  ASSERT_OK(database_->ExecuteSql("CREATE TABLE alembic_version (version_num VARCHAR(32))"));
  ASSERT_OK(database_->ExecuteSql("INSERT INTO alembic_version VALUES ('451aebb31d03')"));
  auto source = OpenMlflowDatabase({database_->uri(), "default"});
  EXPECT_CODE(source, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(source.status().message(), HasSubstr("before MLflow had a model registry"));
}

std::vector<Backend> SchemaBackends() {
  std::vector<Backend> backends = {Backend::kSqliteFile};
#ifdef MODELWARDEN_HAVE_MYSQL
  backends.push_back(Backend::kMysql);
#endif
  return backends;
}

INSTANTIATE_TEST_SUITE_P(Backends, MlflowSchemaTest, ::testing::ValuesIn(SchemaBackends()),
                         [](const auto& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

// The opendatahub fork's workspaces: one is read, the others are named in the notes.
TEST(MlflowWorkspacesTest, ReadsOneWorkspace) {
  auto db = TestDatabase::Create(Backend::kSqliteFile);
  ASSERT_OK(db);
  ASSERT_OK((*db)->ExecuteScript(FixturePath("sqlite-1b5f0d9ad7c1.sql")));
  auto source = OpenMlflowDatabase({(*db)->uri(), "default"});
  ASSERT_OK(source);
  EXPECT_EQ((*source)->ModelCount(), 3);
  EXPECT_THAT((*source)->Notes(), ElementsAre(HasSubstr("1 models of workspace 'team-b'")));
  auto other = OpenMlflowDatabase({(*db)->uri(), "team-b"});
  ASSERT_OK(other);
  EXPECT_THAT((*other)->Describe(), HasSubstr("workspace 'team-b'"));
  auto batch = (*other)->Next(10);
  ASSERT_OK(batch);
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_EQ(batch->front().model.name, "other.model");
}

TEST(MlflowDatabaseTest, AMissingFileIsNotCreated) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "modelwarden_no_such_mlflow.db").string();
  auto source = OpenMlflowDatabase({"sqlite:///" + path, "default"});
  EXPECT_CODE(source, ErrorCode::kResourceDoesNotExist);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace modelwarden
