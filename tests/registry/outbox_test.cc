// The webhook outbox on every backend: a change's deliveries are written in the change's own
// transaction (a refused or failed change writes none), matched to the webhooks subscribed to
// its event and covering its model; and the delivery worker's side: leases that two claimers
// never share, receivers that fail pausing their webhook, expiry and purge.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "registry/registry_service.h"
#include "registry/text.h"
#include "registry/webhooks/webhook_payloads.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::FakeClock;
using ::modelwarden::testing::TestDatabase;
using E = WebhookEntity;
using A = WebhookAction;

// Denies every change of a model whose name starts with "deny.", as the policy would.
class DenyingGovernor final : public Governor {
 public:
  Status Preauthorize(const CallContext&, const Change&) override { return Status::Ok(); }
  Result<OutsideFacts> Prepare(const CallContext&, const Change&) override {
    return OutsideFacts{};
  }
  Status Authorize(const CallContext&, const Change&, AuthStore&, ModelReader&) override {
    return Status::Ok();
  }
  Result<Verdict> Judge(const CallContext&, const Change& change, const ChangeState&,
                        const OutsideFacts&, ModelReader&) override {
    Verdict verdict;
    if (StartsWith(ModelOf(change), "deny.")) {
      verdict.checks.push_back({"naming", CheckOutcome::kFailed, "no"});
      verdict.checks.push_back({"owner-tag", CheckOutcome::kPassed, ""});
      verdict.denial = Status::InvalidArgument("[naming] no");
    }
    return verdict;
  }
  void Committed(const Change&) override {}
  Status AuthorizeRead(const CallContext&, Operation, const std::string&) override {
    return Status::Ok();
  }
  Result<std::optional<ReadScope>> SearchScope(const CallContext&) override {
    return std::optional<ReadScope>();
  }
};

class OutboxTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (!::modelwarden::testing::BackendConfigured(GetParam())) {
      GTEST_SKIP() << "MODELWARDEN_TEST_MYSQL_URI is not set";
    }
    auto db = TestDatabase::Create(GetParam());
    ASSERT_OK(db);
    database_ = std::move(*db);
    auto store = database_->OpenStore(8);
    ASSERT_OK(store);
    store_ = std::move(*store);
    service_ = std::make_unique<RegistryService>(*store_, governor_, clock_);
    ctx_.request_id = "test";
  }

  // A webhook subscribed to `events`, written as the webhook service writes one.
  std::string AddWebhook(std::vector<WebhookEvent> events, const std::string& prefix = "",
                         WebhookStatus status = WebhookStatus::kActive) {
    StoredWebhook stored;
    stored.webhook.webhook_id = NewUuid4();
    stored.webhook.name = "hook";
    stored.webhook.url = "https://example.com/hook";
    stored.webhook.events = std::move(events);
    stored.webhook.status = status;
    stored.webhook.model_prefix = prefix;
    stored.webhook.creation_timestamp = clock_.NowMillis();
    stored.webhook.last_updated_timestamp = stored.webhook.creation_timestamp;
    EXPECT_OK(
        store_->Write({}, [&](WriteTxn& txn) { return txn.webhooks().InsertWebhook(stored); }));
    return stored.webhook.webhook_id;
  }

  std::vector<Delivery> Deliveries(const std::string& webhook_id = "") {
    DeliveryQuery query;
    query.webhook_id = webhook_id;
    query.max_results = 1000;
    auto page = store_->ListDeliveries(query);
    EXPECT_OK(page);
    return page.ok() ? page->items : std::vector<Delivery>{};
  }

  void CreateModel(const std::string& name, std::vector<Tag> tags = {}) {
    EXPECT_OK(service_->CreateRegisteredModel(ctx_, {name, "", std::move(tags)}));
  }
  void CreateVersion(const std::string& name, std::vector<Tag> tags = {}) {
    NewModelVersion version;
    version.name = name;
    version.source = "s3://bucket/" + name;
    version.tags = std::move(tags);
    EXPECT_OK(service_->CreateModelVersion(ctx_, version));
  }

  std::vector<ClaimedDelivery> Claim(const std::string& owner, int64_t now, int max = 100) {
    ClaimRequest request;
    request.owner = owner;
    request.now = now;
    request.lease_ms = 10000;
    request.max_deliveries = max;
    auto claimed = store_->ClaimDeliveries(request);
    EXPECT_OK(claimed);
    return claimed.ok() ? *claimed : std::vector<ClaimedDelivery>{};
  }

  AttemptRecord Outcome(const ClaimedDelivery& c, DeliveryStatus status, int64_t at,
                        bool receiver_failed = false) {
    AttemptRecord r;
    r.delivery_id = c.delivery.delivery_id;
    r.webhook_id = c.delivery.webhook_id;
    r.lease = c.lease;
    r.attempt.attempt = c.delivery.attempts + 1;
    r.attempt.timestamp = at;
    r.attempt.http_status = status == DeliveryStatus::kDelivered ? 200 : 500;
    r.status = status;
    r.next_attempt_timestamp = at;
    r.receiver_failed = receiver_failed;
    r.webhook_paused_until = receiver_failed ? at + 5000 : 0;
    return r;
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<ModelStore> store_;
  FakeClock clock_;
  DenyingGovernor governor_;
  std::unique_ptr<RegistryService> service_;
  CallContext ctx_;
};

