// Webhooks as MLflow 3.6 has them: names, URLs and events validated with MLflow's words, the
// delivery body written byte for byte as MLflow's json.dumps writes it (compared with bodies a
// real MLflow 3.6 server sent), and the parts of a URL a delivery needs.
#include "registry/webhooks/webhook.h"

#include <gtest/gtest.h>

#include "registry/source_resolution.h"
#include "registry/webhooks/python_json.h"
#include "registry/webhooks/webhook_payloads.h"

namespace modelwarden {
namespace {

using E = WebhookEntity;
using A = WebhookAction;

std::string MessageOf(const Status& status) { return status.ok() ? "OK" : status.message(); }

TEST(WebhookTest, NamesFollowMlflowsPattern) {
  for (const std::string& name : {std::string("a"), std::string("test_webhook"),
                                  std::string("A.b-c_9"), std::string(63, 'w')}) {
    EXPECT_TRUE(ValidateWebhookName(name).ok()) << name;
  }
  for (const std::string& name :
       {std::string(""), std::string("-bad"), std::string("bad-"), std::string("a b"),
        std::string("a/b"), std::string(64, 'w'), std::string("caf\xc3\xa9")}) {
    EXPECT_EQ(ValidateWebhookName(name).code(), ErrorCode::kInvalidParameterValue) << name;
  }
  // The reference server's answer, word for word.
  EXPECT_EQ(MessageOf(ValidateWebhookName("-bad")),
            "Webhook name '-bad' is invalid. It must start and end with a letter or digit, be "
            "less than 63 characters long, and contain only letters, digits, dots (.), "
            "underscores (_), and hyphens (-).");
}

TEST(WebhookTest, UrlsAreCheckedAsMlflowChecksThem) {
  const std::vector<std::string> https = {"https"};
  const std::vector<std::string> both = {"https", "http"};
  EXPECT_TRUE(ValidateWebhookUrl("https://example.com/hook", https).ok());
  EXPECT_TRUE(ValidateWebhookUrl("HTTPS://example.com", https).ok());  // urlparse lower-cases.
  EXPECT_TRUE(ValidateWebhookUrl("  https://example.com", https).ok());
  EXPECT_EQ(MessageOf(ValidateWebhookUrl("   ", https)),
            "Webhook URL cannot be empty or just whitespace: '   '");
  EXPECT_EQ(MessageOf(ValidateWebhookUrl("ftp://example.com", both)),
            "Invalid webhook URL scheme: 'ftp'. Allowed schemes are: https, http.");
  EXPECT_EQ(MessageOf(ValidateWebhookUrl("example.com", both)),
            "Invalid webhook URL scheme: ''. Allowed schemes are: https, http.");
  EXPECT_EQ(MessageOf(ValidateWebhookUrl("http://[bad", both)),
            "Invalid webhook URL 'http://[bad': ValueError('Invalid IPv6 URL')");
  EXPECT_EQ(MessageOf(ValidateWebhookUrl("http://127.0.0.1:5240/x", https)),
            "Invalid webhook URL scheme: 'http'. Allowed schemes are: https.");
  EXPECT_EQ(ValidateWebhookUrl("https://e.com/" + std::string(500, 'p'), https).code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ParseAllowedSchemes("https, http"), both);
  EXPECT_EQ(ParseAllowedSchemes("https"), https);
}

TEST(WebhookTest, EventsAreMlflowsPairsOrModelwardensOwn) {
  EXPECT_EQ(SubscribableEvents(WebhookApi::kMlflow).size(), 14u);
  EXPECT_EQ(SubscribableEvents(WebhookApi::kModelwarden).size(), 19u);
  for (const WebhookEvent& event : SubscribableEvents(WebhookApi::kMlflow)) {
    EXPECT_TRUE(IsMlflowEvent(event)) << EventName(event);
  }
  const WebhookEvent version_deleted{E::kModelVersion, A::kDeleted};
  EXPECT_FALSE(IsMlflowEvent(version_deleted));
  EXPECT_EQ(MessageOf(ValidateWebhookEvent(version_deleted, WebhookApi::kMlflow)),
            "Invalid action 'deleted' for entity 'model_version'. Valid actions are: "
            "['created']");
  EXPECT_TRUE(ValidateWebhookEvent(version_deleted, WebhookApi::kModelwarden).ok());
  EXPECT_EQ(MessageOf(ValidateWebhookEvent({E::kModelVersion, A::kSet}, WebhookApi::kModelwarden)),
            "Invalid action 'set' for entity 'model_version'. Valid actions are: ['created', "
            "'deleted', 'stage_transitioned']");
  EXPECT_EQ(MessageOf(ValidateWebhookEvents({}, WebhookApi::kMlflow)),
            "Webhook events must be a non-empty list of WebhookEvent objects: [].");
  const Status repeated = ValidateWebhookEvents(
      {{E::kModelVersion, A::kCreated}, {E::kModelVersion, A::kCreated}}, WebhookApi::kMlflow);
  EXPECT_EQ(repeated.code(), ErrorCode::kBadRequest);
}

TEST(WebhookTest, EntitiesAndActionsParseAsProtobufJsonReadsThem) {
  EXPECT_EQ(ParseEntity("MODEL_VERSION", WebhookApi::kMlflow), E::kModelVersion);
  EXPECT_EQ(ParseEntity("2", WebhookApi::kMlflow), E::kModelVersion);
  EXPECT_EQ(ParseEntity("model_version", WebhookApi::kMlflow), std::nullopt);
  EXPECT_EQ(ParseEntity("model_version", WebhookApi::kModelwarden), E::kModelVersion);
  EXPECT_EQ(ParseEntity("POLICY", WebhookApi::kMlflow), std::nullopt);
  EXPECT_EQ(ParseEntity("POLICY", WebhookApi::kModelwarden), E::kPolicy);
  EXPECT_EQ(ParseAction("SET", WebhookApi::kMlflow), A::kSet);
  EXPECT_EQ(ParseAction("4", WebhookApi::kMlflow), A::kSet);
  EXPECT_EQ(ParseAction("RENAMED", WebhookApi::kMlflow), std::nullopt);
  EXPECT_EQ(ParseAction("renamed", WebhookApi::kModelwarden), A::kRenamed);
  EXPECT_EQ(ParseWebhookStatus("DISABLED"), WebhookStatus::kDisabled);
  EXPECT_EQ(ParseWebhookStatus("1"), WebhookStatus::kActive);
  EXPECT_EQ(ParseWebhookStatus("active"), std::nullopt);
}

TEST(WebhookTest, DeliveryUrlsSplitIntoHostPortAndTarget) {
  Result<WebhookUrl> url = ParseWebhookUrl("https://hooks.example.com/a/b?x=1#frag");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "hooks.example.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/a/b?x=1");
  url = ParseWebhookUrl("http://user:pw@[::1]:8080");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/");
  url = ParseWebhookUrl("HTTP://h?q");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->target, "/?q");
  for (const char* bad : {"ftp://h/x", "https:///x", "http://h:99999/", "http://h:x/", "h/x"}) {
    EXPECT_FALSE(ParseWebhookUrl(bad).ok()) << bad;
  }
}

