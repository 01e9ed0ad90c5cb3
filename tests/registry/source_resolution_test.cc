#include "registry/source_resolution.h"

#include <gtest/gtest.h>

namespace modelwarden {
namespace {

// A tracker with one run whose artifacts are in a local directory.
class LocalRunTracker : public Tracker {
 public:
  Result<TrackedRun> GetRun(const std::string& run_id) override {
    if (run_id != "run1") return Status::NotFound("Run '" + run_id + "' not found");
    return TrackedRun{"run1", "1", "file:///mlruns/1/run1/artifacts", {}};
  }
  Result<LoggedModel> GetLoggedModel(const std::string& model_id) override {
    return Status::NotFound("Logged model " + model_id + " not found");
  }
  std::string RunLink(const TrackedRun&) const override { return ""; }
};

TEST(ResolveSourceTest, AcceptsALocalPathInsideTheRunsArtifactDirectory) {
  LocalRunTracker tracker;
  for (const char* source : {"/mlruns/1/run1/artifacts/model", "file:///mlruns/1/run1/artifacts",
                             "file:///mlruns/1/run1/artifacts/a/../model"}) {
    SCOPED_TRACE(source);
    Result<ResolvedSource> resolved = ResolveSource(tracker, source, "run1");
    ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
    EXPECT_EQ(resolved->storage_location, source);
    EXPECT_TRUE(resolved->run.has_value());
  }
}

// MLflow clients read a file: URI's path percent-decoded (url2pathname), so "%2E%2E" is "..".
TEST(ResolveSourceTest, RefusesAFileUriThatLeavesTheRunsArtifactDirectoryWhenDecoded) {
  LocalRunTracker tracker;
  for (const char* source : {"file:///mlruns/1/run1/artifacts/%2E%2E/%2E%2E/%2E%2E/etc",
                             "file:///mlruns/1/run1/artifacts/%2e%2e%2f%2e%2e%2fother",
                             "file:/mlruns/1/run1/artifacts/%2E%2E/run2"}) {
    SCOPED_TRACE(source);
    Result<ResolvedSource> resolved = ResolveSource(tracker, source, "run1");
    EXPECT_EQ(resolved.status().code(), ErrorCode::kInvalidParameterValue)
        << resolved.status().ToString();
  }
}

}  // namespace
}  // namespace modelwarden
