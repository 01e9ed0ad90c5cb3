// With --auth and --tracking-upstream, forwarded tracking calls are authorized per experiment as
// MLflow's basic-auth does it: a permission matrix over the forwarded paths (NO_PERMISSIONS /
// READ / EDIT / MANAGE on experiment 1, and the admin), where after every refusal the tracker
// has received nothing that could change it; deny by default for API paths without a rule and
// for /graphql; searches narrowed or filtered to what the caller may read; the creator of an
// experiment gets MANAGE on it. The tracker is tests/api/fake_tracker.py (experiments 0-3;
// run1, m-abc, tr-1 and d-1 in experiment 1; run-b, m-two, tr-2, d-2 in experiment 2).
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "tests/api/auth_fixture.h"
#include "tests/api/fake_tracker_process.h"

namespace modelwarden::testing {
namespace {

FakeTracker* tracker = nullptr;

enum Level { kNone = 0, kRead = 1, kEdit = 2, kManage = 3 };

struct User {
  const char* name;
  Level level;  // On experiment 1.
};
constexpr User kUsers[] = {
    {"nobody", kNone}, {"reader", kRead}, {"editor", kEdit}, {"manager", kManage}};

struct Call {
  const char* method;
  const char* path;
  const char* body;
  Level needs;
};

// Each touches experiment 1 (directly, or through its run, logged model, trace, dataset,
// artifact path or scorer).
const Call kCalls[] = {
    // Read.
    {"GET", "/api/2.0/mlflow/experiments/get?experiment_id=1", "", kRead},
    {"GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=team-a%2Fexp1", "", kRead},
    {"GET", "/api/2.0/mlflow/runs/get?run_id=run1", "", kRead},
    {"GET", "/ajax-api/2.0/mlflow/runs/get?run_uuid=run1", "", kRead},
    {"GET", "/api/2.0/mlflow/metrics/get-history?run_id=run1&metric_key=loss", "", kRead},
    {"GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=run1&run_id=run2&metric_key=m",
     "", kRead},
    {"GET", "/api/2.0/mlflow/artifacts/list?run_id=run1", "", kRead},
    {"GET", "/get-artifact?run_id=run1&path=model/MLmodel", "", kRead},
    {"GET", "/api/2.0/mlflow/logged-models/m-abc", "", kRead},
    {"GET", "/api/3.0/mlflow/traces/tr-1", "", kRead},
    {"GET", "/api/3.0/mlflow/traces/get?trace_id=tr-1", "", kRead},
    {"GET", "/api/2.0/mlflow-artifacts/artifacts/1/run1/artifacts/model/MLmodel", "", kRead},
    {"GET", "/api/2.0/mlflow-artifacts/artifacts?path=1/run1/artifacts", "", kRead},
    {"GET", "/api/3.0/mlflow/datasets/d-1", "", kRead},
    {"GET", "/api/3.0/mlflow/scorers/list?experiment_id=1", "", kRead},
    {"GET", "/api/3.0/mlflow/scorers/get?experiment_id=1&name=s1", "", kRead},
    {"POST", "/api/3.0/mlflow/traces/search",
     R"({"locations":[{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":"1"}}]})",
     kRead},
    // Update.
    {"POST", "/api/2.0/mlflow/runs/create", R"({"experiment_id":"1","run_name":"r"})", kEdit},
    {"POST", "/api/2.0/mlflow/runs/log-metric",
     R"({"run_id":"run1","key":"k","value":1,"timestamp":1})", kEdit},
    {"POST", "/api/2.0/mlflow/runs/log-batch", R"({"run_id":"run1","metrics":[]})", kEdit},
    {"POST", "/ajax-api/2.0/mlflow/runs/set-tag", R"({"run_uuid":"run1","key":"k","value":"v"})",
     kEdit},
    {"POST", "/api/2.0/mlflow/runs/log-inputs", R"({"run_id":"run1"})", kEdit},
    {"POST", "/api/2.0/mlflow/experiments/update", R"({"experiment_id":"1","new_name":"x"})",
     kEdit},
    {"POST", "/api/2.0/mlflow/experiments/set-experiment-tag",
     R"({"experiment_id":1,"key":"k","value":"v"})", kEdit},
    {"POST", "/api/2.0/mlflow/logged-models", R"({"experiment_id":"1"})", kEdit},
    {"PATCH", "/api/2.0/mlflow/logged-models/m-abc", R"({"status":"LOGGED_MODEL_READY"})", kEdit},
    {"PUT", "/api/2.0/mlflow-artifacts/artifacts/1/run1/artifacts/new.txt", "new bytes", kEdit},
    {"POST", "/ajax-api/2.0/mlflow/upload-artifact?run_uuid=run1&path=f.txt", "bytes", kEdit},
    {"POST", "/api/3.0/mlflow/traces",
     R"({"trace":{"trace_info":{"trace_location":{"mlflow_experiment":{"experiment_id":"1"}}}}})",
     kEdit},
    {"PATCH", "/api/3.0/mlflow/traces/tr-1/tags", R"({"key":"k","value":"v"})", kEdit},
    {"POST", "/api/3.0/mlflow/datasets/d-1/records", R"({"records":"[]"})", kEdit},
    {"POST", "/api/3.0/mlflow/datasets/create", R"({"name":"ds","experiment_ids":["1"]})", kEdit},
    // Delete (MLflow's can_delete: MANAGE).
    {"POST", "/api/2.0/mlflow/runs/delete", R"({"run_id":"run1"})", kManage},
    {"POST", "/api/2.0/mlflow/experiments/delete", R"({"experiment_id":"1"})", kManage},
    {"DELETE", "/api/2.0/mlflow/logged-models/m-abc", "", kManage},
    {"DELETE", "/api/2.0/mlflow-artifacts/artifacts/1/run1/artifacts/old.txt", "", kManage},
    {"POST", "/api/3.0/mlflow/traces/delete-traces", R"({"experiment_id":"1","max_traces":1})",
     kManage},
    {"DELETE", "/api/3.0/mlflow/scorers/delete", R"({"experiment_id":"1","name":"s9"})", kManage},
};

