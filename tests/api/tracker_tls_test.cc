// modelwarden in front of a tracker served over https. Both ways the server reaches the tracker
// (the edge's relay of forwarded calls, and the tracker client behind run checks) verify the
// tracker's certificate against the CAs OpenSSL trusts by default (SSL_CERT_FILE here) and its
// name or address; a tracker they cannot verify gets nothing, and the client an MLflow error.
#include <httplib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/api/api_test.h"
#include "tests/api/fake_tracker_process.h"

namespace modelwarden::testing {
namespace {

FakeTracker* tracker = nullptr;
// Served with a certificate of the same CA issued for another name.
FakeTracker* misnamed_tracker = nullptr;

const char kRunsPolicy[] = R"({"runs": {"mode": "enforce"}})";

// A CA, and certificates it signed: server.pem for localhost and 127.0.0.1, misnamed.pem for
// other.invalid only. Made with the openssl command (scripts/setup installs it). Returns "" or
// what went wrong.
std::string MakeCertificates(const std::string& dir) {
  const std::string quiet = " >>" + dir + "/openssl.log 2>&1";
  std::vector<std::string> commands = {
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=modelwarden-test-ca -keyout " +
      dir + "/ca.key -out " + dir + "/ca.pem"};
  for (const auto& [name, names] :
       {std::pair<std::string, std::string>{"server", "DNS:localhost,IP:127.0.0.1"},
        {"misnamed", "DNS:other.invalid"}}) {
    std::ofstream(dir + "/" + name + ".ext") << "subjectAltName=" << names << "\n"
                                             << "basicConstraints=CA:FALSE\n"
                                             << "extendedKeyUsage=serverAuth\n";
    commands.push_back(
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-subj /CN=" +
        name + " -keyout " + dir + "/" + name + ".key -out " + dir + "/" + name + ".csr");
    commands.push_back("openssl x509 -req -days 2 -in " + dir + "/" + name + ".csr -CA " + dir +
                       "/ca.pem -CAkey " + dir + "/ca.key -CAcreateserial -extfile " + dir + "/" +
                       name + ".ext -out " + dir + "/" + name + ".pem");
  }
  for (const std::string& command : commands) {
    if (std::system((command + quiet).c_str()) != 0) return "failed: " + command;
  }
  return "";
}

std::string CertificateDir() {
  return ::testing::TempDir() + "/mw_tls_tracker_" + std::to_string(getpid());
}

class TrackerTlsTest : public ApiTest {
 protected:
  static void SetUpTestSuite() {
    std::filesystem::create_directories(CertificateDir());
    certificate_error_ = new std::string(MakeCertificates(CertificateDir()));
    if (certificate_error_->empty()) {
      tracker = new FakeTracker(CertificateDir() + "/server.pem", CertificateDir() + "/server.key");
      misnamed_tracker =
          new FakeTracker(CertificateDir() + "/misnamed.pem", CertificateDir() + "/misnamed.key");
    }
  }
  static void TearDownTestSuite() {
    delete tracker;
    tracker = nullptr;
    delete misnamed_tracker;
    misnamed_tracker = nullptr;
    delete certificate_error_;
    certificate_error_ = nullptr;
    std::filesystem::remove_all(CertificateDir());
  }

  void SetUp() override {
    ASSERT_EQ(*certificate_error_, "");
    ASSERT_GT(tracker->port(), 0) << "the fake tracker did not start";
    ASSERT_GT(misnamed_tracker->port(), 0) << "the misnamed fake tracker did not start";
    policy_path_ = temp_policy_path();
    std::ofstream(policy_path_) << kRunsPolicy;
    ApiTest::SetUp();
  }

  std::vector<std::string> ExtraServerArgs() const override {
    return {"--tracking-upstream", UpstreamUrl(),     "--tracking-upstream-timeout-ms", "5000",
            "--policy-file",       temp_policy_path()};
  }
  virtual const FakeTracker& Upstream() const { return *tracker; }
  // By address (127.0.0.1) unless a suite names the host.
  virtual std::string UpstreamUrl() const { return Upstream().url(); }
  std::vector<std::string> ServerEnvironment() const override {
    return {"SSL_CERT_FILE=" + CertificateDir() + "/ca.pem"};
  }

  static std::string temp_policy_path() {
    return ::testing::TempDir() + "/mw_tls_policy_" + std::to_string(getpid()) + ".json";
  }

  // The tracker's count of requests that could change it, asked directly over https.
  int TrackerMutations() const {
    httplib::SSLClient client("127.0.0.1", Upstream().port());
    client.enable_server_certificate_verification(false);  // Either tracker, as a test reads it.
    auto res = client.Get("/_mutations");
    if (!res || res->status != 200) return -1;
    rapidjson::Document count;
    count.Parse(res->body.c_str());
    return count.IsObject() && count.HasMember("count") ? count["count"].GetInt() : -1;
  }

