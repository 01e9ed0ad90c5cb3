// WebhookService over a real SQLite store and access control: MLflow's view and modelwarden's
// of the same webhooks, secrets sealed at rest and never returned, who may manage which
// webhook (admins, WEBHOOKS grants on a prefix), the audit of every change and test, and the
// test request as MLflow sends it.
#include "enforcement/webhooks/webhook_service.h"

#include <memory>

#include "enforcement/access/access_admin.h"
#include "enforcement/access/crypto.h"
#include "enforcement/access/password_hash.h"
#include "registry/store_factory.h"
#include "registry/text.h"
#include "tests/enforcement/fake_webhook_transport.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::FakeClock;
using ::modelwarden::testing::FakeWebhookTransport;
using ::modelwarden::testing::MakeGrant;
using ::testing::HasSubstr;
using E = WebhookEntity;
using A = WebhookAction;

constexpr char kKey[] = "a test key that is long enough";

CallContext As(const std::string& user) {
  CallContext ctx;
  ctx.request_id = "test";
  ctx.principal = user.empty() ? Principal{} : Principal::User(user);
  return ctx;
}

NewWebhook Hook(std::vector<WebhookEvent> events, const std::string& prefix = "") {
  NewWebhook hook;
  hook.name = "hook";
  hook.url = "https://example.com/hook";
  hook.events = std::move(events);
  hook.model_prefix = prefix;
  return hook;
}

class WebhookServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = OpenStores(StoreOptions{"sqlite:///:memory:", 1, 1000});
    ASSERT_OK(stores);
    stores_ = std::move(*stores);
    auto box = WebhookSecretBox::FromKey(kKey);
    ASSERT_OK(box);
    secrets_ = std::make_unique<WebhookSecretBox>(std::move(*box));
    Configure(/*auth=*/false);
  }

  void Configure(bool auth) {
    AuthOptions options;
    options.enabled = auth;
    options.password_iterations = 1000;
    access_ = std::make_unique<AccessControl>(*stores_.auth, clock_, options, stores_.models.get());
    service_ = std::make_unique<WebhookService>(*stores_.models, *stores_.models, *access_, clock_,
                                                *secrets_, transport_, WebhookServiceOptions{});
  }

  void AddUser(const std::string& name, bool admin = false) {
    ASSERT_OK(stores_.auth->CreateUser(name, HashPassword("correct horse battery", 1000), admin));
  }

  std::vector<AuditEvent> Audit(const std::string& operation) {
    AuditQuery query;
    query.operation = operation;
    auto page = stores_.models->SearchAuditEvents(query);
    EXPECT_OK(page);
    return page.ok() ? page->items : std::vector<AuditEvent>{};
  }

  FakeClock clock_;
  Stores stores_;
  std::unique_ptr<WebhookSecretBox> secrets_;
  std::unique_ptr<AccessControl> access_;
  FakeWebhookTransport transport_;
  std::unique_ptr<WebhookService> service_;
};

TEST_F(WebhookServiceTest, SecretsAreSealedAtRestAndNeverReturned) {
  NewWebhook hook = Hook({{E::kModelVersion, A::kCreated}});
  hook.secret = "my_secret";
  auto created = service_->Create(As(""), WebhookApi::kMlflow, hook);
  ASSERT_OK(created);
  EXPECT_TRUE(created->has_secret);
  auto stored = stores_.models->GetWebhook(created->webhook_id);
  ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value() && (*stored)->sealed_secret);
  const std::string& sealed = *(*stored)->sealed_secret;
  EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
  EXPECT_EQ(sealed.find("my_secret"), std::string::npos);
  auto opened = secrets_->Open(sealed, created->webhook_id);
  ASSERT_OK(opened);
  EXPECT_EQ(*opened, "my_secret");
  // Bound to the webhook and to the key.
  EXPECT_CODE(secrets_->Open(sealed, "another-webhook"), ErrorCode::kInvalidState);
  auto other_key = WebhookSecretBox::FromKey("another key, just as long");
  ASSERT_OK(other_key);
  EXPECT_CODE(other_key->Open(sealed, created->webhook_id), ErrorCode::kInvalidState);
  // The audit says a secret is set, never what it is.
  for (const AuditEvent& event : Audit("CreateWebhook")) {
    EXPECT_EQ(event.after.find("my_secret"), std::string::npos);
    EXPECT_THAT(event.after, HasSubstr("secret=set"));
  }
}

