#include "registry/registry_service.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "registry/audit_record.h"
#include "registry/source_resolution.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

// mlflow/store/model_registry/__init__.py and model_registry.proto defaults.
constexpr int64_t kModelSearchDefault = 100;
constexpr int64_t kModelSearchMax = 1000;
constexpr int64_t kVersionSearchDefault = 200000;
constexpr int64_t kVersionSearchMax = 200000;
constexpr size_t kMaxLocationLength = 16384;

Status ValidateTags(const std::vector<Tag>& tags) {
  for (const Tag& tag : tags) {
    RETURN_IF_ERROR(ValidateTagKey(tag.key));
    RETURN_IF_ERROR(ValidateTagValue(tag.value));
  }
  return Status::Ok();
}

Status ValidateTag(const Tag& tag) { return ValidateTags({tag}); }

bool IsLatestAlias(const std::string& alias) {
  std::string lower = alias;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "latest";
}

std::string ModelNotFound(const std::string& name) {
  return "Registered Model with name=" + name + " not found";
}

std::string VersionNotFound(const std::string& name, int64_t version) {
  return "Model Version (name=" + name + ", version=" + std::to_string(version) + ") not found";
}

// MLflow words the conflict differently when a prompt is involved
// (mlflow/prompt/registry_utils.handle_resource_already_exist_error).
Status NameTaken(const std::string& name, bool old_is_prompt, bool new_is_prompt) {
  if (old_is_prompt != new_is_prompt) {
    return Status::AlreadyExists(
        std::string("Tried to create a ") + (new_is_prompt ? "prompt" : "model") + " with name '" +
        name + "', but the name is already taken by a " +
        (old_is_prompt ? "prompt" : "registered model") +
        ". MLflow does not allow creating a model and a prompt with the same name.");
  }
  return Status::AlreadyExists("Registered Model (name=" + name + ") already exists.");
}

// The model in `state`, or MLflow's "not found".
Status RequireModel(ModelRows& rows, const std::string& name, ChangeState& state) {
  ASSIGN_OR_RETURN(state.model, rows.FindModel(name));
  if (!state.model) return Status::NotFound(ModelNotFound(name));
  return Status::Ok();
}

// The live version in `state` (and its model), or MLflow's "not found" for the version
// whether or not the model exists (MLflow's order of checks).
Status RequireVersion(ModelRows& rows, const std::string& name, int64_t version,
                      ChangeState& state) {
  ASSIGN_OR_RETURN(state.model, rows.FindModel(name));
  if (state.model) {
    ASSIGN_OR_RETURN(state.version, rows.FindVersion(name, version));
  }
  if (!state.version) return Status::NotFound(VersionNotFound(name, version));
  return Status::Ok();
}

Result<StoreSearch> ParseSearch(const SearchQuery& query, SearchTarget target) {
  const bool models = target == SearchTarget::kRegisteredModels;
  const int64_t max = models ? kModelSearchMax : kVersionSearchMax;
  StoreSearch search;
  search.max_results =
      query.max_results.value_or(models ? kModelSearchDefault : kVersionSearchDefault);
  if (search.max_results < 1) {
    return Status::InvalidArgument(
        "Invalid value for max_results. It must be a positive integer, but got " +
        std::to_string(search.max_results));
  }
  if (search.max_results > max) {
    return Status::InvalidArgument(
        "Invalid value for request parameter max_results. It must be at most " +
        std::to_string(max) + ", but got value " + std::to_string(search.max_results));
  }
  ASSIGN_OR_RETURN(search.filter, ParseSearchFilter(query.filter, target));
  ASSIGN_OR_RETURN(search.order, ParseOrderBy(query.order_by, target));
  ASSIGN_OR_RETURN(search.offset, DecodePageToken(query.page_token));
  return search;
}

// The version number an answer carries into the audit log, if any.
std::optional<int64_t> VersionIn(const ModelVersion& version) { return version.version; }
std::optional<int64_t> VersionIn(const RegisteredModel&) { return std::nullopt; }
std::optional<int64_t> VersionIn(const Done&) { return std::nullopt; }

}  // namespace

