// The requests `mlflow.register_model` and `models:/name@alias` resolution send, in the
// order the Python client sends them, against the real server over loopback.

#include <gmock/gmock.h>

#include "tests/api/api_test.h"

namespace modelwarden::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

constexpr char kModel[] = "fraud.detector";
constexpr char kSource[] = "s3://models/fraud/1";
constexpr char kRunId[] = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

class RegisterFlowTest : public ApiTest {};

// `version` and every entry of `model_versions` must be JSON strings: the Python client's
// ParseDict rejects a number there.
void ExpectVersionOne(const ApiResponse& response, const char* pointer) {
  const rapidjson::Value* version = response.At(pointer);
  ASSERT_NE(version, nullptr) << response.Describe();
  ASSERT_TRUE(version->IsString()) << pointer << " is not a JSON string: " << response.body;
  EXPECT_STREQ(version->GetString(), "1");
}

TEST_P(RegisterFlowTest, RegisterModelSequenceAnswersAsMlflowDoes) {
  // register_model: create the model, tolerating RESOURCE_ALREADY_EXISTS.
  const ApiResponse created =
      api().Post("/registered-models/create", std::string("{\"name\":\"") + kModel + "\"}");
  ASSERT_TRUE(IsOkJson(created));
  EXPECT_EQ(created.StringAt("/registered_model/name"), kModel);
  const rapidjson::Value* created_at = created.At("/registered_model/creation_timestamp");
  ASSERT_NE(created_at, nullptr) << created.body;
  EXPECT_TRUE(created_at->IsInt64() && created_at->GetInt64() > 0) << created.body;

  const ApiResponse again =
      api().Post("/registered-models/create", std::string("{\"name\":\"") + kModel + "\"}");
  EXPECT_TRUE(IsMlflowError(again, 400, "RESOURCE_ALREADY_EXISTS"));

  // The client looks the model up (it refuses prompts), then creates the version.
  EXPECT_TRUE(IsOkJson(api().Get("/registered-models/get", {{"name", kModel}})));
  const ApiResponse version = api().Post(
      "/model-versions/create", std::string("{\"name\":\"") + kModel + "\",\"source\":\"" +
                                    kSource + "\",\"run_id\":\"" + kRunId +
                                    "\",\"tags\":[{\"key\":\"framework\",\"value\":\"sklearn\"}]}");
  ASSERT_TRUE(IsOkJson(version));
  ExpectVersionOne(version, "/model_version/version");
  EXPECT_EQ(version.StringAt("/model_version/status"), "READY");

  // Then it polls model-versions/get until the status is READY.
  const ApiResponse fetched =
      api().Get("/model-versions/get", {{"name", kModel}, {"version", "1"}});
  ASSERT_TRUE(IsOkJson(fetched));
  ExpectVersionOne(fetched, "/model_version/version");
  EXPECT_EQ(fetched.StringAt("/model_version/name"), kModel);
  EXPECT_EQ(fetched.StringAt("/model_version/status"), "READY");
  EXPECT_EQ(fetched.StringAt("/model_version/current_stage"), "None");
  EXPECT_EQ(fetched.StringAt("/model_version/description"), "");
  EXPECT_EQ(fetched.StringAt("/model_version/run_id"), kRunId);
  EXPECT_EQ(fetched.StringAt("/model_version/run_link"), "");
  EXPECT_EQ(fetched.StringAt("/model_version/source"), kSource);
  EXPECT_THAT(TagsAt(fetched, "/model_version/tags"), ElementsAre(Pair("framework", "sklearn")));

  const ApiResponse download =
      api().Get("/model-versions/get-download-uri", {{"name", kModel}, {"version", "1"}});
  ASSERT_TRUE(IsOkJson(download));
  EXPECT_EQ(download.json->MemberCount(), 1u) << download.body;
  EXPECT_EQ(download.StringAt("/artifact_uri"), kSource);

  // get_latest_versions uses POST; the Java and R clients use GET.
  const ApiResponse latest_post = api().Post("/registered-models/get-latest-versions",
                                             std::string("{\"name\":\"") + kModel + "\"}");
  ASSERT_TRUE(IsOkJson(latest_post));
  ASSERT_NE(latest_post.At("/model_versions"), nullptr) << latest_post.body;
  EXPECT_EQ(latest_post.At("/model_versions")->Size(), 1u) << latest_post.body;
  ExpectVersionOne(latest_post, "/model_versions/0/version");
  const ApiResponse latest_get =
      api().Get("/registered-models/get-latest-versions", {{"name", kModel}});
  ASSERT_TRUE(IsOkJson(latest_get));
  ASSERT_NE(latest_get.At("/model_versions"), nullptr) << latest_get.body;
  EXPECT_EQ(latest_get.At("/model_versions")->Size(), 1u) << latest_get.body;
  ExpectVersionOne(latest_get, "/model_versions/0/version");

  // models:/fraud.detector@champion resolves through GET registered-models/alias.
  const ApiResponse set_alias =
      api().Post("/registered-models/alias", std::string("{\"name\":\"") + kModel +
                                                 "\",\"alias\":\"champion\",\"version\":\"1\"}");
  ASSERT_TRUE(IsOkJson(set_alias));
  EXPECT_EQ(set_alias.json->MemberCount(), 0u) << set_alias.body;
  const ApiResponse by_alias =
      api().Get("/registered-models/alias", {{"name", kModel}, {"alias", "champion"}});
  ASSERT_TRUE(IsOkJson(by_alias));
  ExpectVersionOne(by_alias, "/model_version/version");
  EXPECT_EQ(by_alias.StringAt("/model_version/source"), kSource);
  EXPECT_EQ(by_alias.StringAt("/model_version/aliases/0"), "champion") << by_alias.body;
  const ApiResponse model = api().Get("/registered-models/get", {{"name", kModel}});
  ASSERT_TRUE(IsOkJson(model));
  EXPECT_EQ(model.StringAt("/registered_model/aliases/0/alias"), "champion") << model.body;
  EXPECT_EQ(model.StringAt("/registered_model/aliases/0/version"), "1") << model.body;
}