TEST_F(WebhookServiceTest, WithoutAKeyAWebhookCannotHaveASecret) {
  auto no_key = WebhookSecretBox::FromKey("");
  ASSERT_OK(no_key);
  WebhookService service(*stores_.models, *stores_.models, *access_, clock_, *no_key, transport_,
                         WebhookServiceOptions{});
  NewWebhook hook = Hook({{E::kModelVersion, A::kCreated}});
  EXPECT_OK(service.Create(As(""), WebhookApi::kMlflow, hook));
  hook.secret = "s";
  const auto refused = service.Create(As(""), WebhookApi::kMlflow, hook);
  EXPECT_CODE(refused, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(refused.status().message(), HasSubstr("MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY"));
  EXPECT_CODE(WebhookSecretBox::FromKey("short"), ErrorCode::kInvalidParameterValue);
}

TEST_F(WebhookServiceTest, MlflowsViewShowsOnlyMlflowsEvents) {
  auto mixed =
      service_->Create(As(""), WebhookApi::kModelwarden,
                       Hook({{E::kModelVersion, A::kCreated}, {E::kPolicy, A::kDenied}}, "fraud."));
  ASSERT_OK(mixed);
  auto only_ours =
      service_->Create(As(""), WebhookApi::kModelwarden, Hook({{E::kModelVersion, A::kDeleted}}));
  ASSERT_OK(only_ours);
  // MLflow's endpoints offer MLflow's events only, with MLflow's message.
  auto refused =
      service_->Create(As(""), WebhookApi::kMlflow, Hook({{E::kModelVersion, A::kDeleted}}));
  EXPECT_EQ(refused.status().message(),
            "Invalid action 'deleted' for entity 'model_version'. Valid actions are: ['created']");

  auto seen = service_->Get(As(""), WebhookApi::kMlflow, mixed->webhook_id);
  ASSERT_OK(seen);
  EXPECT_EQ(seen->events, (std::vector<WebhookEvent>{{E::kModelVersion, A::kCreated}}));
  const auto hidden = service_->Get(As(""), WebhookApi::kMlflow, only_ours->webhook_id);
  EXPECT_CODE(hidden, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(hidden.status().message(), "Webhook with ID " + only_ours->webhook_id + " not found.");
  EXPECT_CODE(service_->Delete(As(""), WebhookApi::kMlflow, only_ours->webhook_id),
              ErrorCode::kResourceDoesNotExist);
  auto listed = service_->List(As(""), WebhookApi::kMlflow, std::nullopt, "");
  ASSERT_OK(listed);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].webhook_id, mixed->webhook_id);
  auto all = service_->List(As(""), WebhookApi::kModelwarden, std::nullopt, "");
  ASSERT_OK(all);
  EXPECT_EQ(all->items.size(), 2u);

  // An update of the events through MLflow's view keeps modelwarden's.
  WebhookUpdate update;
  update.events = std::vector<WebhookEvent>{{E::kRegisteredModel, A::kCreated}};
  auto updated = service_->Update(As(""), WebhookApi::kMlflow, mixed->webhook_id, update);
  ASSERT_OK(updated);
  EXPECT_EQ(updated->events, (std::vector<WebhookEvent>{{E::kRegisteredModel, A::kCreated}}));
  EXPECT_GT(updated->last_updated_timestamp, mixed->last_updated_timestamp);
  auto full = service_->Get(As(""), WebhookApi::kModelwarden, mixed->webhook_id);
  ASSERT_OK(full);
  // Read back in the order of MLflow's rows: by entity, then action.
  EXPECT_EQ(full->events, (std::vector<WebhookEvent>{{E::kPolicy, A::kDenied},
                                                     {E::kRegisteredModel, A::kCreated}}));
  EXPECT_EQ(full->model_prefix, "fraud.");
}

