// Governance under concurrency, against the real server with --auth and the example policy, as
// an admin (who passes every permission check, so only the policy decides): a change that
// races another change to the same model is judged on the state it is applied to. Three
// races, 200 rounds each, on SQLite and MariaDB:
//   - promote vs rename-swap: a compliant model is renamed away and a bare one renamed onto
//     its name while its version is promoted;
//   - promote vs a concurrent transition: Staging -> Production races Staging -> Archived
//     (Archived -> Production is forbidden);
//   - alias move vs demotion: champion moves to v2 while v2's AUC is lowered below the
//     Production gate.
// After every round: no version is where the policy forbids it, and the audit log, replayed
// in order, says exactly what was committed.

#include <gmock/gmock.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/api/auth_fixture.h"

namespace modelwarden::testing {
namespace {

constexpr int kRounds = 200;

const std::string kExamplePolicy =
    std::string(MODELWARDEN_SOURCE_DIR) + "/enforcement/policy.example.json";

constexpr char kCompliantCard[] =
    "## Intended use\nFraud.\n## Limitations\nCards only.\n## Training data\n2025.\n"
    "## Evaluation\nAUC.\n## Monitoring\nDaily.\n";

// One audit entry as the tests read it back, oldest first.
struct Entry {
  int64_t id = 0;
  std::string operation;
  std::string outcome;
  std::string version;
  std::string before;
  std::string after;
};

class GovernanceRaceTest : public AuthTest {
 protected:
  std::vector<std::string> AuthArgs() const override { return {"--policy-file", kExamplePolicy}; }

  // A model every Staging and Production check passes, with version 1 (AUC `auc`) in Staging.
  void CreateCompliant(const std::string& name, const std::string& auc = "0.90") {
    ApiClient& admin = Admin().mlflow;
    const ApiResponse model = admin.Post(
        "/registered-models/create",
        "{\"name\":" + JsonString(name) +
            R"(,"description":"Scores card payments for fraud review, nightly.","tags":[)"
            R"({"key":"owner","value":"jane@example.com"},{"key":"team","value":"fraud"},)"
            R"({"key":"use_case","value":"card-fraud"},{"key":"risk_level","value":"low"}]})");
    ASSERT_TRUE(IsOkJson(model)) << model.Describe();
    AddCompliantVersion(name, auc);
  }

