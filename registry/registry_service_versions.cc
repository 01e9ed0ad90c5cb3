// The model-version RPCs of RegistryService (registry_service.h).
#include <cstdio>
#include <tuple>

#include "registry/mlflow_errors.h"
#include "registry/registry_service.h"
#include "registry/source_resolution.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

// What both of modelwarden's schemas hold for a source or run_link.
constexpr size_t kMaxLocationLength = 16384;
// Versions copied from copies: rows written before copies were resolved at creation may hold a
// models:/ location of their own.
constexpr int kMaxCopyHops = 10;

Status ValidateTag(const Tag& tag) { return ValidateTags({tag}); }

// The storage location of the version a models:/<name>/<version> source names, following
// copies of copies (MLflow: get_model_version_download_uri of the source version).
Result<std::string> CopiedLocation(ModelReader& rows, const std::string& source,
                                   ModelsSource named) {
  for (int hop = 0; hop < kMaxCopyHops; ++hop) {
    ASSIGN_OR_RETURN(std::optional<ModelVersion> found,
                     rows.FindVersion(named.name, named.version));
    if (!found) {
      return UnresolvableModelsSource(source, VersionNotFound(named.name, named.version).message());
    }
    std::string location =
        found->storage_location.empty() ? found->source : found->storage_location;
    named = ParseModelsSource(location);
    if (named.kind != ModelsSource::Kind::kVersion) return location;
  }
  return UnresolvableModelsSource(source, "its chain of models:/ sources is too long");
}

}  // namespace

Result<Written<ModelVersion>> RegistryService::CreateModelVersion(const CallContext& ctx,
                                                                  const NewModelVersion& request) {
  RETURN_IF_ERROR(ValidateModelName(request.name));
  CreateVersionChange change{request, request.source, /*run_id_from_source=*/false,
                             /*source_model=*/""};
  NewModelVersion& version = change.version;
  RETURN_IF_ERROR(ValidateTags(version.tags));
  // MLflow leaves these to the database, which fails with a 500 on strict servers; the limits
  // here are what both of modelwarden's schemas hold.
  for (const auto& [field, value, limit] :
       {std::tuple<const char*, const std::string&, size_t>{"run_id", version.run_id, 256},
        {"source", version.source, kMaxLocationLength},
        {"run_link", version.run_link, kMaxLocationLength}}) {
    if (value.size() > limit) {
      return Status::InvalidArgument("Parameter '" + std::string(field) + "' is longer than " +
                                     std::to_string(limit) + " bytes.");
    }
  }
  if (options_.source_pattern && !options_.source_pattern->PartialMatch(version.source)) {
    return Status::InvalidArgument("Invalid model version source: '" + version.source +
                                   "'. It must match " + options_.source_pattern_text + ".");
  }
  // MLflow's store resolves a models:/ source for every version, prompts included.
  const ModelsSource models_source = ParseModelsSource(version.source);
  if (models_source.kind == ModelsSource::Kind::kUnsupported) {
    return UnresolvableModelsSource(version.source, models_source.problem);
  }
  const bool copied = models_source.kind == ModelsSource::Kind::kVersion;
  if (copied) change.source_model = models_source.name;
  // Prompt versions skip the rest of source validation: prompt clients send placeholder sources
  // such as "dummy-source" (mlflow/server/handlers.py _create_model_version).
  const bool is_prompt = HasPromptTagKey(version.tags);
  if (!is_prompt && options_.tracker == nullptr) {
    RETURN_IF_ERROR(ValidateModelVersionSource(version.source));
  } else if (!is_prompt) {
    // The caller must be allowed to register before the tracker is asked about their source.
    RETURN_IF_ERROR(unit_.Preauthorize(ctx, change));
    RETURN_IF_ERROR(ResolveWithTracker(ctx, change));
  }
  const std::string user_id = ctx.principal.name;
  std::string location;
  return unit_.Run<ModelVersion>(
      ctx, change,
      // Only whether the model exists: nothing judges a new version by its model, and this is
      // the hottest write. A copy reads its source version first, as MLflow's store does
      // (a missing one is a 400 and nothing is written).
      [&](ModelRows& rows, ChangeState&) -> Status {
        location = change.storage_location;
        if (copied) {
          ASSIGN_OR_RETURN(location, CopiedLocation(rows, version.source, models_source));
        }
        ASSIGN_OR_RETURN(bool exists, rows.ModelExists(version.name));
        return exists ? Status::Ok() : ModelNotFound(version.name);
      },
      [&](ModelRows& rows, const ChangeState&, int64_t now) -> Result<ModelVersion> {
        ASSIGN_OR_RETURN(int64_t number, rows.InsertVersion(version, location, user_id, now));
        ModelVersion created;
        created.name = version.name;
        created.version = number;
        created.creation_timestamp = now;
        created.last_updated_timestamp = now;
        created.user_id = user_id;
        created.description = version.description;
        created.source = version.source;
        created.storage_location = location;
        created.run_id = version.run_id;
        created.run_link = version.run_link;
        created.tags = LastValuePerKey(version.tags);
        return created;
      },
      /*preauthorized=*/!is_prompt && options_.tracker != nullptr);
}