TEST(WebhookTest, JsonIsPythonsJsonDumps) {
  // json.dumps("\u00e9\"x\u2603\U0001F600\x7f\x01\n\\")
  EXPECT_EQ(PyJsonString("\xc3\xa9\"x\xe2\x98\x83\xf0\x9f\x98\x80\x7f\x01\n\\"),
            R"("\u00e9\"x\u2603\ud83d\ude00\u007f\u0001\n\\")");
  EXPECT_EQ(PyJsonString("\xff"), R"("\ufffd")");
  EXPECT_EQ(PyJsonObject().String("a", "b").Null("c").Int("d", -3).Bool("e", true).Build(),
            R"({"a": "b", "c": null, "d": -3, "e": true})");
  EXPECT_EQ(PyJsonObject().StringMap("t", {{"k", "1"}, {"j", "2"}, {"k", "3"}}).Build(),
            R"({"t": {"k": "3", "j": "2"}})");
}

TEST(WebhookTest, TimestampsAreIsoformatInUtc) {
  EXPECT_EQ(IsoTimestamp(1796674151401), "2026-12-07T20:09:11.401000+00:00");
  EXPECT_EQ(IsoTimestamp(1796674151000), "2026-12-07T20:09:11+00:00");
}

// Bodies captured from a reference MLflow 3.6 server (its registered_model.created delivery and
// its test delivery of model_version.created), with the timestamp ours.
TEST(WebhookTest, BodiesAreByteForByteMlflows) {
  const std::vector<Tag> tags = {{"a", "\xc3\xa9\"x\xe2\x98\x83\xf0\x9f\x98\x80"}};
  EXPECT_EQ(DeliveryBody({E::kRegisteredModel, A::kCreated}, 1796674227450,
                         RegisteredModelCreatedData("hook.n", tags, "")),
            R"({"entity": "registered_model", "action": "created", "timestamp": )"
            R"("2026-12-07T20:10:27.450000+00:00", "data": {"name": "hook.n", "tags": {"a": )"
            R"("\u00e9\"x\u2603\ud83d\ude00"}, "description": ""}})");
  EXPECT_EQ(ExampleData({E::kModelVersion, A::kCreated}),
            R"({"name": "example_model", "version": "1", "source": "models:/123", "run_id": )"
            R"("abcd1234abcd5678", "tags": {"example_key": "example_value"}, "description": )"
            R"("An example model version"})");
  EXPECT_EQ(ExampleData({E::kModelVersionAlias, A::kDeleted}),
            R"({"name": "example_model", "alias": "example_alias"})");
  EXPECT_EQ(ExampleData({E::kPrompt, A::kCreated}),
            R"({"name": "example_prompt", "tags": {"example_key": "example_value"}, )"
            R"("description": "An example prompt"})");
  // run_id and description are null when empty, as MLflow's handler sends them.
  EXPECT_EQ(ModelVersionCreatedData("m", 2, "s3://x", "", {}, ""),
            R"({"name": "m", "version": "2", "source": "s3://x", "run_id": null, "tags": {}, )"
            R"("description": null})");
  // A prompt version lifts the template out of its tags and drops the prompt markers.
  EXPECT_EQ(PromptVersionCreatedData("p", 1,
                                     {{"mlflow.prompt.is_prompt", "true"},
                                      {"mlflow.prompt.text", "Hi {{x}}"},
                                      {"_mlflow_prompt_type", "text"},
                                      {"k", "v"}},
                                     ""),
            R"({"name": "p", "version": "1", "template": "Hi {{x}}", "tags": {"k": "v"}, )"
            R"("description": null})");
}

