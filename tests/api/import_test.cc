// `modelwarden import` and `export` end to end, as a team migrating runs them: over REST from a
// second modelwarden process, from a database written by the real MLflow 3.6 (answers compared
// with the ones MLflow itself gave), from a backup file and back; killed midway and run again;
// with a dry run, a rename map and suggested renames. Afterwards the get and search answers of
// source and target are the same, field by field, timestamps included. And a server pointed at
// an MLflow database says to import it instead of failing.

#include <gmock/gmock.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "registry/store_factory.h"
#include "tests/api/api_test.h"
#include "tests/api/command.h"

namespace modelwarden::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPromptFilter[] = "tags.`mlflow.prompt.is_prompt` = 'true'";

std::string Fixture(const std::string& name) {
  return std::string(MODELWARDEN_SOURCE_DIR) + "/tests/fixtures/mlflow/" + name;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class ImportApiTest : public ApiTest {
 protected:
  // A second, empty database of the test's backend with a server of its own (not started).
  ServerProcess& Target() {
    if (!target_db_) {
      auto db = TestDatabase::Create(GetParam());
      EXPECT_TRUE(db.ok()) << db.status().ToString();
      target_db_ = std::move(*db);
      target_ = std::make_unique<ServerProcess>(
          MODELWARDEN_BINARY,
          std::vector<std::string>{"--backend-store-uri", target_db_->uri(), "--workers", "4"},
          temp_dir() + "/target.log");
    }
    return *target_;
  }
  const std::string& target_uri() {
    Target();
    return target_db_->uri();
  }

  CommandResult Modelwarden(const std::string& args, const std::vector<std::string>& env = {}) {
    const CommandResult result = RunModelwarden(args, temp_dir() + "/command.err", env);
    last_command_ = args + "\n-- stdout:\n" + result.out + "-- stderr:\n" + result.err;
    return result;
  }

  // The registry a team has: gaps from a deleted version, stages, an alias, tags, a prompt, a
  // model whose highest version was deleted, descriptions set and cleared.
  void Seed() {
    CreateModel("fraud.detector", {{"team", "fraud"}, {"owner", "jane.doe@example.com"}});
    ASSERT_TRUE(IsOkJson(
        api().Patch("/registered-models/update",
                    R"({"name":"fraud.detector","description":"Scores card transactions."})")));
    for (int i = 1; i <= 4; ++i) {
      CreateVersion("fraud.detector", "s3://models/fraud/" + std::to_string(i),
                    {{"metrics.auc", "0.9" + std::to_string(i)}});
    }
    ASSERT_TRUE(IsOkJson(
        api().Delete("/model-versions/delete", R"({"name":"fraud.detector","version":"2"})")));
    for (const auto& [version, stage] : {std::pair{"1", "Archived"}, {"3", "Production"}}) {
      ASSERT_TRUE(IsOkJson(api().Post("/model-versions/transition-stage",
                                      std::string(R"({"name":"fraud.detector","version":")") +
                                          version + R"(","stage":")" + stage +
                                          R"(","archive_existing_versions":false})")));
    }
    ASSERT_TRUE(
        IsOkJson(api().Post("/registered-models/alias",
                            R"({"name":"fraud.detector","alias":"champion","version":"3"})")));
    ASSERT_TRUE(IsOkJson(
        api().Patch("/model-versions/update", R"({"name":"fraud.detector","version":"4"})")));
    CreateModel("Churn Model");
    CreateVersion("Churn Model", "s3://models/churn/1");
    CreateModel("summarize", {{"mlflow.prompt.is_prompt", "true"}});
    for (int i = 1; i <= 2; ++i) {
      CreateVersion("summarize", "dummy-source",
                    {{"mlflow.prompt.is_prompt", "true"},
                     {"mlflow.prompt.text", "Summarize " + std::to_string(i)}});
    }
    ASSERT_TRUE(IsOkJson(api().Post("/registered-models/alias",
                                    R"({"name":"summarize","alias":"production","version":"2"})")));
    CreateModel("top.deleted");
    CreateVersion("top.deleted", "s3://models/top/1");
    CreateVersion("top.deleted", "s3://models/top/2");
    ASSERT_TRUE(IsOkJson(
        api().Delete("/model-versions/delete", R"({"name":"top.deleted","version":"2"})")));
  }

  // The reads clients make, as `client` answers them: every search, every model, every live
  // version with its download URI, every alias.
  std::vector<std::pair<std::string, Query>> Reads(ApiClient& client) {
    std::vector<std::pair<std::string, Query>> reads = {
        {"/registered-models/search", {{"max_results", "1000"}}},
        {"/registered-models/search", {{"max_results", "1000"}, {"filter", kPromptFilter}}},
        {"/model-versions/search", {{"max_results", "10000"}}},
        {"/model-versions/search", {{"max_results", "10000"}, {"filter", kPromptFilter}}},
    };
    for (size_t i = 0; i < 4; ++i) {
      const ApiResponse page = client.Get(reads[i].first, reads[i].second);
      const char* list = i < 2 ? "/registered_models" : "/model_versions";
      const rapidjson::Value* items = page.At(list);
      if (items == nullptr || !items->IsArray()) continue;
      for (const rapidjson::Value& item : items->GetArray()) {
        const std::string name = item["name"].GetString();
        if (i < 2) {
          reads.push_back({"/registered-models/get", {{"name", name}}});
          if (item.HasMember("aliases")) {
            for (const rapidjson::Value& alias : item["aliases"].GetArray()) {
              reads.push_back({"/registered-models/alias",
                               {{"name", name}, {"alias", alias["alias"].GetString()}}});
            }
          }
        } else {
          const Query key = {{"name", name}, {"version", item["version"].GetString()}};
          reads.push_back({"/model-versions/get", key});
          reads.push_back({"/model-versions/get-download-uri", key});
        }
      }
    }
    return reads;
  }

  // Every read of `source` answered the same by `target`, body for body.
  void ExpectSameAnswers(ApiClient& source, ApiClient& target) {
    const auto reads = Reads(source);
    EXPECT_GT(reads.size(), 10u);
    for (const auto& [endpoint, query] : reads) {
      const ApiResponse expected = source.Get(endpoint, query);
      const ApiResponse actual = target.Get(endpoint, query);
      SCOPED_TRACE(endpoint + "?" + FormEncode(query));
      ASSERT_TRUE(expected.json && actual.json) << expected.Describe() << actual.Describe();
      EXPECT_EQ(actual.status, expected.status);
      EXPECT_TRUE(*actual.json == *expected.json)
          << "source: " << expected.body << "\ntarget: " << actual.body;
    }
  }

  std::unique_ptr<TestDatabase> target_db_;
  std::unique_ptr<ServerProcess> target_;
  std::string last_command_;
};

TEST_P(ImportApiTest, OverRestFromAnotherModelwardenEveryAnswerIsTheSame) {
  Seed();
  const std::string from = "http://127.0.0.1:" + std::to_string(server().port());
  const CommandResult imported =
      Modelwarden("import --from " + from + " --backend-store-uri " + ShellQuote(target_uri()));
  ASSERT_EQ(imported.exit_status, 0) << last_command_;
  EXPECT_THAT(imported.out, HasSubstr("4 models read: 4 created"));
  EXPECT_THAT(imported.out, HasSubstr("gaps in version numbers were imported as deleted"));
  ASSERT_TRUE(Target().Start());
  ApiClient target(Target().port());
  ExpectSameAnswers(api(), target);

  // A second run imports what changed since, and nothing else.
  const std::string import =
      "import --from " + from + " --backend-store-uri " + ShellQuote(target_uri());
  const CommandResult again = Modelwarden(import);
  ASSERT_EQ(again.exit_status, 0) << last_command_;
  EXPECT_THAT(again.out, HasSubstr("0 created, 0 updated, 4 already as in the source"));
  ASSERT_TRUE(IsOkJson(api().Post("/registered-models/set-tag",
                                  R"({"name":"Churn Model","key":"team","value":"growth"})")));
  const CommandResult changed = Modelwarden(import);
  ASSERT_EQ(changed.exit_status, 0) << last_command_;
  EXPECT_THAT(changed.out, HasSubstr("updated Churn Model: model fields changed"));
  EXPECT_THAT(changed.out, HasSubstr("0 created, 1 updated, 3 already"));
  ExpectSameAnswers(api(), target);

  // The gap stays a gap: both registries give the next version the same number. After that
  // the two histories differ, and a further import says so rather than overwrite one.
  EXPECT_EQ(CreateVersionThrough(target, "fraud.detector", "s3://m/5").version, "5");
  EXPECT_EQ(CreateVersion("fraud.detector", "s3://m/5"), "5");
  const CommandResult diverged = Modelwarden(import);
  EXPECT_EQ(diverged.exit_status, 1) << last_command_;
  EXPECT_THAT(diverged.out, HasSubstr("conflict fraud.detector: version 5 here was created at"));
}

TEST_P(ImportApiTest, OverRestWithMlflowsCredentialVariables) {
  ServerProcess source(MODELWARDEN_BINARY,
                       {"--backend-store-uri", "sqlite:///" + temp_dir() + "/auth.db", "--auth",
                        "--auth-admin-username", "admin", "--auth-password-iterations", "1000"},
                       temp_dir() + "/auth.log",
                       {"MODELWARDEN_AUTH_ADMIN_PASSWORD=a long password"});
  ASSERT_TRUE(source.Start());
  ApiClient admin(source.port());
  admin.SetHeader("Authorization", "Basic " + std::string("YWRtaW46YSBsb25nIHBhc3N3b3Jk"));
  ASSERT_TRUE(IsOkJson(admin.Post("/registered-models/create", R"({"name":"secret.model"})")));
  const std::string import = "import --from http://127.0.0.1:" + std::to_string(source.port()) +
                             " --backend-store-uri " + ShellQuote(target_uri());
  const CommandResult refused = Modelwarden(import);
  EXPECT_EQ(refused.exit_status, 2) << last_command_;
  EXPECT_THAT(refused.err, HasSubstr("MLFLOW_TRACKING_USERNAME"));
  const CommandResult imported = Modelwarden(
      import, {"MLFLOW_TRACKING_USERNAME=admin", "MLFLOW_TRACKING_PASSWORD=a long password"});
  EXPECT_EQ(imported.exit_status, 0) << last_command_;
  EXPECT_THAT(imported.out, HasSubstr("created secret.model"));
  EXPECT_THAT(imported.err, Not(HasSubstr("a long password")));
  source.Stop();
}

// The database the real MLflow 3.6 client wrote (tests/fixtures/mlflow), imported while this
// registry's server runs: it answers every read as MLflow answered it over that database.
TEST_P(ImportApiTest, FromAnMlflowDatabaseTheAnswersAreMlflows) {
  auto mlflow = TestDatabase::Create(Backend::kSqliteFile);
  ASSERT_TRUE(mlflow.ok());
  ASSERT_TRUE((*mlflow)->ExecuteScript(Fixture("sqlite-mlflow-3.6-client.sql")).ok());
  const std::string before = FileBytes((*mlflow)->name());
  const CommandResult imported =
      Modelwarden("import --from-db " + ShellQuote((*mlflow)->uri()) + " --backend-store-uri " +
                  ShellQuote(database().uri()));
  ASSERT_EQ(imported.exit_status, 0) << last_command_;
  EXPECT_THAT(imported.out,
              HasSubstr("created fraud.detector: 4 versions (1 deleted), 2 tags, 1 alias"));
  EXPECT_THAT(imported.err, HasSubstr("alembic revision 1b5f0d9ad7c1, MLflow 3.x"));
  EXPECT_EQ(FileBytes((*mlflow)->name()), before) << "the MLflow database was changed";

  int compared = 0;
  for (const std::string& line : Lines(Fixture("sqlite-mlflow-3.6-client.expected.jsonl"))) {
    rapidjson::Document expected;
    expected.Parse(line.c_str());
    ASSERT_FALSE(expected.HasParseError());
    const std::string path = expected["path"].GetString();
    const ApiResponse actual = api().Send("GET", path, "", "");
    SCOPED_TRACE(path);
    EXPECT_EQ(actual.status, expected["status"].GetInt());
    ASSERT_TRUE(actual.json) << actual.Describe();
    EXPECT_TRUE(*actual.json == expected["body"]) << actual.body;
    ++compared;
  }
  EXPECT_EQ(compared, 21);
  // And the deleted version's number is not given out again.
  EXPECT_EQ(CreateVersion("fraud.detector", "s3://models/fraud/5"), "5");
}

TEST_P(ImportApiTest, ExportThenImportRoundTripsExactly) {
  Seed();
  const std::string first = temp_dir() + "/first.jsonl";
  const std::string second = temp_dir() + "/second.jsonl";
  const CommandResult exported = Modelwarden(
      "export --to " + ShellQuote(first) + " --backend-store-uri " + ShellQuote(database().uri()));
  ASSERT_EQ(exported.exit_status, 0) << last_command_;
  EXPECT_THAT(exported.out, HasSubstr("4 models and 9 versions exported"));
  const CommandResult imported = Modelwarden("import --from-file " + ShellQuote(first) +
                                             " --backend-store-uri " + ShellQuote(target_uri()));
  ASSERT_EQ(imported.exit_status, 0) << last_command_;
  ASSERT_EQ(Modelwarden("export --to " + ShellQuote(second) + " --backend-store-uri " +
                        ShellQuote(target_uri()))
                .exit_status,
            0)
      << last_command_;
  std::vector<std::string> a = Lines(first), b = Lines(second);
  ASSERT_GT(a.size(), 2u);
  a.erase(a.begin());  // The headers say when and from where.
  b.erase(b.begin());
  EXPECT_EQ(a, b);

  ASSERT_TRUE(Target().Start());
  ApiClient target(Target().port());
  ExpectSameAnswers(api(), target);
  // The backup keeps deleted versions, the highest one too: numbering continues alike.
  EXPECT_EQ(CreateVersionThrough(target, "top.deleted", "s3://m/3").version, "3");
  EXPECT_EQ(CreateVersion("top.deleted", "s3://m/3"), "3");
}

// Each model is one transaction: killed with SIGKILL midway, the import leaves every model it
// wrote whole and the others absent, and the same command finishes the job.
TEST_P(ImportApiTest, KilledMidwayLeavesWholeModelsAndResumes) {
  constexpr int kModels = 1500;
  constexpr int kVersions = 4;
  const std::string backup = temp_dir() + "/big.jsonl";
  {
    std::ofstream out(backup);
    out << R"({"modelwarden_export":1,"exported_at":1,"source":"test"})"
        << "\n";
    for (int m = 0; m < kModels; ++m) {
      const std::string name = "bulk.model-" + std::to_string(m);
      out << R"({"registered_model":{"name":")" << name
          << R"(","creation_timestamp":1000,"last_updated_timestamp":2000,"tags":[{"key":"team","value":"t"}]}})"
          << "\n";
      for (int v = 1; v <= kVersions; ++v) {
        out << R"({"model_version":{"name":")" << name << R"(","version":")" << v
            << R"(","creation_timestamp":)" << 1000 + v << R"(,"last_updated_timestamp":)"
            << 2000 + v << R"(,"current_stage":")" << (v == 2 ? "Deleted_Internal" : "None")
            << R"(","source":"s3://b/)" << v
            << R"(","status":"READY","tags":[{"key":"k","value":"v"}]}})"
            << "\n";
      }
    }
    out << R"({"end":{"registered_models":1500,"model_versions":6000}})"
        << "\n";
  }
  const std::vector<std::string> args = {"import", "--from-file", backup, "--backend-store-uri",
                                         database().uri()};
  {
    RunningCommand import(args);
    std::string line;
    int created = 0;
    while (created < 100 && import.ReadLine(line)) created += line.rfind("created ", 0) == 0;
    ASSERT_EQ(created, 100) << "the import ended before it could be interrupted";
    import.Kill();
  }
  StoreOptions options;
  options.uri = database().uri();
  auto stores = OpenStores(options);
  ASSERT_TRUE(stores.ok()) << stores.status().ToString();
  auto count_whole = [&](int* whole) {
    *whole = 0;
    std::vector<std::string> names;
    for (int m = 0; m < kModels; ++m) names.push_back("bulk.model-" + std::to_string(m));
    ASSERT_TRUE(stores->models
                    ->Read([&](ModelReader& reader) -> Status {
                      ASSIGN_OR_RETURN(std::vector<ModelSnapshot> found,
                                       reader.FindSnapshots(names));
                      for (const ModelSnapshot& model : found) {
                        EXPECT_EQ(model.versions.size(), static_cast<size_t>(kVersions))
                            << model.model.name << " is half imported";
                        for (const VersionSnapshot& v : model.versions) {
                          EXPECT_EQ(v.version.tags.size(), 1u) << model.model.name;
                        }
                        ++*whole;
                      }
                      return Status::Ok();
                    })
                    .ok());
  };
  int whole = 0;
  count_whole(&whole);
  EXPECT_GE(whole, 100);
  EXPECT_LT(whole, kModels) << "the import finished before it was killed";

  std::string run;
  for (const std::string& arg : std::vector<std::string>(args.begin() + 1, args.end())) {
    run += " " + ShellQuote(arg);
  }
  const CommandResult resumed = Modelwarden("import" + run);
  ASSERT_EQ(resumed.exit_status, 0) << last_command_;
  EXPECT_THAT(resumed.out, HasSubstr(std::to_string(kModels - whole) + " created, 0 updated, " +
                                     std::to_string(whole) + " already as in the source"));
  count_whole(&whole);
  EXPECT_EQ(whole, kModels);
  const CommandResult again = Modelwarden("import" + run);
  EXPECT_THAT(again.out, HasSubstr("0 created, 0 updated, 1500 already as in the source"));
}

