// Lifecycle automation over a real server (SQLite file and MariaDB): a held move answers the
// MLflow client ABORTED (409, not retried) naming the approval, and the approval endpoints
// carry it through; `modelwarden check` exits 0, 1 or 2 with text, JSON and JUnit output and
// MLflow's credentials; `modelwarden retention plan` lists exactly what `apply` then changes
// while the server keeps serving, and two `apply` processes at once never change a version
// twice.

#include <gmock/gmock.h>
#include <stdio.h>
#include <sys/wait.h>

#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>

#include "tests/api/auth_fixture.h"

namespace modelwarden::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPolicy[] = R"({
  "lifecycle": {"mode": "enforce", "alias_stages": {"champion": "Production"}},
  "gates": [{"id": "auc", "stage": "Production", "metric": "metrics.auc", "op": ">=",
             "threshold": 0.85, "description": "bar"}],
  "approvals": {"rules": [{"id": "four-eyes", "stages": ["Production"],
                           "model_pattern": "^fraud\\..*$"}]},
  "retention": {"rules": [{"id": "dev", "mode": "enforce", "model_pattern": "^dev\\..*$",
                           "keep_latest": 2, "older_than_days": 30, "action": "delete"}]}
})";

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

struct CommandResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};

// `modelwarden <args>` with MLflow's client variables cleared and `env` set.
CommandResult RunModelwarden(const std::string& args, const std::map<std::string, std::string>& env,
                             const std::string& err_path) {
  std::string command =
      "env -u MLFLOW_TRACKING_URI -u MLFLOW_TRACKING_TOKEN "
      "-u MLFLOW_TRACKING_USERNAME -u MLFLOW_TRACKING_PASSWORD";
  for (const auto& [name, value] : env) command += " " + name + "=" + ShellQuote(value);
  command += " " + ShellQuote(MODELWARDEN_BINARY) + " " + args + " 2>" + ShellQuote(err_path);
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  std::stringstream text;
  text << err.rdbuf();
  result.err = text.str();
  return result;
}

std::vector<std::string> LinesStartingWith(const std::string& text, const std::string& prefix) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

// "delete dev.a version 3 ..." and "deleted dev.a version 3 ..." both give "dev.a version 3".
std::set<std::string> Targets(const std::vector<std::string>& lines) {
  std::set<std::string> targets;
  for (const std::string& line : lines) {
    std::istringstream words(line);
    std::string verb, model, word, number;
    words >> verb >> model >> word >> number;
    targets.insert(model + " " + word + " " + number);
  }
  return targets;
}

class LifecycleApiTest : public AuthTest {
 protected:
  std::vector<std::string> AuthArgs() const override {
    std::ofstream(PolicyPath()) << kPolicy;
    return {"--policy-file", PolicyPath()};
  }
  std::string PolicyPath() const { return temp_dir() + "/policy.json"; }

