// Retention on every backend: the plan lists exactly what applying it changes (and a second
// apply changes nothing); versions that hold an alias, are in Staging or Production, are named
// by a pending approval or are new are never touched, also when that protection appears after
// the plan; every change is audited as the principal "retention"; deleted numbers are never
// reused; and two runners on one database (two servers) never run a pass at once.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "enforcement/lifecycle/retention_schedule.h"
#include "tests/enforcement/lifecycle_fixture.h"

namespace modelwarden::testing {
namespace {

using ::testing::HasSubstr;

using Key = std::tuple<std::string, int64_t, RetentionAction, RuleMode>;

Key KeyOf(const PlannedChange& c) { return {c.model, c.version, c.action, c.mode}; }

class RetentionTest : public LifecycleTest {
 protected:
  std::string Policy() const override {
    return R"({
      "retention": {"rules": [
        {"id": "dev", "mode": "enforce", "model_pattern": "^dev\\..*$", "stages": ["None"],
         "keep_latest": 2, "older_than_days": 30, "action": "delete"},
        {"id": "gold", "mode": "enforce", "model_tag": {"key": "tier", "value": "gold"},
         "keep_latest": 1, "action": "archive"},
        {"id": "exp", "mode": "warn", "model_pattern": "^exp\\..*$",
         "stages": ["None", "Archived"], "keep_latest": 0, "action": "delete"},
        {"id": "everything", "mode": "enforce", "model_pattern": "^p\\..*$",
         "stages": ["None", "Archived"], "keep_latest": 0, "action": "delete"}
      ]}})";
  }

  std::set<Key> PlanKeys() {
    std::set<Key> planned;
    RetentionOptions options;
    options.models_per_page = 2;  // Several pages, so that paging is part of what is tested.
    auto plan = runner_->Plan(options, [&](const RetentionEvent& e) {
      EXPECT_TRUE(planned.insert(KeyOf(e.change)).second) << e.change.model << e.change.version;
    });
    EXPECT_OK(plan);
    return planned;
  }

  // Applies; returns the changes made and the ones reported.
  std::set<Key> ApplyKeys(RetentionSummary* summary = nullptr) {
    std::set<Key> done;
    RetentionOptions options;
    options.models_per_page = 2;
    auto applied = runner_->Apply(options, [&](const RetentionEvent& e) {
      if (e.result == RetentionResult::kApplied || e.result == RetentionResult::kReported) {
        done.insert(KeyOf(e.change));
      }
      EXPECT_NE(e.result, RetentionResult::kSkipped) << e.message;
    });
    EXPECT_OK(applied);
    if (summary != nullptr && applied.ok()) *summary = *applied;
    return done;
  }
};