template <typename T>
Result<Written<T>> RegistryService::Run(const CallContext& ctx, const Change& change,
                                        const Check& check, const Apply<T>& apply,
                                        bool preauthorized) {
  if (!preauthorized) RETURN_IF_ERROR(governor_.Preauthorize(ctx, change));
  ASSIGN_OR_RETURN(const OutsideFacts facts, governor_.Prepare(ctx, change));
  const int64_t now = clock_.NowMillis();
  Written<T> written;
  Status denial;
  RETURN_IF_ERROR(store_.Write(LockedModels(change), [&](WriteTxn& txn) -> Status {
    denial = Status::Ok();
    ChangeState state;
    const Status allowed = governor_.Authorize(ctx, change, txn.auth());
    if (allowed.code() == ErrorCode::kPermissionDenied) {
      denial = allowed;
      AuditEvent event = DescribeChange(ctx, change, state);
      event.timestamp = now;
      event.outcome = AuditOutcome::kDenied;
      event.checks.push_back({"access", CheckOutcome::kFailed, allowed.message()});
      return txn.AppendAudit(event);
    }
    RETURN_IF_ERROR(allowed);
    RETURN_IF_ERROR(check(txn.models(), state));
    ASSIGN_OR_RETURN(Verdict verdict, governor_.Judge(ctx, change, state, facts, txn.models()));
    AuditEvent event = DescribeChange(ctx, change, state);
    event.timestamp = now;
    event.checks = std::move(verdict.checks);
    if (!verdict.denial.ok()) {
      denial = verdict.denial;
      event.outcome = AuditOutcome::kDenied;
      return txn.AppendAudit(event);
    }
    ASSIGN_OR_RETURN(written.value, apply(txn.models(), state, now));
    written.warnings = std::move(verdict.warnings);
    event.outcome = written.warnings.empty() ? AuditOutcome::kAllowed : AuditOutcome::kWarned;
    if (std::optional<int64_t> number = VersionIn(written.value); number) event.version = number;
    return txn.AppendAudit(event);
  }));
  if (!denial.ok()) return denial;
  governor_.Committed(change);
  return written;
}

Result<RegisteredModel> RegistryService::ReadModel(const std::string& name) {
  std::optional<RegisteredModel> model;
  RETURN_IF_ERROR(store_.Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(model, reader.FindModel(name));
    return Status::Ok();
  }));
  if (!model) return Status::NotFound(ModelNotFound(name));
  return std::move(*model);
}

// ---- registered models ----

Result<Written<RegisteredModel>> RegistryService::CreateRegisteredModel(
    const CallContext& ctx, const NewRegisteredModel& model) {
  RETURN_IF_ERROR(ValidateModelName(model.name));
  const bool is_prompt = HasPromptTagKey(model.tags);
  const auto taken = [&](ModelRows& rows) -> Status {
    ASSIGN_OR_RETURN(std::optional<RegisteredModel> existing, rows.FindModel(model.name));
    return NameTaken(model.name, existing && HasPromptTagKey(existing->tags), is_prompt);
  };
  return Run<RegisteredModel>(
      ctx, CreateModelChange{model},
      [&](ModelRows& rows, ChangeState&) -> Status {
        RETURN_IF_ERROR(ValidateTags(model.tags));
        ASSIGN_OR_RETURN(bool exists, rows.ModelExists(model.name));
        return exists ? taken(rows) : Status::Ok();
      },
      [&](ModelRows& rows, const ChangeState&, int64_t now) -> Result<RegisteredModel> {
        const Status inserted = rows.InsertModel(model, now);
        // Created meanwhile by another server process (MySQL locks no row that is absent).
        if (inserted.code() == ErrorCode::kResourceAlreadyExists) return taken(rows);
        RETURN_IF_ERROR(inserted);
        if (ctx.principal.kind == Principal::Kind::kUser) {
          RETURN_IF_ERROR(rows.GrantCreatorManage(model.name, ctx.principal.name));
        }
        RegisteredModel created;
        created.name = model.name;
        created.creation_timestamp = now;
        created.last_updated_timestamp = now;
        created.description = model.description;
        created.tags = LastValuePerKey(model.tags);
        return created;
      });
}

Result<RegisteredModel> RegistryService::GetRegisteredModel(const CallContext& ctx,
                                                            const std::string& name) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(governor_.AuthorizeRead(ctx, Operation::kGetRegisteredModel, name));
  return ReadModel(name);
}

