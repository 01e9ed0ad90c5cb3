// The plans of the benchmark's searches, as the database chooses them, on SQLite and MySQL, in
// each state of the planner's statistics a registry goes through: none (a new registry, or one
// loaded with SQL), those of a registry that has grown a hundredfold since they were taken (the
// first PRAGMA optimize of a registry filled through the API), approximate (analysis_limit)
// and exact ones. Every plan must walk an index in the order asked for, or sort only a range
// one index bounds; none may sort the registry.

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "registry/model_snapshot.h"
#include "registry/registry_service.h"
#include "registry/sql/model_tables.h"
#include "tests/registry/backends.h"
#include "tests/registry/search_plans.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::BenchSearches;
using ::modelwarden::testing::Explain;
using ::modelwarden::testing::NamedSearch;
using ::modelwarden::testing::OpenConnection;
using ::modelwarden::testing::ParsedSearch;
using ::modelwarden::testing::StatementOf;
using ::modelwarden::testing::TestDatabase;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

// A search's plan, for its first page and for a page resumed by key: the first step's index on
// each dialect, and whether the plan sorts (only a range one index bounds) or must not.
struct Expected {
  std::string search;
  std::string sqlite;  // Regular expression the first step of EXPLAIN QUERY PLAN matches.
  std::string mysql;   // Table and key of EXPLAIN's first row.
  bool sorts = false;
};

const std::vector<Expected>& ExpectedPlans() {
  static const std::vector<Expected> plans = {
      {"models-default", "rm USING COVERING INDEX sqlite_autoindex_registered_models_1",
       "rm PRIMARY"},
      {"models-name-like",
       "SEARCH rm USING COVERING INDEX sqlite_autoindex_registered_models_1 \\(name>\\?",
       "rm PRIMARY"},
      {"models-tag",
       "SEARCH t0 USING COVERING INDEX registered_model_tags_key_value_name \\(key=\\? AND "
       "value=\\?",
       "t0 registered_model_tags_key_value_name"},
      {"models-last-updated", "rm USING COVERING INDEX registered_models_last_updated_desc",
       "rm registered_models_last_updated_desc"},
      {"models-last-updated-asc", "rm USING COVERING INDEX registered_models_last_updated( |$)",
       "rm registered_models_last_updated"},
      {"models-prompts",
       "SEARCH t0 USING COVERING INDEX registered_model_tags_key_value_name \\(key=\\? AND "
       "value=\\?",
       "t0 registered_model_tags_key_value_name"},
      {"versions-of-model",
       // Either index on the name serves the range; (name, current_stage, version) also leaves
       // out deleted versions before their rows are read.
       "SEARCH mv USING INDEX (sqlite_autoindex_model_versions_1|model_versions_name_stage) "
       "\\(name=\\?\\)",
       "mv PRIMARY", true},
      {"versions-run-id", "SEARCH mv USING INDEX model_versions_run_id \\(run_id=\\?\\)",
       "mv model_versions_run_id", true},
      {"versions-tag",
       "SEARCH mv USING INDEX (sqlite_autoindex_model_versions_1|model_versions_name_stage) "
       "\\(name>\\? AND name<\\?\\)",
       "mv PRIMARY", true},
  };
  return plans;
}

// "table key" of the first row of a MySQL plan as Explain writes it ("table type key ...").
std::string TableAndKey(const std::string& plan) {
  std::istringstream first(plan.substr(0, plan.find('\n')));
  std::string table, type, key;
  first >> table >> type >> key;
  return table + " " + key;
}

