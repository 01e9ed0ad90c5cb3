#include "registry/registry_service.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <tuple>

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
  search.read_scope = query.read_scope;
  return search;
}

}  // namespace

Result<RegisteredModel> RegistryService::CreateRegisteredModel(const CallContext& ctx,
                                                               const NewRegisteredModel& model) {
  RETURN_IF_ERROR(ValidateModelName(model.name));
  RETURN_IF_ERROR(ValidateTags(model.tags));
  WriteContext write = Write(ctx);
  write.creator = ctx.principal;
  return store_.CreateRegisteredModel(model, write);
}

Result<RegisteredModel> RegistryService::GetRegisteredModel(const CallContext&,
                                                            const std::string& name) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return store_.GetRegisteredModel(name);
}

Result<RegisteredModel> RegistryService::UpdateRegisteredModel(const CallContext& ctx,
                                                               const std::string& name,
                                                               const std::string& description) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return store_.UpdateRegisteredModel(name, description, Write(ctx));
}

Result<RegisteredModel> RegistryService::RenameRegisteredModel(const CallContext& ctx,
                                                               const std::string& name,
                                                               const std::string& new_name) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(ValidateModelName(new_name, "new_name"));
  return store_.RenameRegisteredModel(name, new_name, Write(ctx));
}

Status RegistryService::DeleteRegisteredModel(const CallContext& ctx, const std::string& name) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return store_.DeleteRegisteredModel(name, Write(ctx));
}

Result<Page<RegisteredModel>> RegistryService::SearchRegisteredModels(const CallContext&,
                                                                      const SearchQuery& query) {
  ASSIGN_OR_RETURN(StoreSearch search, ParseSearch(query, SearchTarget::kRegisteredModels));
  return store_.SearchRegisteredModels(search);
}

Result<std::vector<ModelVersion>> RegistryService::GetLatestVersions(
    const CallContext&, const std::string& name, const std::vector<Stage>& stages) {
  RETURN_IF_ERROR(ValidateModelName(name));
  // No stages means all four, despite the client docstring saying Staging and Production.
  if (stages.empty()) {
    return store_.GetLatestVersions(
        name, std::vector<Stage>(std::begin(kAllStages), std::end(kAllStages)));
  }
  return store_.GetLatestVersions(name, stages);
}

Status RegistryService::SetRegisteredModelTag(const CallContext& ctx, const std::string& name,
                                              const Tag& tag) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(ValidateTag(tag));
  return store_.SetRegisteredModelTag(name, tag, Write(ctx));
}

Status RegistryService::DeleteRegisteredModelTag(const CallContext& ctx, const std::string& name,
                                                 const std::string& key) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(ValidateTagKey(key));
  return store_.DeleteRegisteredModelTag(name, key, Write(ctx));
}

Status RegistryService::SetRegisteredModelAlias(const CallContext& ctx, const std::string& name,
                                                const std::string& alias, int64_t version) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(ValidateAliasForSet(alias));
  return store_.SetRegisteredModelAlias(name, alias, version, Write(ctx));
}

Status RegistryService::DeleteRegisteredModelAlias(const CallContext& ctx, const std::string& name,
                                                   const std::string& alias) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(ValidateAliasName(alias));
  return store_.DeleteRegisteredModelAlias(name, alias, Write(ctx));
}

Result<ModelVersion> RegistryService::GetModelVersionByAlias(const CallContext& ctx,
                                                             const std::string& name,
                                                             const std::string& alias) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(ValidateAliasName(alias));
  if (!IsLatestAlias(alias)) return store_.GetModelVersionByAlias(name, alias);
  // "latest" is reserved and resolves to the newest live version; prompt loading
  // (prompts:/name@latest) depends on it.
  ASSIGN_OR_RETURN(std::vector<ModelVersion> latest, GetLatestVersions(ctx, name, {}));
  if (latest.empty()) return Status::NotFound("Latest version not found for model " + name + ".");
  int64_t newest = 0;
  for (const ModelVersion& v : latest) newest = std::max(newest, v.version);
  return store_.GetModelVersion(name, newest);
}