TEST_P(OutboxTest, ACommittedChangeCarriesItsDeliveries) {
  const std::string hook =
      AddWebhook({{E::kRegisteredModel, A::kCreated}, {E::kModelVersion, A::kCreated}});
  CreateModel("fraud.model", {{"team", "risk"}});
  CreateVersion("fraud.model");
  std::vector<Delivery> deliveries = Deliveries(hook);
  ASSERT_EQ(deliveries.size(), 2u);
  // Newest first.
  EXPECT_EQ(deliveries[0].event, (WebhookEvent{E::kModelVersion, A::kCreated}));
  EXPECT_EQ(deliveries[1].event, (WebhookEvent{E::kRegisteredModel, A::kCreated}));
  EXPECT_EQ(deliveries[0].model_name, "fraud.model");
  EXPECT_EQ(deliveries[0].status, DeliveryStatus::kPending);
  EXPECT_EQ(deliveries[0].attempts, 0);
  EXPECT_NE(deliveries[0].delivery_id, deliveries[1].delivery_id);
  auto detail = store_->GetDelivery(deliveries[1].delivery_id);
  ASSERT_OK(detail);
  ASSERT_TRUE(detail->has_value());
  const std::string& body = (*detail)->first.body;
  EXPECT_EQ(body.rfind(R"({"entity": "registered_model", "action": "created", "timestamp": ")", 0),
            0u)
      << body;
  EXPECT_NE(body.find(R"("data": {"name": "fraud.model", "tags": {"team": "risk"}, )"
                      R"("description": ""}})"),
            std::string::npos)
      << body;
}

TEST_P(OutboxTest, RefusedAndFailedChangesWriteNoDelivery) {
  AddWebhook({{E::kModelVersion, A::kCreated}, {E::kModelVersionTag, A::kSet}});
  // MLflow's own check fails: the model does not exist.
  NewModelVersion orphan;
  orphan.name = "missing";
  orphan.source = "s3://b/x";
  EXPECT_CODE(service_->CreateModelVersion(ctx_, orphan), ErrorCode::kResourceDoesNotExist);
  // A bad tag fails validation inside the unit of work.
  CreateModel("m");
  CreateVersion("m");
  EXPECT_CODE(service_->SetModelVersionTag(ctx_, "m", 1, {"bad//key", "v"}),
              ErrorCode::kInvalidParameterValue);
  // A copy from a models:/ source that names no version writes nothing (not even the model's
  // version) and says why, as MLflow's upstream fix does.
  NewModelVersion copy;
  copy.name = "m";
  copy.source = "models:/m/9";
  const auto copied = service_->CreateModelVersion(ctx_, copy);
  EXPECT_CODE(copied, ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(copied.status().message(),
            "Unable to fetch model from model URI source artifact location 'models:/m/9'.Error: "
            "Model Version (name=m, version=9) not found");
  std::vector<Delivery> deliveries = Deliveries();
  ASSERT_EQ(deliveries.size(), 1u);  // Only the version that was created.
  EXPECT_EQ(deliveries[0].event, (WebhookEvent{E::kModelVersion, A::kCreated}));
}

TEST_P(OutboxTest, APolicyDenialIsAnEventWithItsRuleIds) {
  const std::string hook =
      AddWebhook({{E::kPolicy, A::kDenied}, {E::kRegisteredModel, A::kCreated}});
  EXPECT_CODE(service_->CreateRegisteredModel(ctx_, {"deny.me", "", {}}),
              ErrorCode::kInvalidParameterValue);
  std::vector<Delivery> deliveries = Deliveries(hook);
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].event, (WebhookEvent{E::kPolicy, A::kDenied}));
  auto detail = store_->GetDelivery(deliveries[0].delivery_id);
  ASSERT_OK(detail);
  const std::string& body = (*detail)->first.body;
  EXPECT_NE(body.find(R"("data": {"operation": "CreateRegisteredModel", "name": "deny.me", )"
                      R"("version": null, "principal": "anonymous", "request_id": "test", )"
                      R"("rule_ids": ["naming"], "message": "[naming] no"})"),
            std::string::npos)
      << body;
}