Result<Written<RegisteredModel>> RegistryService::UpdateRegisteredModel(
    const CallContext& ctx, const std::string& name, const std::string& description) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return Run<RegisteredModel>(
      ctx, UpdateModelChange{name, description},
      [&](ModelRows& rows, ChangeState& state) { return RequireModel(rows, name, state); },
      [&](ModelRows& rows, const ChangeState& state, int64_t now) -> Result<RegisteredModel> {
        RETURN_IF_ERROR(rows.UpdateModelDescription(name, description, now));
        RegisteredModel updated = *state.model;
        updated.description = description;
        updated.last_updated_timestamp = now;
        return updated;
      });
}

Result<Written<RegisteredModel>> RegistryService::RenameRegisteredModel(
    const CallContext& ctx, const std::string& name, const std::string& new_name) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(ValidateModelName(new_name, "new_name"));
  return Run<RegisteredModel>(
      ctx, RenameModelChange{name, new_name},
      [&](ModelRows& rows, ChangeState& state) -> Status {
        RETURN_IF_ERROR(RequireModel(rows, name, state));
        ASSIGN_OR_RETURN(std::optional<RegisteredModel> taken, rows.FindModel(new_name));
        if (taken) return NameTaken(new_name, HasPromptTagKey(taken->tags), false);
        return Status::Ok();
      },
      [&](ModelRows& rows, const ChangeState&, int64_t now) -> Result<RegisteredModel> {
        RETURN_IF_ERROR(rows.RenameModel(name, new_name, now));
        ASSIGN_OR_RETURN(std::optional<RegisteredModel> renamed, rows.FindModel(new_name));
        if (!renamed) return Status::Internal("The renamed model was not found.");
        return std::move(*renamed);
      });
}

Result<Written<Done>> RegistryService::DeleteRegisteredModel(const CallContext& ctx,
                                                             const std::string& name) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return Run<Done>(
      ctx, DeleteModelChange{name},
      [&](ModelRows& rows, ChangeState& state) { return RequireModel(rows, name, state); },
      [&](ModelRows& rows, const ChangeState&, int64_t) -> Result<Done> {
        RETURN_IF_ERROR(rows.DeleteModel(name));
        return Done{};
      });
}

Result<Page<RegisteredModel>> RegistryService::SearchRegisteredModels(const CallContext& ctx,
                                                                      const SearchQuery& query) {
  ASSIGN_OR_RETURN(StoreSearch search, ParseSearch(query, SearchTarget::kRegisteredModels));
  ASSIGN_OR_RETURN(search.read_scope, governor_.SearchScope(ctx));
  return store_.SearchRegisteredModels(search);
}

Result<std::vector<ModelVersion>> RegistryService::GetLatestVersions(
    const CallContext& ctx, const std::string& name, const std::vector<Stage>& stages) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(governor_.AuthorizeRead(ctx, Operation::kGetLatestVersions, name));
  ASSIGN_OR_RETURN(RegisteredModel model, ReadModel(name));
  std::vector<ModelVersion> latest;
  for (ModelVersion& version : model.latest_versions) {
    // No stages means all four, despite the client docstring saying Staging and Production.
    if (!stages.empty() &&
        std::find(stages.begin(), stages.end(), version.current_stage) == stages.end()) {
      continue;
    }
    for (const ModelVersionAlias& alias : model.aliases) {
      if (alias.version == version.version) version.aliases.push_back(alias.alias);
    }
    latest.push_back(std::move(version));
  }
  return latest;
}

Result<Written<Done>> RegistryService::SetRegisteredModelTag(const CallContext& ctx,
                                                             const std::string& name,
                                                             const Tag& tag) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return Run<Done>(
      ctx, SetModelTagChange{name, tag},
      [&](ModelRows& rows, ChangeState& state) -> Status {
        RETURN_IF_ERROR(ValidateTag(tag));
        return RequireModel(rows, name, state);
      },
      [&](ModelRows& rows, const ChangeState&, int64_t) -> Result<Done> {
        RETURN_IF_ERROR(rows.SetModelTag(name, tag));
        return Done{};
      });
}