TEST_P(RetentionTest, PlanEqualsWhatApplyChangesAndApplyIsIdempotent) {
  CreateModel("dev.a", 6);
  CreateModel("dev.b", 3);
  CreateModel("gold.c", 3, {{"tier", "gold"}});
  CreateModel("exp.d", 2);
  CreateModel("other.e", 3);
  CreateModel("dev.prompt", 4, {{"mlflow.prompt.is_prompt", "true"}});
  ASSERT_OK(registry_->SetRegisteredModelAlias(As("root"), "dev.a", "pinned", 2));
  ASSERT_OK(registry_->TransitionModelVersionStage(As("root"), "dev.a", 3, Stage::kStaging, false));
  clock_.Advance(40 * kDay);
  ASSERT_OK(registry_->CreateModelVersion(As("root"), {"dev.b", "s3://b/4", "", "", "", {}}));
  ASSERT_OK(registry_->CreateModelVersion(As("root"), {"dev.b", "s3://b/5", "", "", "", {}}));

  const std::set<Key> planned = PlanKeys();
  const auto D = RetentionAction::kDelete;
  const auto A = RetentionAction::kArchive;
  const auto E = RuleMode::kEnforce;
  const std::set<Key> expected = {{"dev.a", 4, D, E},
                                  {"dev.a", 1, D, E},
                                  {"dev.b", 3, D, E},
                                  {"dev.b", 2, D, E},
                                  {"dev.b", 1, D, E},
                                  {"gold.c", 2, A, E},
                                  {"gold.c", 1, A, E},
                                  {"exp.d", 2, D, RuleMode::kWarn},
                                  {"exp.d", 1, D, RuleMode::kWarn}};
  EXPECT_EQ(planned, expected);

  RetentionSummary summary;
  EXPECT_EQ(ApplyKeys(&summary), planned);
  EXPECT_EQ(summary.deleted, 5);
  EXPECT_EQ(summary.archived, 2);
  EXPECT_EQ(summary.reported, 2);
  for (int64_t gone : {1, 4}) EXPECT_FALSE(Version("dev.a", gone)) << gone;
  for (int64_t kept : {2, 3, 5, 6}) EXPECT_TRUE(Version("dev.a", kept)) << kept;
  EXPECT_EQ(Version("gold.c", 1)->current_stage, Stage::kArchived);
  EXPECT_EQ(Version("gold.c", 3)->current_stage, Stage::kNone);
  EXPECT_TRUE(Version("exp.d", 1));
  EXPECT_TRUE(Version("dev.prompt", 1));
  EXPECT_TRUE(Version("other.e", 1));

  // Every change is in the audit log, as the principal retention, with its rule.
  int audited = 0;
  for (const char* model : {"dev.a", "dev.b", "gold.c"}) {
    for (const AuditEvent& e : Audit(model)) {
      if (e.principal != "retention") continue;
      ++audited;
      EXPECT_EQ(e.outcome, AuditOutcome::kAllowed) << e.after;
      EXPECT_THAT(e.after, HasSubstr(model == std::string("gold.c") ? "retention rule gold"
                                                                    : "retention rule dev"));
      EXPECT_EQ(e.operation, model == std::string("gold.c") ? "TransitionModelVersionStage"
                                                            : "DeleteModelVersion");
    }
  }
  EXPECT_EQ(audited, 7);

  // Again: nothing left to do but what the warn rule keeps reporting.
  std::set<Key> warn_only;
  for (const Key& k : expected) {
    if (std::get<3>(k) == RuleMode::kWarn) warn_only.insert(k);
  }
  EXPECT_EQ(PlanKeys(), warn_only);
  RetentionSummary again;
  EXPECT_EQ(ApplyKeys(&again), warn_only);
  EXPECT_EQ(again.deleted + again.archived, 0);
  // Deleted numbers stay taken, as MLflow's soft delete.
  auto next = registry_->CreateModelVersion(As("root"), {"dev.a", "s3://a/7", "", "", "", {}});
  ASSERT_OK(next);
  EXPECT_EQ(next->value.version, 7);
}

TEST_P(RetentionTest, ProtectedVersionsAreNeverTouched) {
  // A rule that would delete every version of p.m: only v5 is fair game.
  CreateModel("p.m", 5);
  ASSERT_OK(registry_->SetRegisteredModelAlias(As("root"), "p.m", "pinned", 1));
  ASSERT_OK(registry_->TransitionModelVersionStage(As("root"), "p.m", 2, Stage::kStaging, false));
  ASSERT_OK(
      registry_->TransitionModelVersionStage(As("root"), "p.m", 3, Stage::kProduction, false));
  clock_.Advance(40 * kDay);
  // Pending approvals expire (after 72 hours here): this one is fresh.
  ASSERT_OK(approvals_->Create(As("root"), ApprovalMove{"p.m", 4, Stage::kStaging, false, ""}, ""));
  ASSERT_OK(registry_->CreateModelVersion(As("root"), {"p.m", "s3://p/6", "", "", "", {}}));

  std::set<Key> planned = PlanKeys();
  EXPECT_EQ(planned, (std::set<Key>{{"p.m", 5, RetentionAction::kDelete, RuleMode::kEnforce}}));
  auto plan = runner_->Plan(RetentionOptions{}, nullptr);
  ASSERT_OK(plan);
  EXPECT_EQ(plan->protected_versions, 3);  // The alias, the approval, the new version.
  EXPECT_EQ(ApplyKeys(), planned);
  EXPECT_FALSE(Version("p.m", 5));
  for (int64_t kept : {1, 2, 3, 4, 6}) EXPECT_TRUE(Version("p.m", kept)) << kept;
}

