// RegistryService: the Registry over a ModelStore. It validates input as MLflow does, stamps
// times from a Clock, resolves MLflow semantics (search defaults and limits, the "latest"
// alias, download URIs), and runs every write as one unit of work:
//
//   Governor::Preauthorize, Prepare    before the transaction (Prepare may read the tracker)
//   lock the model's rows              ModelStore::Write
//   Governor::Authorize                the caller's grants, as they are now   -> 403
//   MLflow's own checks                e.g. the version exists                -> MLflow's errors
//   Governor::Judge                    the policy, on the locked state        -> 400
//   apply, record webhook deliveries,  committed together
//   append the audit entry
//
// A denial commits its audit entry and nothing else (a policy denial also the deliveries of
// its policy.denied event). Reads ask Governor::AuthorizeRead first;
// searches are limited to Governor::SearchScope. Thread-safe if the store and governor are.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "registry/approval.h"
#include "registry/change.h"
#include "registry/clock.h"
#include "registry/governor.h"
#include "registry/model_store.h"
#include "registry/regex.h"
#include "registry/registry.h"
#include "registry/tracker.h"
#include "registry/unit_of_work.h"

namespace modelwarden {

struct RegistryServiceOptions {
  // MLflow's MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX: when set, every new version's
  // source (prompts included) must contain a match (Regex::PartialMatch, like MLflow's re.search).
  std::optional<Regex> source_pattern;
  std::string source_pattern_text;
  // Borrowed, optional (--tracking-upstream): resolves runs:/ and models:/<model_id> sources
  // and local sources inside a run's artifacts (registry/source_resolution.h).
  Tracker* tracker = nullptr;
  // Borrowed, optional: told when a change recorded webhook deliveries.
  OutboxListener* outbox_listener = nullptr;
  // With a tracker: store the run's page as run_link when the client sent none. Off: run_link
  // is what the client sent, as MLflow stores it (the UI links the run itself).
  bool fill_run_link = false;
};

// A version a retention rule deletes (soft, as MLflow) or archives.
struct Retirement {
  std::string name;
  int64_t version = 0;
  bool archive = false;
  RetentionMark mark;
};

class RegistryService final : public Registry {
 public:
  // All borrowed; they must outlive the service.
  RegistryService(ModelStore& store, Governor& governor, const Clock& clock,
                  RegistryServiceOptions options = {})
      : store_(store),
        governor_(governor),
        unit_(store, governor, clock, options.outbox_listener),
        options_(std::move(options)) {}