Result<Written<Done>> RegistryService::DeleteRegisteredModelTag(const CallContext& ctx,
                                                                const std::string& name,
                                                                const std::string& key) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return Run<Done>(
      ctx, DeleteModelTagChange{name, key},
      [&](ModelRows& rows, ChangeState& state) -> Status {
        RETURN_IF_ERROR(ValidateTagKey(key));
        return RequireModel(rows, name, state);
      },
      [&](ModelRows& rows, const ChangeState&, int64_t) -> Result<Done> {
        RETURN_IF_ERROR(rows.DeleteModelTag(name, key));
        return Done{};
      });
}

Result<Written<Done>> RegistryService::SetRegisteredModelAlias(const CallContext& ctx,
                                                               const std::string& name,
                                                               const std::string& alias,
                                                               int64_t version) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return Run<Done>(
      ctx, SetAliasChange{name, alias, version},
      [&](ModelRows& rows, ChangeState& state) -> Status {
        RETURN_IF_ERROR(ValidateAliasForSet(alias));
        return RequireVersion(rows, name, version, state);
      },
      [&](ModelRows& rows, const ChangeState&, int64_t) -> Result<Done> {
        RETURN_IF_ERROR(rows.SetAlias(name, alias, version));
        return Done{};
      });
}

Result<Written<Done>> RegistryService::DeleteRegisteredModelAlias(const CallContext& ctx,
                                                                  const std::string& name,
                                                                  const std::string& alias) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return Run<Done>(
      ctx, DeleteAliasChange{name, alias},
      [&](ModelRows& rows, ChangeState& state) -> Status {
        RETURN_IF_ERROR(ValidateAliasName(alias));
        return RequireModel(rows, name, state);
      },
      [&](ModelRows& rows, const ChangeState&, int64_t) -> Result<Done> {
        RETURN_IF_ERROR(rows.DeleteAlias(name, alias));
        return Done{};
      });
}

Result<ModelVersion> RegistryService::GetModelVersionByAlias(const CallContext& ctx,
                                                             const std::string& name,
                                                             const std::string& alias) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(ValidateAliasName(alias));
  RETURN_IF_ERROR(governor_.AuthorizeRead(ctx, Operation::kGetModelVersionByAlias, name));
  std::optional<ModelVersion> found;
  RETURN_IF_ERROR(store_.Read([&](ModelReader& reader) -> Status {
    std::optional<int64_t> number;
    if (IsLatestAlias(alias)) {
      // "latest" is reserved and resolves to the newest live version; prompt loading
      // (prompts:/name@latest) depends on it.
      ASSIGN_OR_RETURN(std::optional<RegisteredModel> model, reader.FindModel(name));
      if (!model) return Status::NotFound(ModelNotFound(name));
      for (const ModelVersion& v : model->latest_versions) {
        number = std::max(number.value_or(0), v.version);
      }
      if (!number) return Status::NotFound("Latest version not found for model " + name + ".");
    } else {
      ASSIGN_OR_RETURN(bool exists, reader.ModelExists(name));
      if (!exists) return Status::NotFound(ModelNotFound(name));
      ASSIGN_OR_RETURN(number, reader.FindAlias(name, alias));
      // MLflow answers a missing alias with INVALID_PARAMETER_VALUE, not 404
      // (sqlalchemy_store.get_model_version_by_alias).
      if (!number) {
        return Status::InvalidArgument("Registered model alias " + alias + " not found.");
      }
    }
    ASSIGN_OR_RETURN(found, reader.FindVersion(name, *number));
    if (!found) return Status::NotFound(VersionNotFound(name, *number));
    return Status::Ok();
  }));
  return std::move(*found);
}

// ---- model versions ----