TEST_P(RetentionTest, ProtectionThatAppearsAfterThePlanWins) {
  CreateModel("p.n", 4);
  clock_.Advance(40 * kDay);
  std::vector<PlannedChange> plan;
  ASSERT_OK(runner_->Plan(RetentionOptions{},
                          [&](const RetentionEvent& e) { plan.push_back(e.change); }));
  ASSERT_EQ(plan.size(), 4u);
  // Between the plan and its changes: an alias, an approval request, a stage, a deletion.
  ASSERT_OK(registry_->SetRegisteredModelAlias(As("root"), "p.n", "pinned", 4));
  ASSERT_OK(approvals_->Create(As("root"), ApprovalMove{"p.n", 3, Stage::kStaging, false, ""}, ""));
  ASSERT_OK(registry_->TransitionModelVersionStage(As("root"), "p.n", 2, Stage::kStaging, false));
  ASSERT_OK(registry_->DeleteModelVersion(As("root"), "p.n", 1));
  std::map<int64_t, Status> outcome;
  for (const PlannedChange& c : plan) {
    outcome[c.version] =
        registry_
            ->RetireVersion(
                System(), Retirement{c.model, c.version, false, RetentionMark{c.rule_id, c.reason}})
            .status();
  }
  EXPECT_EQ(outcome[1].code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_THAT(outcome[2].message(), HasSubstr("version 2 is in Staging"));
  EXPECT_THAT(outcome[3].message(), HasSubstr("named by a pending approval"));
  EXPECT_THAT(outcome[4].message(), HasSubstr("holds alias pinned"));
  for (int64_t kept : {2, 3, 4}) EXPECT_TRUE(Version("p.n", kept)) << kept;
  int denied = 0;
  for (const AuditEvent& e : Audit("p.n", "DeleteModelVersion")) {
    if (e.principal == "retention") {
      ++denied;
      EXPECT_EQ(e.outcome, AuditOutcome::kDenied);
    }
  }
  EXPECT_EQ(denied, 3);
  // A rule that stops being enforced stops its changes too.
  UsePolicy(R"({"retention": {"rules": [{"id": "everything", "mode": "warn",
      "model_pattern": "^p\\..*$", "keep_latest": 0, "action": "delete"}]}})");
  ASSERT_OK(registry_->DeleteRegisteredModelAlias(As("root"), "p.n", "pinned"));
  Status warned =
      registry_
          ->RetireVersion(System(), Retirement{"p.n", 4, false, RetentionMark{"everything", ""}})
          .status();
  EXPECT_THAT(warned.message(), HasSubstr("no longer enforced"));
  EXPECT_TRUE(Version("p.n", 4));
}

TEST_P(RetentionTest, MaxChangesBoundsAPassAndTheNextOneGoesOn) {
  CreateModel("p.q", 5);
  clock_.Advance(40 * kDay);
  RetentionOptions options;
  options.max_changes = 3;
  auto first = runner_->Apply(options, nullptr);
  ASSERT_OK(first);
  EXPECT_EQ(first->deleted, 3);
  EXPECT_TRUE(first->stopped_at_limit);
  auto second = runner_->Apply(options, nullptr);
  ASSERT_OK(second);
  EXPECT_EQ(second->deleted, 2);
  EXPECT_FALSE(second->stopped_at_limit);
}