TEST_F(WebhookServiceTest, MlflowsListingRules) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(
        service_->Create(As(""), WebhookApi::kMlflow, Hook({{E::kModelVersion, A::kCreated}})));
  }
  auto page = service_->List(As(""), WebhookApi::kMlflow, 2, "");
  ASSERT_OK(page);
  EXPECT_EQ(page->items.size(), 2u);
  ASSERT_FALSE(page->next_page_token.empty());
  auto next = service_->List(As(""), WebhookApi::kMlflow, 2, page->next_page_token);
  ASSERT_OK(next);
  EXPECT_EQ(next->items.size(), 2u);
  EXPECT_NE(next->items[0].webhook_id, page->items[0].webhook_id);
  // Newest first.
  EXPECT_GE(page->items[0].creation_timestamp, page->items[1].creation_timestamp);
  EXPECT_GE(page->items[1].creation_timestamp, next->items[0].creation_timestamp);
  // `max_results or 100`, then 1..1000.
  auto defaulted = service_->List(As(""), WebhookApi::kMlflow, 0, "");
  ASSERT_OK(defaulted);
  EXPECT_EQ(defaulted->items.size(), 5u);
  for (int64_t bad : {int64_t{-1}, int64_t{1001}}) {
    const auto refused = service_->List(As(""), WebhookApi::kMlflow, bad, "");
    EXPECT_EQ(refused.status().message(), "max_results must be between 1 and 1000.");
  }
}

TEST_F(WebhookServiceTest, WebhooksAreAdminsOrWebhooksGrantHolders) {
  Configure(/*auth=*/true);
  AddUser("root", /*admin=*/true);
  AddUser("hooks");
  AddUser("nobody");
  ASSERT_OK(stores_.auth->CreateGrant(
      MakeGrant(SubjectType::kUser, "hooks", ResourceType::kPrefix, "fraud.", "WEBHOOKS")));
  auto admins =
      service_->Create(As("root"), WebhookApi::kMlflow, Hook({{E::kModelVersion, A::kCreated}}));
  ASSERT_OK(admins);
  // Without a grant: nothing, and the refusals are in the audit log.
  EXPECT_CODE(
      service_->Create(As("nobody"), WebhookApi::kMlflow, Hook({{E::kModelVersion, A::kCreated}})),
      ErrorCode::kPermissionDenied);
  EXPECT_CODE(service_->List(As("nobody"), WebhookApi::kMlflow, std::nullopt, ""),
              ErrorCode::kPermissionDenied);
  EXPECT_CODE(service_->Get(As("nobody"), WebhookApi::kMlflow, admins->webhook_id),
              ErrorCode::kPermissionDenied);
  const std::vector<AuditEvent> denied = Audit("CreateWebhook");
  ASSERT_FALSE(denied.empty());
  EXPECT_EQ(denied.front().outcome, AuditOutcome::kDenied);
  EXPECT_EQ(denied.front().principal, "nobody");
  // A WEBHOOKS grant on "fraud.": webhooks limited to fraud.* models, and only those.
  auto ours = service_->Create(As("hooks"), WebhookApi::kModelwarden,
                               Hook({{E::kModelVersion, A::kCreated}}, "fraud.cards."));
  ASSERT_OK(ours);
  EXPECT_CODE(
      service_->Create(As("hooks"), WebhookApi::kMlflow, Hook({{E::kModelVersion, A::kCreated}})),
      ErrorCode::kPermissionDenied);  // MLflow's webhooks see every model.
  auto listed = service_->List(As("hooks"), WebhookApi::kModelwarden, std::nullopt, "");
  ASSERT_OK(listed);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].webhook_id, ours->webhook_id);
  EXPECT_CODE(service_->Delete(As("hooks"), WebhookApi::kMlflow, admins->webhook_id),
              ErrorCode::kPermissionDenied);
  WebhookUpdate widen;
  widen.model_prefix = "";
  EXPECT_CODE(service_->Update(As("hooks"), WebhookApi::kModelwarden, ours->webhook_id, widen),
              ErrorCode::kPermissionDenied);
  EXPECT_OK(service_->Delete(As("hooks"), WebhookApi::kModelwarden, ours->webhook_id));
  EXPECT_EQ(Audit("DeleteWebhook").front().outcome, AuditOutcome::kAllowed);
  // Admins see everything.
  auto everything = service_->List(As("root"), WebhookApi::kModelwarden, std::nullopt, "");
  ASSERT_OK(everything);
  EXPECT_EQ(everything->items.size(), 1u);
}