Result<Written<ModelVersion>> RegistryService::CreateModelVersion(const CallContext& ctx,
                                                                  const NewModelVersion& request) {
  RETURN_IF_ERROR(ValidateModelName(request.name));
  CreateVersionChange change{request, request.source, /*run_id_from_source=*/false};
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
  if (options_.source_pattern && !std::regex_search(version.source, *options_.source_pattern)) {
    return Status::InvalidArgument("Invalid model version source: '" + version.source +
                                   "'. It must match " + options_.source_pattern_text + ".");
  }
  // Prompt versions skip the rest of source validation: prompt clients send placeholder sources
  // such as "dummy-source" (mlflow/server/handlers.py _create_model_version).
  const bool is_prompt = HasPromptTagKey(version.tags);
  if (!is_prompt && options_.tracker == nullptr) {
    RETURN_IF_ERROR(ValidateModelVersionSource(version.source));
  } else if (!is_prompt) {
    // The caller must be allowed to register before the tracker is asked about their source.
    RETURN_IF_ERROR(governor_.Preauthorize(ctx, change));
    RETURN_IF_ERROR(ResolveWithTracker(ctx, change));
  }
  const std::string user_id = ctx.principal.name;
  return Run<ModelVersion>(
      ctx, change,
      [&](ModelRows& rows, ChangeState& state) { return RequireModel(rows, version.name, state); },
      [&](ModelRows& rows, const ChangeState&, int64_t now) -> Result<ModelVersion> {
        ASSIGN_OR_RETURN(int64_t number,
                         rows.InsertVersion(version, change.storage_location, user_id, now));
        ModelVersion created;
        created.name = version.name;
        created.version = number;
        created.creation_timestamp = now;
        created.last_updated_timestamp = now;
        created.user_id = user_id;
        created.description = version.description;
        created.source = version.source;
        created.storage_location = change.storage_location;
        created.run_id = version.run_id;
        created.run_link = version.run_link;
        created.tags = LastValuePerKey(version.tags);
        return created;
      },
      /*preauthorized=*/!is_prompt && options_.tracker != nullptr);
}

// A runs:/ or models:/<model_id> source, or a local path, resolved to its run and storage
// location; run_link filled from the run when the client sent none.
Status RegistryService::ResolveWithTracker(const CallContext& ctx, CreateVersionChange& change) {
  NewModelVersion& version = change.version;
  ASSIGN_OR_RETURN(ResolvedSource resolved,
                   ResolveSource(*options_.tracker, version.source, version.run_id));
  change.storage_location = resolved.storage_location;
  change.run_id_from_source = resolved.run_id != version.run_id;
  version.run_id = resolved.run_id;
  if (!version.run_link.empty() || version.run_id.empty()) return Status::Ok();
  // MLflow's UI links a version to its run page when run_link is empty; clients other than the
  // UI (and the UI when the tracker is elsewhere) need the link stored. A run the tracker
  // cannot show just leaves it empty: whether the run must exist is the policy's call.
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
  if (!found) return Status::NotFound(VersionNotFound(name, version));
  return std::move(*found);
}

Result<Written<ModelVersion>> RegistryService::UpdateModelVersion(
    const CallContext& ctx, const std::string& name, int64_t version,
    const std::optional<std::string>& description) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return Run<ModelVersion>(
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
  return Run<Done>(
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
  RETURN_IF_ERROR(ValidateModelName(name));
  // MLflow raises an uncoded exception here (HTTP 500, which clients retry); a 400 is right.
  if (archive_existing_versions && stage != Stage::kStaging && stage != Stage::kProduction) {
    return Status::InvalidArgument(
        "Model version transition cannot archive existing model versions because '" +
        std::string(StageName(stage)) +
        "' is not an Active stage. Valid stages are Staging, "
        "Production.");
  }
  return Run<ModelVersion>(
      ctx, TransitionStageChange{name, version, stage, archive_existing_versions},
      [&](ModelRows& rows, ChangeState& state) {
        return RequireVersion(rows, name, version, state);
      },
      [&](ModelRows& rows, const ChangeState&, int64_t now) -> Result<ModelVersion> {
        RETURN_IF_ERROR(rows.SetVersionStage(name, version, stage, archive_existing_versions, now));
        ASSIGN_OR_RETURN(std::optional<ModelVersion> moved, rows.FindVersion(name, version));
        if (!moved) return Status::Internal("The moved version was not found.");
        return std::move(*moved);
      });
}

Result<Page<ModelVersion>> RegistryService::SearchModelVersions(const CallContext& ctx,
                                                                const SearchQuery& query) {
  ASSIGN_OR_RETURN(StoreSearch search, ParseSearch(query, SearchTarget::kModelVersions));
  ASSIGN_OR_RETURN(search.read_scope, governor_.SearchScope(ctx));
  return store_.SearchModelVersions(search);
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
  if (!found) return Status::NotFound(VersionNotFound(name, version));
  return found->storage_location.empty() ? found->source : found->storage_location;
}

Result<Written<Done>> RegistryService::SetModelVersionTag(const CallContext& ctx,
                                                          const std::string& name, int64_t version,
                                                          const Tag& tag) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return Run<Done>(
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
  return Run<Done>(
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