// A pass and a user's promotions meet on the same versions: each version ends either retired by
// the pass (and the promotion answered that it is gone) or promoted (and the pass skipped it),
// never both and never neither; the unit of work, not the plan, decides.
TEST_P(RetentionTest, APassAndPromotionsThatMeetNeverBothWin) {
  constexpr int kVersions = 60;
  CreateModel("p.race", kVersions);
  clock_.Advance(40 * kDay);
  std::mutex mu;
  std::condition_variable started_cv;
  bool started = false;
  std::map<int64_t, RetentionResult> retired;
  // Small batches, so that the promotions land between them (as they do between a real
  // pass's ~15 ms batches): each change of a batch is judged on the state it locked.
  RetentionOptions options;
  options.batch_changes = 3;
  std::thread pass([&] {
    auto done = runner_->Apply(options, [&](const RetentionEvent& e) {
      {
        std::lock_guard<std::mutex> lock(mu);
        retired[e.change.version] = e.result;
        started = true;
      }
      started_cv.notify_all();
      std::this_thread::sleep_for(std::chrono::microseconds(300));  // Let the promoter in.
    });
    EXPECT_OK(done);
  });
  {
    // Promote once the pass makes its changes, so that the two really meet.
    std::unique_lock<std::mutex> lock(mu);
    started_cv.wait(lock, [&] { return started; });
  }
  // From the other end of the model (the pass goes newest first): a stage, an alias, an
  // approval request in turn.
  std::map<int64_t, Status> promoted;
  for (int64_t v = 1; v <= kVersions; ++v) {
    switch (v % 3) {
      case 0:
        promoted[v] =
            registry_->TransitionModelVersionStage(As("root"), "p.race", v, Stage::kStaging, false)
                .status();
        break;
      case 1:
        promoted[v] =
            registry_->SetRegisteredModelAlias(As("root"), "p.race", "pin" + std::to_string(v), v)
                .status();
        break;
      default:
        promoted[v] =
            approvals_
                ->Create(As("root"), ApprovalMove{"p.race", v, Stage::kProduction, false, ""}, "")
                .status();
    }
  }
  pass.join();
  int retired_count = 0;
  int promoted_count = 0;
  for (int64_t v = 1; v <= kVersions; ++v) {
    const bool was_retired = retired.count(v) != 0 && retired[v] == RetentionResult::kApplied;
    const bool was_promoted = promoted[v].ok();
    EXPECT_NE(was_retired, was_promoted)
        << "version " << v << ": " << promoted[v].ToString() << " / "
        << (retired.count(v) != 0 ? static_cast<int>(retired[v]) : -1);
    if (was_retired) {
      ++retired_count;
      EXPECT_EQ(promoted[v].code(), ErrorCode::kResourceDoesNotExist) << v;
      EXPECT_FALSE(Version("p.race", v)) << v;
    } else if (was_promoted) {
      ++promoted_count;
      EXPECT_TRUE(Version("p.race", v)) << v;
      if (retired.count(v) != 0) {
        EXPECT_EQ(retired[v], RetentionResult::kSkipped) << v;
      }
    }
  }
  // Both sides won some: otherwise the two never met and this proved nothing.
  EXPECT_GT(retired_count, 0);
  EXPECT_GT(promoted_count, 0);
  // Every retirement is audited under the principal retention, and nothing else is.
  int audited = 0;
  for (const AuditEvent& e : Audit("p.race", "DeleteModelVersion")) {
    if (e.principal == "retention" && e.outcome == AuditOutcome::kAllowed) ++audited;
  }
  EXPECT_EQ(audited, retired_count);
}

// A server's schedule (--retention-interval-minutes) runs passes on a thread of its own, under
// the lease, each change audited as the principal retention, one log line per pass; Stop ends
// it.
TEST_P(RetentionTest, TheScheduleRunsPassesUntilStopped) {
  CreateModel("p.s", 3);
  clock_.Advance(40 * kDay);
  std::mutex mu;
  std::vector<std::string> lines;
  RetentionOptions options;
  options.holder = "scheduled-server";
  RetentionSchedule schedule(*runner_, *policy_, std::chrono::milliseconds(20), options,
                             [&](const std::string& line) {
                               std::lock_guard<std::mutex> lock(mu);
                               lines.push_back(line);
                             });
  schedule.Start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool gone = false;
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    gone = !Version("p.s", 1) && !Version("p.s", 2) && !Version("p.s", 3);
  }
  schedule.Stop();
  EXPECT_TRUE(gone) << "no scheduled pass deleted the versions within 30 s";
  size_t passes = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    passes = lines.size();
    ASSERT_GE(passes, 1u);
    EXPECT_THAT(lines.front(), HasSubstr("retention: pass as scheduled-server: 3 deleted"));
  }
  int audited = 0;
  for (const AuditEvent& e : Audit("p.s", "DeleteModelVersion")) {
    if (e.principal == "retention" && e.outcome == AuditOutcome::kAllowed) ++audited;
  }
  EXPECT_EQ(audited, 3);
  // Stopped: no pass runs any more, and the lease is free for another server.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(lines.size(), passes);
  }
  auto taken = stores_.models->AcquireLease(kRetentionLease, "another-server", 60000);
  ASSERT_OK(taken);
  EXPECT_TRUE(*taken);
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionTest, ::testing::ValuesIn(AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return BackendName(backend.param);
                         });

