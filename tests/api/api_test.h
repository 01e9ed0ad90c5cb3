// ApiTest: the fixture of the HTTP tests. Each test gets an empty database on its backend
// (SQLite file or MariaDB; an in-memory SQLite cannot be shared with a child process), and
// one real `modelwarden server` process on it, started before the test and stopped after.
// When a test fails, the log of every server it started is printed.
//
// Every suite is instantiated over ApiBackends() with MODELWARDEN_INSTANTIATE_API_TESTS.
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tests/api/api_client.h"
#include "tests/api/server_process.h"
#include "tests/registry/backends.h"

namespace modelwarden::testing {

// SqliteFile, and Mysql when the build has the MySQL store. The list is fixed when ctest
// discovers the tests (at build time, when no MariaDB runs yet); a Mysql test skips itself
// unless MODELWARDEN_TEST_MYSQL_URI is set when it runs (BackendConfigured).
std::vector<Backend> ApiBackends();

// Lets threads start their requests together: each calls Wait(), the test calls Open().
class StartGate {
 public:
  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    opened_.wait(lock, [this] { return open_; });
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

// What one create-model-version call got, as recorded by a client thread.
struct CreateOutcome {
  int status = 0;
  std::string version;  // "" unless status is 200.
  std::string source;   // What was sent.
  std::string detail;   // The response, described, unless status is 200.
};

// POST model-versions/create {name, source, tags} through `client`.
CreateOutcome CreateVersionThrough(ApiClient& client, const std::string& name,
                                   const std::string& source, const TagList& tags = {});

class ApiTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Arguments for the server SetUp() starts, after the store URI, --workers 8 and
  // --access-log.
  virtual std::vector<std::string> ExtraServerArgs() const { return {}; }
  // Environment entries ("NAME=value") for every server the fixture starts.
  virtual std::vector<std::string> ServerEnvironment() const { return {}; }

  // Another server process on the same database, not yet started; owned by the fixture.
  ServerProcess& AddServer(const std::vector<std::string>& extra_args = {});

  // The test's database (e.g. its URI for a CLI command) and its temporary directory.
  const TestDatabase& database() const { return *database_; }
  const std::string& temp_dir() const { return temp_dir_; }

  // The server SetUp() started.
  ServerProcess& server() { return *servers_.front(); }
  // A client of server(); made again whenever the server was restarted.
  ApiClient& api();

  // Create a model / a version through api(), expecting 200 (a non-fatal failure otherwise).
  // CreateVersion returns the new version number, "" on failure.
  void CreateModel(const std::string& name, const TagList& tags = {});
  std::string CreateVersion(const std::string& name, const std::string& source,
                            const TagList& tags = {});

 private:
  std::vector<std::string> BaseServerArgs() const;

  std::unique_ptr<TestDatabase> database_;
  std::string temp_dir_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
  std::unique_ptr<ApiClient> api_;
  int api_server_starts_ = 0;  // server().starts() when api_ was made.
};

}  // namespace modelwarden::testing

// Runs the TEST_Ps of `suite` (a subclass of ApiTest) on every backend of ApiBackends().
#define MODELWARDEN_INSTANTIATE_API_TESTS(suite)                                     \
  INSTANTIATE_TEST_SUITE_P(                                                          \
      Api, suite, ::testing::ValuesIn(::modelwarden::testing::ApiBackends()),        \
      [](const ::testing::TestParamInfo<::modelwarden::testing::Backend>& backend) { \
        return ::modelwarden::testing::BackendName(backend.param);                   \
      })
