// modelwarden beside an MLflow tracking server (--tracking-upstream): every non-registry path
// forwarded unchanged and streamed, 502/504 when the tracker is down or stalls with the
// registry unaffected, run_link and source resolution, and gates on the run's metrics. The
// tracker is tests/api/fake_tracker.py, started once per suite.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "registry/text.h"
#include "tests/api/api_test.h"
#include "tests/api/auth_fixture.h"
#include "tests/api/fake_tracker_process.h"
#include "tests/api/raw_connection.h"

namespace modelwarden::testing {
namespace {

FakeTracker* tracker = nullptr;

// Peak resident memory of a process, in KiB (VmHWM).
long PeakRssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

const char kPolicy[] = R"({
  "runs": {"mode": "enforce"},
  "gates": [
    {"id": "val-auc", "stage": "Production", "metric": "run.metrics.val_auc", "op": ">=",
     "threshold": 0.9},
    {"id": "tag-auc", "mode": "warn", "stage": "Production", "metric": "metrics.auc", "op": ">=",
     "threshold": 0.5}
  ]
})";

class TrackerTest : public ApiTest {
 protected:
  static void SetUpTestSuite() {
    // The fake tracker keeps run "runlocal"'s artifacts on this machine, below this folder.
    setenv("FAKE_TRACKER_ARTIFACT_DIR", LocalArtifactDir().c_str(), 1);
    tracker = new FakeTracker();
  }
  static std::string LocalArtifactDir() {
    return ::testing::TempDir() + "/mw_local_artifacts_" + std::to_string(getpid());
  }
  static void TearDownTestSuite() {
    delete tracker;
    tracker = nullptr;
  }

  void SetUp() override {
    ASSERT_GT(tracker->port(), 0) << "the fake tracker did not start";
    policy_path_ = ::testing::TempDir() + "/tracker_policy_" + std::to_string(getpid()) + ".json";
    std::ofstream(policy_path_) << kPolicy;
    ApiTest::SetUp();
  }

  std::vector<std::string> ExtraServerArgs() const override {
    return {"--tracking-upstream", Upstream(),  "--tracking-upstream-timeout-ms", "1500",
            "--policy-file",       policy_path_};
  }
  virtual std::string Upstream() const { return tracker->url(); }

  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", server().port());
    client.set_read_timeout(30, 0);
    return client;
  }
  ServerProcess& server() const { return const_cast<TrackerTest*>(this)->ApiTest::server(); }

  // GET /model-versions/get-artifact?<query>, the query sent as written (already encoded).
  httplib::Result GetArtifact(const std::string& query) const {
    httplib::Client client = Client();
    client.set_url_encode(false);
    return client.Get(("/model-versions/get-artifact?" + query).c_str());
  }

  std::string policy_path_;
};

TEST_P(TrackerTest, ForwardsEveryMethodWithPathQueryHeadersAndBody) {
  httplib::Client client = Client();
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"}) {
    SCOPED_TRACE(method);
    httplib::Request req;
    req.method = method;
    req.path = "/api/2.0/mlflow/echo-test?filter=a%2Fb&status=201";
    req.headers = {{"X-Custom", "kept"},
                   {"Authorization", "Bearer client-token"},
                   {"Connection", "keep-alive, X-Hop"},
                   {"X-Hop", "dropped"}};
    const bool has_body = std::string(method) != "GET" && std::string(method) != "HEAD" &&
                          std::string(method) != "OPTIONS";
    if (has_body) {
      req.body = "payload-" + std::string(method);
      req.set_header("Content-Type", "text/plain");
    }
    httplib::Response res;
    httplib::Error error = httplib::Error::Success;
    ASSERT_TRUE(client.send(req, res, error)) << httplib::to_string(error);
    EXPECT_EQ(res.status, 201);
    EXPECT_EQ(res.get_header_value("X-Echo"), "yes");
    EXPECT_EQ(res.get_header_value_count("Set-Cookie"), 2u);
    if (std::string(method) == "HEAD") continue;
    rapidjson::Document echo;
    echo.Parse(res.body.c_str());
    ASSERT_TRUE(echo.IsObject()) << res.body;
    EXPECT_STREQ(echo["method"].GetString(), method);
    EXPECT_STREQ(echo["target"].GetString(), "/api/2.0/mlflow/echo-test?filter=a%2Fb&status=201");
    std::map<std::string, std::string> headers;
    for (const auto& h : echo["headers"].GetArray()) {
      headers[h[0].GetString()] = h[1].GetString();
    }
    EXPECT_EQ(headers["X-Custom"], "kept");
    EXPECT_EQ(headers["Authorization"], "Bearer client-token");
    EXPECT_EQ(headers.count("X-Hop"), 0u);
    EXPECT_EQ(headers["Host"], "127.0.0.1:" + std::to_string(tracker->port()));
    EXPECT_EQ(headers["X-Forwarded-For"], "127.0.0.1");
    EXPECT_EQ(headers["X-Forwarded-Proto"], "http");
    EXPECT_EQ(echo["body_length"].GetInt(), has_body ? static_cast<int>(req.body.size()) : 0);
  }
  // The UI's paths and static pages go through too.
  EXPECT_EQ(client.Get("/ajax-api/2.0/mlflow/runs/get?run_id=run1")->status, 200);
  EXPECT_EQ(client.Get("/static-files/index.html")->status, 200);
}