bool Mutates(const Call& call) {
  return std::string(call.method) != "GET" &&
         std::string(call.path).find("/search") == std::string::npos;
}

class ForwardedAuthTest : public AuthTest {
 protected:
  static void SetUpTestSuite() { tracker = new FakeTracker(); }
  static void TearDownTestSuite() {
    delete tracker;
    tracker = nullptr;
  }

  void SetUp() override {
    ASSERT_GT(tracker->port(), 0) << "the fake tracker did not start";
    AuthTest::SetUp();
  }

  std::vector<std::string> AuthArgs() const override {
    return {"--tracking-upstream", tracker->url(), "--auth-default-permission", "NO_PERMISSIONS"};
  }

  void GrantExperiment(const std::string& username, const std::string& experiment_id,
                       const std::string& permission) {
    ApiResponse granted = Admin().mlflow.Post(
        "/experiments/permissions/create", "{\"experiment_id\":" + JsonString(experiment_id) +
                                               ",\"username\":" + JsonString(username) +
                                               ",\"permission\":" + JsonString(permission) + "}");
    ASSERT_EQ(granted.status, 200) << granted.Describe();
  }

  void CreateMatrixUsers() {
    for (const User& user : kUsers) {
      CreateUser(user.name);
      if (user.level == kRead) GrantExperiment(user.name, "1", "READ");
      if (user.level == kEdit) GrantExperiment(user.name, "1", "EDIT");
      if (user.level == kManage) GrantExperiment(user.name, "1", "MANAGE");
    }
  }

  // How many requests that could change something reached the tracker so far.
  int Mutations() {
    ApiResponse count = Admin().mlflow.Send("GET", "/_mutations", "", "");
    const rapidjson::Value* value = count.At("/count");
    if (value == nullptr) ADD_FAILURE() << "/_mutations: " << count.Describe() << count.error;
    return value != nullptr && value->IsInt() ? value->GetInt() : -1;
  }

  static ApiResponse Send(Caller& caller, const Call& call) {
    const bool json = call.body[0] == '{';
    return caller.mlflow.Send(call.method, call.path, call.body,
                              json ? "application/json" : "application/octet-stream");
  }
  ApiResponse As(const std::string& username, const Call& call) {
    Caller caller = AuthTest::As(username);
    return Send(caller, call);
  }
};

