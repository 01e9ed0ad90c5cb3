#include "registry/registry_service.h"

#include <algorithm>

#include "registry/mlflow_errors.h"
#include "registry/search/page_token.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

// mlflow/store/model_registry/__init__.py and model_registry.proto defaults.
constexpr int64_t kModelSearchDefault = 100;
constexpr int64_t kModelSearchMax = 1000;
constexpr int64_t kVersionSearchDefault = 200000;
constexpr int64_t kVersionSearchMax = 200000;

Status ValidateTag(const Tag& tag) { return ValidateTags({tag}); }

// A token's sort key has one value per order key, a name's a string and the others numbers:
// one the search wrote, unless the client made it up.
Status CheckSortKey(const std::vector<SortValue>& after, const std::vector<OrderKey>& order) {
  bool fits = after.size() == order.size();
  for (size_t i = 0; fits && i < order.size(); ++i) {
    const bool text = std::holds_alternative<std::string>(after[i]);
    fits = text == (order[i].column == OrderColumn::kName);
  }
  if (fits) return Status::Ok();
  return Status::InvalidArgument(
      "Invalid page token, its position does not fit this search's order_by");
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
  ASSIGN_OR_RETURN(std::vector<OrderKey> order, ParseOrderBy(query.order_by, target));
  search.order = UpToTotalOrder(std::move(order), target);
  ASSIGN_OR_RETURN(PageToken token, DecodeSearchPageToken(query.page_token));
  search.offset = token.offset;
  search.fingerprint = SearchFingerprint(target, query.filter, query.order_by);
  // The sort key resumes only the search that wrote it; any other search reads the token as
  // MLflow does, by its offset.
  if (!token.after.empty() && token.search == search.fingerprint) {
    RETURN_IF_ERROR(CheckSortKey(token.after, search.order));
    search.after = std::move(token.after);
  }
  return search;
}

}  // namespace

Result<RegisteredModel> RegistryService::ReadModel(const std::string& name) {
  std::optional<RegisteredModel> model;
  RETURN_IF_ERROR(store_.Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(model, reader.FindModel(name));
    return Status::Ok();
  }));
  if (!model) return ModelNotFound(name);
  return std::move(*model);
}

