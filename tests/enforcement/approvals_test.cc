// Four-eyes approvals on every backend: a held move creates a pending approval and changes
// nothing else; its requester may not approve it; another user with PROMOTE approves and the
// move is made then, judged by the policy as it is at that moment (a gate that fails after the
// request blocks it); expired approvals and approvals whose version changed are refused; two
// approvers at once make the move once; every step is in the audit log.

#include <thread>

#include "tests/enforcement/lifecycle_fixture.h"

namespace modelwarden::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPolicy[] = R"({
  "lifecycle": {"mode": "enforce", "alias_stages": {"champion": "Production"}},
  "gates": [{"id": "auc", "stage": "Production", "metric": "metrics.auc", "op": ">=",
             "threshold": 0.85}],
  "approvals": {"expires_after_hours": 24, "rules": [
    {"id": "four-eyes", "mode": "enforce", "stages": ["Production"],
     "model_pattern": "^fraud\\..*$"}]}
})";

class ApprovalsTest : public LifecycleTest {
 protected:
  std::string Policy() const override { return kPolicy; }

  void SetUp() override {
    LifecycleTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    AddUser("alice", {{"fraud.", "EDIT"}, {"fraud.", "PROMOTE"}});
    AddUser("bob", {{"fraud.", "READ"}, {"fraud.", "PROMOTE"}});
    AddUser("dave", {{"fraud.", "READ"}, {"fraud.", "PROMOTE"}});
    AddUser("carol", {{"fraud.", "EDIT"}});
    CreateModel("fraud.m", 2);
  }

  // alice asks to move version 1 of fraud.m into Production; returns the approval id.
  int64_t Request() {
    auto held = registry_->TransitionModelVersionStage(As("alice"), "fraud.m", 1,
                                                       Stage::kProduction, false);
    EXPECT_CODE(held, ErrorCode::kAborted);
    auto pending = approvals_->List(As("root"), ApprovalQuery{"fraud.m", ApprovalStatus::kPending});
    EXPECT_OK(pending);
    if (!pending.ok() || pending->items.empty()) return 0;
    return pending->items.front().approval.id;
  }

  Stage StageOf(int64_t version) { return Version("fraud.m", version)->current_stage; }

  ApprovalStatus StatusOf(int64_t id) {
    auto view = approvals_->Get(As("root"), id);
    EXPECT_OK(view);
    return view.ok() ? view->status : ApprovalStatus::kPending;
  }

  // The checks of the newest audit entry of `operation` on fraud.m.
  AuditEvent Newest(const std::string& operation) {
    std::vector<AuditEvent> events = Audit("fraud.m", operation);
    EXPECT_FALSE(events.empty()) << operation;
    return events.empty() ? AuditEvent{} : events.front();
  }
};

TEST_P(ApprovalsTest, AHeldMoveCreatesAPendingApprovalAndChangesNothingElse) {
  auto held =
      registry_->TransitionModelVersionStage(As("alice"), "fraud.m", 1, Stage::kProduction, false);
  EXPECT_CODE(held, ErrorCode::kAborted);
  EXPECT_THAT(held.status().message(), HasSubstr("Approval 1 is pending"));
  EXPECT_THAT(held.status().message(), HasSubstr("policy rule four-eyes"));
  EXPECT_THAT(held.status().message(), HasSubstr("other than alice"));
  EXPECT_THAT(held.status().message(), HasSubstr("modelwarden approvals approve --id 1"));
  EXPECT_EQ(StageOf(1), Stage::kNone);
  const AuditEvent request = Newest("TransitionModelVersionStage");
  EXPECT_EQ(request.outcome, AuditOutcome::kPending);
  EXPECT_EQ(request.principal, "alice");
  EXPECT_THAT(request.after, HasSubstr("(approval 1 requested)"));
  auto view = approvals_->Get(As("bob"), 1);
  ASSERT_OK(view);
  EXPECT_EQ(view->status, ApprovalStatus::kPending);
  EXPECT_EQ(view->approval.rule_id, "four-eyes");
  EXPECT_EQ(view->approval.requested_by, "alice");
  EXPECT_THAT(view->approvers, ElementsAre("bob", "dave", "root"));

  // carol may ask too (EDIT suffices: the approver's PROMOTE makes the move) and joins it.
  auto again =
      registry_->TransitionModelVersionStage(As("carol"), "fraud.m", 1, Stage::kProduction, false);
  EXPECT_CODE(again, ErrorCode::kAborted);
  EXPECT_THAT(again.status().message(), HasSubstr("Approval 1 is pending"));
  EXPECT_THAT(again.status().message(), HasSubstr("requested by alice"));
  // An alias that stands for Production is held as well; one that stands for nothing is not.
  EXPECT_CODE(registry_->SetRegisteredModelAlias(As("alice"), "fraud.m", "champion", 2),
              ErrorCode::kAborted);
  EXPECT_OK(registry_->SetRegisteredModelAlias(As("alice"), "fraud.m", "nightly", 2));
  // Models the rule does not name move at once.
  CreateModel("ops.m", 1);
  EXPECT_OK(
      registry_->TransitionModelVersionStage(As("root"), "ops.m", 1, Stage::kProduction, false));
}