  // A tracker the server cannot verify gets nothing: a forwarded write is answered 502 (with
  // `why` in its message), a version naming a run is refused because the run cannot be checked,
  // and the registry goes on serving.
  void ExpectNothingReachesTheTracker(const std::string& model, const std::string& why) {
    const int mutations = TrackerMutations();
    ASSERT_GE(mutations, 0) << "the test could not read the tracker's count";
    ApiResponse forwarded = api().Post("/runs/log-metric", R"({"run_id":"run1","key":"k"})");
    EXPECT_EQ(forwarded.status, 502) << forwarded.Describe();
    EXPECT_NE(forwarded.body.find(why), std::string::npos) << forwarded.body;
    CreateModel(model);
    ApiResponse refused =
        api().Post("/model-versions/create",
                   R"({"name":")" + model + R"(","source":"s3://b/m","run_id":"run1"})");
    EXPECT_TRUE(IsMlflowError(refused, 400, "INVALID_PARAMETER_VALUE")) << refused.Describe();
    EXPECT_NE(refused.body.find("cannot check run"), std::string::npos) << refused.body;
    EXPECT_EQ(TrackerMutations(), mutations);
    EXPECT_TRUE(IsOkJson(api().Get("/registered-models/get", {{"name", model}})));
  }

  static std::string* certificate_error_;
  std::string policy_path_;
};

std::string* TrackerTlsTest::certificate_error_ = nullptr;

TEST_P(TrackerTlsTest, ForwardedCallsAndRunChecksReachTheTrackerOverHttps) {
  // The relay: a forwarded call with a body, answered by the tracker's echo.
  const std::string body = R"({"experiment_id":"1","key":"k","value":1})";
  ApiResponse echoed = api().Post("/echo-over-tls", body);
  ASSERT_EQ(echoed.status, 200) << echoed.Describe();
  EXPECT_EQ(echoed.StringAt("/method"), "POST");
  EXPECT_EQ(echoed.StringAt("/target"), "/api/2.0/mlflow/echo-over-tls");
  EXPECT_EQ(echoed.StringAt("/body"), body);
  ApiResponse run = api().Get("/runs/get", {{"run_id", "run1"}});
  ASSERT_EQ(run.status, 200) << run.Describe();
  EXPECT_EQ(run.StringAt("/run/info/run_id"), "run1");

  // The tracker client: the policy's "runs" section asks the tracker whether the run exists.
  CreateModel("tls.model");
  ApiResponse known = api().Post("/model-versions/create",
                                 R"({"name":"tls.model","source":"s3://b/m","run_id":"run1"})");
  ASSERT_EQ(known.status, 200) << known.Describe();
  ApiResponse unknown = api().Post("/model-versions/create",
                                   R"({"name":"tls.model","source":"s3://b/m","run_id":"ghost"})");
  EXPECT_TRUE(IsMlflowError(unknown, 400, "INVALID_PARAMETER_VALUE")) << unknown.Describe();
  EXPECT_NE(unknown.body.find("[runs.exists]"), std::string::npos) << unknown.body;
}

MODELWARDEN_INSTANTIATE_API_TESTS(TrackerTlsTest);

// The same tracker, its CA not trusted by the server.
class UntrustedTrackerTlsTest : public TrackerTlsTest {
 protected:
  std::vector<std::string> ServerEnvironment() const override {
    // A CA file holding no certificate of the test CA: the system's would do as well, but
    // this keeps the test independent of what the machine trusts.
    std::ofstream(CertificateDir() + "/other.pem") << "";
    return {"SSL_CERT_FILE=" + CertificateDir() + "/other.pem",
            "SSL_CERT_DIR=" + CertificateDir() + "/no-such-dir"};
  }
};

TEST_P(UntrustedTrackerTlsTest, NothingReachesAnUnverifiedTracker) {
  ExpectNothingReachesTheTracker("tls.untrusted", "TLS handshake");
}

MODELWARDEN_INSTANTIATE_API_TESTS(UntrustedTrackerTlsTest);

// A tracker whose certificate the server's CAs trust but which names another host: refused as
// an untrusted one, by the relay and by the tracker client.
class MisnamedTrackerTlsTest : public TrackerTlsTest {
 protected:
  const FakeTracker& Upstream() const override { return *misnamed_tracker; }
};

TEST_P(MisnamedTrackerTlsTest, NothingReachesATrackerCertifiedForAnotherName) {
  ExpectNothingReachesTheTracker("tls.misnamed", "TLS handshake");
}

MODELWARDEN_INSTANTIATE_API_TESTS(MisnamedTrackerTlsTest);

// The same two trackers named by host name: the certificate's DNS entry is checked (and the
// name sent as SNI) instead of its address.
class LocalhostTrackerTlsTest : public TrackerTlsTest {
 protected:
  std::string UpstreamUrl() const override {
    return "https://localhost:" + std::to_string(Upstream().port());
  }
};

TEST_P(LocalhostTrackerTlsTest, ForwardedCallsAndRunChecksReachTheTrackerByName) {
  ApiResponse run = api().Get("/runs/get", {{"run_id", "run1"}});
  ASSERT_EQ(run.status, 200) << run.Describe();
  EXPECT_EQ(run.StringAt("/run/info/run_id"), "run1");
  CreateModel("tls.by-name");
  ApiResponse known = api().Post("/model-versions/create",
                                 R"({"name":"tls.by-name","source":"s3://b/m","run_id":"run1"})");
  EXPECT_EQ(known.status, 200) << known.Describe();
}

MODELWARDEN_INSTANTIATE_API_TESTS(LocalhostTrackerTlsTest);

class MisnamedLocalhostTrackerTlsTest : public LocalhostTrackerTlsTest {
 protected:
  const FakeTracker& Upstream() const override { return *misnamed_tracker; }
};

TEST_P(MisnamedLocalhostTrackerTlsTest, NothingReachesATrackerWhoseCertificateNamesAnotherHost) {
  ExpectNothingReachesTheTracker("tls.misnamed-host", "TLS handshake");
}

MODELWARDEN_INSTANTIATE_API_TESTS(MisnamedLocalhostTrackerTlsTest);

}  // namespace
}  // namespace modelwarden::testing
