#include "enforcement/enforcing_registry.h"

#include <algorithm>
#include <cstdio>

#include "enforcement/metadata_rule.h"
#include "enforcement/model_card.h"
#include "enforcement/naming_rule.h"
#include "enforcement/promotion_checks.h"
#include "enforcement/promotion_gate.h"
#include "enforcement/run_rule.h"
#include "registry/source_resolution.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

// A lookup made to evaluate rules failed: "not found" lets the inner call answer with
// MLflow's own error; anything else (database busy, connection lost) must not let the change
// through unchecked.
bool MustStop(const Status& status) {
  return !status.ok() && status.code() != ErrorCode::kResourceDoesNotExist;
}

std::string DescribeTags(const std::vector<Tag>& tags) {
  std::string out;
  for (const Tag& tag : tags) out += (out.empty() ? "" : ", ") + tag.key + "=" + tag.value;
  return out;
}

std::string TagState(const std::vector<Tag>& tags, const std::string& key) {
  for (const Tag& tag : tags) {
    if (tag.key == key) return "tag " + key + "=" + tag.value;
  }
  return "tag " + key + " unset";
}

std::string VersionLabel(const std::string& name, int64_t version) {
  return name + " version " + std::to_string(version);
}

}  // namespace

AuditEvent EnforcingRegistry::NewEvent(const CallContext& ctx, const char* operation,
                                       const std::string& model,
                                       std::optional<int64_t> version) const {
  AuditEvent event;
  event.request_id = ctx.request_id;
  event.principal = ctx.principal.empty() ? "anonymous" : ctx.principal;
  event.client_address = ctx.client_address;
  event.operation = operation;
  event.model_name = model;
  event.version = version;
  return event;
}

Status EnforcingRegistry::Apply(const CallContext& ctx, AuditEvent event,
                                const std::vector<CheckResult>& checks, const std::string& denial,
                                const std::function<Status(const CallContext&)>& change) {
  event.checks = ToAuditChecks(checks);
  if (IsDenied(checks)) {
    event.outcome = "denied";
    event.timestamp = clock_.NowMillis();
    Status recorded = audit_log_.AppendAuditEvent(event);
    if (!recorded.ok()) {
      // The denial stands either way; losing its record must not turn it into a 5xx.
      std::fprintf(stderr, "[error] request %s: denial not recorded in the audit log: %s\n",
                   ctx.request_id.c_str(), recorded.ToString().c_str());
    }
    return DenialStatus(denial, checks);
  }
  std::vector<std::string> warnings = Warnings(checks);
  event.outcome = warnings.empty() ? "allowed" : "warned";
  CallContext audited = ctx;
  audited.audit = &event;
  Status status = change(audited);
  if (status.ok() && ctx.warnings) {
    ctx.warnings->insert(ctx.warnings->end(), warnings.begin(), warnings.end());
  }
  return status;
}

std::vector<CheckResult> EnforcingRegistry::PromotionChecks(const CallContext& ctx,
                                                            const Policy& policy,
                                                            const RegisteredModel& model,
                                                            const ModelVersion& version,
                                                            Stage stage, const std::string& alias) {
  // The version a regression gate compares with: the alias's current holder, or the newest
  // version in the stage; never the candidate itself.
  std::optional<ModelVersion> incumbent;
  std::string label;
  if (HasRegressionGate(policy, stage)) {
    if (!alias.empty()) {
      Result<ModelVersion> holder = inner_.GetModelVersionByAlias(ctx, model.name, alias);
      if (holder.ok() && holder->version != version.version) {
        label = "version " + std::to_string(holder->version) + " (current " + alias + ")";
        incumbent = std::move(*holder);
      }
    } else {
      Result<std::vector<ModelVersion>> holders =
          inner_.GetLatestVersions(ctx, model.name, {stage});
      if (holders.ok()) {
        for (ModelVersion& h : *holders) {
          if (h.version == version.version) continue;
          label = "version " + std::to_string(h.version) + " (current " +
                  std::string(StageName(stage)) + ")";
          incumbent = std::move(h);
        }
      }
    }
  }
  std::optional<RunMetrics> candidate_run;
  std::optional<RunMetrics> incumbent_run;
  if (GatesReadRun(policy.gates, stage, /*regression_only=*/false)) {
    candidate_run = ReadRunMetrics(version);
  }
  if (incumbent && GatesReadRun(policy.gates, stage, /*regression_only=*/true)) {
    incumbent_run = ReadRunMetrics(*incumbent);
  }
  return EvaluatePromotion(policy, model, version, stage, incumbent ? &*incumbent : nullptr, label,
                           !alias.empty(), candidate_run ? &*candidate_run : nullptr,
                           incumbent_run ? &*incumbent_run : nullptr);
}