// A registry path the tracker would route as one (werkzeug strips a target's leading slashes
// and merges none of the rest) is refused, not forwarded past the registry's checks.
TEST_P(TrackerTest, RefusesRegistryPathsThatAreNotInCanonicalOriginForm) {
  for (const char* target :
       {"api/2.0/mlflow/registered-models/search", "ajax-api/2.0/mlflow/model-versions/search",
        "/api/2.0//mlflow/registered-models/search", "/api/2.0/./mlflow/model-versions/search"}) {
    SCOPED_TRACE(target);
    ApiResponse res = SendRaw(server().port(), std::string("GET ") + target +
                                                   " HTTP/1.1\r\nHost: x\r\n"
                                                   "Connection: close\r\n\r\n");
    EXPECT_TRUE(IsMlflowError(res, 400, "INVALID_PARAMETER_VALUE")) << res.Describe();
    EXPECT_FALSE(res.Header("Via").has_value()) << res.Describe();
  }
}

// MLflow serves registry artifacts at /model-versions/get-artifact (no API prefix): that is
// the registry's, never the tracker's.
TEST_P(TrackerTest, RegistryArtifactRouteIsNotForwarded) {
  httplib::Client client = Client();
  auto res = client.Get("/model-versions/get-artifact?name=m&version=1&path=MLmodel");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_FALSE(res->has_header("Via"));
}

TEST_P(TrackerTest, StreamsA64MibDownloadWithoutHoldingIt) {
  constexpr size_t kSize = 64 * 1024 * 1024;
  const long before = PeakRssKib(server().pid());
  ASSERT_GT(before, 0);
  httplib::Client client = Client();
  size_t received = 0;
  std::string digest_header;
  auto res = client.Get(
      "/api/2.0/mlflow-artifacts/artifacts/big?size=" + std::to_string(kSize),
      [&](const httplib::Response& r) {
        digest_header = r.get_header_value("X-Digest");
        return true;
      },
      [&](const char*, size_t n) {
        received += n;
        return true;
      });
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Length"), std::to_string(kSize));
  EXPECT_EQ(received, kSize);
  EXPECT_FALSE(digest_header.empty());
  const long after = PeakRssKib(server().pid());
  // Buffering the file would add 64 MiB; streaming adds at most the 1 MiB buffer and noise.
  EXPECT_LT(after - before, 16 * 1024)
      << "peak RSS grew from " << before << " KiB to " << after << " KiB";
}

TEST_P(TrackerTest, StreamsUploadsLargerThanTheJsonBodyLimit) {
  constexpr size_t kSize = 40 * 1024 * 1024;  // Above --max-request-body-bytes (16 MiB).
  httplib::Client client = Client();
  const std::string block(64 * 1024, 'x');
  auto res = client.Put(
      "/api/2.0/mlflow-artifacts/artifacts/upload.bin", kSize,
      [&](size_t offset, size_t length, httplib::DataSink& sink) {
        return sink.write(block.data(), std::min(length, block.size() - offset % block.size()));
      },
      "application/octet-stream");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  ASSERT_EQ(res->status, 200) << res->body;
  rapidjson::Document echo;
  echo.Parse(res->body.c_str());
  EXPECT_EQ(echo["body_length"].GetUint64(), kSize);
  // Chunked uploads too (refused on registry paths, where MLflow clients never send them).
  auto chunked = client.Put(
      "/api/2.0/mlflow-artifacts/artifacts/chunked.bin",
      [&, sent = size_t{0}](size_t, httplib::DataSink& sink) mutable {
        if (sent == 4 * block.size()) {
          sink.done();
          return true;
        }
        sent += block.size();
        return sink.write(block.data(), block.size());
      },
      "application/octet-stream");
  ASSERT_TRUE(chunked);
  echo.Parse(chunked->body.c_str());
  EXPECT_EQ(echo["body_length"].GetUint64(), 4 * block.size());
  // The registry keeps its limit.
  ApiResponse big = api().Post("/registered-models/create", R"({"name":"x","description":")" +
                                                                std::string(17 << 20, 'd') + "\"}");
  EXPECT_TRUE(IsMlflowError(big, 413, "INVALID_PARAMETER_VALUE")) << big.Describe();
}