class SearchPlanTest : public ::testing::TestWithParam<Backend> {
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
    Reconnect();
  }

  bool mysql() const { return GetParam() == Backend::kMysql; }

  // A fresh connection, which reads the statistics as they are now.
  void Reconnect() {
    auto connection = OpenConnection(database_->uri());
    ASSERT_OK(connection);
    db_ = std::move(*connection);
  }

  void Run(const std::string& sql) { ASSERT_OK(db_->Execute(sql, {})); }
  // MySQL's ANALYZE TABLE answers with rows.
  void AnalyzeMysql() {
    ASSERT_OK(
        db_->Query("ANALYZE TABLE registered_models, registered_model_tags, "
                   "model_versions, model_version_tags",
                   {}));
  }

  // The benchmark's data shape (seed.py) on a small scale: proj-<p>.model-<i>, 30% prompts,
  // team/framework tags, versions with framework/validation_status tags.
  void CreateThroughApi(int projects, int models_per_project) {
    for (int p = 0; p < projects; ++p) {
      for (int i = 0; i < models_per_project; ++i) {
        const std::string name = "proj-" + std::to_string(p) + ".model-" + std::to_string(i);
        const bool prompt = i % 10 < 3;
        std::vector<Tag> tags = {{"team", i % 8 == 0 ? "risk" : "growth"}};
        if (prompt) tags.push_back({"mlflow.prompt.is_prompt", "true"});
        ASSERT_OK(service_->CreateRegisteredModel(ctx_, {name, "", tags}));
        for (int v = 0; v < 1 + i % 3; ++v) {
          NewModelVersion version;
          version.name = name;
          version.source = "s3://b/" + name;
          version.run_id =
              "run" + std::to_string(p) + "x" + std::to_string(i) + "x" + std::to_string(v);
          version.tags = {{"framework", v % 2 ? "xgboost" : "sklearn"},
                          {"validation_status", "approved"}};
          if (prompt) version.tags.push_back({"mlflow.prompt.is_prompt", "true"});
          ASSERT_OK(service_->CreateModelVersion(ctx_, version));
        }
      }
    }
  }

  // The same shape in bulk: `models` more models with 10 versions each, in one transaction.
  void InsertInBulk(int first_project, int projects) {
    Run(mysql() ? "START TRANSACTION" : "BEGIN");
    for (int p = first_project; p < first_project + projects; ++p) {
      std::string models, model_tags, versions, version_tags;
      for (int i = 0; i < 100; ++i) {
        const std::string name = "'proj-" + std::to_string(p) + ".model-" + std::to_string(i) + "'";
        const std::string time = std::to_string(1'700'000'000'000 + p * 1000 + i);
        models +=
            std::string(models.empty() ? "" : ",") + "(" + name + "," + time + "," + time + ",'')";
        model_tags += std::string(model_tags.empty() ? "" : ",") + "(" + name + ",'team','" +
                      (i % 8 == 0 ? "risk" : "growth") + "')";
        if (i % 10 < 3) model_tags += ",(" + name + ",'mlflow.prompt.is_prompt','true')";
        for (int v = 1; v <= 10; ++v) {
          versions += std::string(versions.empty() ? "" : ",") + "(" + name + "," +
                      std::to_string(v) + "," + time + "," + time + ",'None','s3://b','r" +
                      std::to_string(p) + "x" + std::to_string(i) + "x" + std::to_string(v) +
                      "','READY')";
          version_tags += std::string(version_tags.empty() ? "" : ",") + "(" + name + "," +
                          std::to_string(v) + ",'framework','" + (v % 2 ? "xgboost" : "sklearn") +
                          "'),(" + name + "," + std::to_string(v) +
                          ",'validation_status','approved')";
        }
      }
      Run("INSERT INTO registered_models (name, creation_time, last_updated_time, description) "
          "VALUES " +
          models);
      Run("INSERT INTO registered_model_tags (name, `key`, value) VALUES " + model_tags);
      Run("INSERT INTO model_versions (name, version, creation_time, last_updated_time, "
          "current_stage, source, run_id, status) VALUES " +
          versions);
      Run("INSERT INTO model_version_tags (name, version, `key`, value) VALUES " + version_tags);
    }
    Run("COMMIT");
  }

  // Every expected plan holds, for the first page and for a page resumed by key.
  void ExpectPlans(const std::string& state) {
    SCOPED_TRACE("statistics: " + state);
    const std::vector<NamedSearch> searches = BenchSearches("proj-17.model-5", "r17x5x3");
    for (const Expected& expected : ExpectedPlans()) {
      const NamedSearch* search = nullptr;
      for (const NamedSearch& s : searches) {
        if (s.name == expected.search) search = &s;
      }
      ASSERT_NE(search, nullptr) << expected.search;
      const StoreSearch first = ParsedSearch(*search);
      std::vector<SortValue> after;
      for (const OrderKey& key : first.order) {
        if (key.column == OrderColumn::kName) {
          after.emplace_back(std::string("proj-17.model-3"));
        } else {
          after.emplace_back(int64_t{1'700'000'017'003});
        }
      }
      for (const StoreSearch& page : {first, ParsedSearch(*search, after)}) {
        auto plan = Explain(*db_, StatementOf(*db_, page, search->target));
        ASSERT_OK(plan);
        SCOPED_TRACE(expected.search + (page.after.empty() ? ", first page" : ", next page") +
                     ":\n" + *plan);
        if (mysql()) {
          EXPECT_EQ(TableAndKey(*plan), expected.mysql);
        } else {
          EXPECT_THAT(plan->substr(0, plan->find('\n')), ContainsRegex(expected.sqlite));
        }
        if (!expected.sorts) {
          EXPECT_THAT(*plan, Not(HasSubstr(mysql() ? "filesort" : "TEMP B-TREE")));
        }
        // The client's prompt clause: one covering probe per row (on MySQL the clustered
        // primary key, which holds the value), never a scan of the prompt tags.
        if (search->filter.find("!= 'true'") != std::string::npos) {
          EXPECT_THAT(*plan, HasSubstr(mysql() ? "p eq_ref PRIMARY"
                                               : "SEARCH p USING COVERING INDEX "
                                                 "registered_model_tags_key_value_name (key=? "
                                                 "AND value=? AND name=?)"));
        }
        // Nothing built from every row a condition could match before the walk starts.
        EXPECT_THAT(*plan, Not(HasSubstr(mysql() ? "MATERIALIZED" : "BLOOM FILTER")));
        EXPECT_THAT(*plan, Not(HasSubstr(mysql() ? " ALL " : "AUTOMATIC")));
        if (std::getenv("MODELWARDEN_PRINT_PLANS")) {
          std::printf("[%s] %s (%s):\n%s\n", state.c_str(), expected.search.c_str(),
                      page.after.empty() ? "first page" : "next page", plan->c_str());
        }
      }
    }
  }

  // A page's latest versions (LoadModels) are found from (name, current_stage, version), never
  // from every version's row.
  void ExpectLatestVersionsPlan(const std::string& state) {
    SCOPED_TRACE("statistics: " + state);
    SearchStatement latest;
    latest.sql = LatestVersionsSql(2);
    latest.params = {std::string("proj-17.model-3"), std::string("proj-17.model-5"),
                     std::string(kDeletedStage)};
    auto plan = Explain(*db_, latest);
    ASSERT_OK(plan);
    if (std::getenv("MODELWARDEN_PRINT_PLANS"))
      std::printf("latest versions:\n%s\n", plan->c_str());
    EXPECT_THAT(*plan, HasSubstr(mysql() ? "model_versions_name_stage"
                                         : "SEARCH model_versions USING COVERING INDEX "
                                           "model_versions_name_stage (name=?)"))
        << *plan;
  }

  testing::FakeClock clock_;
  PermitAll permit_all_;
  CallContext ctx_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<ModelStore> store_;
  std::unique_ptr<RegistryService> service_;
  std::unique_ptr<SqlConnection> db_;
};