TEST_F(WebhookServiceTest, TestSendsMlflowsExamplePayloadSigned) {
  NewWebhook hook = Hook({{E::kModelVersionAlias, A::kDeleted}, {E::kModelVersion, A::kCreated}});
  hook.secret = "my_secret";
  hook.status = WebhookStatus::kDisabled;  // A test is sent whatever the status.
  auto created = service_->Create(As(""), WebhookApi::kMlflow, hook);
  ASSERT_OK(created);
  transport_.Answer(204);
  auto result = service_->Test(As(""), WebhookApi::kMlflow, created->webhook_id, std::nullopt);
  ASSERT_OK(result);
  EXPECT_TRUE(result->success);
  EXPECT_EQ(result->response_status, 204);
  ASSERT_EQ(transport_.requests().size(), 1u);
  const WebhookRequest request = transport_.requests()[0];
  EXPECT_EQ(request.url, "https://example.com/hook");
  // The webhook's first event, in MLflow's event order.
  EXPECT_EQ(request.body.rfind(R"({"entity": "model_version", "action": "created", )", 0), 0u)
      << request.body;
  const std::string id = FakeWebhookTransport::Header(request, "X-MLflow-Delivery-Id");
  const std::string ts = FakeWebhookTransport::Header(request, "X-MLflow-Timestamp");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(FakeWebhookTransport::Header(request, "Content-Type"), "application/json");
  EXPECT_EQ(FakeWebhookTransport::Header(request, "X-MLflow-Signature"),
            "v1," + EncodeBase64(HmacSha256("my_secret", id + "." + ts + "." + request.body)));
  // The receiver's errors are results, not errors.
  transport_.Answer(500, "boom");
  result = service_->Test(As(""), WebhookApi::kMlflow, created->webhook_id,
                          WebhookEvent{E::kPrompt, A::kCreated});
  ASSERT_OK(result);
  EXPECT_FALSE(result->success);
  EXPECT_EQ(result->response_status, 500);
  EXPECT_EQ(result->response_body, "boom");
  transport_.Fail("connection refused");
  result = service_->Test(As(""), WebhookApi::kMlflow, created->webhook_id, std::nullopt);
  ASSERT_OK(result);
  EXPECT_FALSE(result->success);
  EXPECT_EQ(result->error_message, "Failed to test webhook: connection refused");
  EXPECT_EQ(Audit("TestWebhook").size(), 3u);
}

TEST_F(WebhookServiceTest, PrivateTargetsCanBeRefused) {
  WebhookServiceOptions options;
  options.allowed_schemes = {"https", "http"};
  options.deny_private_targets = true;
  WebhookService strict(*stores_.models, *stores_.models, *access_, clock_, *secrets_, transport_,
                        options);
  for (const char* url : {"http://127.0.0.1:8080/x", "http://169.254.169.254/latest",
                          "http://10.1.2.3/", "http://[::1]/", "http://localhost/"}) {
    NewWebhook hook = Hook({{E::kModelVersion, A::kCreated}});
    hook.url = url;
    const auto refused = strict.Create(As(""), WebhookApi::kMlflow, hook);
    EXPECT_CODE(refused, ErrorCode::kInvalidParameterValue) << url;
    EXPECT_THAT(refused.status().message(), HasSubstr("only sends to public addresses")) << url;
  }
  NewWebhook hook = Hook({{E::kModelVersion, A::kCreated}});
  hook.url = "http://127.0.0.1:8080/x";
  hook.name = "loopback-ok";
  options.deny_private_targets = false;
  WebhookService lenient(*stores_.models, *stores_.models, *access_, clock_, *secrets_, transport_,
                         options);
  EXPECT_OK(lenient.Create(As(""), WebhookApi::kMlflow, hook));
}

}  // namespace
}  // namespace modelwarden