// A rule in warn mode holds nothing: the move is made at once, with a warning that it would
// have waited, and (as any move that does not wait) needs the caller's PROMOTE.
TEST_P(ApprovalsTest, AWarnRuleMovesAtOnceWithAWarning) {
  std::string warn = kPolicy;
  const std::string enforced = R"("id": "four-eyes", "mode": "enforce")";
  warn.replace(warn.find(enforced), enforced.size(), R"("id": "four-eyes", "mode": "warn")");
  UsePolicy(warn);
  EXPECT_CODE(
      registry_->TransitionModelVersionStage(As("carol"), "fraud.m", 1, Stage::kProduction, false),
      ErrorCode::kPermissionDenied);
  auto moved =
      registry_->TransitionModelVersionStage(As("alice"), "fraud.m", 1, Stage::kProduction, false);
  ASSERT_OK(moved);
  ASSERT_EQ(moved->warnings.size(), 1u);
  EXPECT_THAT(moved->warnings[0], HasSubstr("four-eyes"));
  EXPECT_THAT(moved->warnings[0], HasSubstr("needs a second person's approval"));
  EXPECT_EQ(StageOf(1), Stage::kProduction);
  auto pending = approvals_->List(As("root"), ApprovalQuery{"fraud.m", ApprovalStatus::kPending});
  ASSERT_OK(pending);
  EXPECT_TRUE(pending->items.empty());
  const AuditEvent move = Newest("TransitionModelVersionStage");
  EXPECT_EQ(move.principal, "alice");
  EXPECT_EQ(move.outcome, AuditOutcome::kWarned);
}

TEST_P(ApprovalsTest, TheRequesterMayNotApproveNorCanSomeoneWithoutPromote) {
  const int64_t id = Request();
  auto own = approvals_->Approve(As("alice"), id, "");
  EXPECT_CODE(own, ErrorCode::kPermissionDenied);
  EXPECT_THAT(own.status().message(), HasSubstr("may not approve it"));
  EXPECT_CODE(approvals_->Reject(As("alice"), id, ""), ErrorCode::kPermissionDenied);
  EXPECT_CODE(approvals_->Approve(As("carol"), id, ""), ErrorCode::kPermissionDenied);
  EXPECT_EQ(StatusOf(id), ApprovalStatus::kPending);
  EXPECT_EQ(StageOf(1), Stage::kNone);
  const AuditEvent refused = Newest("Approve");
  EXPECT_EQ(refused.outcome, AuditOutcome::kDenied);
  bool four_eyes = false;
  for (const AuditEvent& e : Audit("fraud.m", "Approve")) {
    for (const AuditCheck& c : e.checks) four_eyes |= c.rule_id == "approval.four-eyes";
  }
  EXPECT_TRUE(four_eyes);
}