TEST_P(RegisterFlowTest, AjaxApiPrefixAnswersLikeApiPrefix) {
  ApiClient ajax(server().port(), kAjaxApiPrefix, /*keep_alive=*/false);
  // A write through /ajax-api is visible through /api and the other way round.
  ASSERT_TRUE(IsOkJson(ajax.Post("/registered-models/create", "{\"name\":\"ui-model\"}")));
  CreateVersion("ui-model", "s3://models/ui/1");
  const ApiResponse second = ajax.Post("/model-versions/create",
                                       "{\"name\":\"ui-model\",\"source\":\"s3://models/ui/2\"}");
  ASSERT_TRUE(IsOkJson(second));
  EXPECT_EQ(second.StringAt("/model_version/version"), "2");

  for (const char* endpoint :
       {"/registered-models/get", "/registered-models/get-latest-versions"}) {
    const ApiResponse via_api = api().Get(endpoint, {{"name", "ui-model"}});
    const ApiResponse via_ajax = ajax.Get(endpoint, {{"name", "ui-model"}});
    ASSERT_TRUE(IsOkJson(via_api)) << endpoint;
    ASSERT_TRUE(IsOkJson(via_ajax)) << endpoint;
    EXPECT_TRUE(*via_api.json == *via_ajax.json)
        << endpoint << "\n/api:      " << via_api.body << "\n/ajax-api: " << via_ajax.body;
  }
  const ApiResponse version =
      ajax.Get("/model-versions/get", {{"name", "ui-model"}, {"version", "2"}});
  ASSERT_TRUE(IsOkJson(version));
  EXPECT_EQ(version.StringAt("/model_version/source"), "s3://models/ui/2");
  // Errors are MLflow-shaped under /ajax-api too.
  EXPECT_TRUE(IsMlflowError(ajax.Get("/registered-models/get", {{"name", "absent"}}), 404,
                            "RESOURCE_DOES_NOT_EXIST"));
}

MODELWARDEN_INSTANTIATE_API_TESTS(RegisterFlowTest);

}  // namespace
}  // namespace modelwarden::testing