// Two servers' runners on one database (each its own store and connection pool): the lease lets
// one pass run at a time.
class RetentionLeaseTest : public RetentionTest {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqliteMemory) GTEST_SKIP() << "a private in-memory database";
    RetentionTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto second = database_->OpenStores();
    ASSERT_OK(second);
    second_ = std::move(*second);
    access2_ = std::make_unique<AccessControl>(*second_.auth, clock_, access_->options());
    governor2_ =
        std::make_unique<EnforcingGovernor>(*policy_, *access2_, *second_.models, nullptr, &clock_);
    registry2_ = std::make_unique<RegistryService>(*second_.models, *governor2_, clock_);
    planner2_ = std::make_unique<RetentionPlanner>(*policy_, *second_.models, clock_);
    runner2_ = std::make_unique<RetentionRunner>(*planner2_, *registry2_, *second_.models);
  }

  static RetentionOptions Leased(const std::string& holder, int64_t ttl_ms = 60000) {
    RetentionOptions options;
    options.use_lease = true;
    options.holder = holder;
    options.lease_ttl_ms = ttl_ms;
    return options;
  }

  Stores second_;
  std::unique_ptr<AccessControl> access2_;
  std::unique_ptr<EnforcingGovernor> governor2_;
  std::unique_ptr<RegistryService> registry2_;
  std::unique_ptr<RetentionPlanner> planner2_;
  std::unique_ptr<RetentionRunner> runner2_;
};

TEST_P(RetentionLeaseTest, TwoServersNeverRunAPassAtOnce) {
  CreateModel("exp.w", 150);  // Reported by the warn rule in every pass, never changed.
  clock_.Advance(40 * kDay);
  using Steady = std::chrono::steady_clock;
  struct Pass {
    int runner;
    Steady::time_point first;
    Steady::time_point last;
  };
  std::mutex mu;
  std::vector<Pass> passes;
  std::atomic<int> refused{0};
  // Each server tries until it has run four passes (or a generous deadline passes).
  const auto loop = [&](int id, RetentionRunner& runner) {
    const auto deadline = Steady::now() + std::chrono::seconds(20);
    for (int held = 0; held < 4 && Steady::now() < deadline;) {
      std::optional<Pass> pass;
      auto done = runner.Apply(Leased("server-" + std::to_string(id)), [&](const RetentionEvent&) {
        const auto now = Steady::now();
        if (!pass) pass = Pass{id, now, now};
        pass->last = now;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      });
      if (done.ok() && pass) {
        std::lock_guard<std::mutex> lock(mu);
        passes.push_back(*pass);
        ++held;
      } else if (!done.ok()) {
        EXPECT_EQ(done.status().code(), ErrorCode::kAborted) << done.status().ToString();
        ++refused;
      }
      // After a pass, give the other server its turn; after a refusal, ask again soon.
      std::this_thread::sleep_for(std::chrono::milliseconds(done.ok() ? 40 : 1 + id));
    }
  };
  std::thread a(loop, 1, std::ref(*runner_));
  std::thread b(loop, 2, std::ref(*runner2_));
  a.join();
  b.join();
  EXPECT_GT(refused.load(), 0) << "the runners never met: the test proved nothing";
  std::set<int> ran;
  for (const Pass& p : passes) ran.insert(p.runner);
  EXPECT_EQ(ran.size(), 2u) << "one runner never got the lease";
  for (const Pass& p : passes) {
    for (const Pass& q : passes) {
      if (p.runner == q.runner) continue;
      EXPECT_TRUE(p.last < q.first || q.last < p.first) << "passes of two servers overlapped";
    }
  }
}

TEST_P(RetentionLeaseTest, AnExpiredLeaseIsTakenOverAndALostOneStopsThePass) {
  CreateModel("exp.v", 20);
  clock_.Advance(40 * kDay);
  // A server that took the lease and died.
  ASSERT_THAT(stores_.models->AcquireLease(kRetentionLease, "dead-server", 300),
              ::testing::Truly([](const Result<bool>& r) { return r.ok() && *r; }));
  EXPECT_CODE(runner2_->Apply(Leased("server-2"), nullptr), ErrorCode::kAborted);
  std::this_thread::sleep_for(std::chrono::milliseconds(450));
  EXPECT_OK(runner2_->Apply(Leased("server-2"), nullptr));
  // server-2 stalls past its lease mid-pass; server-1 takes it meanwhile: server-2 stops.
  int seen = 0;
  auto stalled = runner2_->Apply(Leased("server-2", 300), [&](const RetentionEvent&) {
    if (++seen != 5) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(450));
    auto taken = stores_.models->AcquireLease(kRetentionLease, "server-1", 60000);
    EXPECT_TRUE(taken.ok() && *taken);
  });
  EXPECT_CODE(stalled, ErrorCode::kAborted);
  EXPECT_THAT(stalled.status().message(), HasSubstr("lost"));
  EXPECT_LT(seen, 20);
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionLeaseTest, ::testing::ValuesIn(AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden::testing
