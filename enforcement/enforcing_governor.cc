#include "enforcement/enforcing_governor.h"

#include <iterator>
#include <type_traits>

#include "enforcement/policy/approval_rule.h"
#include "enforcement/policy/compliance_report.h"
#include "enforcement/policy/metadata_rule.h"
#include "enforcement/policy/naming_rule.h"
#include "enforcement/policy/promotion_gate.h"
#include "enforcement/policy/promotion_review.h"
#include "enforcement/policy/retention_review.h"
#include "enforcement/policy/run_rule.h"
#include "registry/source_resolution.h"

namespace modelwarden {
namespace {

std::string VersionLabel(const std::string& name, int64_t version) {
  return name + " version " + std::to_string(version);
}

// The run a new version names: its run_id, else the run of a runs:/ source.
std::string RunOfNewVersion(const NewModelVersion& version) {
  return version.run_id.empty() ? RunIdOfSource(version.source) : version.run_id;
}

// The checks of one change and the sentence a denial starts with.
struct Judgement {
  std::vector<CheckResult> checks;
  std::string denied;  // e.g. "Transition of m version 3 to Production denied by policy".
  // An import: every failed check is reported (Verdict::warnings), enforced ones refuse only
  // when `refuses`.
  bool import = false;
  bool refuses = true;
  std::optional<ApprovalDemand> approval = std::nullopt;  // The move waits for a second person.
};

void Append(std::vector<CheckResult>& to, std::vector<CheckResult> more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

// Whether a move waits for an approval: the caller asked for one, or an enforced four-eyes
// rule covers it. A move an approval allows does not wait again.
bool WaitsForApproval(const Policy& policy, const std::string& name, std::optional<Stage> stage,
                      bool by_alias, const MoveApproval& how) {
  if (how.path == MoveApproval::Path::kRequested) return true;
  if (how.path == MoveApproval::Path::kApproved || !stage) return false;
  const ApprovalRule* rule = ApprovalRuleFor(policy, name, *stage, by_alias);
  return rule != nullptr && rule->mode == RuleMode::kEnforce;
}

// The policy's checks for each kind of change, on the state the change found.
class PolicyJudge {
 public:
  PolicyJudge(const Policy& policy, const ChangeState& state, const OutsideFacts& facts,
              ModelReader& reader, int64_t now)
      : policy_(policy), state_(state), facts_(facts), reader_(reader), now_(now) {}

  Result<Judgement> operator()(const CreateModelChange& c) {
    RegisteredModel pending;
    pending.name = c.model.name;
    pending.description = c.model.description;
    pending.tags = LastValuePerKey(c.model.tags);
    Judgement j{CheckModelName(policy_.naming, pending.name, IsPrompt(pending.tags)),
                "Registering model " + QuoteForMessage(pending.name) + " denied by policy"};
    Append(j.checks,
           CheckMetadata(policy_.requirements, Checkpoint::kRegistration, &pending, nullptr));
    return j;
  }
  Result<Judgement> operator()(const RenameModelChange& c) {
    return Judgement{CheckModelName(policy_.naming, c.new_name, IsPrompt(state_.model->tags)),
                     "Renaming model " + QuoteForMessage(c.name) + " to " +
                         QuoteForMessage(c.new_name) + " denied by policy"};
  }
  // A prompt that stops being one must carry a name the naming rule accepts.
  Result<Judgement> operator()(const SetModelTagChange& c) {
    Judgement j{{}, "Setting tag '" + c.tag.key + "' on model '" + c.name + "' denied by policy"};
    if (c.tag.key == kIsPromptTagKey && c.tag.value != "true") {
      j.checks = CheckModelName(policy_.naming, c.name, /*is_prompt=*/false);
    }
    return j;
  }
  Result<Judgement> operator()(const DeleteModelTagChange& c) {
    Judgement j{{}, "Deleting tag '" + c.key + "' of model '" + c.name + "' denied by policy"};
    if (c.key == kIsPromptTagKey && IsPrompt(state_.model->tags)) {
      j.checks = CheckModelName(policy_.naming, c.name, /*is_prompt=*/false);
    }
    return j;
  }
  Result<Judgement> operator()(const SetAliasChange& c) {
    const std::optional<Stage> stage = AliasStage(policy_, c.alias);
    Judgement j{{},
                "Setting alias '" + c.alias + "' on " + VersionLabel(c.name, c.version) +
                    (stage ? " (counts as " + std::string(StageName(*stage)) + ")" : "") +
                    " denied by policy"};
    if (!stage) {
      Hold(j, c.name, std::nullopt, true, c.approval, "");
      return j;
    }
    ASSIGN_OR_RETURN(j.checks,
                     ReviewPromotion(policy_, {&*state_.model, &*state_.version, *stage, c.alias},
                                     reader_, facts_));
    Hold(j, c.name, stage, true, c.approval,
         "setting alias '" + c.alias + "' (" + std::string(StageName(*stage)) + ")");
    return j;
  }
  Result<Judgement> operator()(const CreateVersionChange& c) {
    ModelVersion pending;
    pending.name = c.version.name;
    pending.description = c.version.description;
    pending.tags = LastValuePerKey(c.version.tags);
    Judgement j{CheckMetadata(policy_.requirements, Checkpoint::kRegistration, nullptr, &pending),
                "Registering a version of '" + c.version.name + "' denied by policy"};
    const std::string run_id = RunOfNewVersion(c.version);
    auto run = facts_.runs.find(run_id);
    Append(j.checks, CheckSourceRun(policy_.runs, run_id, HasPromptTagKey(c.version.tags),
                                    run == facts_.runs.end() ? nullptr : &run->second));
    return j;
  }
  Result<Judgement> operator()(const TransitionStageChange& c) {
    Judgement j{{},
                "Transition of " + VersionLabel(c.name, c.version) + " to " +
                    std::string(StageName(c.stage)) + " denied by policy"};
    ASSIGN_OR_RETURN(
        j.checks,
        ReviewPromotion(policy_, {&*state_.model, &*state_.version, c.stage, ""}, reader_, facts_));
    // Archiving the versions that hold the stage moves them too: the lifecycle must allow it.
    ASSIGN_OR_RETURN(const bool others, OthersHold(c.name, c.stage, c.version));
    if (c.archive_existing_versions && others) {
      for (CheckResult& check : CheckTransition(policy_.lifecycle, c.stage, Stage::kArchived)) {
        check.message += " (archive_existing_versions would archive the other versions in " +
                         std::string(StageName(c.stage)) + ")";
        j.checks.push_back(std::move(check));
      }
    }
    if (c.retention) {
      ASSIGN_OR_RETURN(std::vector<CheckResult> retention,
                       ReviewRetention(policy_, *c.retention, RetentionAction::kArchive,
                                       *state_.model, *state_.version, reader_, now_));
      Append(j.checks, std::move(retention));
    }
    Hold(j, c.name, c.stage, false, c.approval,
         "moving a version to " + std::string(StageName(c.stage)));
    return j;
  }
  // Only a retention rule's deletion is judged: a client's is MLflow's plain delete.
  Result<Judgement> operator()(const DeleteVersionChange& c) {
    Judgement j{{}, "Retention of " + VersionLabel(c.name, c.version) + " denied by policy"};
    if (!c.retention) return j;
    ASSIGN_OR_RETURN(j.checks, ReviewRetention(policy_, *c.retention, RetentionAction::kDelete,
                                               *state_.model, *state_.version, reader_, now_));
    return j;
  }
  // A model brought over from another registry is judged as it will be, by the checks of the
  // compliance report (`modelwarden policy report`).
  Result<Judgement> operator()(const ImportModelChange& c) {
    Judgement j{{},
                "Importing model " + QuoteForMessage(c.snapshot.model.name) + " denied by policy"};
    j.import = true;
    j.refuses = c.enforce;
    std::vector<ModelVersion> live;
    for (const VersionSnapshot& v : c.snapshot.versions) {
      if (!v.deleted) live.push_back(v.version);
    }
    for (Violation& v : CheckModelCompliance(policy_, c.snapshot.model, live)) {
      CheckResult check = std::move(v.check);
      check.message = (v.version ? "version " + std::to_string(*v.version) : "model") + " [" +
                      v.context + "]: " + check.message;
      j.checks.push_back(std::move(check));
    }
    return j;
  }
  // Changes the policy has no rule for.
  template <typename C>
  Result<Judgement> operator()(const C&) {
    return Judgement{};
  }

 private:
  // The four-eyes rules on a move into `stage` (unset: an alias that stands for no stage): an
  // enforced rule (or the caller) makes it wait; a warn rule only says it would have.
  void Hold(Judgement& j, const std::string& name, std::optional<Stage> stage, bool by_alias,
            const MoveApproval& how, const std::string& move) const {
    if (how.path == MoveApproval::Path::kApproved) return;
    const ApprovalRule* rule = stage ? ApprovalRuleFor(policy_, name, *stage, by_alias) : nullptr;
    const bool enforced = rule != nullptr && rule->mode == RuleMode::kEnforce;
    if (enforced || how.path == MoveApproval::Path::kRequested) {
      j.approval =
          ApprovalDemand{enforced ? rule->id : "", policy_.approvals.expires_after_hours * 3600000};
    } else if (rule != nullptr) {
      j.checks.push_back(ApprovalWarning(*rule, move));
    }
  }

  // Whether a live version other than `version` is in `stage` (any of them, not only the
  // newest: archive_existing_versions moves them all).
  Result<bool> OthersHold(const std::string& name, Stage stage, int64_t version) {
    ASSIGN_OR_RETURN(std::vector<int64_t> holders, reader_.VersionsInStage(name, stage));
    for (int64_t holder : holders) {
      if (holder != version) return true;
    }
    return false;
  }

  const Policy& policy_;
  const ChangeState& state_;
  const OutsideFacts& facts_;
  ModelReader& reader_;
  const int64_t now_;
};

}  // namespace

AccessRequest EnforcingGovernor::AccessRequestFor(const Change& change) const {
  const auto policy = policy_.Current();
  AccessRequest request;
  request.operation = OperationOf(change);
  request.model = ModelOf(change);
  if (const auto* rename = std::get_if<RenameModelChange>(&change)) {
    request.new_name = rename->new_name;
  } else if (const auto* transition = std::get_if<TransitionStageChange>(&change)) {
    // A move that waits for an approval needs no PROMOTE of its requester: the approver's
    // PROMOTE makes it.
    if (!WaitsForApproval(*policy, transition->name, transition->stage, false,
                          transition->approval)) {
      request.promotes_to = transition->stage;
    }
  } else if (const auto* alias = std::get_if<SetAliasChange>(&change)) {
    // As the policy's own checks: an alias stands for a stage while the lifecycle is on.
    const std::optional<Stage> stage = AliasStage(*policy, alias->alias);
    if (!WaitsForApproval(*policy, alias->name, stage, true, alias->approval)) {
      request.promotes_to = stage;
    }
  }
  return request;
}

// The unit of work records a refusal, as the change it refused.
Status EnforcingGovernor::Preauthorize(const CallContext& ctx, const Change& change) {
  return access_.Authorize(ctx, AccessRequestFor(change), AccessControl::Refusals::kLeaveToCaller);
}

OutsideFacts EnforcingGovernor::LookUp(const std::vector<std::string>& run_ids) const {
  OutsideFacts facts;
  for (const std::string& run_id : run_ids) {
    if (run_id.empty() || facts.runs.count(run_id) != 0) continue;
    facts.runs.emplace(
        run_id, tracker_ != nullptr
                    ? tracker_->GetRun(run_id)
                    : Result<TrackedRun>(Status::Unavailable("no tracking server is configured")));
  }
  return facts;
}

// The runs a change's checks read, planned on the state before its transaction; the
// transaction judges on its own state and fails closed on a run not looked up here.
Result<OutsideFacts> EnforcingGovernor::Prepare(const CallContext&, const Change& change) {
  const auto policy = policy_.Current();
  if (const auto* create = std::get_if<CreateVersionChange>(&change)) {
    if (policy->runs.mode == RuleMode::kOff || HasPromptTagKey(create->version.tags)) {
      return OutsideFacts{};
    }
    return LookUp({RunOfNewVersion(create->version)});
  }
  std::optional<Stage> stage;
  std::string alias;
  int64_t version = 0;
  if (const auto* transition = std::get_if<TransitionStageChange>(&change)) {
    stage = transition->stage;
    version = transition->version;
  } else if (const auto* set_alias = std::get_if<SetAliasChange>(&change)) {
    stage = AliasStage(*policy, set_alias->alias);
    alias = set_alias->alias;
    version = set_alias->version;
  }
  if (!stage || !GatesReadRun(policy->gates, *stage, /*regression_only=*/false)) {
    return OutsideFacts{};
  }
  std::vector<std::string> runs;
  RETURN_IF_ERROR(snapshots_.Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(std::optional<RegisteredModel> model, reader.FindModel(ModelOf(change)));
    if (!model) return Status::Ok();
    ASSIGN_OR_RETURN(std::optional<ModelVersion> candidate,
                     reader.FindVersion(model->name, version));
    if (!candidate) return Status::Ok();
    ASSIGN_OR_RETURN(runs, RunsToReview(*policy, {&*model, &*candidate, *stage, alias}, reader));
    return Status::Ok();
  }));
  return LookUp(runs);
}