RunMetrics EnforcingRegistry::ReadRunMetrics(const ModelVersion& version) {
  RunMetrics metrics;
  metrics.run_id = version.run_id.value_or("");
  if (metrics.run_id.empty()) return metrics;
  if (tracker_ == nullptr) {
    metrics.status = Status::Unavailable("no tracking server is configured");
    return metrics;
  }
  Result<TrackedRun> run = tracker_->GetRun(metrics.run_id);
  if (run.ok()) {
    metrics.values = std::move(run->metrics);
  } else {
    metrics.status = run.status();
  }
  return metrics;
}

// ---- registered models ----

Result<RegisteredModel> EnforcingRegistry::CreateRegisteredModel(const CallContext& ctx,
                                                                 const NewRegisteredModel& model) {
  const auto policy = policy_.Current();
  const std::vector<Tag> tags = LastValuePerKey(model.tags);
  std::vector<CheckResult> checks = CheckModelName(policy->naming, model.name, IsPrompt(tags));
  RegisteredModel pending;
  pending.name = model.name;
  pending.description = model.description;
  pending.tags = tags;
  std::vector<CheckResult> metadata =
      CheckMetadata(policy->requirements, Checkpoint::kRegistration, &pending, nullptr);
  checks.insert(checks.end(), metadata.begin(), metadata.end());

  // A name that is taken answers RESOURCE_ALREADY_EXISTS, as without a policy, before any
  // denial (clients such as register_model rely on that code).
  if (IsDenied(checks) && inner_.GetRegisteredModel(ctx, model.name).ok()) {
    return inner_.CreateRegisteredModel(ctx, model);
  }
  AuditEvent event = NewEvent(ctx, "CreateRegisteredModel", model.name);
  event.after = DescribeTags(tags);
  std::optional<RegisteredModel> created;
  RETURN_IF_ERROR(Apply(ctx, std::move(event), checks,
                        "Registering model " + QuoteForMessage(model.name) + " denied by policy",
                        [&](const CallContext& audited) -> Status {
                          ASSIGN_OR_RETURN(created, inner_.CreateRegisteredModel(audited, model));
                          return Status::Ok();
                        }));
  GrantsChanged();  // The creator's MANAGE.
  return std::move(*created);
}

Result<RegisteredModel> EnforcingRegistry::GetRegisteredModel(const CallContext& ctx,
                                                              const std::string& name) {
  return inner_.GetRegisteredModel(ctx, name);
}

Result<RegisteredModel> EnforcingRegistry::UpdateRegisteredModel(const CallContext& ctx,
                                                                 const std::string& name,
                                                                 const std::string& description) {
  AuditEvent event = NewEvent(ctx, "UpdateRegisteredModel", name);
  if (auto before = inner_.GetRegisteredModel(ctx, name); before.ok()) {
    event.before = "description=" + before->description;
  }
  event.after = "description=" + description;
  std::optional<RegisteredModel> updated;
  RETURN_IF_ERROR(Apply(ctx, std::move(event), {}, "", [&](const CallContext& audited) -> Status {
    ASSIGN_OR_RETURN(updated, inner_.UpdateRegisteredModel(audited, name, description));
    return Status::Ok();
  }));
  return std::move(*updated);
}