// A runs:/ or models:/<model_id> source, or a local path, resolved to its run and storage
// location; with fill_run_link, run_link filled from the run when the client sent none.
Status RegistryService::ResolveWithTracker(const CallContext& ctx, CreateVersionChange& change) {
  NewModelVersion& version = change.version;
  ASSIGN_OR_RETURN(ResolvedSource resolved,
                   ResolveSource(*options_.tracker, version.source, version.run_id));
  change.storage_location = resolved.storage_location;
  change.run_id_from_source = resolved.run_id != version.run_id;
  version.run_id = resolved.run_id;
  if (!options_.fill_run_link || !version.run_link.empty() || version.run_id.empty()) {
    return Status::Ok();
  }
  // A run the tracker cannot show just leaves the link empty: whether the run must exist is
  // the policy's call.
  Result<TrackedRun> run = resolved.run ? Result<TrackedRun>(std::move(*resolved.run))
                                        : options_.tracker->GetRun(version.run_id);
  if (run.ok()) {
    version.run_link = options_.tracker->RunLink(*run);
  } else if (run.status().code() != ErrorCode::kResourceDoesNotExist) {
    std::fprintf(stderr, "[warn] request %s: no run_link for run %s: %s\n", ctx.request_id.c_str(),
                 version.run_id.c_str(), run.status().ToString().c_str());
  }
  return Status::Ok();
}

Result<ModelVersion> RegistryService::GetModelVersion(const CallContext& ctx,
                                                      const std::string& name, int64_t version) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(governor_.AuthorizeRead(ctx, Operation::kGetModelVersion, name));
  std::optional<ModelVersion> found;
  RETURN_IF_ERROR(store_.Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(found, reader.FindVersion(name, version));
    return Status::Ok();
  }));
  if (!found) return VersionNotFound(name, version);
  return std::move(*found);
}

Result<Written<ModelVersion>> RegistryService::UpdateModelVersion(
    const CallContext& ctx, const std::string& name, int64_t version,
    const std::optional<std::string>& description) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return unit_.Run<ModelVersion>(
      ctx, UpdateVersionChange{name, version, description},
      [&](ModelRows& rows, ChangeState& state) {
        return RequireVersion(rows, name, version, state);
      },
      [&](ModelRows& rows, const ChangeState& state, int64_t now) -> Result<ModelVersion> {
        RETURN_IF_ERROR(rows.UpdateVersionDescription(name, version, description, now));
        ModelVersion updated = *state.version;
        updated.description = description;
        updated.last_updated_timestamp = now;
        return updated;
      });
}