Result<ModelVersion> RegistryService::CreateModelVersion(const CallContext& ctx,
                                                         const NewModelVersion& version) {
  RETURN_IF_ERROR(ValidateModelName(version.name));
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
  // Prompt versions skip the rest of source validation: prompt clients send placeholder sources
  // such as "dummy-source" (mlflow/server/handlers.py _create_model_version).
  const bool is_prompt = HasPromptTagKey(version.tags);
  if (is_prompt || options_.tracker == nullptr) {
    if (!is_prompt) RETURN_IF_ERROR(ValidateModelVersionSource(version.source));
    return store_.CreateModelVersion(version, version.source, Write(ctx));
  }
  ASSIGN_OR_RETURN(ResolvedSource resolved,
                   ResolveSource(*options_.tracker, version.source, version.run_id));
  NewModelVersion linked = version;
  linked.run_id = resolved.run_id;
  if (linked.run_link.empty() && !linked.run_id.empty()) {
    // MLflow's UI links a version to its run page when run_link is empty; clients other than
    // the UI (and the UI when the tracker is elsewhere) need the link stored. A run the tracker
    // cannot show just leaves it empty: whether the run must exist is the policy's call.
    Result<TrackedRun> run = resolved.run ? Result<TrackedRun>(std::move(*resolved.run))
                                          : options_.tracker->GetRun(linked.run_id);
    if (run.ok()) {
      linked.run_link = options_.tracker->RunLink(*run);
    } else if (run.status().code() != ErrorCode::kResourceDoesNotExist) {
      std::fprintf(stderr, "[warn] request %s: no run_link for run %s: %s\n",
                   ctx.request_id.c_str(), linked.run_id.c_str(), run.status().ToString().c_str());
    }
  }
  if (ctx.audit != nullptr && linked.run_id != version.run_id) {
    ctx.audit->after += ", run_id=" + linked.run_id + " (from the source)";
  }
  return store_.CreateModelVersion(linked, resolved.storage_location, Write(ctx));
}

Result<ModelVersion> RegistryService::GetModelVersion(const CallContext&, const std::string& name,
                                                      int64_t version) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return store_.GetModelVersion(name, version);
}

Result<ModelVersion> RegistryService::UpdateModelVersion(
    const CallContext& ctx, const std::string& name, int64_t version,
    const std::optional<std::string>& description) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return store_.UpdateModelVersion(name, version, description, Write(ctx));
}

Status RegistryService::DeleteModelVersion(const CallContext& ctx, const std::string& name,
                                           int64_t version) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return store_.DeleteModelVersion(name, version, Write(ctx));
}

Result<ModelVersion> RegistryService::TransitionModelVersionStage(const CallContext& ctx,
                                                                  const std::string& name,
                                                                  int64_t version, Stage stage,
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
  return store_.TransitionModelVersionStage(name, version, stage, archive_existing_versions,
                                            Write(ctx));
}

Result<Page<ModelVersion>> RegistryService::SearchModelVersions(const CallContext&,
                                                                const SearchQuery& query) {
  ASSIGN_OR_RETURN(StoreSearch search, ParseSearch(query, SearchTarget::kModelVersions));
  return store_.SearchModelVersions(search);
}

Result<std::string> RegistryService::GetModelVersionDownloadUri(const CallContext&,
                                                                const std::string& name,
                                                                int64_t version) {
  RETURN_IF_ERROR(ValidateModelName(name));
  ASSIGN_OR_RETURN(ModelVersion found, store_.GetModelVersion(name, version));
  return found.storage_location.empty() ? found.source : found.storage_location;
}

Status RegistryService::SetModelVersionTag(const CallContext& ctx, const std::string& name,
                                           int64_t version, const Tag& tag) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(ValidateTag(tag));
  return store_.SetModelVersionTag(name, version, tag, Write(ctx));
}

Status RegistryService::DeleteModelVersionTag(const CallContext& ctx, const std::string& name,
                                              int64_t version, const std::string& key) {
  RETURN_IF_ERROR(ValidateModelName(name));
  RETURN_IF_ERROR(ValidateTagKey(key));
  return store_.DeleteModelVersionTag(name, version, key, Write(ctx));
}

}  // namespace modelwarden
