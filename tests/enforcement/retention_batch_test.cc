// Retention in batches, on every backend: whatever the batches' size and time budget, applying
// makes exactly the plan's changes, each audited on its own as the principal retention; a
// version that became protected between the plan and its batch is left alone while the rest of
// the batch goes through.

#include <chrono>
#include <map>
#include <set>
#include <tuple>

#include "tests/enforcement/lifecycle_fixture.h"

namespace modelwarden::testing {
namespace {

using ::testing::HasSubstr;

using Key = std::tuple<std::string, int64_t, RetentionAction, RuleMode>;

class RetentionBatchTest : public LifecycleTest {
 protected:
  std::string Policy() const override {
    return R"({
      "retention": {"rules": [
        {"id": "gold", "mode": "enforce", "model_tag": {"key": "tier", "value": "gold"},
         "keep_latest": 1, "action": "archive"},
        {"id": "exp", "mode": "warn", "model_pattern": "^p\\.exp.*$", "keep_latest": 0,
         "action": "delete"},
        {"id": "everything", "mode": "enforce", "model_pattern": "^p\\..*$",
         "stages": ["None", "Archived"], "keep_latest": 0, "action": "delete"}
      ]}})";
  }

  static Key KeyOf(const PlannedChange& c) { return {c.model, c.version, c.action, c.mode}; }

  std::set<Key> PlanKeys() {
    std::set<Key> planned;
    EXPECT_OK(runner_->Plan(RetentionOptions{},
                            [&](const RetentionEvent& e) { planned.insert(KeyOf(e.change)); }));
    return planned;
  }
};

TEST_P(RetentionBatchTest, AnyBatchingMakesExactlyThePlanEachChangeAuditedOnItsOwn) {
  struct Batching {
    int64_t changes;
    int64_t budget_ms;
  };
  // One change per transaction; a few; a budget spent at once (one change per transaction,
  // the rest carried to the next); everything in one transaction.
  const std::vector<Batching> batchings = {{1, 15}, {4, 15}, {200, 0}, {200, 600000}};
  for (size_t b = 0; b < batchings.size(); ++b) {
    SCOPED_TRACE("batches of " + std::to_string(batchings[b].changes) + ", budget " +
                 std::to_string(batchings[b].budget_ms) + " ms");
    const std::string suffix = std::to_string(b);
    CreateModel("p.x" + suffix, 9);
    CreateModel("p.y" + suffix, 4);
    CreateModel("g.gold" + suffix, 3, {{"tier", "gold"}});
    CreateModel("p.exp" + suffix, 2);
    clock_.Advance(40 * kDay);
    const std::set<Key> planned = PlanKeys();
    ASSERT_EQ(planned.size(), 9u + 4 + 2 + 2);

    RetentionOptions options;
    options.models_per_page = 3;
    options.batch_changes = batchings[b].changes;
    options.batch_budget_ms = batchings[b].budget_ms;
    std::set<Key> done;
    std::map<Key, int> events;
    auto applied = runner_->Apply(options, [&](const RetentionEvent& e) {
      ++events[KeyOf(e.change)];
      EXPECT_NE(e.result, RetentionResult::kSkipped) << e.message;
      EXPECT_NE(e.result, RetentionResult::kGone);
      if (e.result == RetentionResult::kApplied || e.result == RetentionResult::kReported) {
        done.insert(KeyOf(e.change));
      }
    });
    ASSERT_OK(applied);
    EXPECT_EQ(done, planned);
    for (const auto& [key, count] : events) EXPECT_EQ(count, 1) << std::get<0>(key);
    EXPECT_EQ(applied->deleted, 13);
    EXPECT_EQ(applied->archived, 2);
    EXPECT_EQ(applied->reported, 2);

    // One entry per change, under its own version, as the principal retention.
    for (const std::string& model : {"p.x" + suffix, "p.y" + suffix, "g.gold" + suffix}) {
      const bool gold = model[0] == 'g';
      std::multiset<int64_t> audited;
      for (const AuditEvent& e : Audit(model)) {
        if (e.principal != "retention") continue;
        audited.insert(e.version.value_or(0));
        EXPECT_EQ(e.outcome, AuditOutcome::kAllowed);
        EXPECT_EQ(e.operation, gold ? "TransitionModelVersionStage" : "DeleteModelVersion");
        EXPECT_EQ(e.request_id, gold ? "retention-gold" : "retention-everything");
      }
      std::multiset<int64_t> expected;
      for (const Key& k : planned) {
        if (std::get<0>(k) == model) expected.insert(std::get<1>(k));
      }
      EXPECT_EQ(audited, expected) << model;
    }
    EXPECT_TRUE(PlanKeys().size() == 2u) << "only the warn rule's reports are left";
    EXPECT_EQ(Version("g.gold" + suffix, 1)->current_stage, Stage::kArchived);
    EXPECT_EQ(Version("g.gold" + suffix, 3)->current_stage, Stage::kNone);
    for (int64_t v = 1; v <= 9; ++v) EXPECT_FALSE(Version("p.x" + suffix, v)) << v;
    // The warn rule's model is reported, not touched; then gone, so that the next round's
    // plan is its own.
    EXPECT_TRUE(Version("p.exp" + suffix, 1));
    ASSERT_OK(registry_->DeleteRegisteredModel(As("root"), "p.exp" + suffix));
  }
}