TEST_P(ApprovalsTest, ASecondPersonApprovesAndTheMoveIsMadeAndAudited) {
  const int64_t id = Request();
  auto approved = approvals_->Approve(As("bob"), id, "metrics reviewed");
  ASSERT_OK(approved);
  EXPECT_EQ(approved->value.status, ApprovalStatus::kApproved);
  EXPECT_EQ(StageOf(1), Stage::kProduction);
  auto view = approvals_->Get(As("alice"), id);
  ASSERT_OK(view);
  EXPECT_EQ(view->status, ApprovalStatus::kApproved);
  EXPECT_EQ(view->approval.decided_by, "bob");
  EXPECT_EQ(view->approval.decision_comment, "metrics reviewed");
  const AuditEvent decision = Newest("Approve");
  EXPECT_EQ(decision.outcome, AuditOutcome::kAllowed);
  EXPECT_EQ(decision.principal, "bob");
  EXPECT_THAT(decision.after, HasSubstr("metrics reviewed"));
  const AuditEvent move = Newest("TransitionModelVersionStage");
  EXPECT_EQ(move.outcome, AuditOutcome::kAllowed);
  EXPECT_EQ(move.principal, "bob");
  EXPECT_THAT(move.after, HasSubstr("(approval 1, requested by alice)"));
  // Decided once.
  auto twice = approvals_->Approve(As("dave"), id, "");
  EXPECT_CODE(twice, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(twice.status().message(), HasSubstr("is approved (by bob)"));
}

TEST_P(ApprovalsTest, ApprovalJudgesThePolicyAgainAndAFailingGateBlocksIt) {
  const int64_t id = Request();
  std::string stricter = kPolicy;
  stricter.replace(stricter.find("0.85"), 4, "0.95");
  UsePolicy(stricter);
  auto approved = approvals_->Approve(As("bob"), id, "");
  EXPECT_CODE(approved, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(approved.status().message(), HasSubstr("Approval 1 failed"));
  EXPECT_THAT(approved.status().message(), HasSubstr("[auc]"));
  EXPECT_EQ(StageOf(1), Stage::kNone);
  auto view = approvals_->Get(As("root"), id);
  ASSERT_OK(view);
  EXPECT_EQ(view->status, ApprovalStatus::kFailed);
  EXPECT_THAT(view->approval.reason, HasSubstr("[auc]"));
  const AuditEvent refused = Newest("Approve");
  EXPECT_EQ(refused.outcome, AuditOutcome::kDenied);
  ASSERT_FALSE(refused.checks.empty());
  EXPECT_EQ(refused.checks.back().rule_id, "approval.policy");
}

TEST_P(ApprovalsTest, AnExpiredApprovalIsRefused) {
  const int64_t id = Request();
  clock_.Advance(25 * 3600 * 1000LL);
  EXPECT_EQ(StatusOf(id), ApprovalStatus::kExpired);
  auto approved = approvals_->Approve(As("bob"), id, "");
  EXPECT_CODE(approved, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(approved.status().message(), HasSubstr("has expired"));
  EXPECT_EQ(StageOf(1), Stage::kNone);
  auto stored = approvals_->List(As("root"), ApprovalQuery{"fraud.m", ApprovalStatus::kExpired});
  ASSERT_OK(stored);
  ASSERT_EQ(stored->items.size(), 1u);
  EXPECT_EQ(stored->items[0].approval.status, ApprovalStatus::kExpired);  // Recorded now.
  EXPECT_EQ(Newest("Approve").checks.back().rule_id, "approval.expired");
}

TEST_P(ApprovalsTest, AnApprovalWhoseVersionChangedIsRefused) {
  const int64_t id = Request();
  ASSERT_OK(registry_->SetModelVersionTag(As("alice"), "fraud.m", 1, {"metrics.auc", "0.99"}));
  EXPECT_EQ(StatusOf(id), ApprovalStatus::kInvalidated);
  auto approved = approvals_->Approve(As("bob"), id, "");
  EXPECT_CODE(approved, ErrorCode::kInvalidParameterValue);
  EXPECT_THAT(approved.status().message(), HasSubstr("changed after the request"));
  EXPECT_EQ(StageOf(1), Stage::kNone);
  EXPECT_EQ(Newest("Approve").checks.back().rule_id, "approval.current");
  // The version as it is now can be asked for again.
  const int64_t renewed = Request();
  EXPECT_NE(renewed, id);
  EXPECT_OK(approvals_->Approve(As("bob"), renewed, ""));
  EXPECT_EQ(StageOf(1), Stage::kProduction);
}

TEST_P(ApprovalsTest, ApproversRejectAndOnlyTheRequesterCancels) {
  const int64_t first = Request();
  ASSERT_OK(approvals_->Reject(As("bob"), first, "auc too close to the bar"));
  EXPECT_EQ(StatusOf(first), ApprovalStatus::kRejected);
  EXPECT_EQ(StageOf(1), Stage::kNone);
  const int64_t second = Request();
  EXPECT_NE(second, first);
  EXPECT_CODE(approvals_->Cancel(As("bob"), second, ""), ErrorCode::kPermissionDenied);
  ASSERT_OK(approvals_->Cancel(As("alice"), second, "not yet"));
  EXPECT_EQ(StatusOf(second), ApprovalStatus::kCancelled);
  EXPECT_EQ(Newest("Reject").outcome, AuditOutcome::kAllowed);
  EXPECT_EQ(Newest("CancelApproval").outcome, AuditOutcome::kAllowed);
  EXPECT_EQ(StageOf(1), Stage::kNone);
}

TEST_P(ApprovalsTest, TwoApproversAtOnceMakeTheMoveOnce) {
  const int64_t id = Request();
  Status bob;
  Status dave;
  std::thread a([&] { bob = approvals_->Approve(As("bob"), id, "").status(); });
  std::thread b([&] { dave = approvals_->Approve(As("dave"), id, "").status(); });
  a.join();
  b.join();
  EXPECT_NE(bob.ok(), dave.ok()) << bob.ToString() << " / " << dave.ToString();
  const Status& loser = bob.ok() ? dave : bob;
  EXPECT_THAT(loser.message(), HasSubstr("is approved"));
  EXPECT_EQ(StageOf(1), Stage::kProduction);
  int moves = 0;
  for (const AuditEvent& e : Audit("fraud.m", "TransitionModelVersionStage")) {
    moves += e.outcome == AuditOutcome::kAllowed;
  }
  EXPECT_EQ(moves, 1);
}

TEST_P(ApprovalsTest, RetentionLeavesAVersionNamedByAPendingApproval) {
  UsePolicy(std::string(kPolicy).replace(
      std::string(kPolicy).rfind('}'), 1,
      R"(, "retention": {"rules": [{"id": "all", "mode": "enforce", "model_pattern": ".*",
          "keep_latest": 0, "action": "delete"}]}})"));
  Request();
  clock_.Advance(2 * 3600 * 1000LL);
  auto done = runner_->Apply(RetentionOptions{}, nullptr);
  ASSERT_OK(done);
  EXPECT_EQ(done->deleted, 1);  // Version 2; version 1 waits for its approval.
  EXPECT_TRUE(Version("fraud.m", 1));
  EXPECT_FALSE(Version("fraud.m", 2));
}

INSTANTIATE_TEST_SUITE_P(Backends, ApprovalsTest, ::testing::ValuesIn(AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden::testing
