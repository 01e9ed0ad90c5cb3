#include "tests/api/api_test.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#ifndef MODELWARDEN_BINARY
#error "MODELWARDEN_BINARY must name the modelwarden executable under test"
#endif

namespace modelwarden::testing {
namespace {

// Enough threads for the concurrency tests; each is also a database connection.
constexpr char kWorkers[] = "8";

}  // namespace

std::vector<Backend> ApiBackends() {
  std::vector<Backend> backends = {Backend::kSqliteFile};
#ifdef MODELWARDEN_HAVE_MYSQL
  backends.push_back(Backend::kMysql);
#endif
  return backends;
}

CreateOutcome CreateVersionThrough(ApiClient& client, const std::string& name,
                                   const std::string& source, const TagList& tags) {
  const ApiResponse response =
      client.Post("/model-versions/create", "{\"name\":" + JsonString(name) +
                                                ",\"source\":" + JsonString(source) +
                                                ",\"tags\":" + TagsJson(tags) + "}");
  CreateOutcome outcome;
  outcome.status = response.status;
  outcome.source = source;
  if (IsOkJson(response)) {
    outcome.version = response.StringAt("/model_version/version").value_or("<not a string>");
  } else {
    outcome.detail = response.Describe();
  }
  return outcome;
}

void ApiTest::SetUp() {
  if (!BackendConfigured(GetParam())) {
    GTEST_SKIP() << BackendName(GetParam())
                 << " is not configured (set MODELWARDEN_TEST_MYSQL_URI, see scripts/test)";
  }
  auto database = TestDatabase::Create(GetParam());
  ASSERT_TRUE(database.ok()) << database.status().ToString();
  database_ = std::move(*database);

  std::string pattern =
      (std::filesystem::temp_directory_path() / "modelwarden_api_XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "cannot create a temporary directory";
  temp_dir_ = pattern;

  ServerProcess& first = AddServer(ExtraServerArgs());
  ASSERT_TRUE(first.Start());
}

void ApiTest::TearDown() {
  api_ = nullptr;
  for (auto& process : servers_) process->Stop();
  if (HasFailure()) {
    for (auto& process : servers_) {
      std::cerr << "---- " << process->log_path() << "\n" << process->ReadLog() << "----\n";
    }
  }
  servers_.clear();
  if (!temp_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
  }
  database_ = nullptr;
}

std::vector<std::string> ApiTest::BaseServerArgs() const {
  return {"--backend-store-uri", database_->uri(), "--workers", kWorkers, "--access-log"};
}

ServerProcess& ApiTest::AddServer(const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = BaseServerArgs();
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const std::string log = temp_dir_ + "/server" + std::to_string(servers_.size() + 1) + ".log";
  servers_.push_back(
      std::make_unique<ServerProcess>(MODELWARDEN_BINARY, args, log, ServerEnvironment()));
  return *servers_.back();
}

ApiClient& ApiTest::api() {
  if (api_ == nullptr || api_server_starts_ != server().starts()) {
    // A connection per request: these calls are sequential, and on a reused connection each
    // answer waits ~40 ms for the client's delayed ACK while the server does not set
    // TCP_NODELAY (its headers and body go out in two writes). The concurrency tests keep
    // their connections alive.
    api_ = std::make_unique<ApiClient>(server().port(), kApiPrefix, /*keep_alive=*/false);
    api_server_starts_ = server().starts();
  }
  return *api_;
}

void ApiTest::CreateModel(const std::string& name, const TagList& tags) {
  const ApiResponse created =
      api().Post("/registered-models/create",
                 "{\"name\":" + JsonString(name) + ",\"tags\":" + TagsJson(tags) + "}");
  EXPECT_TRUE(IsOkJson(created)) << "creating model " << name;
}

std::string ApiTest::CreateVersion(const std::string& name, const std::string& source,
                                   const TagList& tags) {
  const CreateOutcome created = CreateVersionThrough(api(), name, source, tags);
  EXPECT_EQ(created.status, 200) << "creating a version of " << name << ": " << created.detail;
  return created.version;
}

}  // namespace modelwarden::testing