TEST_P(OutboxTest, OnlyActiveSubscribedWebhooksInScopeGetTheEvent) {
  const std::string all = AddWebhook({{E::kModelVersion, A::kCreated}});
  const std::string fraud = AddWebhook({{E::kModelVersion, A::kCreated}}, "fraud.");
  const std::string other = AddWebhook({{E::kModelVersion, A::kCreated}}, "pricing.");
  const std::string off =
      AddWebhook({{E::kModelVersion, A::kCreated}}, "", WebhookStatus::kDisabled);
  const std::string tags = AddWebhook({{E::kModelVersionTag, A::kSet}});
  const std::string gone = AddWebhook({{E::kModelVersion, A::kCreated}});
  ASSERT_OK(
      store_->Write({}, [&](WriteTxn& txn) { return txn.webhooks().DeleteWebhook(gone, 1); }));
  CreateModel("fraud.m");
  CreateVersion("fraud.m");
  EXPECT_EQ(Deliveries(all).size(), 1u);
  EXPECT_EQ(Deliveries(fraud).size(), 1u);
  EXPECT_EQ(Deliveries(other).size(), 0u);
  EXPECT_EQ(Deliveries(off).size(), 0u);
  EXPECT_EQ(Deliveries(tags).size(), 0u);
  EXPECT_EQ(Deliveries(gone).size(), 0u);
}

TEST_P(OutboxTest, PromptsGetThePromptEventsAsMlflowFiresThem) {
  const std::string hook = AddWebhook({{E::kModelVersionTag, A::kSet},
                                       {E::kPromptVersionTag, A::kSet},
                                       {E::kPromptTag, A::kSet},
                                       {E::kPrompt, A::kCreated}});
  CreateModel("plain");
  CreateVersion("plain");
  CreateModel("prompt", {{"mlflow.prompt.is_prompt", "true"}});
  CreateVersion("prompt", {{"mlflow.prompt.is_prompt", "true"}});
  ASSERT_OK(service_->SetModelVersionTag(ctx_, "plain", 1, {"k", "v"}));
  ASSERT_OK(service_->SetModelVersionTag(ctx_, "prompt", 1, {"k", "v"}));
  // Model tags fire only for prompts.
  ASSERT_OK(service_->SetRegisteredModelTag(ctx_, "plain", {"k", "v"}));
  ASSERT_OK(service_->SetRegisteredModelTag(ctx_, "prompt", {"k", "v"}));
  std::multiset<std::string> events;
  for (const Delivery& d : Deliveries(hook)) events.insert(EventName(d.event) + "@" + d.model_name);
  EXPECT_EQ(events,
            (std::multiset<std::string>{"prompt.created@prompt", "model_version_tag.set@plain",
                                        "prompt_version_tag.set@prompt", "prompt_tag.set@prompt"}));
}

TEST_P(OutboxTest, ModelwardensEventsCoverRenamesDeletionsAndTransitions) {
  const std::string hook = AddWebhook({{E::kRegisteredModel, A::kRenamed},
                                       {E::kRegisteredModel, A::kDeleted},
                                       {E::kModelVersion, A::kDeleted},
                                       {E::kModelVersion, A::kStageTransitioned}},
                                      "a.");
  CreateModel("a.m");
  CreateVersion("a.m");
  CreateVersion("a.m");
  ASSERT_OK(service_->TransitionModelVersionStage(ctx_, "a.m", 1, Stage::kStaging, false));
  ASSERT_OK(service_->DeleteModelVersion(ctx_, "a.m", 2));
  // Out of the webhook's prefix by its new name, still in it by the old one.
  ASSERT_OK(service_->RenameRegisteredModel(ctx_, "a.m", "b.m"));
  ASSERT_OK(service_->DeleteRegisteredModel(ctx_, "b.m"));  // Out of scope now.
  std::vector<std::string> events;
  for (const Delivery& d : Deliveries(hook)) events.push_back(EventName(d.event));
  EXPECT_EQ(events, (std::vector<std::string>{"registered_model.renamed", "model_version.deleted",
                                              "model_version.stage_transitioned"}));
}

TEST_P(OutboxTest, ALeasedDeliveryIsNeverClaimedTwice) {
  AddWebhook({{E::kRegisteredModel, A::kCreated}});
  for (int i = 0; i < 5; ++i) CreateModel("m" + std::to_string(i));
  const int64_t now = clock_.Peek() + 1000;
  std::vector<ClaimedDelivery> first = Claim("a:1", now, 3);
  std::vector<ClaimedDelivery> second = Claim("b:1", now, 10);
  EXPECT_EQ(first.size(), 3u);
  EXPECT_EQ(second.size(), 2u);
  EXPECT_TRUE(Claim("c:1", now).empty());
  // A worker that died: its leases expire and the deliveries are claimed again.
  EXPECT_EQ(Claim("c:2", now + 10001).size(), 5u);
  // A record under a lost lease leaves the delivery as it is (the attempt is kept).
  ASSERT_OK(store_->RecordAttempts({Outcome(first[0], DeliveryStatus::kDelivered, now)}));
  auto detail = store_->GetDelivery(first[0].delivery.delivery_id);
  ASSERT_OK(detail);
  EXPECT_EQ((*detail)->first.status, DeliveryStatus::kPending);
  EXPECT_EQ((*detail)->second.size(), 1u);
}