TEST_P(SearchPlanTest, EverySearchWalksAnIndexInItsOrderWhateverTheStatistics) {
  CreateThroughApi(2, 10);
  if (mysql()) {
    AnalyzeMysql();
  } else {
    Run("ANALYZE");
  }
  InsertInBulk(10, 20);
  Reconnect();
  ExpectPlans("taken at a hundredth of the registry");
  ExpectLatestVersionsPlan("taken at a hundredth of the registry");
  if (mysql()) {
    AnalyzeMysql();
    Reconnect();
    ExpectPlans("current");
    ExpectLatestVersionsPlan("current");
    return;
  }
  Run("DELETE FROM sqlite_stat1");
  Reconnect();
  ExpectPlans("none");
  ExpectLatestVersionsPlan("none");
  Run("ANALYZE");  // The connection's analysis_limit: approximate.
  Reconnect();
  ExpectPlans("approximate");
  ExpectLatestVersionsPlan("approximate");
  Run("PRAGMA analysis_limit = 0");
  Run("ANALYZE");
  Reconnect();
  ExpectPlans("exact");
  ExpectLatestVersionsPlan("exact");
}

// Only backends another connection can open: the plans are read beside the store.
std::vector<Backend> PlanBackends() {
  std::vector<Backend> backends;
  for (Backend backend : ::modelwarden::testing::AvailableBackends()) {
    if (backend != Backend::kSqliteMemory) backends.push_back(backend);
  }
  return backends;
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchPlanTest, ::testing::ValuesIn(PlanBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
