// UnitOfWork::RunBatch on every backend: each step of a batch is its own unit of work inside one
// transaction (authorized, checked, judged on the state the steps before it left, applied and
// audited on its own); one step's refusal or MLflow error leaves the others alone; the budget
// leaves the rest undone and unwritten; a database failure writes nothing of the batch.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "registry/mlflow_errors.h"
#include "registry/registry_service.h"
#include "registry/unit_of_work.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::FakeClock;

// Records the stage each judged version was found in; refuses one operation, denies another.
class JournalGovernor final : public PermitAll {
 public:
  Status Authorize(const CallContext&, const Change& change, AuthStore&, ModelReader&) override {
    if (OperationOf(change) == refused) return Status::PermissionDenied("not you");
    return Status::Ok();
  }
  Result<Verdict> Judge(const CallContext&, const Change& change, const ChangeState& state,
                        const OutsideFacts&, ModelReader&) override {
    if (state.version) judged.push_back(state.version->current_stage);
    Verdict verdict;
    if (OperationOf(change) == denied) verdict.denial = Status::InvalidArgument("policy says no");
    return verdict;
  }
  void Committed(const Change&) override { ++committed; }

  Operation refused = Operation::kGetCurrentUser;  // Nothing the registry writes.
  Operation denied = Operation::kGetCurrentUser;
  std::vector<Stage> judged;
  int committed = 0;
};

class UnitOfWorkBatchTest : public ::modelwarden::testing::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    RegistryService service(store(), permit_all_, clock_);
    for (const char* name : {"a", "b"}) {
      ASSERT_OK(service.CreateRegisteredModel(ctx_, {name, "", {}}));
      for (int i = 0; i < 3; ++i) {
        ASSERT_OK(service.CreateModelVersion(ctx_, {name, "s3://b/v", "", "", "", {}}));
      }
    }
    ctx_.principal = Principal::User("batcher");
    ctx_.request_id = "batch-1";
  }

  static UnitOfWork::Step Delete(const std::string& name, int64_t version) {
    return {DeleteVersionChange{name, version},
            [=](ModelRows& rows, ChangeState& state) {
              return RequireVersionAndModel(rows, name, version, state);
            },
            [=](ModelRows& rows, const ChangeState&, int64_t now) -> Result<Done> {
              RETURN_IF_ERROR(rows.SoftDeleteVersion(name, version, now));
              return Done{};
            }};
  }
  static UnitOfWork::Step Move(const std::string& name, int64_t version, Stage stage) {
    return {TransitionStageChange{name, version, stage, false},
            [=](ModelRows& rows, ChangeState& state) {
              return RequireVersionAndModel(rows, name, version, state);
            },
            [=](ModelRows& rows, const ChangeState&, int64_t now) -> Result<Done> {
              RETURN_IF_ERROR(rows.SetVersionStage(name, version, stage, false, now));
              return Done{};
            }};
  }

  std::optional<ModelVersion> Find(const std::string& name, int64_t version) {
    std::optional<ModelVersion> found;
    EXPECT_OK(store().Read([&](ModelReader& reader) -> Status {
      ASSIGN_OR_RETURN(found, reader.FindVersion(name, version));
      return Status::Ok();
    }));
    return found;
  }

  // The batch's audit entries (its request id), oldest first.
  std::vector<AuditEvent> Audited() {
    AuditQuery query;
    query.principal = "batcher";
    query.max_results = 100;
    auto page = store().SearchAuditEvents(query);
    EXPECT_OK(page);
    std::vector<AuditEvent> events = page.ok() ? page->items : std::vector<AuditEvent>{};
    return std::vector<AuditEvent>(events.rbegin(), events.rend());
  }

  FakeClock clock_;
  PermitAll permit_all_;
  CallContext ctx_;

  ModelStore& store() { return *stores_.models; }
};