TEST_P(OutboxTest, ConcurrentClaimersShareNothing) {
  AddWebhook({{E::kRegisteredModel, A::kCreated}});
  constexpr int kModels = 60;
  for (int i = 0; i < kModels; ++i) CreateModel("c" + std::to_string(i));
  const int64_t now = clock_.Peek() + 1000;
  std::mutex mutex;
  std::map<std::string, int> claims;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 10; ++round) {
        ClaimRequest request;
        request.owner = "w" + std::to_string(t) + ":" + std::to_string(round);
        request.now = now;
        request.lease_ms = 60000;
        request.max_deliveries = 4;
        auto claimed = store_->ClaimDeliveries(request);
        if (!claimed.ok()) continue;  // A deadlock victim; another round claims the rest.
        std::lock_guard<std::mutex> lock(mutex);
        for (const ClaimedDelivery& c : *claimed) ++claims[c.delivery.delivery_id];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(claims.size(), static_cast<size_t>(kModels));
  EXPECT_GE(claims.size(), 40u);  // 4 workers x 10 rounds x 4, minus rounds lost to deadlocks.
  for (const auto& [id, count] : claims) EXPECT_EQ(count, 1) << id;
}

TEST_P(OutboxTest, AFailingReceiverPausesItsWebhookThenGetsOneAtATime) {
  const std::string hook = AddWebhook({{E::kRegisteredModel, A::kCreated}});
  for (int i = 0; i < 4; ++i) CreateModel("p" + std::to_string(i));
  int64_t now = clock_.Peek() + 1000;
  std::vector<ClaimedDelivery> claimed = Claim("a:1", now);
  ASSERT_EQ(claimed.size(), 4u);
  std::vector<AttemptRecord> failed;
  for (const ClaimedDelivery& c : claimed) {
    failed.push_back(Outcome(c, DeliveryStatus::kPending, now, /*receiver_failed=*/true));
  }
  ASSERT_OK(store_->RecordAttempts(failed));
  EXPECT_TRUE(Claim("a:2", now + 4999).empty());  // Paused for 5 s.
  std::vector<ClaimedDelivery> probe = Claim("a:3", now + 5000);
  ASSERT_EQ(probe.size(), 1u);
  EXPECT_EQ(probe[0].delivery.attempts, 1);
  EXPECT_EQ(probe[0].receiver_failures, 1);
  EXPECT_TRUE(Claim("a:4", now + 5001).empty());  // The probe is in flight.
  ASSERT_OK(store_->RecordAttempts({Outcome(probe[0], DeliveryStatus::kDelivered, now + 5002)}));
  EXPECT_EQ(Claim("a:5", now + 5003).size(), 3u);  // Healthy again: the rest at once.
  std::vector<Delivery> all = Deliveries(hook);
  EXPECT_EQ(std::count_if(all.begin(), all.end(),
                          [](const Delivery& d) { return d.status == DeliveryStatus::kDelivered; }),
            1);
}

TEST_P(OutboxTest, ExpiryFailsStalePendingDeliveriesAndPurgeDropsOldFinishedOnes) {
  const std::string hook = AddWebhook({{E::kRegisteredModel, A::kCreated}});
  CreateModel("old");
  const int64_t created = clock_.Peek();
  std::vector<ClaimedDelivery> claimed = Claim("a:1", created + 10);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_OK(
      store_->RecordAttempts({Outcome(claimed[0], DeliveryStatus::kDelivered, created + 20)}));
  CreateModel("stale");
  auto counts = store_->ExpireAndPurge(created + 100000, created + 50000, created + 21);
  ASSERT_OK(counts);
  EXPECT_EQ(counts->expired, 1);
  EXPECT_EQ(counts->purged, 1);
  std::vector<Delivery> left = Deliveries(hook);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].model_name, "stale");
  EXPECT_EQ(left[0].status, DeliveryStatus::kFailed);
  EXPECT_EQ(left[0].last_error, "not delivered within the retry window");
  // A redelivery makes it pending and due again, under the same id.
  ASSERT_OK(store_->Write({}, [&](WriteTxn& txn) {
    return txn.webhooks().Redeliver(left[0].delivery_id, created + 100001);
  }));
  std::vector<ClaimedDelivery> again = Claim("a:2", created + 100002);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].delivery.delivery_id, left[0].delivery_id);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxTest,
                         ::testing::ValuesIn(::modelwarden::testing::AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