TEST_P(TrackerTest, StalledTrackerAnswers504AndLeavesTheRegistryServing) {
  // More stalled requests than the proxy may hold at once: the rest get 503 right away.
  constexpr int kStalled = 8;
  std::vector<int> statuses(kStalled);
  std::vector<std::string> bodies(kStalled);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStalled; ++i) {
    threads.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", server().port());
      client.set_keep_alive(false);
      client.set_read_timeout(30, 0);
      auto res = client.Get("/stall");
      statuses[i] = res ? res->status : 0;
      bodies[i] = res ? res->body : httplib::to_string(res.error());
    });
  }
  CreateModel("while-stalled");
  EXPECT_NE(CreateVersion("while-stalled", "s3://bucket/model"), "");
  for (std::thread& t : threads) t.join();
  int timed_out = 0;
  for (int i = 0; i < kStalled; ++i) {
    EXPECT_TRUE(statuses[i] == 504 || statuses[i] == 503) << statuses[i] << " " << bodies[i];
    EXPECT_NE(bodies[i].find("TEMPORARILY_UNAVAILABLE"), std::string::npos) << bodies[i];
    EXPECT_NE(bodies[i].find("127.0.0.1:" + std::to_string(tracker->port())), std::string::npos);
    timed_out += statuses[i] == 504;
  }
  EXPECT_GT(timed_out, 0);
  ApiResponse got = api().Get("/registered-models/get", {{"name", "while-stalled"}});
  EXPECT_EQ(got.status, 200) << got.Describe();
}