  // The next version of `name`, compliant, with AUC `auc`, moved into Staging.
  void AddCompliantVersion(const std::string& name, const std::string& auc) {
    ApiClient& admin = Admin().mlflow;
    const ApiResponse version =
        admin.Post("/model-versions/create",
                   "{\"name\":" + JsonString(name) + R"(,"source":"s3://b/m","description":)" +
                       JsonString(kCompliantCard) +
                       R"(,"tags":[{"key":"training_data_version","value":"2025-06-30"},)"
                       R"({"key":"metrics.auc","value":")" +
                       auc + R"("}]})");
    ASSERT_TRUE(IsOkJson(version)) << version.Describe();
    const std::string number = *version.StringAt("/model_version/version");
    const ApiResponse staged =
        admin.Post("/model-versions/transition-stage",
                   "{\"name\":" + JsonString(name) + ",\"version\":\"" + number +
                       R"(","stage":"Staging","archive_existing_versions":false})");
    ASSERT_TRUE(IsOkJson(staged)) << staged.Describe();
  }

  // A model with no tags and version 1 in None: fails every promotion check.
  void CreateBare(const std::string& name) {
    ApiClient& admin = Admin().mlflow;
    ASSERT_TRUE(
        IsOkJson(admin.Post("/registered-models/create", "{\"name\":" + JsonString(name) + "}")));
    ASSERT_TRUE(IsOkJson(admin.Post("/model-versions/create",
                                    "{\"name\":" + JsonString(name) + R"(,"source":"s3://b/x"})")));
  }

  // Runs `first` and `second` at once, each with a client of its own; `second` starts up to
  // 3 ms later (varied from round to round), so that every interleaving comes up.
  void Race(const std::function<void(ApiClient&)>& first,
            const std::function<void(ApiClient&)>& second) {
    ApiClient a = Client(BasicAuth(kAdminUser, kAdminPassword));
    ApiClient b = Client(BasicAuth(kAdminUser, kAdminPassword));
    const auto delay = std::chrono::microseconds(random_() % 3000);
    StartGate gate;
    std::thread one([&] {
      gate.Wait();
      first(a);
    });
    std::thread two([&] {
      gate.Wait();
      std::this_thread::sleep_for(delay);
      second(b);
    });
    gate.Open();
    one.join();
    two.join();
  }

  // The audit entries of `model` (by the name they were made under), oldest first.
  std::vector<Entry> AuditOf(const std::string& model) {
    const ApiResponse page =
        Admin().mw.Get("/audit-events/search", {{"model_name", model}, {"max_results", "1000"}});
    EXPECT_TRUE(IsOkJson(page)) << page.Describe();
    std::vector<Entry> entries;
    const rapidjson::Value* events = page.At("/audit_events");
    if (events == nullptr || !events->IsArray()) return entries;
    for (const rapidjson::Value& e : events->GetArray()) {
      Entry entry;
      entry.id = e["id"].GetInt64();
      entry.operation = e["operation"].GetString();
      entry.outcome = e["outcome"].GetString();
      if (e.HasMember("version")) entry.version = e["version"].GetString();
      if (e.HasMember("before")) entry.before = e["before"].GetString();
      if (e.HasMember("after")) entry.after = e["after"].GetString();
      entries.insert(entries.begin(), entry);  // The log answers newest first.
    }
    return entries;
  }

  std::string StageOf(const std::string& name, const std::string& version) {
    const ApiResponse got =
        Admin().mlflow.Get("/model-versions/get", {{"name", name}, {"version", version}});
    if (got.status != 200) return "absent";
    return got.StringAt("/model_version/current_stage").value_or("?");
  }

  std::minstd_rand random_{20261207};  // Fixed seed: the same delays every run.
};

// Thread A promotes race<N>.good v1 (compliant, in Staging) to Production while thread B
// renames race<N>.good away and renames race<N>.bad (no tags, v1 in None) onto its name.
TEST_P(GovernanceRaceTest, PromoteVersusRenameSwap) {
  std::map<int, int> outcomes;  // Status of the promotion, counted.
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string good = "race" + std::to_string(round) + ".good";
    const std::string bad = "race" + std::to_string(round) + ".bad";
    const std::string away = "race" + std::to_string(round) + ".away";
    CreateCompliant(good);
    CreateBare(bad);
    ApiResponse promoted;
    ApiResponse renamed_away;
    ApiResponse renamed_onto;
    Race(
        [&](ApiClient& client) {
          promoted = client.Post("/model-versions/transition-stage",
                                 "{\"name\":" + JsonString(good) +
                                     R"(,"version":"1","stage":"Production",)"
                                     R"("archive_existing_versions":false})");
        },
        [&](ApiClient& client) {
          renamed_away = client.Post(
              "/registered-models/rename",
              "{\"name\":" + JsonString(good) + ",\"new_name\":" + JsonString(away) + "}");
          renamed_onto = client.Post(
              "/registered-models/rename",
              "{\"name\":" + JsonString(bad) + ",\"new_name\":" + JsonString(good) + "}");
        });
    ASSERT_TRUE(IsOkJson(renamed_away)) << renamed_away.Describe();
    ASSERT_TRUE(IsOkJson(renamed_onto)) << renamed_onto.Describe();
    ++outcomes[promoted.status];

    // The bare version (now under the good name) never reaches Production.
    EXPECT_EQ(StageOf(good, "1"), "None");
    const std::vector<Entry> log = AuditOf(good);
    std::vector<Entry> transitions;
    for (const Entry& e : log) {
      if (e.operation == "TransitionModelVersionStage") transitions.push_back(e);
    }
    if (promoted.status == 200) {
      // It promoted the compliant version, which now lives under the other name.
      EXPECT_EQ(*promoted.StringAt("/model_version/current_stage"), "Production");
      EXPECT_EQ(StageOf(away, "1"), "Production");
      ASSERT_EQ(transitions.size(), 2u);            // Into Staging at set-up, then into Production.
      EXPECT_NE(transitions[1].outcome, "denied");  // Allowed, perhaps with warnings.
      EXPECT_EQ(transitions[1].before, "stage=Staging");
      EXPECT_EQ(transitions[1].after, "stage=Production");
    } else if (promoted.status == 400) {
      // Judged on the bare version it found under the name.
      EXPECT_TRUE(IsMlflowError(promoted, 400, "INVALID_PARAMETER_VALUE"));
      EXPECT_THAT(*promoted.StringAt("/message"), ::testing::HasSubstr("[owner-tag]"));
      EXPECT_EQ(StageOf(away, "1"), "Staging");
      ASSERT_EQ(transitions.size(), 2u);
      EXPECT_EQ(transitions[1].outcome, "denied");
      EXPECT_EQ(transitions[1].before, "stage=None");
    } else {
      // Between the two renames no model had the name.
      EXPECT_TRUE(IsMlflowError(promoted, 404, "RESOURCE_DOES_NOT_EXIST")) << promoted.Describe();
      EXPECT_EQ(StageOf(away, "1"), "Staging");
      EXPECT_EQ(transitions.size(), 1u);
    }
    if (HasFailure()) break;
  }
  std::string seen;
  for (const auto& [status, count] : outcomes) {
    seen += std::to_string(status) + ": " + std::to_string(count) + " ";
  }
  // Which way the races went, for the reader of the log: all three orders should occur.
  std::printf("promotion outcomes by HTTP status: %s\n", seen.c_str());
}

// Staging -> Production races Staging -> Archived on the same version. Both orders are legal
// histories except one: Archived -> Production, which the lifecycle forbids.
TEST_P(GovernanceRaceTest, PromoteVersusConcurrentTransition) {
  const std::map<std::string, std::vector<std::string>> allowed = {
      {"None", {"Staging", "Archived"}},
      {"Staging", {"Production", "None", "Archived"}},
      {"Production", {"Staging", "Archived"}},
      {"Archived", {"None", "Staging"}}};
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string name = "move" + std::to_string(round) + ".model";
    CreateCompliant(name);
    ApiResponse promoted;
    ApiResponse archived;
    const auto transition = [&](ApiClient& client, const std::string& stage) {
      return client.Post("/model-versions/transition-stage",
                         "{\"name\":" + JsonString(name) + R"(,"version":"1","stage":")" + stage +
                             R"(","archive_existing_versions":false})");
    };
    Race([&](ApiClient& client) { promoted = transition(client, "Production"); },
         [&](ApiClient& client) { archived = transition(client, "Archived"); });
    ASSERT_TRUE(IsOkJson(archived)) << archived.Describe();  // Legal from Staging or Production.

    // Replay the log: every change starts from the stage the previous one left, and is a move
    // the lifecycle allows; the replay ends where the version is.
    std::string stage = "None";
    for (const Entry& e : AuditOf(name)) {
      if (e.operation != "TransitionModelVersionStage") continue;
      ASSERT_EQ(e.before, "stage=" + stage) << "entry " << e.id;
      if (e.outcome == "denied") continue;
      const std::string to = e.after.substr(std::string("stage=").size());
      EXPECT_THAT(allowed.at(stage), ::testing::Contains(to))
          << "entry " << e.id << ": " << stage << " -> " << to;
      stage = to;
    }
    EXPECT_EQ(StageOf(name, "1"), stage);
    EXPECT_EQ(stage, "Archived");  // Whatever the order, Archived came last or alone.
    if (promoted.status != 200) {
      EXPECT_TRUE(IsMlflowError(promoted, 400, "INVALID_PARAMETER_VALUE")) << promoted.Describe();
      EXPECT_THAT(*promoted.StringAt("/message"),
                  ::testing::HasSubstr("transition Archived -> Production is not allowed"));
    }
    if (HasFailure()) break;
  }
}