Status EnforcingGovernor::Authorize(const CallContext& ctx, const Change& change, AuthStore& auth,
                                    ModelReader& reader) {
  AccessRequest request = AccessRequestFor(change);
  if (std::holds_alternative<RenameModelChange>(change) && access_.enabled()) {
    ASSIGN_OR_RETURN(request.carried_stage, StageCarried(request.model, reader));
  }
  // Creating, renaming and deleting a model write its grants: they take the epoch's lock
  // for writing from the start, as an access change does (no shared lock to upgrade later).
  const bool writes_grants = std::holds_alternative<CreateModelChange>(change) ||
                             std::holds_alternative<RenameModelChange>(change) ||
                             std::holds_alternative<DeleteModelChange>(change);
  return access_.AuthorizeIn(
      auth, ctx.principal, request,
      writes_grants ? AuthStore::EpochLock::kExclusive : AuthStore::EpochLock::kShared);
}

Result<std::optional<Stage>> EnforcingGovernor::StageCarried(const std::string& name,
                                                             ModelReader& reader) const {
  ASSIGN_OR_RETURN(std::optional<RegisteredModel> model, reader.FindModel(name));
  std::optional<Stage> carried;
  if (!model) return carried;
  const auto carry = [&](Stage stage) {
    if (stage == Stage::kProduction || (stage == Stage::kStaging && !carried)) carried = stage;
  };
  for (const ModelVersion& v : model->latest_versions) carry(v.current_stage);
  const auto policy = policy_.Current();
  for (const ModelVersionAlias& alias : model->aliases) {
    if (std::optional<Stage> stage = AliasStage(*policy, alias.alias)) carry(*stage);
  }
  return carried;
}

