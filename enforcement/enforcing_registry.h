// EnforcingRegistry: the Registry decorator where policy lives. For every change it evaluates
// the rules of the policy in force (naming on create and rename; mandatory metadata at
// registration; lifecycle, metadata, model card and quality gates when a version enters
// Staging or Production or takes an alias mapped to them), denies with one
// INVALID_PARAMETER_VALUE that lists every failed enforced check, passes warnings to the
// caller (CallContext::warnings), and records the change or the denial in the audit log (the
// change's entry in the same transaction). Reads pass straight through. With an empty policy
// behaviour is plain MLflow plus the audit log.
//
// Thread-safe if the inner Registry and the audit log are.
#pragma once

#include <functional>

#include "enforcement/access_control.h"
#include "enforcement/governance.h"
#include "enforcement/policy_holder.h"
#include "enforcement/promotion_gate.h"
#include "registry/clock.h"
#include "registry/model_store.h"
#include "registry/registry.h"
#include "registry/tracker.h"

namespace modelwarden {

class EnforcingRegistry final : public Registry, public Governance {
 public:
  // All borrowed; they must outlive this object. `audit_log` is the store the inner Registry
  // writes to (denials are appended there, the audit log is read from there).
  // `clock` stamps denials (a change's entry takes the change's own timestamp). `tracker`
  // (optional) is the tracking server the "runs" section and run.metrics gates read.
  // `access`, when given, limits searches to what the caller (CallContext::principal) may read,
  // and its cached profiles are dropped when a create, rename or delete wrote grants.
  EnforcingRegistry(Registry& inner, const PolicyHolder& policy, ModelStore& audit_log,
                    const Clock& clock, Tracker* tracker = nullptr, AccessControl* access = nullptr)
      : inner_(inner),
        policy_(policy),
        audit_log_(audit_log),
        clock_(clock),
        tracker_(tracker),
        access_(access) {}

  Result<RegisteredModel> CreateRegisteredModel(const CallContext& ctx,
                                                const NewRegisteredModel& model) override;
  Result<RegisteredModel> GetRegisteredModel(const CallContext& ctx,
                                             const std::string& name) override;
  Result<RegisteredModel> UpdateRegisteredModel(const CallContext& ctx, const std::string& name,
                                                const std::string& description) override;
  Result<RegisteredModel> RenameRegisteredModel(const CallContext& ctx, const std::string& name,
                                                const std::string& new_name) override;
  Status DeleteRegisteredModel(const CallContext& ctx, const std::string& name) override;
  Result<Page<RegisteredModel>> SearchRegisteredModels(const CallContext& ctx,
                                                       const SearchQuery& query) override;
  Result<std::vector<ModelVersion>> GetLatestVersions(const CallContext& ctx,
                                                      const std::string& name,
                                                      const std::vector<Stage>& stages) override;
  Status SetRegisteredModelTag(const CallContext& ctx, const std::string& name,
                               const Tag& tag) override;
  Status DeleteRegisteredModelTag(const CallContext& ctx, const std::string& name,
                                  const std::string& key) override;
  Status SetRegisteredModelAlias(const CallContext& ctx, const std::string& name,
                                 const std::string& alias, int64_t version) override;
  Status DeleteRegisteredModelAlias(const CallContext& ctx, const std::string& name,
                                    const std::string& alias) override;
  Result<ModelVersion> GetModelVersionByAlias(const CallContext& ctx, const std::string& name,
                                              const std::string& alias) override;
  Result<ModelVersion> CreateModelVersion(const CallContext& ctx,
                                          const NewModelVersion& version) override;
  Result<ModelVersion> GetModelVersion(const CallContext& ctx, const std::string& name,
                                       int64_t version) override;
  Result<ModelVersion> UpdateModelVersion(const CallContext& ctx, const std::string& name,
                                          int64_t version,
                                          const std::optional<std::string>& description) override;
  Status DeleteModelVersion(const CallContext& ctx, const std::string& name,
                            int64_t version) override;
  Result<ModelVersion> TransitionModelVersionStage(const CallContext& ctx, const std::string& name,
                                                   int64_t version, Stage stage,
                                                   bool archive_existing_versions) override;
  Result<Page<ModelVersion>> SearchModelVersions(const CallContext& ctx,
                                                 const SearchQuery& query) override;
  Result<std::string> GetModelVersionDownloadUri(const CallContext& ctx, const std::string& name,
                                                 int64_t version) override;
  Status SetModelVersionTag(const CallContext& ctx, const std::string& name, int64_t version,
                            const Tag& tag) override;
  Status DeleteModelVersionTag(const CallContext& ctx, const std::string& name, int64_t version,
                               const std::string& key) override;

  Result<PromotionReport> CheckPromotion(const CallContext& ctx, const std::string& name,
                                         int64_t version, const PromotionTarget& target) override;
  Result<ModelCardView> GetModelCard(const CallContext& ctx, const std::string& name,
                                     int64_t version) override;
  Status SetModelCard(const CallContext& ctx, const std::string& name, int64_t version,
                      const std::string& markdown) override;
  Result<Page<AuditEvent>> SearchAuditLog(const CallContext& ctx, const AuditQuery& query) override;

 private:
  Result<SearchQuery> Scoped(const CallContext& ctx, const SearchQuery& query) const;
  void GrantsChanged();
  // Runs `change` with `event` attached unless `checks` deny it; records denials itself.
  Status Apply(const CallContext& ctx, AuditEvent event, const std::vector<CheckResult>& checks,
               const std::string& denial, const std::function<Status(const CallContext&)>& change);
  AuditEvent NewEvent(const CallContext& ctx, const char* operation, const std::string& model,
                      std::optional<int64_t> version = std::nullopt) const;
  // The promotion checks for moving `version` of `model` to `stage`; `alias` non-empty when an
  // alias is being set. `from_stage` is checked against the lifecycle for stage moves only.
  std::vector<CheckResult> PromotionChecks(const CallContext& ctx, const Policy& policy,
                                           const RegisteredModel& model,
                                           const ModelVersion& version, Stage stage,
                                           const std::string& alias);
  // The run metrics of `version` for gates on run.metrics.<key>.
  RunMetrics ReadRunMetrics(const ModelVersion& version);

  Registry& inner_;
  const PolicyHolder& policy_;
  ModelStore& audit_log_;
  const Clock& clock_;
  Tracker* const tracker_;
  AccessControl* const access_;
};

}  // namespace modelwarden