// champion moves from v1 to v2 (both compliant) while v2's AUC tag is lowered below the
// Production gate. Either order is legal, but the move must be judged on the AUC v2 has when
// it moves: a move allowed after the demotion committed would put a failing version on
// champion.
TEST_P(GovernanceRaceTest, AliasMoveVersusDemotion) {
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string name = "alias" + std::to_string(round) + ".model";
    CreateCompliant(name, "0.90");
    ASSERT_TRUE(IsOkJson(Admin().mlflow.Post(
        "/registered-models/alias",
        "{\"name\":" + JsonString(name) + R"(,"alias":"champion","version":"1"})")));
    AddCompliantVersion(name, "0.91");
    ApiResponse moved;
    ApiResponse demoted;
    Race(
        [&](ApiClient& client) {
          moved =
              client.Post("/registered-models/alias", "{\"name\":" + JsonString(name) +
                                                          R"(,"alias":"champion","version":"2"})");
        },
        [&](ApiClient& client) {
          demoted = client.Post("/model-versions/set-tag",
                                "{\"name\":" + JsonString(name) +
                                    R"(,"version":"2","key":"metrics.auc","value":"0.5"})");
        });
    ASSERT_TRUE(IsOkJson(demoted)) << demoted.Describe();

    // Replay the log: the AUC of v2 and the holder of champion, entry by entry.
    std::string auc = "0.91";
    std::string holder = "1";
    for (const Entry& e : AuditOf(name)) {
      if (e.operation == "SetModelVersionTag" && e.outcome != "denied") {
        auc = e.after.substr(std::string("tag metrics.auc=").size());
      } else if (e.operation == "SetRegisteredModelAlias" && e.version == "2") {
        EXPECT_EQ(e.before, "alias champion -> version " + holder) << "entry " << e.id;
        if (e.outcome != "denied") {
          EXPECT_EQ(auc, "0.91") << "entry " << e.id << ": champion moved to a demoted version";
          holder = "2";
        } else {
          EXPECT_EQ(auc, "0.5") << "entry " << e.id << ": denied on an AUC v2 did not have";
        }
      }
    }
    const ApiResponse champion =
        Admin().mlflow.Get("/registered-models/alias", {{"name", name}, {"alias", "champion"}});
    ASSERT_TRUE(IsOkJson(champion));
    EXPECT_EQ(*champion.StringAt("/model_version/version"), holder);
    EXPECT_EQ(moved.status == 200, holder == "2") << moved.Describe();
    if (HasFailure()) break;
  }
}

MODELWARDEN_INSTANTIATE_API_TESTS(GovernanceRaceTest);

}  // namespace
}  // namespace modelwarden::testing