Result<Written<Done>> RegistryService::DeleteModelVersion(const CallContext& ctx,
                                                          const std::string& name,
                                                          int64_t version) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return unit_.Run<Done>(
      ctx, DeleteVersionChange{name, version},
      [&](ModelRows& rows, ChangeState& state) {
        return RequireVersion(rows, name, version, state);
      },
      [&](ModelRows& rows, const ChangeState&, int64_t now) -> Result<Done> {
        RETURN_IF_ERROR(rows.SoftDeleteVersion(name, version, now));
        return Done{};
      });
}

Result<Written<ModelVersion>> RegistryService::TransitionModelVersionStage(
    const CallContext& ctx, const std::string& name, int64_t version, Stage stage,
    bool archive_existing_versions) {
  return Transition(ctx, TransitionStageChange{name, version, stage, archive_existing_versions});
}

Result<Written<ModelVersion>> RegistryService::Transition(const CallContext& ctx,
                                                          const TransitionStageChange& change) {
  const std::string& name = change.name;
  RETURN_IF_ERROR(ValidateModelName(name));
  // MLflow raises an uncoded exception here (HTTP 500, which clients retry); a 400 is right.
  if (change.archive_existing_versions && change.stage != Stage::kStaging &&
      change.stage != Stage::kProduction) {
    return Status::InvalidArgument(
        "Model version transition cannot archive existing model versions because '" +
        std::string(StageName(change.stage)) +
        "' is not an Active stage. Valid stages are Staging, "
        "Production.");
  }
  return unit_.Run<ModelVersion>(
      ctx, change,
      [&](ModelRows& rows, ChangeState& state) {
        return RequireVersionAndModel(rows, name, change.version, state);
      },
      [&](ModelRows& rows, const ChangeState&, int64_t now) -> Result<ModelVersion> {
        RETURN_IF_ERROR(rows.SetVersionStage(name, change.version, change.stage,
                                             change.archive_existing_versions, now));
        ASSIGN_OR_RETURN(std::optional<ModelVersion> moved, rows.FindVersion(name, change.version));
        if (!moved) return Status::Internal("The moved version was not found.");
        return std::move(*moved);
      });
}

Result<Written<Done>> RegistryService::RetireVersion(const CallContext& ctx,
                                                     const Retirement& retirement) {
  ASSIGN_OR_RETURN(std::vector<std::optional<UnitOfWork::Outcome>> outcomes,
                   RetireVersions(ctx, {retirement}, std::chrono::steady_clock::duration::zero()));
  UnitOfWork::Outcome& outcome = *outcomes.front();  // A batch's first step always runs.
  RETURN_IF_ERROR(outcome.status);
  return Written<Done>{Done{}, std::move(outcome.warnings)};
}

// The unit of work of one retirement: a soft delete as MLflow's DeleteModelVersion, or a move
// to Archived; both carry the rule's mark, which the governor judges again. The model is read
// too: a rule may select models by their tags. A deletion is judged by the retention rule
// alone, on the model's name and tags: its header will do, which spares reading every
// version of the model for each deletion. A move is judged as any promotion, on the whole
// model.
UnitOfWork::Step RegistryService::RetirementStep(const Retirement& retirement) {
  const std::string name = retirement.name;
  const int64_t version = retirement.version;
  UnitOfWork::Step step;
  if (retirement.archive) {
    TransitionStageChange change{name, version, Stage::kArchived, false};
    change.retention = retirement.mark;
    step.change = std::move(change);
    step.check = [name, version](ModelRows& rows, ChangeState& state) {
      return RequireVersionAndModel(rows, name, version, state);
    };
    step.apply = [name, version](ModelRows& rows, const ChangeState&, int64_t now) -> Result<Done> {
      RETURN_IF_ERROR(rows.SetVersionStage(name, version, Stage::kArchived, false, now));
      return Done{};
    };
  } else {
    step.change = DeleteVersionChange{name, version, retirement.mark};
    step.check = [name, version](ModelRows& rows, ChangeState& state) {
      return RequireVersionAndModelHeader(rows, name, version, state);
    };
    step.apply = [name, version](ModelRows& rows, const ChangeState&, int64_t now) -> Result<Done> {
      RETURN_IF_ERROR(rows.SoftDeleteVersion(name, version, now));
      return Done{};
    };
  }
  return step;
}

