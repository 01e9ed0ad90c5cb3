// The delivery worker over a real SQLite outbox and a fake receiver: MLflow's request, the same
// delivery id on every attempt, retries with backoff (500 then 200 delivers), Retry-After, the
// limits (max retries, the retry window), answers that are not retried, secrets that cannot be
// read, refused targets, and the threaded worker delivering everything it is given.
#include "enforcement/webhooks/delivery_worker.h"

#include <chrono>
#include <thread>

#include "enforcement/access/crypto.h"
#include "enforcement/webhooks/retry_policy.h"
#include "registry/registry_service.h"
#include "registry/store_factory.h"
#include "registry/text.h"
#include "tests/enforcement/fake_webhook_transport.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::FakeClock;
using ::modelwarden::testing::FakeWebhookTransport;
using ::testing::HasSubstr;
using E = WebhookEntity;
using A = WebhookAction;

class DeliveryWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenModelStore(StoreOptions{"sqlite:///:memory:", 1, 1000});
    ASSERT_OK(store);
    store_ = std::move(*store);
    auto box = WebhookSecretBox::FromKey("a test key that is long enough");
    ASSERT_OK(box);
    secrets_ = std::make_unique<WebhookSecretBox>(std::move(*box));
    service_ = std::make_unique<RegistryService>(*store_, permit_all_, clock_);
  }

  std::unique_ptr<DeliveryWorker> Worker(DeliveryWorkerOptions options = {}) {
    return std::make_unique<DeliveryWorker>(*store_, *secrets_, transport_, clock_, options);
  }

  std::string AddWebhook(const std::string& url = "https://example.com/hook",
                         const std::string& secret = "") {
    StoredWebhook stored;
    stored.webhook.webhook_id = NewUuid4();
    stored.webhook.name = "hook";
    stored.webhook.url = url;
    stored.webhook.events = {{E::kRegisteredModel, A::kCreated}};
    if (!secret.empty()) {
      auto sealed = secrets_->Seal(secret, stored.webhook.webhook_id);
      EXPECT_OK(sealed);
      stored.sealed_secret = *sealed;
    }
    EXPECT_OK(
        store_->Write({}, [&](WriteTxn& txn) { return txn.webhooks().InsertWebhook(stored); }));
    return stored.webhook.webhook_id;
  }

  void CreateModel(const std::string& name) {
    CallContext ctx;
    EXPECT_OK(service_->CreateRegisteredModel(ctx, {name, "", {}}));
  }

  std::pair<Delivery, std::vector<DeliveryAttempt>> OnlyDelivery() {
    DeliveryQuery query;
    auto page = store_->ListDeliveries(query);
    EXPECT_OK(page);
    EXPECT_EQ(page->items.size(), 1u);
    auto found = store_->GetDelivery(page->items.at(0).delivery_id);
    EXPECT_OK(found);
    return **found;
  }

  FakeClock clock_;
  std::unique_ptr<ModelStore> store_;
  std::unique_ptr<WebhookSecretBox> secrets_;
  PermitAll permit_all_;
  std::unique_ptr<RegistryService> service_;
  FakeWebhookTransport transport_;
};

TEST_F(DeliveryWorkerTest, AReceiverThatFailsThenAnswersGetsTheEventOnTheRetry) {
  AddWebhook("https://example.com/hook", "my_secret");
  CreateModel("m");
  transport_.Answer(500, "busy");
  auto worker = Worker();
  EXPECT_EQ(*worker->RunOnce(), 1);
  auto [pending, attempts] = OnlyDelivery();
  EXPECT_EQ(pending.status, DeliveryStatus::kPending);
  EXPECT_EQ(pending.attempts, 1);
  EXPECT_EQ(pending.last_http_status, 500);
  ASSERT_TRUE(pending.next_attempt_timestamp.has_value());
  // The first retry waits 1 s plus up to 1 s of jitter.
  EXPECT_GE(*pending.next_attempt_timestamp - *pending.last_attempt_timestamp, 1000);
  EXPECT_LE(*pending.next_attempt_timestamp - *pending.last_attempt_timestamp, 2000);
  EXPECT_EQ(*worker->RunOnce(), 0);  // Not due yet.
  clock_.Advance(2100);
  EXPECT_EQ(*worker->RunOnce(), 1);
  auto [delivered, history] = OnlyDelivery();
  EXPECT_EQ(delivered.status, DeliveryStatus::kDelivered);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].http_status, 500);
  EXPECT_EQ(history[1].http_status, 200);
  EXPECT_EQ(history[1].attempt, 2);
  // Both attempts carried the same delivery id, each signed over its own timestamp.
  const std::vector<WebhookRequest> requests = transport_.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const WebhookRequest& request : requests) {
    const std::string id = FakeWebhookTransport::Header(request, "X-MLflow-Delivery-Id");
    const std::string ts = FakeWebhookTransport::Header(request, "X-MLflow-Timestamp");
    EXPECT_EQ(id, delivered.delivery_id);
    EXPECT_EQ(request.body, delivered.body);
    EXPECT_EQ(FakeWebhookTransport::Header(request, "X-MLflow-Signature"),
              "v1," + EncodeBase64(HmacSha256("my_secret", id + "." + ts + "." + request.body)));
  }
  EXPECT_EQ(*worker->RunOnce(), 0);  // Delivered once.
}

TEST_F(DeliveryWorkerTest, RetryAfterIsHonoured) {
  AddWebhook();
  CreateModel("m");
  transport_.Answer(503, "", std::string("120"));
  auto worker = Worker();
  EXPECT_EQ(*worker->RunOnce(), 1);
  clock_.Advance(60 * 1000);
  EXPECT_EQ(*worker->RunOnce(), 0);
  clock_.Advance(61 * 1000);
  EXPECT_EQ(*worker->RunOnce(), 1);
  EXPECT_EQ(OnlyDelivery().first.status, DeliveryStatus::kDelivered);
}