Result<RegisteredModel> EnforcingRegistry::RenameRegisteredModel(const CallContext& ctx,
                                                                 const std::string& name,
                                                                 const std::string& new_name) {
  const auto policy = policy_.Current();
  Result<RegisteredModel> current = inner_.GetRegisteredModel(ctx, name);
  if (!current.ok()) {
    if (MustStop(current.status())) return current.status();
    return inner_.RenameRegisteredModel(ctx, name, new_name);  // MLflow's own 404.
  }
  const bool is_prompt = IsPrompt(current->tags);
  AuditEvent event = NewEvent(ctx, "RenameRegisteredModel", name);
  event.before = "name=" + name;
  event.after = "name=" + new_name;
  std::optional<RegisteredModel> renamed;
  RETURN_IF_ERROR(Apply(ctx, std::move(event), CheckModelName(policy->naming, new_name, is_prompt),
                        "Renaming model " + QuoteForMessage(name) + " to " +
                            QuoteForMessage(new_name) + " denied by policy",
                        [&](const CallContext& audited) -> Status {
                          ASSIGN_OR_RETURN(renamed,
                                           inner_.RenameRegisteredModel(audited, name, new_name));
                          return Status::Ok();
                        }));
  GrantsChanged();
  return std::move(*renamed);
}

Status EnforcingRegistry::DeleteRegisteredModel(const CallContext& ctx, const std::string& name) {
  RETURN_IF_ERROR(Apply(
      ctx, NewEvent(ctx, "DeleteRegisteredModel", name), {}, "",
      [&](const CallContext& audited) { return inner_.DeleteRegisteredModel(audited, name); }));
  GrantsChanged();
  return Status::Ok();
}

// Creating, renaming and deleting a model writes its grants (in the store, in the same
// transaction): cached access profiles of this process must not outlive them.
void EnforcingRegistry::GrantsChanged() {
  if (access_ != nullptr && access_->enabled()) access_->Invalidate();
}

// The caller's read limit goes into the query itself (MLflow filters pages after the query and
// re-queries to fill them); anonymous callers exist only with authentication off.
Result<SearchQuery> EnforcingRegistry::Scoped(const CallContext& ctx,
                                              const SearchQuery& query) const {
  SearchQuery scoped = query;
  scoped.read_scope.reset();
  if (access_ == nullptr || !access_->enabled()) return scoped;
  if (ctx.principal.empty()) {
    return Status::Unauthenticated("You are not authenticated.");
  }
  Result<std::optional<ReadScope>> scope = access_->ReadScopeFor(ctx.principal);
  if (!scope.ok()) return scope.status();
  if (scope->has_value()) scoped.read_scope.emplace(std::move(**scope));
  return scoped;
}

Result<Page<RegisteredModel>> EnforcingRegistry::SearchRegisteredModels(const CallContext& ctx,
                                                                        const SearchQuery& query) {
  ASSIGN_OR_RETURN(SearchQuery scoped, Scoped(ctx, query));
  return inner_.SearchRegisteredModels(ctx, scoped);
}

Result<std::vector<ModelVersion>> EnforcingRegistry::GetLatestVersions(
    const CallContext& ctx, const std::string& name, const std::vector<Stage>& stages) {
  return inner_.GetLatestVersions(ctx, name, stages);
}

Status EnforcingRegistry::SetRegisteredModelTag(const CallContext& ctx, const std::string& name,
                                                const Tag& tag) {
  AuditEvent event = NewEvent(ctx, "SetRegisteredModelTag", name);
  std::vector<CheckResult> checks;
  Result<RegisteredModel> before = inner_.GetRegisteredModel(ctx, name);
  if (MustStop(before.status())) return before.status();
  if (before.ok()) {
    event.before = TagState(before->tags, tag.key);
    // A prompt that stops being one must carry a name the naming rule accepts.
    if (tag.key == kIsPromptTagKey && tag.value != "true") {
      checks = CheckModelName(policy_.Current()->naming, name, /*is_prompt=*/false);
    }
  }
  event.after = "tag " + tag.key + "=" + tag.value;
  return Apply(
      ctx, std::move(event), checks,
      "Setting tag '" + tag.key + "' on model '" + name + "' denied by policy",
      [&](const CallContext& audited) { return inner_.SetRegisteredModelTag(audited, name, tag); });
}