TEST_P(ImportApiTest, DryRunRenameMapAndSuggestedRenames) {
  auto mlflow = TestDatabase::Create(Backend::kSqliteFile);
  ASSERT_TRUE(mlflow.ok());
  ASSERT_TRUE((*mlflow)->ExecuteScript(Fixture("sqlite-mlflow-3.6-client.sql")).ok());
  const std::string policy =
      std::string(MODELWARDEN_SOURCE_DIR) + "/enforcement/policy.example.json";
  const std::string common = " --from-db " + ShellQuote((*mlflow)->uri()) + " --policy-file " +
                             ShellQuote(policy) + " --backend-store-uri " +
                             ShellQuote(database().uri());

  // The plan and the policy's report on each model; nothing written.
  const CommandResult dry = Modelwarden("import --dry-run" + common);
  ASSERT_EQ(dry.exit_status, 0) << last_command_;
  EXPECT_THAT(dry.out, HasSubstr("would create Churn Model: 1 version, 0 tags, 0 aliases"));
  EXPECT_THAT(dry.out, HasSubstr("  [naming.pattern] (enforce) model [name]: name 'Churn Model'"));
  EXPECT_THAT(dry.out, HasSubstr("[use-case-tag] (enforce) version 3 [Production]: registered "
                                 "model tag 'use_case' is required at Production and is missing. "
                                 "Fix: set the registered-model tag use_case"));
  EXPECT_THAT(dry.out, HasSubstr("3 would be created"));
  // And, before the summary, how many models break each rule: enforced rules first.
  EXPECT_THAT(dry.out, HasSubstr("the policy's findings by rule:\n  [risk-level-tag] (enforce): 2 "
                                 "models, "));
  EXPECT_THAT(dry.out, HasSubstr("\n  [naming.pattern] (enforce): 1 model, 1 finding\n"));
  EXPECT_THAT(dry.out, HasSubstr("  [git-commit-tag] (warn): 3 models, "));
  EXPECT_FALSE(api().Get("/registered-models/get", {{"name", "fraud.detector"}}).status == 200);
  // With --enforce the dry run says what would be refused, and fails like the import would.
  const CommandResult dry_enforced = Modelwarden("import --dry-run --enforce" + common);
  EXPECT_EQ(dry_enforced.exit_status, 1) << last_command_;
  EXPECT_THAT(dry_enforced.out, HasSubstr("would be refused Churn Model: Importing model 'Churn "
                                          "Model' denied by policy"));

  // A starting map for the names the naming rule refuses.
  const std::string map = temp_dir() + "/renames.csv";
  const CommandResult suggested =
      Modelwarden("import --suggest-renames " + ShellQuote(map) + common);
  ASSERT_EQ(suggested.exit_status, 0) << last_command_;
  EXPECT_EQ(Lines(map), (std::vector<std::string>{"old,new", "Churn Model,churn.model"}));

  const CommandResult imported = Modelwarden("import --rename-map " + ShellQuote(map) + common);
  ASSERT_EQ(imported.exit_status, 0) << last_command_;
  EXPECT_THAT(imported.out, HasSubstr("created churn.model (from 'Churn Model')"));
  EXPECT_EQ(api().Get("/registered-models/get", {{"name", "churn.model"}}).status, 200);
  EXPECT_EQ(api().Get("/registered-models/get", {{"name", "Churn Model"}}).status, 404);
  // Audited as the import, with the source and the policy's findings.
  const ApiResponse audit = api().Send("GET",
                                       "/api/2.0/modelwarden/audit-events/search?principal=import"
                                       "&model_name=churn.model",
                                       "", "");
  ASSERT_TRUE(IsOkJson(audit)) << audit.Describe();
  EXPECT_THAT(audit.body, HasSubstr("ImportRegisteredModel"));
  EXPECT_THAT(audit.body, HasSubstr("MLflow database"));
  EXPECT_THAT(audit.body, HasSubstr("owner-tag"));
}