  Result<Written<RegisteredModel>> CreateRegisteredModel(const CallContext& ctx,
                                                         const NewRegisteredModel& model) override;
  Result<RegisteredModel> GetRegisteredModel(const CallContext& ctx,
                                             const std::string& name) override;
  Result<Written<RegisteredModel>> UpdateRegisteredModel(const CallContext& ctx,
                                                         const std::string& name,
                                                         const std::string& description) override;
  Result<Written<RegisteredModel>> RenameRegisteredModel(const CallContext& ctx,
                                                         const std::string& name,
                                                         const std::string& new_name) override;
  Result<Written<Done>> DeleteRegisteredModel(const CallContext& ctx,
                                              const std::string& name) override;
  Result<Page<RegisteredModel>> SearchRegisteredModels(const CallContext& ctx,
                                                       const SearchQuery& query) override;
  Result<std::vector<ModelVersion>> GetLatestVersions(const CallContext& ctx,
                                                      const std::string& name,
                                                      const std::vector<Stage>& stages) override;
  Result<Written<Done>> SetRegisteredModelTag(const CallContext& ctx, const std::string& name,
                                              const Tag& tag) override;
  Result<Written<Done>> DeleteRegisteredModelTag(const CallContext& ctx, const std::string& name,
                                                 const std::string& key) override;
  Result<Written<Done>> SetRegisteredModelAlias(const CallContext& ctx, const std::string& name,
                                                const std::string& alias, int64_t version) override;
  Result<Written<Done>> DeleteRegisteredModelAlias(const CallContext& ctx, const std::string& name,
                                                   const std::string& alias) override;
  Result<ModelVersion> GetModelVersionByAlias(const CallContext& ctx, const std::string& name,
                                              const std::string& alias) override;
  Result<Written<ModelVersion>> CreateModelVersion(const CallContext& ctx,
                                                   const NewModelVersion& version) override;
  Result<ModelVersion> GetModelVersion(const CallContext& ctx, const std::string& name,
                                       int64_t version) override;
  Result<Written<ModelVersion>> UpdateModelVersion(
      const CallContext& ctx, const std::string& name, int64_t version,
      const std::optional<std::string>& description) override;
  Result<Written<Done>> DeleteModelVersion(const CallContext& ctx, const std::string& name,
                                           int64_t version) override;
  Result<Written<ModelVersion>> TransitionModelVersionStage(
      const CallContext& ctx, const std::string& name, int64_t version, Stage stage,
      bool archive_existing_versions) override;
  Result<Page<ModelVersion>> SearchModelVersions(const CallContext& ctx,
                                                 const SearchQuery& query) override;
  Result<std::string> GetModelVersionDownloadUri(const CallContext& ctx, const std::string& name,
                                                 int64_t version) override;
  Result<Written<Done>> SetModelVersionTag(const CallContext& ctx, const std::string& name,
                                           int64_t version, const Tag& tag) override;
  Result<Written<Done>> DeleteModelVersionTag(const CallContext& ctx, const std::string& name,
                                              int64_t version, const std::string& key) override;

  // modelwarden's own writes, each one unit of work like the RPCs'.
  // A retention rule's change (enforcement/lifecycle/retention_runner.h); the governor judges
  // it against the rule again on the locked state. kResourceDoesNotExist when the version is
  // gone; kInvalidParameterValue when the rule no longer applies (e.g. an alias was set).
  Result<Written<Done>> RetireVersion(const CallContext& ctx, const Retirement& retirement);
  // Several retention changes in one transaction (UnitOfWork::RunBatch): each authorized,
  // judged, applied and audited on its own, exactly as RetireVersion's, on the state the ones
  // before it left. No further change starts once `budget` has passed in the transaction.
  // One entry per retirement: its outcome (OK, or RetireVersion's errors), or nullopt when
  // it was left undone. The database's errors (nothing of the batch written) as such.
  Result<std::vector<std::optional<UnitOfWork::Outcome>>> RetireVersions(
      const CallContext& ctx, const std::vector<Retirement>& retirements,
      std::chrono::steady_clock::duration budget);
  // Asks for a second person's approval of `move` whatever the policy says (approvals/create):
  // the move's own checks run, then the request is recorded. kAborted naming the approval
  // when it was recorded (or one for the same move was pending already); the move's errors
  // otherwise.
  Status RequestApproval(const CallContext& ctx, const ApprovalMove& move,
                         const std::string& comment);

 private:
  // The model, or MLflow's "not found".
  Result<RegisteredModel> ReadModel(const std::string& name);
  Result<Page<RegisteredModel>> EmptyModelPage(const CallContext& ctx, const SearchQuery& query);
  Status ResolveWithTracker(const CallContext& ctx, CreateVersionChange& change);
  // The units of work of a stage transition and of setting an alias, however asked for.
  Result<Written<ModelVersion>> Transition(const CallContext& ctx,
                                           const TransitionStageChange& change);
  Result<Written<Done>> SetAlias(const CallContext& ctx, const SetAliasChange& change);
  static UnitOfWork::Step RetirementStep(const Retirement& retirement);

  ModelStore& store_;
  Governor& governor_;
  UnitOfWork unit_;
  const RegistryServiceOptions options_;
};

}  // namespace modelwarden