  void SetUp() override {
    AuthTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    CreateUser("alice");
    CreateUser("bob");
    CreateGrant(R"({"username": "alice", "prefix": "fraud.", "permission": "EDIT"})");
    CreateGrant(R"({"username": "bob", "prefix": "fraud.", "permission": "PROMOTE"})");
    Caller alice = As("alice");
    ASSERT_TRUE(IsOkJson(alice.mlflow.Post("/registered-models/create", R"({"name":"fraud.m"})")));
    for (const char* auc : {"0.91", "0.5"}) {
      ASSERT_TRUE(IsOkJson(alice.mlflow.Post(
          "/model-versions/create",
          std::string(R"({"name":"fraud.m","source":"s3://b/m","tags":[{"key":"metrics.auc",)") +
              R"("value":")" + auc + R"("}]})")));
    }
  }

  std::string Url() { return "http://127.0.0.1:" + std::to_string(server().port()); }
  std::map<std::string, std::string> AsUser(const std::string& user) {
    return {{"MLFLOW_TRACKING_USERNAME", user}, {"MLFLOW_TRACKING_PASSWORD", PasswordOf(user)}};
  }
  CommandResult Check(const std::string& args, const std::map<std::string, std::string>& env) {
    return RunModelwarden("check --server " + Url() + " " + args, env, temp_dir() + "/check.err");
  }
};

TEST_P(LifecycleApiTest, AHeldMoveAnswersAbortedAndTheApprovalEndpointsCarryItThrough) {
  Caller alice = As("alice");
  Caller bob = As("bob");
  const ApiResponse held =
      alice.mlflow.Post("/model-versions/transition-stage",
                        R"({"name":"fraud.m","version":"1","stage":"Production"})");
  ASSERT_TRUE(IsMlflowError(held, 409, "ABORTED")) << held.Describe();
  EXPECT_THAT(*held.StringAt("/message"), HasSubstr("Approval 1 is pending"));
  EXPECT_EQ(alice.mlflow.Get("/model-versions/get", {{"name", "fraud.m"}, {"version", "1"}})
                .StringAt("/model_version/current_stage"),
            "None");
  const ApiResponse got = bob.mw.Get("/approvals/get", {{"id", "1"}});
  ASSERT_TRUE(IsOkJson(got)) << got.Describe();
  EXPECT_EQ(got.StringAt("/approval/status"), "pending");
  EXPECT_EQ(got.StringAt("/approval/stage"), "Production");
  EXPECT_EQ(got.StringAt("/approval/approvers/0"), "admin");
  EXPECT_EQ(got.StringAt("/approval/approvers/1"), "bob");
  EXPECT_TRUE(IsDenied(alice.mw.Post("/approvals/approve", R"({"id": 1})")));
  const ApiResponse approved = bob.mw.Post("/approvals/approve", R"({"id": "1", "comment": "ok"})");
  ASSERT_TRUE(IsOkJson(approved)) << approved.Describe();
  EXPECT_EQ(approved.StringAt("/approval/status"), "approved");
  EXPECT_EQ(alice.mlflow.Get("/model-versions/get", {{"name", "fraud.m"}, {"version", "1"}})
                .StringAt("/model_version/current_stage"),
            "Production");
  const ApiResponse list = Admin().mw.Get("/approvals/list", {{"name", "fraud.m"}});
  ASSERT_TRUE(IsOkJson(list)) << list.Describe();
  EXPECT_EQ(list.StringAt("/approvals/0/decided_by"), "bob");
  // Every step in the audit log.
  const ApiResponse audit = Admin().mw.Get("/audit-events/search", {{"model_name", "fraud.m"}});
  ASSERT_TRUE(IsOkJson(audit));
  std::multiset<std::string> steps;
  for (const auto& e : audit.At("/audit_events")->GetArray()) {
    steps.insert(std::string(e["operation"].GetString()) + ":" + e["outcome"].GetString());
  }
  EXPECT_EQ(steps.count("TransitionModelVersionStage:pending"), 1u);
  EXPECT_EQ(steps.count("Approve:denied"), 1u);
  EXPECT_EQ(steps.count("Approve:allowed"), 1u);
  EXPECT_EQ(steps.count("TransitionModelVersionStage:allowed"), 1u);
}

TEST_P(LifecycleApiTest, BadApprovalRequestsGetMlflowErrorsAndChangeNothing) {
  Caller bob = As("bob");
  EXPECT_TRUE(
      IsMlflowError(bob.mw.Post("/approvals/approve", "{}"), 400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(bob.mw.Post("/approvals/approve", R"({"id": "x"})"), 400,
                            "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(bob.mw.Post("/approvals/reject", R"({"id": 99})"), 404,
                            "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsMlflowError(bob.mw.Get("/approvals/list", {{"name", "fraud.m"}, {"status", "x"}}),
                            400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(
      As("alice").mw.Post("/approvals/create",
                          R"({"name":"fraud.m","version":"1","stage":"Production","alias":"a"})"),
      400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(
      IsMlflowError(As("alice").mw.Post("/approvals/create",
                                        R"({"name":"fraud.m","version":"9","stage":"Production"})"),
                    404, "RESOURCE_DOES_NOT_EXIST"));
  const ApiResponse none = Admin().mw.Get("/approvals/list", {});
  ASSERT_TRUE(IsOkJson(none)) << none.Describe();
  EXPECT_EQ(none.At("/approvals"), nullptr);
  // A request for approval of a move the policy would refuse is refused outright.
  const ApiResponse refused = As("alice").mw.Post(
      "/approvals/create", R"({"name":"fraud.m","version":"2","stage":"Production"})");
  EXPECT_TRUE(IsMlflowError(refused, 400, "INVALID_PARAMETER_VALUE")) << refused.Describe();
  EXPECT_THAT(refused.body, HasSubstr("[auc]"));
}

TEST_P(LifecycleApiTest, CheckExitsZeroOneOrTwoWithItsFormats) {
  const std::string passes = "--model fraud.m --version 1 --stage Production";
  CommandResult ok = Check(passes, AsUser("bob"));
  EXPECT_EQ(ok.exit_status, 0) << ok.out << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("fraud.m version 1 -> Production: PASSES"));
  EXPECT_THAT(ok.out, HasSubstr("approval rule four-eyes holds this move"));
  CommandResult denied = Check("--model fraud.m --version 2 --stage Production", AsUser("bob"));
  EXPECT_EQ(denied.exit_status, 1) << denied.out << denied.err;
  EXPECT_THAT(denied.out, HasSubstr("FAIL  [auc]"));
  CommandResult junit =
      Check("--model fraud.m --version 2 --alias champion --format junit", AsUser("bob"));
  EXPECT_EQ(junit.exit_status, 1) << junit.err;
  EXPECT_THAT(junit.out, HasSubstr("<testsuites name=\"modelwarden check\""));
  EXPECT_THAT(junit.out, HasSubstr("failures=\"1\""));
  EXPECT_THAT(junit.out, HasSubstr("<failure message="));
  CommandResult json = Check(passes + " --format json", AsUser("bob"));
  EXPECT_EQ(json.exit_status, 0);
  EXPECT_THAT(json.out, HasSubstr("\"allowed\":true"));
  // Credentials from a token, and MLFLOW_TRACKING_URI for --server.
  const ApiResponse token = As("bob").mw.Post("/tokens/create", R"({"name":"ci"})");
  ASSERT_TRUE(IsOkJson(token)) << token.Describe();
  CommandResult with_token = RunModelwarden(
      "check " + passes,
      {{"MLFLOW_TRACKING_TOKEN", *token.StringAt("/secret")}, {"MLFLOW_TRACKING_URI", Url()}},
      temp_dir() + "/check.err");
  EXPECT_EQ(with_token.exit_status, 0) << with_token.err;
  // 2: wrong credentials, none, an unknown version, a server that is not there, bad usage.
  EXPECT_EQ(Check(passes, {{"MLFLOW_TRACKING_USERNAME", "bob"},
                           {"MLFLOW_TRACKING_PASSWORD", "wrong-password-1"}})
                .exit_status,
            2);
  CommandResult anonymous = Check(passes, {});
  EXPECT_EQ(anonymous.exit_status, 2);
  EXPECT_THAT(anonymous.err, HasSubstr("401 UNAUTHENTICATED"));
  EXPECT_EQ(Check("--model fraud.m --version 7 --stage Production", AsUser("bob")).exit_status, 2);
  EXPECT_EQ(RunModelwarden("check --server http://127.0.0.1:1 " + passes, AsUser("bob"),
                           temp_dir() + "/check.err")
                .exit_status,
            2);
  EXPECT_EQ(Check("--model fraud.m --stage Production", AsUser("bob")).exit_status, 2);
  EXPECT_EQ(Check(passes + " --format yaml", AsUser("bob")).exit_status, 2);
}

TEST_P(LifecycleApiTest, ApprovalsCommandDrivesTheEndpoints) {
  const std::string server = " --server " + Url();
  const std::string err = temp_dir() + "/approvals.err";
  CommandResult created = RunModelwarden(
      "approvals create --model fraud.m --version 1 --stage Production"
      " --comment 'ready for prod'" +
          server,
      AsUser("alice"), err);
  EXPECT_EQ(created.exit_status, 0) << created.err;
  EXPECT_THAT(created.out, HasSubstr("1  pending  moving 'fraud.m' version 1 to Production"));
  CommandResult own = RunModelwarden("approvals approve --id 1" + server, AsUser("alice"), err);
  EXPECT_EQ(own.exit_status, 1);
  EXPECT_THAT(own.err, HasSubstr("403 PERMISSION_DENIED"));
  CommandResult listed = RunModelwarden(
      "approvals list --model fraud.m --status pending" + server,
      {{"MLFLOW_TRACKING_USERNAME", kAdminUser}, {"MLFLOW_TRACKING_PASSWORD", kAdminPassword}},
      err);
  EXPECT_EQ(listed.exit_status, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("requested by alice"));
  CommandResult approved =
      RunModelwarden("approvals approve --id 1 --comment lgtm" + server, AsUser("bob"), err);
  EXPECT_EQ(approved.exit_status, 0) << approved.err;
  EXPECT_THAT(approved.out, HasSubstr("approved by bob"));
}

TEST_P(LifecycleApiTest, RetentionPlanListsWhatApplyChangesWhileTheServerServes) {
  const std::string store = " --backend-store-uri " + ShellQuote(database().uri()) +
                            " --policy-file " + ShellQuote(PolicyPath());
  Caller& admin = Admin();
  for (const char* model : {"dev.a", "dev.b"}) {
    ASSERT_TRUE(IsOkJson(admin.mlflow.Post("/registered-models/create",
                                           std::string(R"({"name":")") + model + "\"}")));
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(
          IsOkJson(admin.mlflow.Post("/model-versions/create", std::string(R"({"name":")") + model +
                                                                   R"(","source":"s3://b/x"})")));
    }
  }
  ASSERT_TRUE(IsOkJson(admin.mlflow.Post("/registered-models/alias",
                                         R"({"name":"dev.a","alias":"keep","version":"3"})")));
  ASSERT_TRUE(database()
                  .ExecuteSql("UPDATE model_versions SET creation_time = creation_time - "
                              "40 * 86400000 WHERE name LIKE 'dev.%'")
                  .ok());
  const CommandResult plan = RunModelwarden("retention plan" + store, {}, temp_dir() + "/plan.err");
  ASSERT_EQ(plan.exit_status, 0) << plan.err;
  const std::set<std::string> planned = Targets(LinesStartingWith(plan.out, "delete "));
  EXPECT_EQ(planned.size(), 2u * 28 - 1) << plan.out;  // Keep 2 each; version 3 is aliased.
  EXPECT_EQ(planned.count("dev.a version 3"), 0u);

  // Two apply processes at once: the lease lets one act; neither changes a version twice.
  auto first = std::async(std::launch::async, [&] {
    return RunModelwarden("retention apply" + store, {}, temp_dir() + "/a1.err");
  });
  const CommandResult second =
      RunModelwarden("retention apply" + store, {}, temp_dir() + "/a2.err");
  const CommandResult one = first.get();
  std::vector<std::string> deleted = LinesStartingWith(one.out, "deleted ");
  for (const std::string& line : LinesStartingWith(second.out, "deleted ")) deleted.push_back(line);
  EXPECT_EQ(deleted.size(), planned.size()) << one.out << one.err << second.out << second.err;
  EXPECT_EQ(Targets(deleted), planned);
  for (const CommandResult* run : {&one, &second}) {
    EXPECT_TRUE(run->exit_status == 0 ||
                (run->exit_status == 1 && run->err.find("holds the lease") != std::string::npos))
        << run->exit_status << " " << run->err;
  }
  // The server serves throughout, and the versions are gone for it too.
  EXPECT_TRUE(
      IsMlflowError(admin.mlflow.Get("/model-versions/get", {{"name", "dev.a"}, {"version", "1"}}),
                    404, "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(
      IsOkJson(admin.mlflow.Get("/model-versions/get", {{"name", "dev.a"}, {"version", "3"}})));
  const CommandResult again = RunModelwarden("retention apply" + store, {}, temp_dir() + "/a3.err");
  EXPECT_EQ(again.exit_status, 0) << again.err;
  EXPECT_TRUE(LinesStartingWith(again.out, "deleted ").empty()) << again.out;
  const ApiResponse audit =
      admin.mw.Get("/audit-events/search", {{"principal", "retention"}, {"max_results", "1000"}});
  ASSERT_TRUE(IsOkJson(audit));
  EXPECT_EQ(audit.At("/audit_events")->GetArray().Size(), planned.size());
}

MODELWARDEN_INSTANTIATE_API_TESTS(LifecycleApiTest);

}  // namespace
}  // namespace modelwarden::testing