// Pointed at an MLflow database, the server and `policy report` refuse it unchanged and say
// what to do, never INTERNAL_ERROR.
TEST_P(ImportApiTest, AServerOnAnMlflowDatabaseSaysToImportIt) {
  auto mlflow = TestDatabase::Create(GetParam());
  ASSERT_TRUE(mlflow.ok());
  ASSERT_TRUE(
      (*mlflow)
          ->ExecuteScript(Fixture(GetParam() == Backend::kMysql ? "mysql-mlflow-3.6-client.sql"
                                                                : "sqlite-mlflow-3.6-client.sql"))
          .ok());
  const std::string before = GetParam() == Backend::kSqliteFile ? FileBytes((*mlflow)->name()) : "";
  ServerProcess on_mlflow(MODELWARDEN_BINARY, {"--backend-store-uri", (*mlflow)->uri()},
                          temp_dir() + "/on_mlflow.log");
  EXPECT_FALSE(on_mlflow.Start());
  const std::string log = on_mlflow.ReadLog();
  EXPECT_THAT(log, HasSubstr("MLflow tracking database (alembic revision 1b5f0d9ad7c1)"));
  EXPECT_THAT(log, HasSubstr("modelwarden import --from-db"));
  EXPECT_THAT(log, Not(HasSubstr("INTERNAL_ERROR")));
  EXPECT_THAT(log, Not(HasSubstr("already exists")));
  const CommandResult report = Modelwarden(
      "policy report --policy-file " +
      ShellQuote(std::string(MODELWARDEN_SOURCE_DIR) + "/enforcement/policy.example.json") +
      " --backend-store-uri " + ShellQuote((*mlflow)->uri()));
  EXPECT_EQ(report.exit_status, 2) << last_command_;
  EXPECT_THAT(report.err, HasSubstr("modelwarden import --from-db"));
  EXPECT_THAT(report.err, Not(HasSubstr("INTERNAL_ERROR")));
  if (GetParam() == Backend::kSqliteFile) {
    EXPECT_EQ(FileBytes((*mlflow)->name()), before);
  }
}

MODELWARDEN_INSTANTIATE_API_TESTS(ImportApiTest);

}  // namespace
}  // namespace modelwarden::testing
