#include "registry/artifact_uri.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace modelwarden {
namespace {

TEST(ArtifactUriTest, ProxiedPathsAreReadAsMlflowReadsThem) {
  EXPECT_EQ(ProxiedArtifactPath("mlflow-artifacts:/1/run/artifacts/model"),
            "1/run/artifacts/model");
  EXPECT_EQ(ProxiedArtifactPath("mlflow-artifacts://tracker:5000/1/run/model/"), "1/run/model");
  EXPECT_EQ(ProxiedArtifactPath("mlflow-artifacts:/"), "");
  EXPECT_EQ(ProxiedArtifactPath("http://t:5000/api/2.0/mlflow-artifacts/artifacts/1/r/model"),
            "1/r/model");
  EXPECT_EQ(ProxiedArtifactPath("https://t/api/2.0/mlflow-artifacts/artifacts"), "");
  EXPECT_EQ(ProxiedArtifactPath("https://t/api/2.0/mlflow-artifacts/artifactsX/1"), std::nullopt);
  EXPECT_EQ(ProxiedArtifactPath("https://t/other/1"), std::nullopt);
  EXPECT_EQ(ProxiedArtifactPath("s3://bucket/1"), std::nullopt);
  EXPECT_EQ(ProxiedArtifactPath("/local/1"), std::nullopt);
}

TEST(ArtifactUriTest, RunsAndLoggedModelsAndLocalPaths) {
  EXPECT_EQ(ParseRunsUri("runs:/abc/model/"),
            std::make_pair(std::string("abc"), std::string("model")));
  EXPECT_EQ(ParseRunsUri("runs:/abc"), std::make_pair(std::string("abc"), std::string()));
  EXPECT_EQ(ParseRunsUri("runs:/"), std::nullopt);
  EXPECT_EQ(LoggedModelIdOf("models:/m-1"), "m-1");
  EXPECT_EQ(LoggedModelIdOf("models:/name/1"), std::nullopt);
  EXPECT_EQ(LoggedModelIdOf("models:/name@champion"), std::nullopt);
  EXPECT_EQ(LocalPath("file:///a/b/../c"), "/a/c");
  EXPECT_EQ(LocalPath("file:///a/%2E%2E/c"), "/c");
  EXPECT_EQ(LocalPath("relative/path"), std::nullopt);
  EXPECT_EQ(LocalPath("file://host/a"), std::nullopt);
}

}  // namespace
}  // namespace modelwarden