TEST(WebhookTest, ModelsSourcesParseAsMlflowsParseModelUri) {
  ModelsSource source = ParseModelsSource("models:/CopyMVTest/1");
  EXPECT_EQ(source.kind, ModelsSource::Kind::kVersion);
  EXPECT_EQ(source.name, "CopyMVTest");
  EXPECT_EQ(source.version, 1);
  EXPECT_EQ(ParseModelsSource("MODELS:/m/12").kind, ModelsSource::Kind::kVersion);
  EXPECT_EQ(ParseModelsSource("models:/m-0123abcd").kind, ModelsSource::Kind::kLoggedModel);
  for (const char* unsupported : {"models:/m@champion", "models:/m/Production", "models:/m/latest",
                                  "models:/", "models:/a/b/c", "models:", "models:/ /1"}) {
    EXPECT_EQ(ParseModelsSource(unsupported).kind, ModelsSource::Kind::kUnsupported) << unsupported;
  }
  for (const char* other : {"s3://b/m", "runs:/abc/model", "/local/path", "modelsx:/m/1"}) {
    EXPECT_EQ(ParseModelsSource(other).kind, ModelsSource::Kind::kNone) << other;
  }
  EXPECT_EQ(UnresolvableModelsSource("models:/m1/9", "Model Version (name=m1, version=9) not found")
                .message(),
            "Unable to fetch model from model URI source artifact location 'models:/m1/9'.Error: "
            "Model Version (name=m1, version=9) not found");
}

}  // namespace
}  // namespace modelwarden