Result<std::vector<std::optional<UnitOfWork::Outcome>>> RegistryService::RetireVersions(
    const CallContext& ctx, const std::vector<Retirement>& retirements,
    std::chrono::steady_clock::duration budget) {
  std::vector<std::optional<UnitOfWork::Outcome>> outcomes(retirements.size());
  std::vector<UnitOfWork::Step> steps;
  std::vector<size_t> stepped;  // Which retirement each step makes.
  for (size_t i = 0; i < retirements.size(); ++i) {
    const Status valid = ValidateModelName(retirements[i].name);
    if (!valid.ok()) {
      outcomes[i] = UnitOfWork::Outcome{valid, {}};
      continue;
    }
    steps.push_back(RetirementStep(retirements[i]));
    stepped.push_back(i);
  }
  if (steps.empty()) return outcomes;
  ASSIGN_OR_RETURN(std::vector<std::optional<UnitOfWork::Outcome>> ran,
                   unit_.RunBatch(ctx, steps, budget));
  for (size_t k = 0; k < ran.size(); ++k) outcomes[stepped[k]] = std::move(ran[k]);
  return outcomes;
}

Status RegistryService::RequestApproval(const CallContext& ctx, const ApprovalMove& move,
                                        const std::string& comment) {
  MoveApproval requested;
  requested.path = MoveApproval::Path::kRequested;
  requested.comment = comment;
  if (move.stage) {
    TransitionStageChange change{move.name, move.version, *move.stage,
                                 move.archive_existing_versions};
    change.approval = requested;
    return Transition(ctx, change).status();
  }
  SetAliasChange change{move.name, move.alias, move.version};
  change.approval = requested;
  return SetAlias(ctx, change).status();
}

Result<std::string> RegistryService::GetModelVersionDownloadUri(const CallContext& ctx,
                                                                const std::string& name,
                                                                int64_t version) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(governor_.AuthorizeRead(ctx, Operation::kGetModelVersionDownloadUri, name));
  std::optional<ModelVersion> found;
  RETURN_IF_ERROR(store_.Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(found, reader.FindVersion(name, version));
    return Status::Ok();
  }));
  if (!found) return VersionNotFound(name, version);
  return found->storage_location.empty() ? found->source : found->storage_location;
}

Result<Written<Done>> RegistryService::SetModelVersionTag(const CallContext& ctx,
                                                          const std::string& name, int64_t version,
                                                          const Tag& tag) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return unit_.Run<Done>(
      ctx, SetVersionTagChange{name, version, tag},
      [&](ModelRows& rows, ChangeState& state) -> Status {
        RETURN_IF_ERROR(ValidateTag(tag));
        return RequireVersion(rows, name, version, state);
      },
      [&](ModelRows& rows, const ChangeState&, int64_t) -> Result<Done> {
        RETURN_IF_ERROR(rows.SetVersionTag(name, version, tag));
        return Done{};
      });
}

Result<Written<Done>> RegistryService::DeleteModelVersionTag(const CallContext& ctx,
                                                             const std::string& name,
                                                             int64_t version,
                                                             const std::string& key) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return unit_.Run<Done>(
      ctx, DeleteVersionTagChange{name, version, key},
      [&](ModelRows& rows, ChangeState& state) -> Status {
        RETURN_IF_ERROR(ValidateTagKey(key));
        return RequireVersion(rows, name, version, state);
      },
      [&](ModelRows& rows, const ChangeState&, int64_t) -> Result<Done> {
        RETURN_IF_ERROR(rows.DeleteVersionTag(name, version, key));
        return Done{};
      });
}

}  // namespace modelwarden
