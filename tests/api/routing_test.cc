// What answers outside the registry routes: unknown paths, wrong methods, /health, /version.

#include "tests/api/api_test.h"

namespace modelwarden::testing {
namespace {

class RoutingTest : public ApiTest {};

TEST_P(RoutingTest, UnknownPathsAnswer404EndpointNotFound) {
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/2.0/mlflow/registered-models/nope"},
           {"POST", "/api/2.0/mlflow/nope"},
           {"GET", "/api/2.1/mlflow/registered-models/get?name=x"},
           {"GET", "/api/2.0/mlflow/registered-models/get/extra?name=x"},
           {"DELETE", "/ajax-api/2.0/mlflow/model-versions/nope"},
           {"GET", "/api/2.0/mlflow/registered-models/list"},
           {"GET", "/nope"},
           {"GET", "/"},
       }) {
    const ApiResponse response = api().Send(method, path, method == "GET" ? "" : "{}",
                                            method == "GET" ? "" : "application/json");
    EXPECT_TRUE(IsMlflowError(response, 404, "ENDPOINT_NOT_FOUND")) << method << " " << path;
  }
}

TEST_P(RoutingTest, WrongMethodOnAKnownPathAnswers405AndDoesNothing) {
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/2.0/mlflow/registered-models/create?name=via-get"},
           {"PUT", "/api/2.0/mlflow/registered-models/create"},
           {"DELETE", "/api/2.0/mlflow/model-versions/create"},
           {"POST", "/api/2.0/mlflow/registered-models/get"},
           {"POST", "/api/2.0/mlflow/registered-models/search"},
           {"PATCH", "/api/2.0/mlflow/model-versions/search"},
           {"PUT", "/api/2.0/mlflow/registered-models/alias"},
           {"GET", "/api/2.0/mlflow/registered-models/delete?name=via-get"},
           {"POST", "/ajax-api/2.0/mlflow/model-versions/get"},
       }) {
    const bool has_body = method != "GET";
    const ApiResponse response = api().Send(method, path, has_body ? R"({"name":"via-put"})" : "",
                                            has_body ? "application/json" : "");
    EXPECT_EQ(response.status, 405) << method << " " << path << ": " << response.Describe();
  }
  EXPECT_TRUE(IsMlflowError(api().Get("/registered-models/get", {{"name", "via-get"}}), 404,
                            "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsMlflowError(api().Get("/registered-models/get", {{"name", "via-put"}}), 404,
                            "RESOURCE_DOES_NOT_EXIST"));
}

TEST_P(RoutingTest, HealthAnswersOkAndVersionAnswersAVersion) {
  const ApiResponse health = api().Send("GET", "/health", "", "");
  EXPECT_EQ(health.status, 200) << health.Describe();
  EXPECT_EQ(health.body, "OK");
  const ApiResponse version = api().Send("GET", "/version", "", "");
  EXPECT_EQ(version.status, 200) << version.Describe();
  EXPECT_FALSE(version.body.empty());
  EXPECT_EQ(version.body.find_first_of("\r\n<{"), std::string::npos) << version.body;
}

MODELWARDEN_INSTANTIATE_API_TESTS(RoutingTest);

}  // namespace
}  // namespace modelwarden::testing