TEST_P(ForwardedAuthTest, EveryCallIsAllowedExactlyAtItsLevelAndARefusalChangesNothing) {
  CreateMatrixUsers();
  for (const Call& call : kCalls) {
    for (const User& user : kUsers) {
      SCOPED_TRACE(std::string(user.name) + " " + call.method + " " + call.path);
      const int before = Mutations();
      ASSERT_GE(before, 0);
      const ApiResponse response = As(user.name, call);
      if (user.level >= call.needs) {
        EXPECT_GE(response.status, 200) << response.Describe();
        EXPECT_LT(response.status, 300) << response.Describe();
        if (Mutates(call)) {
          EXPECT_EQ(Mutations(), before + 1);
        }
      } else {
        EXPECT_TRUE(IsDenied(response)) << response.Describe();
        EXPECT_EQ(Mutations(), before) << "a refused call reached the tracker";
      }
    }
    // The admin needs no grant.
    const ApiResponse response = Send(Admin(), call);
    EXPECT_LT(response.status, 300) << call.path << " " << response.Describe();
  }
}

// The same calls on experiment 2, where the matrix users hold nothing (the default is
// NO_PERMISSIONS): refused, nothing reaches the tracker.
TEST_P(ForwardedAuthTest, AGrantOnOneExperimentSaysNothingAboutAnother) {
  CreateMatrixUsers();
  const Call calls[] = {
      {"GET", "/api/2.0/mlflow/runs/get?run_id=run-b", "", kRead},
      {"POST", "/api/2.0/mlflow/runs/log-batch", R"({"run_id":"run-b"})", kEdit},
      {"DELETE", "/api/2.0/mlflow/logged-models/m-two", "", kManage},
      {"PATCH", "/api/3.0/mlflow/traces/tr-2/tags", R"({"key":"k","value":"v"})", kEdit},
      {"PUT", "/api/2.0/mlflow-artifacts/artifacts/2/run-b/artifacts/f", "x", kEdit},
      {"GET", "/api/3.0/mlflow/datasets/d-2", "", kRead},
      {"POST", "/api/3.0/mlflow/datasets/d-1/add-experiments", R"({"experiment_ids":["2"]})",
       kEdit},
  };
  const int before = Mutations();
  for (const Call& call : calls) {
    EXPECT_TRUE(IsDenied(As("manager", call))) << call.path;
  }
  EXPECT_EQ(Mutations(), before);
}

TEST_P(ForwardedAuthTest, ApiPathsWithoutARuleAndGraphqlAreForAdminsOnly) {
  CreateMatrixUsers();
  const Call unknown[] = {
      {"POST", "/api/2.0/mlflow/runs/purge-everything", R"({"run_id":"run1"})", kManage},
      {"POST", "/ajax-api/2.0/preview/mlflow/anything", "{}", kManage},
      {"GET", "/api/2.0/mlflow/workspaces", "", kManage},
  };
  for (const Call& call : unknown) {
    const int before = Mutations();
    EXPECT_TRUE(IsDenied(As("manager", call))) << call.path;
    EXPECT_EQ(Mutations(), before) << call.path;
    EXPECT_LT(Send(Admin(), call).status, 300) << call.path;
  }
  // The UI's files need authentication only.
  EXPECT_EQ(As("nobody", {"GET", "/static-files/index.html", "", kNone}).status, 200);
  EXPECT_TRUE(IsUnauthenticated(Client("").Send("GET", "/static-files/index.html", "", "")));
}