TEST_P(RetentionBatchTest, AVersionProtectedBetweenThePlanAndItsBatchIsLeftAlone) {
  CreateModel("p.n", 8);
  clock_.Advance(40 * kDay);
  std::vector<Retirement> retirements;
  ASSERT_OK(runner_->Plan(RetentionOptions{}, [&](const RetentionEvent& e) {
    retirements.push_back(Retirement{e.change.model, e.change.version, false,
                                     RetentionMark{e.change.rule_id, e.change.reason}});
  }));
  ASSERT_EQ(retirements.size(), 8u);
  // Between the plan and the batch: an alias, a stage, an approval request, a deletion.
  ASSERT_OK(registry_->SetRegisteredModelAlias(As("root"), "p.n", "pinned", 7));
  ASSERT_OK(registry_->TransitionModelVersionStage(As("root"), "p.n", 5, Stage::kStaging, false));
  ASSERT_OK(approvals_->Create(As("root"), ApprovalMove{"p.n", 3, Stage::kStaging, false, ""}, ""));
  ASSERT_OK(registry_->DeleteModelVersion(As("root"), "p.n", 1));

  auto ran = registry_->RetireVersions(System(), retirements, std::chrono::hours(1));
  ASSERT_OK(ran);
  ASSERT_EQ(ran->size(), 8u);
  std::map<int64_t, Status> outcome;
  for (size_t i = 0; i < retirements.size(); ++i) {
    ASSERT_TRUE((*ran)[i]) << "an hour's budget leaves nothing undone";
    outcome[retirements[i].version] = (*ran)[i]->status;
  }
  for (int64_t gone : {8, 6, 4, 2}) {
    EXPECT_OK(outcome[gone]) << gone;
    EXPECT_FALSE(Version("p.n", gone)) << gone;
  }
  EXPECT_THAT(outcome[7].message(), HasSubstr("holds alias pinned"));
  EXPECT_THAT(outcome[5].message(), HasSubstr("version 5 is in Staging"));
  EXPECT_THAT(outcome[3].message(), HasSubstr("named by a pending approval"));
  EXPECT_CODE(outcome[1], ErrorCode::kResourceDoesNotExist);
  for (int64_t kept : {7, 5, 3}) EXPECT_TRUE(Version("p.n", kept)) << kept;
  EXPECT_EQ(Version("p.n", 7)->aliases, std::vector<std::string>{"pinned"});

  // Each decision is its own audit entry under the principal retention: four deletions, three
  // refusals, nothing for the version that was gone.
  std::map<int64_t, AuditOutcome> audited;
  for (const AuditEvent& e : Audit("p.n", "DeleteModelVersion")) {
    if (e.principal != "retention") continue;
    EXPECT_TRUE(audited.emplace(e.version.value_or(0), e.outcome).second) << *e.version;
  }
  const auto A = AuditOutcome::kAllowed;
  const auto D = AuditOutcome::kDenied;
  EXPECT_EQ(audited, (std::map<int64_t, AuditOutcome>{
                         {2, A}, {3, D}, {4, A}, {5, D}, {6, A}, {7, D}, {8, A}}));
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionBatchTest, ::testing::ValuesIn(AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden::testing