TEST_P(UnitOfWorkBatchTest, EachStepIsItsOwnUnitOfWorkOnTheStateTheOnesBeforeLeft) {
  JournalGovernor governor;
  governor.refused = Operation::kDeleteModelVersion;
  UnitOfWork unit(store(), governor, clock_);
  // b's deletion is refused by access control, a/9 does not exist: a/1 moves all the same.
  std::vector<UnitOfWork::Step> steps = {Move("a", 1, Stage::kArchived), Delete("b", 1),
                                         Move("a", 9, Stage::kStaging)};
  auto first = unit.RunBatch(ctx_, steps, std::chrono::hours(1));
  ASSERT_OK(first);
  ASSERT_EQ(first->size(), 3u);
  EXPECT_OK((*first)[0]->status);
  EXPECT_CODE((*first)[1]->status, ErrorCode::kPermissionDenied);
  EXPECT_CODE((*first)[2]->status, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(Find("a", 1)->current_stage, Stage::kArchived);
  EXPECT_TRUE(Find("b", 1));
  EXPECT_EQ(governor.committed, 1);

  governor.refused = Operation::kGetCurrentUser;
  governor.judged.clear();
  // Each move of a/1 is judged on the stage the step before it left.
  steps = {Move("a", 1, Stage::kStaging), Move("a", 1, Stage::kNone), Delete("b", 2),
           Delete("b", 2), Move("a", 2, Stage::kStaging)};
  auto second = unit.RunBatch(ctx_, steps, std::chrono::hours(1));
  ASSERT_OK(second);
  ASSERT_EQ(second->size(), 5u);
  for (int i : {0, 1, 2, 4}) EXPECT_OK((*second)[i]->status) << i;
  // The same version again: gone, in MLflow's words, and nothing written for it.
  EXPECT_CODE((*second)[3]->status, ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(governor.judged,
            (std::vector<Stage>{Stage::kArchived, Stage::kStaging, Stage::kNone, Stage::kNone}));
  EXPECT_EQ(Find("a", 1)->current_stage, Stage::kNone);
  EXPECT_FALSE(Find("b", 2));
  EXPECT_EQ(governor.committed, 5);

  // One audit entry per step that got past its checks: allowed, or refused by access control.
  std::vector<std::pair<std::string, AuditOutcome>> audited;
  for (const AuditEvent& e : Audited()) {
    audited.emplace_back(
        e.model_name + "/" + std::to_string(e.version.value_or(0)) + " " + e.operation, e.outcome);
    EXPECT_EQ(e.request_id, "batch-1");
  }
  const auto A = AuditOutcome::kAllowed;
  EXPECT_EQ(audited, (std::vector<std::pair<std::string, AuditOutcome>>{
                         {"a/1 TransitionModelVersionStage", A},
                         {"b/1 DeleteModelVersion", AuditOutcome::kDenied},
                         {"a/1 TransitionModelVersionStage", A},
                         {"a/1 TransitionModelVersionStage", A},
                         {"b/2 DeleteModelVersion", A},
                         {"a/2 TransitionModelVersionStage", A}}));
}

TEST_P(UnitOfWorkBatchTest, APolicyDenialWritesOnlyItsEntryAndTheBatchGoesOn) {
  JournalGovernor governor;
  governor.denied = Operation::kTransitionModelVersionStage;
  UnitOfWork unit(store(), governor, clock_);
  auto ran = unit.RunBatch(ctx_, {Delete("a", 1), Move("a", 2, Stage::kStaging), Delete("a", 3)},
                           std::chrono::hours(1));
  ASSERT_OK(ran);
  EXPECT_OK((*ran)[0]->status);
  EXPECT_CODE((*ran)[1]->status, ErrorCode::kInvalidParameterValue);
  EXPECT_OK((*ran)[2]->status);
  EXPECT_FALSE(Find("a", 1));
  EXPECT_EQ(Find("a", 2)->current_stage, Stage::kNone);
  EXPECT_FALSE(Find("a", 3));
  const std::vector<AuditEvent> audited = Audited();
  ASSERT_EQ(audited.size(), 3u);
  EXPECT_EQ(audited[1].outcome, AuditOutcome::kDenied);
  EXPECT_EQ(audited[1].version, 2);
  EXPECT_EQ(audited[2].outcome, AuditOutcome::kAllowed);
  EXPECT_EQ(audited[2].version, 3);
}

TEST_P(UnitOfWorkBatchTest, ASpentBudgetLeavesTheRestUndoneAndUnwritten) {
  JournalGovernor governor;
  UnitOfWork unit(store(), governor, clock_);
  auto ran = unit.RunBatch(ctx_, {Delete("a", 1), Delete("a", 2), Delete("b", 1)},
                           std::chrono::steady_clock::duration::zero());
  ASSERT_OK(ran);
  ASSERT_EQ(ran->size(), 3u);
  ASSERT_TRUE((*ran)[0]);  // The first step always runs.
  EXPECT_OK((*ran)[0]->status);
  EXPECT_FALSE((*ran)[1]);
  EXPECT_FALSE((*ran)[2]);
  EXPECT_FALSE(Find("a", 1));
  EXPECT_TRUE(Find("a", 2));
  EXPECT_TRUE(Find("b", 1));
  EXPECT_EQ(Audited().size(), 1u);
  EXPECT_EQ(governor.committed, 1);
}

TEST_P(UnitOfWorkBatchTest, ADatabaseFailureWritesNothingOfTheBatch) {
  JournalGovernor governor;
  UnitOfWork unit(store(), governor, clock_);
  // The third step writes and then fails as the database would.
  UnitOfWork::Step failing = Delete("b", 1);
  failing.apply = [](ModelRows& rows, const ChangeState&, int64_t now) -> Result<Done> {
    RETURN_IF_ERROR(rows.SoftDeleteVersion("b", 1, now));
    return Status::Internal("Internal database error.");
  };
  auto ran = unit.RunBatch(ctx_, {Delete("a", 1), Move("a", 2, Stage::kStaging), failing},
                           std::chrono::hours(1));
  EXPECT_CODE(ran, ErrorCode::kInternalError);
  EXPECT_TRUE(Find("a", 1));
  EXPECT_EQ(Find("a", 2)->current_stage, Stage::kNone);
  EXPECT_TRUE(Find("b", 1));
  EXPECT_TRUE(Audited().empty());
  EXPECT_EQ(governor.committed, 0);
}

// What a retention deletion's check reads of the model: all of FindModel but latest_versions.
TEST_P(UnitOfWorkBatchTest, AModelsHeaderIsAllOfItButItsLatestVersions) {
  RegistryService service(store(), permit_all_, clock_);
  ASSERT_OK(service.SetRegisteredModelTag(ctx_, "a", {"tier", "gold"}));
  ASSERT_OK(service.SetRegisteredModelAlias(ctx_, "a", "pinned", 2));
  ASSERT_OK(store().Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(std::optional<RegisteredModel> full, reader.FindModel("a"));
    ASSIGN_OR_RETURN(std::optional<RegisteredModel> header, reader.FindModelHeader("a"));
    EXPECT_TRUE(full && header);
    if (!full || !header) return Status::Ok();
    EXPECT_FALSE(full->latest_versions.empty());
    EXPECT_TRUE(header->latest_versions.empty());
    EXPECT_EQ(header->name, "a");
    EXPECT_EQ(header->creation_timestamp, full->creation_timestamp);
    EXPECT_EQ(header->last_updated_timestamp, full->last_updated_timestamp);
    EXPECT_EQ(header->description, full->description);
    EXPECT_EQ(header->tags, (std::vector<Tag>{{"tier", "gold"}}));
    EXPECT_EQ(header->aliases, (std::vector<ModelVersionAlias>{{"pinned", 2}}));
    ASSIGN_OR_RETURN(std::optional<RegisteredModel> absent, reader.FindModelHeader("absent"));
    EXPECT_FALSE(absent);
    return Status::Ok();
  }));
}

INSTANTIATE_TEST_SUITE_P(Backends, UnitOfWorkBatchTest,
                         ::testing::ValuesIn(::modelwarden::testing::AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