Status EnforcingRegistry::DeleteRegisteredModelTag(const CallContext& ctx, const std::string& name,
                                                   const std::string& key) {
  AuditEvent event = NewEvent(ctx, "DeleteRegisteredModelTag", name);
  std::vector<CheckResult> checks;
  Result<RegisteredModel> before = inner_.GetRegisteredModel(ctx, name);
  if (MustStop(before.status())) return before.status();
  if (before.ok()) {
    event.before = TagState(before->tags, key);
    if (key == kIsPromptTagKey && IsPrompt(before->tags)) {
      checks = CheckModelName(policy_.Current()->naming, name, /*is_prompt=*/false);
    }
  }
  event.after = "tag " + key + " unset";
  return Apply(ctx, std::move(event), checks,
               "Deleting tag '" + key + "' of model '" + name + "' denied by policy",
               [&](const CallContext& audited) {
                 return inner_.DeleteRegisteredModelTag(audited, name, key);
               });
}

Status EnforcingRegistry::SetRegisteredModelAlias(const CallContext& ctx, const std::string& name,
                                                  const std::string& alias, int64_t version) {
  const auto policy = policy_.Current();
  AuditEvent event = NewEvent(ctx, "SetRegisteredModelAlias", name, version);
  Result<ModelVersion> previous = inner_.GetModelVersionByAlias(ctx, name, alias);
  event.before = "alias " + alias +
                 (previous.ok() ? " -> version " + std::to_string(previous->version) : " unset");
  event.after = "alias " + alias + " -> version " + std::to_string(version);

  std::vector<CheckResult> checks;
  auto mapped = policy->lifecycle.alias_stages.find(alias);
  if (policy->lifecycle.mode != RuleMode::kOff && mapped != policy->lifecycle.alias_stages.end()) {
    Result<RegisteredModel> model = inner_.GetRegisteredModel(ctx, name);
    Result<ModelVersion> candidate = inner_.GetModelVersion(ctx, name, version);
    if (MustStop(model.status())) return model.status();
    if (MustStop(candidate.status())) return candidate.status();
    // When either is missing the inner call answers with MLflow's own error.
    if (model.ok() && candidate.ok()) {
      checks = PromotionChecks(ctx, *policy, *model, *candidate, mapped->second, alias);
    }
  }
  return Apply(ctx, std::move(event), checks,
               "Setting alias '" + alias + "' on " + VersionLabel(name, version) +
                   (mapped != policy->lifecycle.alias_stages.end()
                        ? " (counts as " + std::string(StageName(mapped->second)) + ")"
                        : "") +
                   " denied by policy",
               [&](const CallContext& audited) {
                 return inner_.SetRegisteredModelAlias(audited, name, alias, version);
               });
}

Status EnforcingRegistry::DeleteRegisteredModelAlias(const CallContext& ctx,
                                                     const std::string& name,
                                                     const std::string& alias) {
  AuditEvent event = NewEvent(ctx, "DeleteRegisteredModelAlias", name);
  if (auto previous = inner_.GetModelVersionByAlias(ctx, name, alias); previous.ok()) {
    event.before = "alias " + alias + " -> version " + std::to_string(previous->version);
    event.version = previous->version;
  }
  event.after = "alias " + alias + " unset";
  return Apply(ctx, std::move(event), {}, "", [&](const CallContext& audited) {
    return inner_.DeleteRegisteredModelAlias(audited, name, alias);
  });
}

Result<ModelVersion> EnforcingRegistry::GetModelVersionByAlias(const CallContext& ctx,
                                                               const std::string& name,
                                                               const std::string& alias) {
  return inner_.GetModelVersionByAlias(ctx, name, alias);
}

// ---- model versions ----

Result<ModelVersion> EnforcingRegistry::CreateModelVersion(const CallContext& ctx,
                                                           const NewModelVersion& version) {
  const auto policy = policy_.Current();
  ModelVersion pending;
  pending.name = version.name;
  pending.description = version.description;
  pending.tags = LastValuePerKey(version.tags);
  std::vector<CheckResult> checks =
      CheckMetadata(policy->requirements, Checkpoint::kRegistration, nullptr, &pending);
  const std::string run_id =
      version.run_id.empty() ? RunIdOfSource(version.source) : version.run_id;
  std::vector<CheckResult> run_checks =
      CheckSourceRun(policy->runs, run_id, HasPromptTagKey(version.tags), tracker_);
  checks.insert(checks.end(), run_checks.begin(), run_checks.end());
  AuditEvent event = NewEvent(ctx, "CreateModelVersion", version.name);
  event.after = "source=" + version.source +
                (version.run_id.empty() ? "" : ", run_id=" + version.run_id) +
                (version.tags.empty() ? "" : ", " + DescribeTags(version.tags));
  std::optional<ModelVersion> created;
  RETURN_IF_ERROR(Apply(ctx, std::move(event), checks,
                        "Registering a version of '" + version.name + "' denied by policy",
                        [&](const CallContext& audited) -> Status {
                          ASSIGN_OR_RETURN(created, inner_.CreateModelVersion(audited, version));
                          return Status::Ok();
                        }));
  return std::move(*created);
}