// GraphQL is checked by what its query reads: the MLflow UI's run page query on a run the
// caller may read goes through; on another experiment's run, or a field that cannot be
// attributed (the tracker's registry), it is refused before the tracker sees it.
TEST_P(ForwardedAuthTest, GraphqlIsCheckedByTheRunsAndExperimentsItReads) {
  CreateMatrixUsers();
  const std::string run_page =
      R"({"operationName":"GetRun","variables":{"data":{"runId":"RUN"}},"query":"query GetRun($data: MlflowGetRunInput!) @component(name: \"MLflow.ExperimentRunTracking\") {\n  mlflowGetRun(input: $data) {\n    run { info { runUuid experimentId } experiment { name } data { metrics { key value } } }\n  }\n}"})";
  const auto page_of = [&](const std::string& run) {
    std::string body = run_page;
    body.replace(body.find("RUN"), 3, run);
    return body;
  };
  Caller reader = AuthTest::As("reader");
  const int before = Mutations();
  ApiResponse allowed = reader.mlflow.Send("POST", "/graphql", page_of("run1"), "application/json");
  EXPECT_EQ(allowed.status, 200) << allowed.Describe();
  EXPECT_EQ(Mutations(), before + 1);  // The fake counts every POST.
  for (
      const std::string& body :
      {page_of("run-b"),
       std::string(
           R"({"query":"{ mlflowGetExperiment(input: {experimentId: \"2\"}) { experiment { name } } }"})"),
       std::string(
           R"({"query":"query { ok: mlflowGetRun(input: {runId: \"run1\"}) { run { info { runUuid } } } other: mlflowGetRun(input: {runId: \"run-b\"}) { run { info { runUuid } } } }"})"),
       std::string(
           R"({"query":"{ mlflowSearchModelVersions(input: {filter: \"\"}) { modelVersions { name } } }"})"),
       std::string(R"({"query":"query { ...F } fragment F on Query { test }"})"),
       std::string(R"({"query":"subscription { x }"})")}) {
    const int at = Mutations();
    EXPECT_TRUE(IsDenied(reader.mlflow.Send("POST", "/graphql", body, "application/json"))) << body;
    EXPECT_EQ(Mutations(), at) << body;
  }
  ApiResponse malformed = reader.mlflow.Send(
      "POST", "/graphql", R"({"query":"{ mlflowGetRun(input: "})", "application/json");
  EXPECT_EQ(malformed.status, 400) << malformed.Describe();
  // A deeply nested document is refused, not recursed into.
  std::string deep = R"({"query":"{ )";
  for (int i = 0; i < 5000; ++i) deep += "a { ";
  deep += R"("})";
  EXPECT_EQ(reader.mlflow.Send("POST", "/graphql", deep, "application/json").status, 400);
  // The admin may ask anything.
  EXPECT_EQ(Admin().mlflow.Send("POST", "/graphql", page_of("run-b"), "application/json").status,
            200);
}

TEST_P(ForwardedAuthTest, BadParametersGetMlflowErrorsAndReachNothing) {
  CreateMatrixUsers();
  const int before = Mutations();
  ApiResponse missing = As("manager", {"POST", "/api/2.0/mlflow/runs/create", "{}", kEdit});
  EXPECT_TRUE(IsMlflowError(missing, 400, "INVALID_PARAMETER_VALUE")) << missing.Describe();
  EXPECT_NE(missing.body.find("experiment_id"), std::string::npos);
  ApiResponse malformed =
      As("manager", {"POST", "/api/2.0/mlflow/runs/log-batch", "{\"run_id\": ", kEdit});
  EXPECT_EQ(malformed.status, 400) << malformed.Describe();
  ApiResponse unknown_run =
      As("manager", {"POST", "/api/2.0/mlflow/runs/log-batch", R"({"run_id":"nope"})", kEdit});
  EXPECT_TRUE(IsMlflowError(unknown_run, 404, "RESOURCE_DOES_NOT_EXIST")) << unknown_run.Describe();
  // Ways of naming one thing to the check and another to the tracker: refused.
  const Call ambiguous[] = {
      // Python's json takes the last of two equal keys.
      {"POST", "/api/2.0/mlflow/runs/log-batch", R"({"run_id":"run1","run_id":"run-b"})", kEdit},
      {"POST", "/api/2.0/mlflow/runs/create", R"({"experiment_id":"1","experiment_id":"2"})",
       kEdit},
      {"GET", "/api/2.0/mlflow/runs/get?run_id=run1&run_id=run-b", "", kRead},
      // int("01") is 1 to the tracker.
      {"POST", "/api/2.0/mlflow/runs/create", R"({"experiment_id":"02"})", kEdit},
      {"POST", "/api/2.0/mlflow/runs/create", R"({"experiment_id":" 2"})", kEdit},
      {"PUT", "/api/2.0/mlflow-artifacts/artifacts/002/run-b/artifacts/f", "x", kEdit},
  };
  for (const Call& call : ambiguous) {
    const ApiResponse response = As("manager", call);
    EXPECT_EQ(response.status, 400) << call.path << " " << call.body << response.Describe();
  }
  EXPECT_EQ(Mutations(), before);
  // A GET without a query string has its parameters in its body, as MLflow's server reads it.
  ApiResponse get_body = AuthTest::As("manager").mlflow.Send(
      "GET", "/api/2.0/mlflow/runs/get", R"({"run_id":"run-b"})", "application/json");
  EXPECT_TRUE(IsDenied(get_body)) << get_body.Describe();
  ApiResponse get_own = AuthTest::As("manager").mlflow.Send(
      "GET", "/api/2.0/mlflow/runs/get", R"({"run_id":"run1"})", "application/json");
  EXPECT_EQ(get_own.status, 200) << get_own.Describe();
}

TEST_P(ForwardedAuthTest, ABodyReadToDecideIsForwardedByteForByte) {
  CreateMatrixUsers();
  const std::string body =
      R"({"run_id":"run1","metrics":[{"key":"é","value":1.5,"timestamp":1,"step":0}]})";
  ApiResponse echoed = AuthTest::As("editor").mlflow.Post("/runs/log-batch", body);
  ASSERT_EQ(echoed.status, 200) << echoed.Describe();
  EXPECT_EQ(echoed.StringAt("/body"), body);
  ASSERT_NE(echoed.At("/body_length"), nullptr);
  EXPECT_EQ(echoed.At("/body_length")->GetInt(), static_cast<int>(body.size()));
  for (const auto& header : echoed.At("/headers")->GetArray()) {
    EXPECT_NE(std::string(header[0].GetString()), "Authorization") << echoed.body;
  }
}

TEST_P(ForwardedAuthTest, RunSearchesAreNarrowedToReadableExperiments) {
  CreateMatrixUsers();
  Caller reader = AuthTest::As("reader");
  ApiResponse narrowed =
      reader.mlflow.Post("/runs/search", R"({"experiment_ids":["1","2"],"max_results":5})");
  ASSERT_EQ(narrowed.status, 200) << narrowed.Describe();
  EXPECT_EQ(narrowed.StringAt("/body"), R"({"experiment_ids":["1"],"max_results":5})");
  const int before = Mutations();
  ApiResponse nothing = reader.mlflow.Post("/runs/search", R"({"experiment_ids":["2","3"]})");
  ASSERT_EQ(nothing.status, 200) << nothing.Describe();
  EXPECT_EQ(nothing.body, "{}");
  EXPECT_EQ(Mutations(), before) << "answered without the tracker";
  ApiResponse logged = reader.mlflow.Post("/logged-models/search", R"({"experiment_ids":["3"]})");
  EXPECT_EQ(logged.body, "{}") << logged.Describe();
}

TEST_P(ForwardedAuthTest, ExperimentSearchesShowOnlyReadableExperimentsInFullPages) {
  CreateMatrixUsers();
  GrantExperiment("reader", "3", "READ");
  Caller reader = AuthTest::As("reader");
  // Experiments 0..3 on the tracker; the reader may read 1 and 3. Pages of one, filled.
  ApiResponse first = reader.mlflow.Get("/experiments/search", {{"max_results", "1"}});
  ASSERT_EQ(first.status, 200) << first.Describe();
  ASSERT_NE(first.At("/experiments"), nullptr) << first.body;
  ASSERT_EQ(first.At("/experiments")->Size(), 1u) << first.body;
  EXPECT_EQ(first.StringAt("/experiments/0/experiment_id"), "1");
  const std::optional<std::string> token = first.StringAt("/next_page_token");
  ASSERT_TRUE(token.has_value()) << first.body;
  ApiResponse second = reader.mlflow.Post(
      "/experiments/search", "{\"max_results\":1,\"page_token\":" + JsonString(*token) + "}");
  ASSERT_EQ(second.status, 200) << second.Describe();
  EXPECT_EQ(second.StringAt("/experiments/0/experiment_id"), "3") << second.body;
  EXPECT_EQ(second.At("/next_page_token"), nullptr) << second.body;
  // The nobody sees none; the admin all four.
  EXPECT_EQ(AuthTest::As("nobody").mlflow.Get("/experiments/search").body, "{}");
  ApiResponse all = Admin().mlflow.Get("/experiments/search");
  ASSERT_NE(all.At("/experiments"), nullptr) << all.body;
  EXPECT_GE(all.At("/experiments")->Size(), 4u);
}

TEST_P(ForwardedAuthTest, TheCreatorOfAnExperimentManagesIt) {
  CreateMatrixUsers();
  Caller editor = AuthTest::As("editor");
  ApiResponse created = editor.mlflow.Post("/experiments/create", R"({"name":"mine"})");
  ASSERT_EQ(created.status, 200) << created.Describe();
  const std::optional<std::string> id = created.StringAt("/experiment_id");
  ASSERT_TRUE(id.has_value()) << created.body;
  ApiResponse permission = editor.mlflow.Get("/experiments/permissions/get",
                                             {{"experiment_id", *id}, {"username", "editor"}});
  ASSERT_EQ(permission.status, 200) << permission.Describe();
  EXPECT_EQ(permission.StringAt("/experiment_permission/permission"), "MANAGE");
  EXPECT_EQ(editor.mlflow.Get("/experiments/get", {{"experiment_id", *id}}).status, 200);
  EXPECT_TRUE(
      IsDenied(AuthTest::As("reader").mlflow.Get("/experiments/get", {{"experiment_id", *id}})));
}

// Groups and experiment-name prefixes decide forwarded calls as they decide models: team-a's
// group holds EDIT on every "team-a/" experiment (1 and 3, not 2); a user's own grant on one
// experiment wins over the group's prefix grant.
TEST_P(ForwardedAuthTest, GroupAndPrefixGrantsDecideForwardedCalls) {
  CreateUser("ann");
  CreateUser("ben");
  CreateGroup("team-a", {"ann", "ben"});
  CreateGrant(R"({"group":"team-a","experiment_prefix":"team-a/","permission":"EDIT"})");
  GrantExperiment("ben", "1", "NO_PERMISSIONS");
  Caller ann = AuthTest::As("ann");
  EXPECT_EQ(ann.mlflow.Get("/runs/get", {{"run_id", "run1"}}).status, 200);
  EXPECT_EQ(ann.mlflow.Post("/runs/log-batch", R"({"run_id":"run1"})").status, 200);
  EXPECT_EQ(ann.mlflow.Post("/runs/create", R"({"experiment_id":"3"})").status, 200);
  EXPECT_TRUE(IsDenied(ann.mlflow.Get("/runs/get", {{"run_id", "run-b"}})));
  EXPECT_TRUE(IsDenied(ann.mlflow.Post("/runs/delete", R"({"run_id":"run1"})")));
  ApiResponse seen = ann.mlflow.Get("/experiments/search");
  ASSERT_NE(seen.At("/experiments"), nullptr) << seen.body;
  EXPECT_EQ(seen.At("/experiments")->Size(), 2u) << seen.body;
  Caller ben = AuthTest::As("ben");
  EXPECT_TRUE(IsDenied(ben.mlflow.Get("/runs/get", {{"run_id", "run1"}})));
  EXPECT_EQ(ben.mlflow.Post("/runs/create", R"({"experiment_id":"3"})").status, 200);
}

// Mutated forwarded calls (paths, query strings and JSON bodies built from the matrix's, with
// bytes flipped, dropped and inserted) as a user with grants on experiment 1: each gets an
// answer, the server stays up, and no refusal reaches the tracker.
TEST_P(ForwardedAuthTest, FuzzedForwardedCallsGetAnAnswer) {
  CreateMatrixUsers();
  std::mt19937 random(15);
  const std::string alphabet = "{}[]\":,/?&=%$.-_ 0123456789abcxyz\\\x01\xff";
  const auto mutate = [&](std::string text) {
    const int edits = static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = text.empty() ? 0 : random() % text.size();
      switch (random() % 3) {
        case 0:
          if (!text.empty()) text[at] = alphabet[random() % alphabet.size()];
          break;
        case 1:
          if (!text.empty()) text.erase(at, 1 + random() % 3);
          break;
        default:
          text.insert(at, 1, alphabet[random() % alphabet.size()]);
      }
    }
    return text;
  };
  Caller editor = AuthTest::As("editor");
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 1500; ++i) {
    const Call& call = kCalls[random() % (sizeof(kCalls) / sizeof(kCalls[0]))];
    std::string path = mutate(call.path);
    if (path.empty() || path[0] != '/') path = "/" + path;
    // cpp-httplib refuses to send some bytes in a target; keep it printable.
    for (char& c : path) {
      if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) c = '_';
    }
    const std::string body = mutate(call.body);
    const int before = Mutations();
    const ApiResponse response = editor.mlflow.Send(call.method, path, body, "application/json");
    ASSERT_GT(response.status, 0) << path << " " << body << ": " << response.error;
    if (response.status == 403 || response.status == 401) {
      EXPECT_EQ(Mutations(), before) << path << " " << body;
    }
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::minutes(5));
  EXPECT_EQ(Admin().mlflow.Get("/experiments/get", {{"experiment_id", "1"}}).status, 200);
}

MODELWARDEN_INSTANTIATE_API_TESTS(ForwardedAuthTest);

}  // namespace
}  // namespace modelwarden::testing