TEST_P(TrackerTest, VersionsKeepTheirRunLinkAndGetResolvedSources) {
  CreateModel("linked");
  // run_link is what the client sent, as MLflow stores it: the UI links the run itself.
  ApiResponse v1 = api().Post("/model-versions/create",
                              R"({"name":"linked","source":"s3://b/m","run_id":"run1"})");
  ASSERT_EQ(v1.status, 200) << v1.Describe();
  EXPECT_EQ(v1.StringAt("/model_version/run_link").value_or(""), "");
  ApiResponse sent = api().Post(
      "/model-versions/create",
      R"({"name":"linked","source":"s3://b/m","run_id":"run1","run_link":"https://ui/run1"})");
  ASSERT_EQ(sent.status, 200) << sent.Describe();
  EXPECT_EQ(sent.StringAt("/model_version/run_link"), "https://ui/run1");

  ApiResponse v2 =
      api().Post("/model-versions/create", R"({"name":"linked","source":"runs:/run1/model"})");
  ASSERT_EQ(v2.status, 200) << v2.Describe();
  EXPECT_EQ(v2.StringAt("/model_version/run_id"), "run1");
  EXPECT_EQ(v2.StringAt("/model_version/source"), "runs:/run1/model");
  ApiResponse uri =
      api().Get("/model-versions/get-download-uri",
                {{"name", "linked"}, {"version", *v2.StringAt("/model_version/version")}});
  EXPECT_EQ(uri.StringAt("/artifact_uri"), "mlflow-artifacts:/1/run1/artifacts/model");

  ApiResponse v3 =
      api().Post("/model-versions/create", R"({"name":"linked","source":"models:/m-abc"})");
  ASSERT_EQ(v3.status, 200) << v3.Describe();
  EXPECT_EQ(v3.StringAt("/model_version/run_id"), "run1");
  uri = api().Get("/model-versions/get-download-uri",
                  {{"name", "linked"}, {"version", *v3.StringAt("/model_version/version")}});
  EXPECT_EQ(uri.StringAt("/artifact_uri"), "mlflow-artifacts:/1/models/m-abc/artifacts");

  ApiResponse missing =
      api().Post("/model-versions/create", R"({"name":"linked","source":"runs:/nope/model"})");
  EXPECT_TRUE(IsMlflowError(missing, 400, "INVALID_PARAMETER_VALUE")) << missing.Describe();
  // The policy's "runs" section: a run_id the tracker does not know is refused.
  ApiResponse unknown = api().Post("/model-versions/create",
                                   R"({"name":"linked","source":"s3://b/m","run_id":"ghost"})");
  EXPECT_TRUE(IsMlflowError(unknown, 400, "INVALID_PARAMETER_VALUE")) << unknown.Describe();
  EXPECT_NE(unknown.body.find("[runs.exists]"), std::string::npos) << unknown.body;

  // The audit log records the run a version came from.
  ApiClient audit(server().port(), "/api/2.0/modelwarden");
  ApiResponse events = audit.Get("/audit-events/search", {{"model_name", "linked"}});
  EXPECT_NE(events.body.find("source=runs:/run1/model, run_id=run1"), std::string::npos)
      << events.body;
}

TEST_P(TrackerTest, ProductionGateReadsTheRunsMetrics) {
  CreateModel("gated");
  ASSERT_EQ(
      api()
          .Post("/model-versions/create", R"({"name":"gated","source":"s3://b/1","run_id":"run1"})")
          .status,
      200);
  ASSERT_EQ(
      api()
          .Post("/model-versions/create", R"({"name":"gated","source":"s3://b/2","run_id":"run2"})")
          .status,
      200);
  ApiClient governance(server().port(), "/api/2.0/modelwarden");
  ApiResponse check = governance.Get(
      "/model-versions/check", {{"name", "gated"}, {"version", "1"}, {"stage", "Production"}});
  ASSERT_EQ(check.status, 200) << check.Describe();
  EXPECT_NE(check.body.find(R"("run.metrics.val_auc":"0.93")"), std::string::npos) << check.body;
  EXPECT_NE(check.body.find(R"("run_id":"run1")"), std::string::npos) << check.body;

  ApiResponse promoted = api().Post("/model-versions/transition-stage",
                                    R"({"name":"gated","version":"1","stage":"Production",)"
                                    R"("archive_existing_versions":false})");
  EXPECT_EQ(promoted.status, 200) << promoted.Describe();
  ApiResponse denied = api().Post("/model-versions/transition-stage",
                                  R"({"name":"gated","version":"2","stage":"Production",)"
                                  R"("archive_existing_versions":false})");
  EXPECT_TRUE(IsMlflowError(denied, 400, "INVALID_PARAMETER_VALUE")) << denied.Describe();
  EXPECT_NE(denied.body.find("run.metrics.val_auc = 0.7 (run run2), required run.metrics.val_auc "
                             ">= 0.9"),
            std::string::npos)
      << denied.body;
}

MODELWARDEN_INSTANTIATE_API_TESTS(TrackerTest);

// The MLflow UI reads a version's MLmodel (its schema) through /model-versions/get-artifact;
// the files come from the tracker's artifact proxy, byte for byte, as MLflow sends them.
TEST_P(TrackerTest, ServesVersionArtifactsFromTheTrackersArtifactProxy) {
  CreateModel("ui.model");
  ASSERT_EQ(api()
                .Post("/model-versions/create",
                      R"({"name":"ui.model","source":"runs:/run1/model","run_id":"run1"})")
                .status,
            200);
  ASSERT_EQ(api()
                .Post("/model-versions/create", R"({"name":"ui.model","source":"models:/m-abc"})")
                .status,
            200);

  auto mlmodel = GetArtifact("name=ui.model&version=1&path=MLmodel");
  ASSERT_TRUE(mlmodel);
  EXPECT_EQ(mlmodel->status, 200) << mlmodel->body;
  EXPECT_EQ(mlmodel->body,
            "flavors:\n  python_function: {}\nsignature:\n  inputs: '[{\"type\": \"double\", "
            "\"name\": \"x\"}]'\n");
  EXPECT_EQ(mlmodel->get_header_value("Content-Type"), "text/plain");
  EXPECT_EQ(mlmodel->get_header_value("Content-Disposition"), "attachment; filename=MLmodel");
  EXPECT_EQ(mlmodel->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(mlmodel->has_header("Via"));

  // A nested file with a space and a non-ASCII letter in its path, 76,800 bytes in chunks.
  auto nested = GetArtifact("name=ui.model&version=1&path=sub%20dir%2Fweights%20%C3%A9.bin");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->status, 200) << nested->body;
  std::string expected;
  for (int i = 0; i < 300; ++i) {
    for (int b = 0; b < 256; ++b) expected += static_cast<char>(b);
  }
  EXPECT_EQ(nested->body, expected);
  EXPECT_EQ(nested->get_header_value("Content-Type"), "application/octet-stream");
  // RFC 6266's encoded form (cpp-httplib's client percent-decodes header values it reads).
  EXPECT_EQ(nested->get_header_value("Content-Disposition"),
            "attachment; filename*=UTF-8''weights \xC3\xA9.bin");

  // A version logged as an MLflow 3 logged model (models:/m-abc).
  auto logged = GetArtifact("name=ui.model&version=2&path=MLmodel");
  ASSERT_TRUE(logged);
  EXPECT_EQ(logged->status, 200);
  EXPECT_EQ(logged->body, "model_id: m-abc\n");
}

// Each error as MLflow 3.6 answers it (recorded against the reference server).
TEST_P(TrackerTest, VersionArtifactErrorsAreMlflows) {
  CreateModel("ui.errors");
  ASSERT_EQ(
      api()
          .Post("/model-versions/create", R"({"name":"ui.errors","source":"runs:/run1/model"})")
          .status,
      200);
  const auto expect_error = [&](const std::string& query, int status, const std::string& code,
                                const std::string& message) {
    auto res = GetArtifact(query);
    ASSERT_TRUE(res) << query;
    EXPECT_EQ(res->status, status) << query << " " << res->body;
    EXPECT_NE(res->body.find("\"error_code\":\"" + code + "\""), std::string::npos)
        << query << " " << res->body;
    EXPECT_NE(res->body.find("\"message\":\"" + message), std::string::npos)
        << query << " " << res->body;
  };
  expect_error("name=ui.errors&version=1&path=missing.txt", 404, "RESOURCE_DOES_NOT_EXIST",
               "Failed to download artifacts from path 'missing.txt', please ensure that the "
               "path is correct.");
  expect_error("name=ui.errors&version=9&path=MLmodel", 404, "RESOURCE_DOES_NOT_EXIST",
               "Model Version (name=ui.errors, version=9) not found");
  for (const std::string traversal :
       {"..%2FMLmodel", "%2Fetc%2Fpasswd", "a%23b", "%252E%252E%2Fx", "sub%5C..%5Cx"}) {
    expect_error("name=ui.errors&version=1&path=" + traversal, 400, "INVALID_PARAMETER_VALUE",
                 "Invalid path");
  }
  expect_error("version=1&path=MLmodel", 400, "INVALID_PARAMETER_VALUE",
               "Missing value for required parameter 'name'.");
  expect_error("name=ui.errors&version=1", 400, "INVALID_PARAMETER_VALUE",
               "Missing value for required parameter 'path'.");
  expect_error("name=ui.errors&version=x&path=MLmodel", 400, "INVALID_PARAMETER_VALUE",
               "Parameter 'version' must be an integer, got 'x'.");
  // Storage modelwarden cannot read says so.
  ASSERT_EQ(
      api().Post("/model-versions/create", R"({"name":"ui.errors","source":"s3://b/m"})").status,
      200);
  expect_error("name=ui.errors&version=2&path=MLmodel", 501, "NOT_IMPLEMENTED",
               "modelwarden cannot read artifacts stored at 's3://b/m'");
}

// A tracker that keeps artifacts on local disk (no artifact proxy): with --local-artifact-root
// the files are read from there, and nothing outside the version's own folder is.
class LocalArtifactsTest : public TrackerTest {
 protected:
  void SetUp() override {
    const std::string model = LocalArtifactDir() + "/runlocal/artifacts/model";
    std::filesystem::create_directories(model + "/nested");
    std::ofstream(model + "/MLmodel") << "flavors: {}\n";
    std::ofstream(model + "/nested/data.csv") << "a,b\n1,2\n";
    std::ofstream(LocalArtifactDir() + "/runlocal/artifacts/secret.txt") << "not the model's";
    std::filesystem::remove(model + "/escape");
    std::filesystem::create_symlink(LocalArtifactDir() + "/runlocal/artifacts/secret.txt",
                                    model + "/escape");
    TrackerTest::SetUp();
  }
  std::vector<std::string> ExtraServerArgs() const override {
    std::vector<std::string> args = TrackerTest::ExtraServerArgs();
    args.push_back("--local-artifact-root");
    args.push_back(LocalArtifactDir());
    return args;
  }
};

TEST_P(LocalArtifactsTest, ReadsFilesBelowTheRootAndNothingOutsideTheVersion) {
  CreateModel("ui.local");
  const std::string source = LocalArtifactDir() + "/runlocal/artifacts/model";
  ApiResponse created =
      api().Post("/model-versions/create",
                 R"({"name":"ui.local","source":")" + source + R"(","run_id":"runlocal"})");
  ASSERT_EQ(created.status, 200) << created.Describe();

  auto mlmodel = GetArtifact("name=ui.local&version=1&path=MLmodel");
  ASSERT_TRUE(mlmodel);
  EXPECT_EQ(mlmodel->status, 200) << mlmodel->body;
  EXPECT_EQ(mlmodel->body, "flavors: {}\n");
  EXPECT_EQ(mlmodel->get_header_value("Content-Length"), "12");
  auto csv = GetArtifact("name=ui.local&version=1&path=nested/data.csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->body, "a,b\n1,2\n");
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/plain");

  // Out of the version's folder: by "..", and by a symbolic link inside it.
  auto up = GetArtifact("name=ui.local&version=1&path=..%2Fsecret.txt");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 400);
  auto link = GetArtifact("name=ui.local&version=1&path=escape");
  ASSERT_TRUE(link);
  EXPECT_EQ(link->status, 400) << link->body;
  EXPECT_EQ(link->body.find("not the model's"), std::string::npos);
  // A folder is not a file.
  auto folder = GetArtifact("name=ui.local&version=1&path=nested");
  ASSERT_TRUE(folder);
  EXPECT_EQ(folder->status, 404) << folder->body;
}

// A version's file far larger than any buffer of the edge streams through it: what the server
// holds stays bounded (the edge's pipe and the piece being written), never the file.
TEST_P(LocalArtifactsTest, StreamsA64MibArtifactWithoutHoldingIt) {
  constexpr size_t kSize = 64 * 1024 * 1024;
  const std::string folder = LocalArtifactDir() + "/runlocal/artifacts/big";
  std::filesystem::create_directories(folder);
  {
    std::ofstream out(folder + "/weights.bin", std::ios::binary);
    std::string block(1024 * 1024, '\0');
    for (size_t i = 0; i < kSize / block.size(); ++i) {
      for (size_t j = 0; j < block.size(); j += 4096) block[j] = static_cast<char>(i + j / 4096);
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  CreateModel("ui.big");
  ApiResponse created =
      api().Post("/model-versions/create",
                 R"({"name":"ui.big","source":")" + folder + R"(","run_id":"runlocal"})");
  ASSERT_EQ(created.status, 200) << created.Describe();

  const long before = PeakRssKib(server().pid());
  ASSERT_GT(before, 0);
  httplib::Client client = Client();
  size_t received = 0;
  size_t mismatches = 0;
  auto res = client.Get(
      "/model-versions/get-artifact?name=ui.big&version=1&path=weights.bin",
      [&](const char* data, size_t n) {
        for (size_t k = 0; k < n; ++k) {
          const size_t at = received + k;
          const size_t in_block = at % (1024 * 1024);
          const char expected =
              in_block % 4096 == 0 ? static_cast<char>(at / (1024 * 1024) + in_block / 4096) : '\0';
          if (data[k] != expected) ++mismatches;
        }
        received += n;
        return true;
      });
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Length"), std::to_string(kSize));
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/octet-stream");
  EXPECT_EQ(res->get_header_value("Content-Disposition"), "attachment; filename=weights.bin");
  EXPECT_EQ(received, kSize);
  EXPECT_EQ(mismatches, 0u);
  const long after = PeakRssKib(server().pid());
  // Buffering the file would add 64 MiB; streaming adds two 64 KiB buffers and noise.
  EXPECT_LT(after - before, 16 * 1024)
      << "peak RSS grew from " << before << " KiB to " << after << " KiB";

  // HEAD: the same head, with the length, and no body.
  auto head = client.Head("/model-versions/get-artifact?name=ui.big&version=1&path=weights.bin");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(kSize));
  EXPECT_TRUE(head->body.empty());

  // Clients that ask for the file and stop reading: each holds one of the 8 workers and the
  // edge's buffers, not the file; the other workers go on serving.
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < 3; ++i) {
    stalled.push_back(std::make_unique<RawConnection>(server().port()));
    ASSERT_TRUE(stalled.back()->ok());
    ASSERT_TRUE(stalled.back()->Send(
        RawGet("/model-versions/get-artifact?name=ui.big&version=1&path=weights.bin")));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(api().Get("/registered-models/get", {{"name", "ui.big"}}).status, 200);
  }
  const long stalled_peak = PeakRssKib(server().pid());
  EXPECT_LT(stalled_peak - before, 16 * 1024)
      << "peak RSS grew from " << before << " KiB to " << stalled_peak << " KiB";
  stalled.clear();
  std::filesystem::remove_all(folder);
}

MODELWARDEN_INSTANTIATE_API_TESTS(LocalArtifactsTest);

// Without --local-artifact-root, a local version's files are not served (and say why).
TEST_P(TrackerTest, LocalArtifactsAreNotServedWithoutALocalRoot) {
  const std::string model = LocalArtifactDir() + "/runlocal/artifacts/plain";
  std::filesystem::create_directories(model);
  std::ofstream(model + "/MLmodel") << "flavors: {}\n";
  CreateModel("ui.noroot");
  ApiResponse created =
      api().Post("/model-versions/create",
                 R"({"name":"ui.noroot","source":")" + model + R"(","run_id":"runlocal"})");
  ASSERT_EQ(created.status, 200) << created.Describe();
  auto res = GetArtifact("name=ui.noroot&version=1&path=MLmodel");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 501) << res->body;
  EXPECT_NE(res->body.find("--local-artifact-root"), std::string::npos) << res->body;
}

// --fill-run-link: a version created with a run and no link gets the run's page.
class FillRunLinkTest : public TrackerTest {
 protected:
  std::vector<std::string> ExtraServerArgs() const override {
    std::vector<std::string> args = TrackerTest::ExtraServerArgs();
    args.push_back("--fill-run-link");
    args.push_back("true");
    return args;
  }
};

TEST_P(FillRunLinkTest, NewVersionsWithARunGetItsPage) {
  CreateModel("linked");
  ApiResponse v1 = api().Post("/model-versions/create",
                              R"({"name":"linked","source":"s3://b/m","run_id":"run1"})");
  ASSERT_EQ(v1.status, 200) << v1.Describe();
  EXPECT_EQ(v1.StringAt("/model_version/run_link"), tracker->url() + "/#/experiments/1/runs/run1");
  ApiResponse sent = api().Post(
      "/model-versions/create",
      R"({"name":"linked","source":"s3://b/m","run_id":"run1","run_link":"https://ui/run1"})");
  EXPECT_EQ(sent.StringAt("/model_version/run_link"), "https://ui/run1");  // Never overwritten.
}

MODELWARDEN_INSTANTIATE_API_TESTS(FillRunLinkTest);

// A tracker that is not there: 502 for forwarded paths, registry unaffected, and a gate that
// needs the run refuses the promotion (fail closed) instead of failing with a 500.
class DeadTrackerTest : public TrackerTest {
 protected:
  std::string Upstream() const override {
    // A port that was free a moment ago: nothing listens on it.
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    close(fd);
    return "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  }
};

TEST_P(DeadTrackerTest, Answers502AndKeepsTheRegistry) {
  httplib::Client client = Client();
  auto res = client.Get("/api/2.0/mlflow/experiments/search");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 502);
  EXPECT_NE(res->body.find("TEMPORARILY_UNAVAILABLE"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("unreachable"), std::string::npos) << res->body;

  CreateModel("no-tracker");
  // Without a run the "runs" section lets it through; run_link stays empty.
  ASSERT_NE(CreateVersion("no-tracker", "s3://b/m"), "");
  ApiClient governance(server().port(), "/api/2.0/modelwarden");
  ApiResponse check = governance.Get(
      "/model-versions/check", {{"name", "no-tracker"}, {"version", "1"}, {"stage", "Production"}});
  ASSERT_EQ(check.status, 200) << check.Describe();
  EXPECT_NE(check.body.find("names no run"), std::string::npos) << check.body;
  ApiResponse denied = api().Post("/model-versions/transition-stage",
                                  R"({"name":"no-tracker","version":"1","stage":"Production",)"
                                  R"("archive_existing_versions":false})");
  EXPECT_TRUE(IsMlflowError(denied, 400, "INVALID_PARAMETER_VALUE")) << denied.Describe();
  // A version naming a run cannot be checked: refused with the reason.
  ApiResponse refused = api().Post("/model-versions/create",
                                   R"({"name":"no-tracker","source":"s3://b/m","run_id":"run1"})");
  EXPECT_TRUE(IsMlflowError(refused, 400, "INVALID_PARAMETER_VALUE")) << refused.Describe();
  EXPECT_NE(refused.body.find("cannot check run"), std::string::npos) << refused.body;
}

// The warning about a failed forward names the path, decoded: a newline in it must not start
// a forged line in the server's log.
TEST_P(DeadTrackerTest, FailedForwardsCannotForgeLogLines) {
  ApiResponse res = SendRaw(server().port(),
                            "GET /x%0a[error]%20forged%0d HTTP/1.1\r\nHost: x\r\n"
                            "Connection: close\r\n\r\n");
  EXPECT_EQ(res.status, 502) << res.Describe();
  const std::string log = server().ReadLog();
  EXPECT_EQ(log.find("\n[error] forged"), std::string::npos) << log;
  EXPECT_NE(log.find("/x?[error] forged?"), std::string::npos) << log;
}

MODELWARDEN_INSTANTIATE_API_TESTS(DeadTrackerTest);

// Registry and forwarded requests pipelined on one connection are answered in the order sent,
// forwarded bodies included, and the connection goes on after each.
TEST_P(TrackerTest, PipelinedRegistryAndForwardedRequestsAreAnsweredInOrder) {
  CreateModel("local");
  RawConnection connection(server().port());
  ASSERT_TRUE(connection.ok());
  ASSERT_TRUE(
      connection.Send(RawGet("/api/2.0/mlflow/registered-models/get?name=local") +
                      RawPost("/api/2.0/mlflow/runs/log-metric?status=201", R"({"name":"e1"})") +
                      RawGet("/api/2.0/mlflow/registered-models/get?name=absent") +
                      RawGet("/api/2.0/mlflow/runs/get?run_id=run1") +
                      RawPost("/api/2.0/mlflow/registered-models/create", R"({"name":"after"})")));
  ApiResponse first = connection.Read(std::chrono::seconds(30));
  EXPECT_EQ(first.StringAt("/registered_model/name"), "local") << first.Describe();
  ApiResponse forwarded = connection.Read(std::chrono::seconds(30));
  ASSERT_EQ(forwarded.status, 201) << forwarded.Describe();
  EXPECT_EQ(forwarded.StringAt("/method"), "POST");
  ASSERT_NE(forwarded.At("/body_length"), nullptr) << forwarded.body;
  EXPECT_EQ(forwarded.At("/body_length")->GetInt(), 13);
  EXPECT_TRUE(
      IsMlflowError(connection.Read(std::chrono::seconds(30)), 404, "RESOURCE_DOES_NOT_EXIST"));
  ApiResponse run = connection.Read(std::chrono::seconds(30));
  EXPECT_EQ(run.StringAt("/run/info/run_id"), "run1") << run.Describe();
  ApiResponse created = connection.Read(std::chrono::seconds(30));
  EXPECT_EQ(created.StringAt("/registered_model/name"), "after") << created.Describe();
}

// With --auth, forwarded paths need credentials as registry paths do (MLflow's basic-auth app
// guards every path): without them the tracker is never reached; with them the call goes
// through, without modelwarden's Authorization. The registry's own rules still apply beside it.
class TrackerAuthTest : public TrackerTest {
 protected:
  std::vector<std::string> ExtraServerArgs() const override {
    std::vector<std::string> args = TrackerTest::ExtraServerArgs();
    const std::string file = temp_dir() + "/admin-password";
    std::ofstream(file) << kAdminPassword << "\n";
    for (const char* arg : {"--auth", "--auth-password-iterations", "1000", "--auth-admin-username",
                            kAdminUser, "--auth-admin-password-file"}) {
      args.push_back(arg);
    }
    args.push_back(file);
    return args;
  }

  // How many requests for /stall reached the tracker so far.
  int StallsStarted(const std::string& authorization) {
    RawConnection connection(server().port());
    connection.Send(RawGet("/stalls", "Authorization: " + authorization + "\r\n"));
    const ApiResponse stalls = connection.Read(std::chrono::seconds(30));
    const rapidjson::Value* started = stalls.At("/started");
    return started != nullptr && started->IsInt() ? started->GetInt() : -1;
  }
};

TEST_P(TrackerAuthTest, ForwardedPathsNeedCredentialsAndTheTrackerIsNotReachedWithout) {
  const std::string admin = BasicAuth(kAdminUser, kAdminPassword);
  const int before = StallsStarted(admin);
  ASSERT_GE(before, 0);
  // /stall would hang in the tracker for two minutes: a quick 401 shows it was not forwarded.
  for (const std::string& authorization :
       {std::string(""), "Authorization: " + BasicAuth(kAdminUser, "wrong-password") + "\r\n"}) {
    RawConnection connection(server().port());
    ASSERT_TRUE(connection.Send(RawGet("/stall", authorization)));
    EXPECT_TRUE(IsUnauthenticated(connection.Read(std::chrono::seconds(10)))) << authorization;
  }
  // A forwarded upload without credentials: refused before its body is read.
  RawConnection upload(server().port());
  ASSERT_TRUE(upload.Send(RawPost("/api/2.0/mlflow/runs/create", R"({"experiment_id":"1"})")));
  EXPECT_TRUE(IsUnauthenticated(upload.Read(std::chrono::seconds(10))));
  EXPECT_EQ(StallsStarted(admin), before);

  RawConnection connection(server().port());
  ASSERT_TRUE(connection.Send(
      RawGet("/api/2.0/mlflow/server-features?status=201", "Authorization: " + admin + "\r\n")));
  const ApiResponse echoed = connection.Read(std::chrono::seconds(30));
  ASSERT_EQ(echoed.status, 201) << echoed.Describe();
  ASSERT_NE(echoed.At("/headers"), nullptr) << echoed.body;
  // modelwarden's credentials are its own: not passed to the tracker.
  for (const auto& header : echoed.At("/headers")->GetArray()) {
    EXPECT_NE(AsciiLower(header[0].GetString()), "authorization") << echoed.body;
  }
  // The registry beside it: no credentials, no write.
  EXPECT_TRUE(IsUnauthenticated(api().Post("/registered-models/create", R"({"name":"anon"})")));
}

MODELWARDEN_INSTANTIATE_API_TESTS(TrackerAuthTest);

}  // namespace
}  // namespace modelwarden::testing