Result<ModelVersion> EnforcingRegistry::GetModelVersion(const CallContext& ctx,
                                                        const std::string& name, int64_t version) {
  return inner_.GetModelVersion(ctx, name, version);
}

Result<ModelVersion> EnforcingRegistry::UpdateModelVersion(
    const CallContext& ctx, const std::string& name, int64_t version,
    const std::optional<std::string>& description) {
  AuditEvent event = NewEvent(ctx, "UpdateModelVersion", name, version);
  if (auto before = inner_.GetModelVersion(ctx, name, version); before.ok()) {
    event.before = "description=" + before->description.value_or("");
  }
  event.after = "description=" + description.value_or("");
  std::optional<ModelVersion> updated;
  RETURN_IF_ERROR(Apply(ctx, std::move(event), {}, "", [&](const CallContext& audited) -> Status {
    ASSIGN_OR_RETURN(updated, inner_.UpdateModelVersion(audited, name, version, description));
    return Status::Ok();
  }));
  return std::move(*updated);
}

Status EnforcingRegistry::DeleteModelVersion(const CallContext& ctx, const std::string& name,
                                             int64_t version) {
  return Apply(ctx, NewEvent(ctx, "DeleteModelVersion", name, version), {}, "",
               [&](const CallContext& audited) {
                 return inner_.DeleteModelVersion(audited, name, version);
               });
}

Result<ModelVersion> EnforcingRegistry::TransitionModelVersionStage(
    const CallContext& ctx, const std::string& name, int64_t version, Stage stage,
    bool archive_existing_versions) {
  const auto policy = policy_.Current();
  AuditEvent event = NewEvent(ctx, "TransitionModelVersionStage", name, version);
  event.after = "stage=" + std::string(StageName(stage)) +
                (archive_existing_versions ? ", archive_existing_versions" : "");
  std::vector<CheckResult> checks;
  Result<ModelVersion> candidate = inner_.GetModelVersion(ctx, name, version);
  if (MustStop(candidate.status())) return candidate.status();
  if (candidate.ok()) {
    event.before = "stage=" + std::string(StageName(candidate->current_stage));
    Result<RegisteredModel> model = inner_.GetRegisteredModel(ctx, name);
    if (MustStop(model.status())) return model.status();
    if (model.ok()) checks = PromotionChecks(ctx, *policy, *model, *candidate, stage, "");
    // Archiving the versions that hold the stage moves them too: the lifecycle must allow it.
    if (archive_existing_versions) {
      Result<std::vector<ModelVersion>> holders = inner_.GetLatestVersions(ctx, name, {stage});
      if (MustStop(holders.status())) return holders.status();
      const bool others =
          holders.ok() && std::any_of(holders->begin(), holders->end(),
                                      [&](const ModelVersion& v) { return v.version != version; });
      if (others) {
        for (CheckResult& check : CheckTransition(policy->lifecycle, stage, Stage::kArchived)) {
          check.message += " (archive_existing_versions would archive the other versions in " +
                           std::string(StageName(stage)) + ")";
          checks.push_back(std::move(check));
        }
      }
    }
  }
  std::optional<ModelVersion> moved;
  RETURN_IF_ERROR(Apply(ctx, std::move(event), checks,
                        "Transition of " + VersionLabel(name, version) + " to " +
                            std::string(StageName(stage)) + " denied by policy",
                        [&](const CallContext& audited) -> Status {
                          ASSIGN_OR_RETURN(
                              moved, inner_.TransitionModelVersionStage(
                                         audited, name, version, stage, archive_existing_versions));
                          return Status::Ok();
                        }));
  return std::move(*moved);
}