Result<Verdict> EnforcingGovernor::Judge(const CallContext&, const Change& change,
                                         const ChangeState& state, const OutsideFacts& facts,
                                         ModelReader& reader) {
  const auto policy = policy_.Current();
  ASSIGN_OR_RETURN(
      Judgement judgement,
      std::visit(PolicyJudge(*policy, state, facts, reader, clock_.NowMillis()), change));
  Verdict verdict;
  verdict.checks = ToAuditChecks(judgement.checks);
  if (judgement.import) verdict.warnings = Findings(judgement.checks);
  if (judgement.refuses && IsDenied(judgement.checks)) {
    verdict.denial = DenialStatus(judgement.denied, judgement.checks);
  } else if (!judgement.import) {
    verdict.warnings = Warnings(judgement.checks);
    verdict.approval = std::move(judgement.approval);
  }
  return verdict;
}

// Creating, renaming and deleting a model writes its grants (in the same transaction): cached
// access profiles of this process must not outlive them.
void EnforcingGovernor::Committed(const Change& change) {
  if (!access_.enabled()) return;
  if (std::holds_alternative<CreateModelChange>(change) ||
      std::holds_alternative<RenameModelChange>(change) ||
      std::holds_alternative<DeleteModelChange>(change)) {
    access_.Invalidate();
  }
}

Status EnforcingGovernor::AuthorizeRead(const CallContext& ctx, Operation operation,
                                        const std::string& name) {
  AccessRequest request;
  request.operation = operation;
  request.model = name;
  return access_.Authorize(ctx, request);
}

Result<std::optional<ReadScope>> EnforcingGovernor::SearchScope(const CallContext& ctx) {
  return access_.ReadScopeFor(ctx.principal);
}

}  // namespace modelwarden
