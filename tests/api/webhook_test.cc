// Webhooks through the real server and a real receiver (tests/api/webhook_receiver.py, which
// checks every signature with Python's hmac, independently of modelwarden): MLflow's endpoints
// and JSON, deliveries as MLflow sends them, a receiver answering 500 then 200, redelivery on
// request, every committed event delivered after kill -9, a dead receiver costing one attempt
// per pause, and (MariaDB) three servers delivering a thousand events once each.
#include <httplib.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "tests/api/api_test.h"
#include "tests/api/python_peer_process.h"

namespace modelwarden::testing {
namespace {

constexpr char kSecret[] = "receiver-secret";
constexpr char kKey[] = "test-key-for-webhook-secrets-0123456789";

// tests/api/webhook_receiver.py as a child process.
class Receiver {
 public:
  explicit Receiver(std::vector<std::string> extra = {}) : process_(Script(), Args(extra)) {}

  int port() const { return process_.port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/hook"; }

  // What the receiver has got so far: {"requests": n, "deliveries": [...]}.
  rapidjson::Document Received() const {
    httplib::Client client("127.0.0.1", port());
    rapidjson::Document document;
    const auto result = client.Get("/deliveries");
    if (result && result->status == 200) document.Parse(result->body.c_str());
    if (!document.IsObject()) document.Parse(R"({"requests": 0, "deliveries": []})");
    return document;
  }
  size_t DeliveryCount() const { return Received()["deliveries"].Size(); }

 private:
  static std::string Script() { return MODELWARDEN_SOURCE_DIR "/tests/api/webhook_receiver.py"; }
  static std::vector<std::string> Args(std::vector<std::string> extra) {
    extra.insert(extra.begin(), kSecret);
    return extra;
  }

  PythonPeerProcess process_;
};

// Polls `done` until it holds or `limit` passes (limits are far above what it takes).
bool WaitFor(const std::function<bool()>& done,
             std::chrono::seconds limit = std::chrono::seconds(90)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

std::string EventsJson(const std::vector<std::pair<std::string, std::string>>& events) {
  std::string json = "[";
  for (const auto& [entity, action] : events) {
    if (json.size() > 1) json += ",";
    json += "{\"entity\":\"" + entity + "\",\"action\":\"" + action + "\"}";
  }
  return json + "]";
}

class WebhookApiTest : public ApiTest {
 protected:
  std::vector<std::string> ExtraServerArgs() const override {
    return {"--webhook-allowed-schemes", "https,http", "--webhook-request-timeout", "2"};
  }
  std::vector<std::string> ServerEnvironment() const override {
    return {std::string("MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY=") + kKey};
  }

  // Creates a webhook through MLflow's endpoint and returns its id.
  std::string CreateWebhook(const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& events,
                            const std::string& secret = kSecret) {
    const ApiResponse created = api().Post(
        "/webhooks", "{\"name\":\"hook\",\"url\":" + JsonString(url) +
                         ",\"events\":" + EventsJson(events) +
                         (secret.empty() ? "" : ",\"secret\":" + JsonString(secret)) + "}");
    EXPECT_TRUE(IsOkJson(created)) << created.Describe();
    return created.StringAt("/webhook/webhook_id").value_or("");
  }

  ApiResponse Deliveries(const std::string& webhook_id) {
    ApiClient modelwarden(server().port(), "/api/2.0/modelwarden", false);
    return modelwarden.Get("/webhooks/deliveries", {{"webhook_id", webhook_id}});
  }
};

TEST_P(WebhookApiTest, MlflowsEndpointsAnswerWithMlflowsJson) {
  const ApiResponse created =
      api().Post("/webhooks",
                 R"({"name":"ci-hook","url":"https://example.com/h","description":"d",)"
                 R"("secret":"top-secret","events":[{"entity":"MODEL_VERSION","action":"CREATED"},)"
                 R"({"entity":2,"action":"CREATED","ignored":true}]})");
  // A repeated event is refused as MLflow's database refuses it.
  EXPECT_TRUE(IsMlflowError(created, 400, "BAD_REQUEST")) << created.Describe();
  const ApiResponse ok = api().Post(
      "/webhooks",
      R"({"name":"ci-hook","url":"https://example.com/h","description":"d",)"
      R"("secret":"top-secret","status":"DISABLED","events":[)"
      R"({"entity":"MODEL_VERSION_ALIAS","action":"CREATED"},{"entity":2,"action":1}]})");
  ASSERT_TRUE(IsOkJson(ok)) << ok.Describe();
  EXPECT_EQ(ok.body.find("top-secret"), std::string::npos);
  EXPECT_EQ(ok.body.find("secret"), std::string::npos);
  const std::string id = ok.StringAt("/webhook/webhook_id").value_or("");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(ok.StringAt("/webhook/name"), "ci-hook");
  EXPECT_EQ(ok.StringAt("/webhook/description"), "d");
  EXPECT_EQ(ok.StringAt("/webhook/status"), "DISABLED");
  EXPECT_EQ(ok.StringAt("/webhook/events/1/entity"), "MODEL_VERSION");
  EXPECT_EQ(ok.StringAt("/webhook/events/1/action"), "CREATED");
  ASSERT_NE(ok.At("/webhook/creation_timestamp"), nullptr);
  EXPECT_TRUE(ok.At("/webhook/creation_timestamp")->IsInt64());
  EXPECT_EQ(ok.At("/webhook/model_prefix"), nullptr);  // modelwarden's field, not MLflow's.

  const ApiResponse got = api().Get("/webhooks/" + id);
  ASSERT_TRUE(IsOkJson(got));
  EXPECT_EQ(got.StringAt("/webhook/events/0/entity"), "MODEL_VERSION");  // MLflow's row order.
  ApiClient ajax(server().port(), kAjaxApiPrefix, false);
  EXPECT_TRUE(IsOkJson(ajax.Get("/webhooks/" + id)));
  const ApiResponse missing = api().Get("/webhooks/nonexistent");
  EXPECT_TRUE(IsMlflowError(missing, 404, "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_EQ(missing.StringAt("/message"), "Webhook with ID nonexistent not found.");

  const ApiResponse updated = api().Patch("/webhooks/" + id, R"({"name":"renamed","url":"",
      "events":[],"status":"ACTIVE"})");
  ASSERT_TRUE(IsOkJson(updated)) << updated.Describe();
  EXPECT_EQ(updated.StringAt("/webhook/name"), "renamed");
  EXPECT_EQ(updated.StringAt("/webhook/url"), "https://example.com/h");  // "" is "not given".
  EXPECT_EQ(updated.StringAt("/webhook/status"), "ACTIVE");
  const ApiResponse bad_url = api().Patch("/webhooks/" + id, R"({"url":"ftp://example.com"})");
  EXPECT_TRUE(IsMlflowError(bad_url, 400, "INVALID_PARAMETER_VALUE"));
  EXPECT_EQ(bad_url.StringAt("/message"),
            "Invalid webhook URL scheme: 'ftp'. Allowed schemes are: https, http.");

  const ApiResponse listed = api().Get("/webhooks", {{"max_results", "1"}});
  ASSERT_TRUE(IsOkJson(listed));
  EXPECT_EQ(listed.At("/webhooks")->Size(), 1u);
  EXPECT_EQ(listed.At("/next_page_token"), nullptr);  // Only one webhook.
  EXPECT_TRUE(IsMlflowError(api().Get("/webhooks", {{"max_results", "1001"}}), 400,
                            "INVALID_PARAMETER_VALUE"));
  EXPECT_EQ(api()
                .Send("POST", std::string(kApiPrefix) + "/webhooks/" + id, "{}", "application/json")
                .status,
            405);

  EXPECT_TRUE(IsOkJson(api().Delete("/webhooks/" + id, "")));
  EXPECT_TRUE(IsMlflowError(api().Get("/webhooks/" + id), 404, "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_EQ(api().Get("/webhooks").body, "{}");
}

// The edge routes {placeholder} segments itself: both prefixes, Flask's 405 and OPTIONS with
// Allow, and a literal path before the placeholder path that could match it.
TEST_P(WebhookApiTest, PlaceholderRoutesOnBothPrefixesWithFlasksMethodAnswers) {
  const std::string id = CreateWebhook("https://example.com/h", {{"MODEL_VERSION", "CREATED"}});
  ASSERT_FALSE(id.empty());
  for (const char* prefix : {kApiPrefix, kAjaxApiPrefix}) {
    const std::string hooks = std::string(prefix) + "/webhooks";
    const ApiResponse got = api().Send("GET", hooks + "/" + id, "", "");
    ASSERT_TRUE(IsOkJson(got)) << prefix << " " << got.Describe();
    EXPECT_EQ(got.StringAt("/webhook/webhook_id"), id);
    const ApiResponse wrong = api().Send("PUT", hooks + "/" + id, "{}", "application/json");
    EXPECT_EQ(wrong.status, 405) << prefix;
    EXPECT_EQ(wrong.Header("Allow"), "DELETE, GET, HEAD, OPTIONS, PATCH") << prefix;
    const ApiResponse options = api().Send("OPTIONS", hooks + "/" + id + "/test", "", "");
    EXPECT_EQ(options.status, 204) << prefix;
    EXPECT_EQ(options.Header("Allow"), "OPTIONS, POST") << prefix;
    EXPECT_EQ(api().Send("GET", hooks + "/" + id + "/test", "", "").status, 405) << prefix;
    EXPECT_TRUE(IsMlflowError(api().Send("GET", hooks + "/", "", ""), 404, "ENDPOINT_NOT_FOUND"));
    EXPECT_TRUE(IsMlflowError(api().Send("POST", hooks + "//test", "{}", "application/json"), 404,
                              "ENDPOINT_NOT_FOUND"));
  }
  // "deliveries" is the literal route, not a webhook id; with a method only the placeholder
  // path has, it is one (and no such webhook exists).
  const std::string modelwarden = "/ajax-api/2.0/modelwarden";
  const ApiResponse deliveries = api().Send("GET", modelwarden + "/webhooks/deliveries", "", "");
  ASSERT_TRUE(IsOkJson(deliveries)) << deliveries.Describe();
  EXPECT_EQ(deliveries.At("/webhook"), nullptr) << deliveries.Describe();
  EXPECT_TRUE(IsMlflowError(api().Send("DELETE", modelwarden + "/webhooks/deliveries", "", ""), 404,
                            "RESOURCE_DOES_NOT_EXIST"));
  // A percent-encoded id is decoded before it is looked up.
  char escaped[4];
  std::snprintf(escaped, sizeof(escaped), "%%%02X", static_cast<unsigned char>(id[0]));
  const ApiResponse encoded =
      api().Send("GET", std::string(kApiPrefix) + "/webhooks/" + escaped + id.substr(1), "", "");
  EXPECT_EQ(encoded.StringAt("/webhook/webhook_id"), id) << encoded.Describe();
}

TEST_P(WebhookApiTest, DeliveriesAreMlflowsSignedRequests) {
  Receiver receiver;
  ASSERT_GT(receiver.port(), 0);
  const std::string hook =
      CreateWebhook(receiver.url(), {{"MODEL_VERSION", "CREATED"}, {"MODEL_VERSION_TAG", "SET"}});
  CreateModel("fraud.model");
  ASSERT_EQ(CreateVersion("fraud.model", "s3://models/fraud/1", {{"k", "v"}}), "1");
  ASSERT_TRUE(
      IsOkJson(api().Post("/model-versions/set-tag",
                          R"({"name":"fraud.model","version":"1","key":"stage","value":"qa"})")));
  ASSERT_TRUE(WaitFor([&] { return receiver.DeliveryCount() == 2; }));
  const rapidjson::Document received = receiver.Received();
  std::map<std::string, const rapidjson::Value*> by_action;
  for (const auto& delivery : received["deliveries"].GetArray()) {
    EXPECT_TRUE(delivery["signature_ok"].GetBool()) << delivery["raw"].GetString();
    EXPECT_STREQ(delivery["content_type"].GetString(), "application/json");
    const rapidjson::Value& payload = delivery["payload"];
    by_action[std::string(payload["entity"].GetString()) + "." + payload["action"].GetString()] =
        &delivery;
  }
  ASSERT_EQ(by_action.count("model_version.created"), 1u);
  const rapidjson::Value& created = (*by_action["model_version.created"])["payload"];
  // MLflow's json.dumps: ", " and ": " separators, its field order.
  EXPECT_STREQ((*by_action["model_version.created"])["raw"].GetString(),
               (std::string(R"({"entity": "model_version", "action": "created", "timestamp": ")") +
                created["timestamp"].GetString() +
                R"(", "data": {"name": "fraud.model", "version": "1", "source": )"
                R"("s3://models/fraud/1", "run_id": null, "tags": {"k": "v"}, "description": )"
                R"(null}})")
                   .c_str());
  ASSERT_EQ(by_action.count("model_version_tag.set"), 1u);
  const rapidjson::Value& tag = (*by_action["model_version_tag.set"])["payload"]["data"];
  EXPECT_STREQ(tag["key"].GetString(), "stage");
  EXPECT_STREQ(tag["value"].GetString(), "qa");
  EXPECT_STREQ(tag["version"].GetString(), "1");

  const ApiResponse deliveries = Deliveries(hook);
  ASSERT_TRUE(IsOkJson(deliveries)) << deliveries.Describe();
  ASSERT_EQ(deliveries.At("/deliveries")->Size(), 2u);
  for (const auto& d : deliveries.At("/deliveries")->GetArray()) {
    EXPECT_STREQ(d["status"].GetString(), "delivered");
    EXPECT_EQ(d["attempts"].GetInt(), 1);
    EXPECT_EQ(d["last_http_status"].GetInt(), 200);
  }
}

TEST_P(WebhookApiTest, AReceiverThatAnswers500ThenGetsTheEventOnTheRetry) {
  Receiver receiver({"--fail-first", "1"});
  const std::string hook = CreateWebhook(receiver.url(), {{"REGISTERED_MODEL", "CREATED"}});
  CreateModel("retried");
  ASSERT_TRUE(WaitFor([&] { return receiver.DeliveryCount() == 1; }));
  const rapidjson::Document received = receiver.Received();
  EXPECT_EQ(received["requests"].GetInt(), 2);
  EXPECT_TRUE(received["deliveries"][0]["signature_ok"].GetBool());
  ApiResponse listed;
  ASSERT_TRUE(WaitFor([&] {
    listed = Deliveries(hook);
    return listed.StringAt("/deliveries/0/status") == "delivered";
  }));
  const std::string id = listed.StringAt("/deliveries/0/delivery_id").value_or("");
  EXPECT_EQ(id, received["deliveries"][0]["delivery_id"].GetString());
  ApiClient modelwarden(server().port(), "/api/2.0/modelwarden", false);
  const ApiResponse detail = modelwarden.Get("/webhooks/deliveries/" + id);
  ASSERT_TRUE(IsOkJson(detail)) << detail.Describe();
  ASSERT_EQ(detail.At("/delivery/attempt_log")->Size(), 2u);
  EXPECT_EQ(detail.At("/delivery/attempt_log/0/http_status")->GetInt(), 500);
  EXPECT_EQ(detail.At("/delivery/attempt_log/1/http_status")->GetInt(), 200);
  EXPECT_EQ(detail.At("/delivery/attempts")->GetInt(), 2);
}

TEST_P(WebhookApiTest, AFailedDeliveryIsRedeliveredOnRequest) {
  Receiver receiver({"--fail-first", "1", "--fail-status", "400"});
  const std::string hook = CreateWebhook(receiver.url(), {{"REGISTERED_MODEL", "CREATED"}});
  CreateModel("once-refused");
  ApiResponse listed;
  ASSERT_TRUE(WaitFor([&] {
    listed = Deliveries(hook);
    return listed.StringAt("/deliveries/0/status") == "failed";
  }));
  EXPECT_EQ(listed.At("/deliveries/0/last_http_status")->GetInt(), 400);  // 4xx: not retried.
  const std::string id = listed.StringAt("/deliveries/0/delivery_id").value_or("");
  ApiClient modelwarden(server().port(), "/api/2.0/modelwarden", false);
  const ApiResponse again = modelwarden.Post("/webhooks/deliveries/" + id + "/redeliver", "{}");
  ASSERT_TRUE(IsOkJson(again)) << again.Describe();
  EXPECT_EQ(again.StringAt("/delivery/status"), "pending");
  ASSERT_TRUE(WaitFor([&] { return receiver.DeliveryCount() == 1; }));
  EXPECT_EQ(receiver.Received()["deliveries"][0]["delivery_id"].GetString(), id);
  EXPECT_TRUE(IsMlflowError(modelwarden.Post("/webhooks/deliveries/nope/redeliver", "{}"), 404,
                            "RESOURCE_DOES_NOT_EXIST"));
}

// The outbox row is written in the change's transaction: a change answered 200 is delivered
// even when the server dies right after answering; the receiver dedupes by delivery id.
TEST_P(WebhookApiTest, EveryCommittedEventIsDeliveredAfterKill9) {
  Receiver receiver;
  CreateWebhook(receiver.url(), {{"MODEL_VERSION", "CREATED"}});
  CreateModel("durable");
  std::set<std::string> acked;
  for (int i = 1; i <= 40; ++i) {
    const CreateOutcome outcome =
        CreateVersionThrough(api(), "durable", "s3://models/durable/" + std::to_string(i));
    ASSERT_EQ(outcome.status, 200) << outcome.detail;
    acked.insert(outcome.version);
  }
  server().Kill();  // SIGKILL right after the last 200.
  const size_t before_restart = receiver.DeliveryCount();
  ASSERT_TRUE(server().Start());
  std::set<std::string> delivered;
  ASSERT_TRUE(WaitFor([&] {
    delivered.clear();
    const rapidjson::Document received = receiver.Received();  // Outlives the loop.
    for (const auto& d : received["deliveries"].GetArray()) {
      delivered.insert(d["payload"]["data"]["version"].GetString());
    }
    return delivered == acked;
  })) << delivered.size()
      << " of " << acked.size() << " versions delivered (" << before_restart
      << " before the restart)";
  // One delivery id per event, however often it was sent.
  EXPECT_EQ(receiver.DeliveryCount(), acked.size());
  const rapidjson::Document received = receiver.Received();
  for (const auto& d : received["deliveries"].GetArray()) {
    EXPECT_TRUE(d["signature_ok"].GetBool());
  }
}

// A receiver that is down pauses its webhook: however many events wait, it is tried about once
// per pause, and writes do not wait for it.
TEST_P(WebhookApiTest, ADeadReceiverIsTriedOncePerPause) {
  std::optional<Receiver> dead;
  dead.emplace();
  const int dead_port = dead->port();
  dead.reset();  // Nothing listens on its port any more.
  const std::string hook = CreateWebhook("http://127.0.0.1:" + std::to_string(dead_port) + "/hook",
                                         {{"REGISTERED_MODEL", "CREATED"}});
  for (int i = 0; i < 30; ++i) CreateModel("m" + std::to_string(i));
  std::this_thread::sleep_for(std::chrono::seconds(4));
  const ApiResponse listed = Deliveries(hook);
  ASSERT_TRUE(IsOkJson(listed));
  ASSERT_EQ(listed.At("/deliveries")->Size(), 30u);
  int attempts = 0;
  for (const auto& d : listed.At("/deliveries")->GetArray()) {
    EXPECT_STREQ(d["status"].GetString(), "pending");
    EXPECT_TRUE(d.HasMember("next_attempt_timestamp"));
    attempts += d["attempts"].GetInt();
  }
  // Pauses of 1-2 s, 2-3 s, ... in 4 s: a handful of attempts, not one per event per retry.
  EXPECT_GE(attempts, 1);
  EXPECT_LE(attempts, 12);
}

MODELWARDEN_INSTANTIATE_API_TESTS(WebhookApiTest);

class PrivateTargetsTest : public WebhookApiTest {
 protected:
  std::vector<std::string> ExtraServerArgs() const override {
    std::vector<std::string> args = WebhookApiTest::ExtraServerArgs();
    args.push_back("--webhook-deny-private-targets");
    args.push_back("true");
    return args;
  }
};

TEST_P(PrivateTargetsTest, LoopbackLinkLocalAndPrivateReceiversAreRefused) {
  for (const char* url : {"http://127.0.0.1:9/x", "http://169.254.169.254/latest/meta-data",
                          "http://192.168.1.10/hook", "http://[::1]:8080/"}) {
    const ApiResponse refused = api().Post(
        "/webhooks", "{\"name\":\"h\",\"url\":" + JsonString(url) +
                         R"(,"events":[{"entity":"MODEL_VERSION","action":"CREATED"}]})");
    EXPECT_TRUE(IsMlflowError(refused, 400, "INVALID_PARAMETER_VALUE")) << url;
  }
}

MODELWARDEN_INSTANTIATE_API_TESTS(PrivateTargetsTest);

// Three processes on one MariaDB, each with its own delivery worker claiming from the shared
// outbox: a thousand events, each delivered, none twice.
class MultiServerWebhookTest : public WebhookApiTest {};

TEST_P(MultiServerWebhookTest, ThreeServersDeliverAThousandEventsOnceEach) {
  if (GetParam() != Backend::kMysql) GTEST_SKIP() << "several processes need MySQL/MariaDB";
  constexpr int kThreads = 10;
  constexpr int kPerThread = 100;
  Receiver receiver;
  CreateWebhook(receiver.url(), {{"MODEL_VERSION", "CREATED"}});
  CreateModel("busy");
  std::vector<int> ports = {server().port()};
  for (int i = 1; i < 3; ++i) {
    ServerProcess& another = AddServer(ExtraServerArgs());
    ASSERT_TRUE(another.Start());
    ports.push_back(another.port());
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ApiClient client(ports[t % ports.size()]);
      for (int i = 0; i < kPerThread; ++i) {
        if (CreateVersionThrough(client, "busy",
                                 "s3://b/" + std::to_string(t) + "/" + std::to_string(i))
                .status != 200) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures, 0);
  ASSERT_TRUE(WaitFor([&] { return receiver.DeliveryCount() >= kThreads * kPerThread; },
                      std::chrono::seconds(300)))
      << receiver.DeliveryCount();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // Any late duplicate arrives now.
  const rapidjson::Document received = receiver.Received();
  std::set<std::string> versions;
  int sent_twice = 0;
  for (const auto& d : received["deliveries"].GetArray()) {
    versions.insert(d["payload"]["data"]["version"].GetString());
    if (d["count"].GetInt() > 1) ++sent_twice;
    EXPECT_TRUE(d["signature_ok"].GetBool());
  }
  EXPECT_EQ(versions.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(received["deliveries"].Size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(sent_twice, 0);
  EXPECT_EQ(received["requests"].GetInt(), kThreads * kPerThread);
}

MODELWARDEN_INSTANTIATE_API_TESTS(MultiServerWebhookTest);

}  // namespace
}  // namespace modelwarden::testing