Result<Written<RegisteredModel>> RegistryService::CreateRegisteredModel(
    const CallContext& ctx, const NewRegisteredModel& model) {
  RETURN_IF_ERROR(ValidateModelName(model.name));
  const bool is_prompt = HasPromptTagKey(model.tags);
  const auto taken = [&](ModelRows& rows) -> Status {
    ASSIGN_OR_RETURN(std::optional<RegisteredModel> existing, rows.FindModel(model.name));
    return NameTaken(model.name, existing && HasPromptTagKey(existing->tags), is_prompt);
  };
  return unit_.Run<RegisteredModel>(
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
  return unit_.Run<RegisteredModel>(
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
  return unit_.Run<RegisteredModel>(
      ctx, RenameModelChange{name, new_name},
      [&](ModelRows& rows, ChangeState& state) -> Status {
        RETURN_IF_ERROR(RequireModel(rows, name, state));
        // Renaming a model to its own name succeeds in MLflow (the row keeps its name).
        if (new_name == name) return Status::Ok();
        ASSIGN_OR_RETURN(std::optional<RegisteredModel> taken, rows.FindModel(new_name));
        if (taken) return NameTaken(new_name, HasPromptTagKey(taken->tags), false);
        return Status::Ok();
      },
      [&](ModelRows& rows, const ChangeState&, int64_t now) -> Result<RegisteredModel> {
        const Status moved = rows.RenameModel(name, new_name, now);
        // Registered meanwhile by another server process (MySQL locks no row that is absent).
        if (moved.code() == ErrorCode::kResourceAlreadyExists) {
          return NameTaken(new_name, /*old_is_prompt=*/false, /*new_is_prompt=*/false);
        }
        RETURN_IF_ERROR(moved);
        ASSIGN_OR_RETURN(std::optional<RegisteredModel> renamed, rows.FindModel(new_name));
        if (!renamed) return Status::Internal("The renamed model was not found.");
        return std::move(*renamed);
      });
}

Result<Written<Done>> RegistryService::DeleteRegisteredModel(const CallContext& ctx,
                                                             const std::string& name) {
  RETURN_IF_ERROR(ValidateModelName(name));
  return unit_.Run<Done>(
      ctx, DeleteModelChange{name},
      [&](ModelRows& rows, ChangeState& state) { return RequireModel(rows, name, state); },
      [&](ModelRows& rows, const ChangeState&, int64_t) -> Result<Done> {
        RETURN_IF_ERROR(rows.DeleteModel(name));
        return Done{};
      });
}

Result<Page<RegisteredModel>> RegistryService::SearchRegisteredModels(const CallContext& ctx,
                                                                      const SearchQuery& query) {
  if (query.max_results && *query.max_results < 1) return EmptyModelPage(ctx, query);
  ASSIGN_OR_RETURN(StoreSearch search, ParseSearch(query, SearchTarget::kRegisteredModels));
  ASSIGN_OR_RETURN(search.read_scope, governor_.SearchScope(ctx));
  return store_.SearchRegisteredModels(search);
}

// MLflow's registered-model search has no lower bound on max_results: it asks the database
// for max_results + 1 rows and answers the first max_results of them, i.e. none, with a page
// token when a row came back (sqlalchemy_store.search_registered_models). For 0 that token is
// this page's offset, issued when a model matches at it; for -1 (LIMIT 0) it always comes. Below
// -1, SQLite's negative LIMIT makes MLflow return rows; modelwarden answers those like -1.
Result<Page<RegisteredModel>> RegistryService::EmptyModelPage(const CallContext& ctx,
                                                              const SearchQuery& query) {
  SearchQuery probe = query;
  probe.max_results = 1;
  ASSIGN_OR_RETURN(StoreSearch search, ParseSearch(probe, SearchTarget::kRegisteredModels));
  Page<RegisteredModel> empty;
  bool more = *query.max_results < 0;
  if (!more) {
    ASSIGN_OR_RETURN(search.read_scope, governor_.SearchScope(ctx));
    ASSIGN_OR_RETURN(Page<RegisteredModel> found, store_.SearchRegisteredModels(search));
    more = !found.items.empty();
  }
  if (more) empty.next_page_token = EncodePageToken(search.offset);
  return empty;
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
  return unit_.Run<Done>(
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
  return unit_.Run<Done>(
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
  return unit_.Run<Done>(
      ctx, SetAliasChange{name, alias, version},
      [&](ModelRows& rows, ChangeState& state) -> Status {
        RETURN_IF_ERROR(ValidateAliasForSet(alias));
        return RequireVersionAndModel(rows, name, version, state);
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
  return unit_.Run<Done>(
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
      if (!model) return ModelNotFound(name);
      for (const ModelVersion& v : model->latest_versions) {
        number = std::max(number.value_or(0), v.version);
      }
      if (!number) return Status::NotFound("Latest version not found for model " + name + ".");
    } else {
      ASSIGN_OR_RETURN(bool exists, reader.ModelExists(name));
      if (!exists) return ModelNotFound(name);
      ASSIGN_OR_RETURN(number, reader.FindAlias(name, alias));
      // MLflow answers a missing alias with INVALID_PARAMETER_VALUE, not 404
      // (sqlalchemy_store.get_model_version_by_alias).
      if (!number) {
        return Status::InvalidArgument("Registered model alias " + alias + " not found.");
      }
    }
    ASSIGN_OR_RETURN(found, reader.FindVersion(name, *number));
    if (!found) return VersionNotFound(name, *number);
    return Status::Ok();
  }));
  return std::move(*found);
}

Result<Page<ModelVersion>> RegistryService::SearchModelVersions(const CallContext& ctx,
                                                                const SearchQuery& query) {
  ASSIGN_OR_RETURN(StoreSearch search, ParseSearch(query, SearchTarget::kModelVersions));
  ASSIGN_OR_RETURN(search.read_scope, governor_.SearchScope(ctx));
  return store_.SearchModelVersions(search);
}

}  // namespace modelwarden