TEST_F(DeliveryWorkerTest, RetriesStopAtMaxRetriesOrTheWindow) {
  AddWebhook();
  CreateModel("m");
  DeliveryWorkerOptions options;
  options.limits.max_retries = 1;
  auto worker = Worker(options);
  transport_.Fail("connection refused");
  transport_.Fail("connection refused");
  EXPECT_EQ(*worker->RunOnce(), 1);
  clock_.Advance(5000);
  EXPECT_EQ(*worker->RunOnce(), 1);
  auto [failed, history] = OnlyDelivery();
  EXPECT_EQ(failed.status, DeliveryStatus::kFailed);
  EXPECT_EQ(history.size(), 2u);
  EXPECT_THAT(failed.last_error, HasSubstr("gave up"));

  CreateModel("n");  // A second delivery, with a window shorter than the first backoff.
  DeliveryWorkerOptions short_window;
  short_window.limits.window_millis = 500;
  transport_.Fail("connection refused");
  clock_.Advance(60 * 1000);  // Past the webhook's pause.
  EXPECT_EQ(*Worker(short_window)->RunOnce(), 1);
  DeliveryQuery query;
  query.status = DeliveryStatus::kFailed;
  EXPECT_EQ(store_->ListDeliveries(query)->items.size(), 2u);
}

TEST_F(DeliveryWorkerTest, ClientErrorsAreNotRetried) {
  AddWebhook();
  CreateModel("m");
  transport_.Answer(400, "bad");
  EXPECT_EQ(*Worker()->RunOnce(), 1);
  auto [failed, history] = OnlyDelivery();
  EXPECT_EQ(failed.status, DeliveryStatus::kFailed);
  EXPECT_EQ(failed.last_http_status, 400);
  EXPECT_EQ(history.size(), 1u);
}

TEST_F(DeliveryWorkerTest, UnreadableSecretsAndRefusedTargetsFailWithoutSending) {
  const std::string hook = AddWebhook("https://example.com/hook", "s");
  CreateModel("m");
  auto other_key = WebhookSecretBox::FromKey("the key was changed since then");
  ASSERT_OK(other_key);
  DeliveryWorker worker(*store_, *other_key, transport_, clock_, {});
  EXPECT_EQ(*worker.RunOnce(), 1);
  EXPECT_TRUE(transport_.requests().empty());
  EXPECT_THAT(OnlyDelivery().first.last_error, HasSubstr("cannot be decrypted"));

  ASSERT_OK(
      store_->Write({}, [&](WriteTxn& txn) { return txn.webhooks().DeleteWebhook(hook, 1); }));
  AddWebhook("http://127.0.0.1:9/hook");
  CreateModel("n");
  DeliveryWorkerOptions strict;
  strict.deny_private_targets = true;
  EXPECT_EQ(*Worker(strict)->RunOnce(), 1);
  EXPECT_TRUE(transport_.requests().empty());
  DeliveryQuery query;
  query.status = DeliveryStatus::kFailed;
  auto failed = store_->ListDeliveries(query);
  ASSERT_OK(failed);
  ASSERT_EQ(failed->items.size(), 2u);
  EXPECT_THAT(failed->items[0].last_error, HasSubstr("loopback"));
}

TEST_F(DeliveryWorkerTest, TheRunningWorkerDeliversEverything) {
  AddWebhook();
  constexpr int kEvents = 50;
  DeliveryWorkerOptions options;
  options.senders = 4;
  options.poll_interval = std::chrono::milliseconds(20);
  auto worker = Worker(options);
  worker->Start();
  for (int i = 0; i < kEvents; ++i) {
    CreateModel("m" + std::to_string(i));
    worker->DeliveriesRecorded();
  }
  DeliveryQuery query;
  query.status = DeliveryStatus::kDelivered;
  query.max_results = 1000;
  // Far above what it takes (well under a second): a bound, not a target.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (store_->ListDeliveries(query)->items.size() < kEvents &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  worker->Stop();
  EXPECT_EQ(store_->ListDeliveries(query)->items.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(transport_.requests().size(), static_cast<size_t>(kEvents));
}

TEST(RetryPolicyTest, BackoffAndRetryAfter) {
  EXPECT_EQ(BackoffMillis(1, 0.0), 1000);
  EXPECT_EQ(BackoffMillis(2, 0.5), 2500);
  EXPECT_EQ(BackoffMillis(7, 0.0), 60000);  // 64 s capped at MLflow's backoff_max.
  EXPECT_EQ(BackoffMillis(100, 0.0), 60000);
  EXPECT_EQ(RetryAfterMillis("30", 0), 30000);
  EXPECT_EQ(RetryAfterMillis("99999999", 0), kMaxRetryAfterMillis);
  // Sun, 06 Nov 1994 08:49:37 GMT is 784111777 s.
  EXPECT_EQ(RetryAfterMillis("Sun, 06 Nov 1994 08:49:37 GMT", 784111777000 - 5000), 5000);
  EXPECT_EQ(RetryAfterMillis("soon", 0), std::nullopt);
  WebhookResponse response;
  for (int status : {0, 408, 429, 500, 502, 503, 504, 599}) {
    response.status = status;
    EXPECT_EQ(ClassifyResponse(response), AttemptVerdict::kRetry) << status;
  }
  for (int status : {301, 400, 401, 404, 410}) {
    response.status = status;
    EXPECT_EQ(ClassifyResponse(response), AttemptVerdict::kFailed) << status;
  }
  response.status = 204;
  EXPECT_EQ(ClassifyResponse(response), AttemptVerdict::kDelivered);
}

}  // namespace
}  // namespace modelwarden
