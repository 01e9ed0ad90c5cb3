#include "compat/tracker/forwarded_rules.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace modelwarden {
namespace {

// A path of MLflow's route list with each <placeholder> filled with a plausible segment.
std::string Concrete(const std::string& route) {
  std::string path;
  for (size_t at = 0; at < route.size();) {
    if (route[at] != '<') {
      path += route[at++];
      continue;
    }
    const size_t end = route.find('>', at);
    const bool rest = route.compare(at, 6, "<path:") == 0;
    path += rest ? "1/run/artifacts/f.txt" : "x1";
    at = end + 1;
  }
  return path;
}

// Deny by default holds only if every route MLflow's tracking server has is in the table: a
// route left out would be refused to everyone but admins, which the UI would show as broken.
TEST(ForwardedRulesTest, EveryMlflowTrackingRouteHasARule) {
  std::ifstream file(std::string(MODELWARDEN_SOURCE_DIR) +
                     "/tests/data/mlflow_tracking_routes.txt");
  ASSERT_TRUE(file.is_open());
  std::string line;
  int routes = 0;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string method;
    std::string route;
    fields >> method >> route;
    const ForwardedMatch match = FindForwardedRule(method, Concrete(route));
    EXPECT_NE(match.rule, nullptr) << method << " " << route;
    EXPECT_TRUE(match.api) << method << " " << route;
    ++routes;
  }
  EXPECT_GE(routes, 150);
}

TEST(ForwardedRulesTest, UnknownApiPathsHaveNoRuleAndAreApiPaths) {
  for (const char* path : {"/api/2.0/mlflow/runs/purge-everything", "/ajax-api/2.0/preview/x",
                           "/api/2.0/mlflow/experiments/get/extra", "/graphql/extra"}) {
    const ForwardedMatch match = FindForwardedRule("POST", path);
    EXPECT_EQ(match.rule, nullptr) << path;
    EXPECT_TRUE(match.api) << path;
  }
  // The UI's files need authentication only.
  for (const char* path : {"/", "/static-files/index.html", "/favicon.ico"}) {
    const ForwardedMatch match = FindForwardedRule("GET", path);
    EXPECT_EQ(match.rule, nullptr) << path;
    EXPECT_FALSE(match.api) << path;
  }
}

TEST(ForwardedRulesTest, LiteralPathsWinOverPlaceholdersAndValuesAreCollected) {
  ForwardedMatch search = FindForwardedRule("POST", "/api/2.0/mlflow/logged-models/search");
  ASSERT_NE(search.rule, nullptr);
  EXPECT_EQ(search.rule->resource, ForwardedResource::kSearchExperiments);

  ForwardedMatch model =
      FindForwardedRule("DELETE", "/ajax-api/2.0/mlflow/logged-models/m-1/tags/k");
  ASSERT_NE(model.rule, nullptr);
  EXPECT_EQ(model.rule->resource, ForwardedResource::kLoggedModel);
  EXPECT_EQ(model.rule->need, ForwardedNeed::kDelete);
  ASSERT_EQ(model.values.size(), 2u);
  EXPECT_EQ(model.values[0], "m-1");

  ForwardedMatch artifact =
      FindForwardedRule("PUT", "/api/2.0/mlflow-artifacts/artifacts/7/run/artifacts/a b/c.bin");
  ASSERT_NE(artifact.rule, nullptr);
  EXPECT_EQ(artifact.rule->need, ForwardedNeed::kUpdate);
  ASSERT_EQ(artifact.values.size(), 1u);
  EXPECT_EQ(artifact.values[0], "7/run/artifacts/a b/c.bin");

  // HEAD is decided as GET; a method the route does not have is not.
  EXPECT_NE(FindForwardedRule("HEAD", "/api/2.0/mlflow/runs/get").rule, nullptr);
  EXPECT_EQ(FindForwardedRule("DELETE", "/api/2.0/mlflow/runs/get").rule, nullptr);
}

TEST(ForwardedRulesTest, BodiesAreReadOnlyWhereTheRuleNeedsThem) {
  const auto reads = [](const char* method, const char* path) {
    const ForwardedMatch match = FindForwardedRule(method, path);
    return match.rule != nullptr && ReadsBody(*match.rule, method);
  };
  EXPECT_TRUE(reads("POST", "/api/2.0/mlflow/runs/log-batch"));
  EXPECT_TRUE(reads("POST", "/api/2.0/mlflow/runs/search"));
  EXPECT_TRUE(reads("POST", "/api/3.0/mlflow/datasets/d1/add-experiments"));
  // Uploads stream: decided from the path or the query string.
  EXPECT_FALSE(reads("PUT", "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/f"));
  EXPECT_FALSE(reads("POST", "/ajax-api/2.0/mlflow/upload-artifact"));
  EXPECT_FALSE(reads("PATCH", "/api/2.0/mlflow/logged-models/m-1"));
  EXPECT_FALSE(reads("GET", "/api/2.0/mlflow/runs/get"));
}

}  // namespace
}  // namespace modelwarden