Result<Page<ModelVersion>> EnforcingRegistry::SearchModelVersions(const CallContext& ctx,
                                                                  const SearchQuery& query) {
  ASSIGN_OR_RETURN(SearchQuery scoped, Scoped(ctx, query));
  return inner_.SearchModelVersions(ctx, scoped);
}

Result<std::string> EnforcingRegistry::GetModelVersionDownloadUri(const CallContext& ctx,
                                                                  const std::string& name,
                                                                  int64_t version) {
  return inner_.GetModelVersionDownloadUri(ctx, name, version);
}

Status EnforcingRegistry::SetModelVersionTag(const CallContext& ctx, const std::string& name,
                                             int64_t version, const Tag& tag) {
  AuditEvent event = NewEvent(ctx, "SetModelVersionTag", name, version);
  if (auto before = inner_.GetModelVersion(ctx, name, version); before.ok()) {
    event.before = TagState(before->tags, tag.key);
  }
  event.after = "tag " + tag.key + "=" + tag.value;
  return Apply(ctx, std::move(event), {}, "", [&](const CallContext& audited) {
    return inner_.SetModelVersionTag(audited, name, version, tag);
  });
}

Status EnforcingRegistry::DeleteModelVersionTag(const CallContext& ctx, const std::string& name,
                                                int64_t version, const std::string& key) {
  AuditEvent event = NewEvent(ctx, "DeleteModelVersionTag", name, version);
  if (auto before = inner_.GetModelVersion(ctx, name, version); before.ok()) {
    event.before = TagState(before->tags, key);
  }
  event.after = "tag " + key + " unset";
  return Apply(ctx, std::move(event), {}, "", [&](const CallContext& audited) {
    return inner_.DeleteModelVersionTag(audited, name, version, key);
  });
}

// ---- governance ----

Result<PromotionReport> EnforcingRegistry::CheckPromotion(const CallContext& ctx,
                                                          const std::string& name, int64_t version,
                                                          const PromotionTarget& target) {
  const auto policy = policy_.Current();
  ASSIGN_OR_RETURN(RegisteredModel model, inner_.GetRegisteredModel(ctx, name));
  ASSIGN_OR_RETURN(ModelVersion candidate, inner_.GetModelVersion(ctx, name, version));
  PromotionReport report;
  report.name = name;
  report.version = version;
  report.alias = target.alias;
  report.stage = target.stage;
  if (!target.alias.empty()) {
    RETURN_IF_ERROR(ValidateAliasForSet(target.alias));
    auto mapped = policy->lifecycle.alias_stages.find(target.alias);
    report.stage =
        mapped != policy->lifecycle.alias_stages.end() && policy->lifecycle.mode != RuleMode::kOff
            ? std::optional<Stage>(mapped->second)
            : std::nullopt;
  }
  if (report.stage) {
    report.checks = PromotionChecks(ctx, *policy, model, candidate, *report.stage, target.alias);
  }
  report.allowed = !IsDenied(report.checks);
  return report;
}

Result<ModelCardView> EnforcingRegistry::GetModelCard(const CallContext& ctx,
                                                      const std::string& name, int64_t version) {
  const auto policy = policy_.Current();
  ASSIGN_OR_RETURN(RegisteredModel model, inner_.GetRegisteredModel(ctx, name));
  ASSIGN_OR_RETURN(ModelVersion found, inner_.GetModelVersion(ctx, name, version));
  const ModelCard card = FindModelCard(
      found, policy->model_card, RequiredSections(policy->model_card, Stage::kProduction, model));
  ModelCardView view;
  view.name = name;
  view.version = version;
  view.markdown = card.markdown;
  view.origin = card.origin;
  view.sections = FilledSections(card.markdown);
  return view;
}

Status EnforcingRegistry::SetModelCard(const CallContext& ctx, const std::string& name,
                                       int64_t version, const std::string& markdown) {
  return SetModelVersionTag(ctx, name, version, Tag{kModelCardTagKey, markdown});
}

Result<Page<AuditEvent>> EnforcingRegistry::SearchAuditLog(const CallContext&,
                                                           const AuditQuery& query) {
  return audit_log_.SearchAuditEvents(query);
}

}  // namespace modelwarden
