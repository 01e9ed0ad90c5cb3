#include "compat/model_version_handlers.h"

#include <optional>

#include "compat/json_writer.h"
#include "registry/validation.h"

namespace modelwarden {

// The fields are read (and missing ones reported) before the version string is parsed, as
// MLflow checks the handler schema first and parses the version in the store.

Result<std::string> HandleCreateModelVersion(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry) {
  NewModelVersion version;
  ASSIGN_OR_RETURN(version.name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(version.source, request.RequiredString("source"));
  ASSIGN_OR_RETURN(version.run_id, request.StringOr("run_id", ""));
  ASSIGN_OR_RETURN(version.tags, request.Tags("tags"));
  ASSIGN_OR_RETURN(version.run_link, request.StringOr("run_link", ""));
  ASSIGN_OR_RETURN(version.description, request.StringOr("description", ""));
  // Type-checked like MLflow's schema, otherwise unused: the SQL store never persists it.
  RETURN_IF_ERROR(request.OptionalString("model_id"));
  version.user_id = ctx.principal;
  ASSIGN_OR_RETURN(ModelVersion created, registry.CreateModelVersion(ctx, version));
  return ModelVersionResponse(created);
}

Result<std::string> HandleGetModelVersion(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(ModelVersion found, registry.GetModelVersion(ctx, name, version));
  return ModelVersionResponse(found);
}

Result<std::string> HandleUpdateModelVersion(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  // Field presence matters here (HasField in handlers.py): absent leaves nullopt.
  ASSIGN_OR_RETURN(std::optional<std::string> description, request.OptionalString("description"));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(ModelVersion updated,
                   registry.UpdateModelVersion(ctx, name, version, description));
  return ModelVersionResponse(updated);
}

Result<std::string> HandleTransitionModelVersionStage(const CallContext& ctx,
                                                      const RequestReader& request,
                                                      Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  ASSIGN_OR_RETURN(std::string stage_name, request.RequiredString("stage"));
  ASSIGN_OR_RETURN(std::optional<bool> archive, request.OptionalBool("archive_existing_versions"));
  // The store canonicalises the stage before it looks the version up (sqlalchemy_store.py).
  ASSIGN_OR_RETURN(Stage stage, ParseStage(stage_name));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(ModelVersion moved, registry.TransitionModelVersionStage(
                                           ctx, name, version, stage, archive.value_or(false)));
  return ModelVersionResponse(moved);
}

Result<std::string> HandleDeleteModelVersion(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  RETURN_IF_ERROR(registry.DeleteModelVersion(ctx, name, version));
  return EmptyResponse();
}

Result<std::string> HandleSearchModelVersions(const CallContext& ctx, const RequestReader& request,
                                              Registry& registry) {
  ASSIGN_OR_RETURN(SearchQuery query, ReadSearchQuery(request));
  ASSIGN_OR_RETURN(Page<ModelVersion> page, registry.SearchModelVersions(ctx, query));
  return ModelVersionSearchResponse(page);
}

Result<std::string> HandleGetModelVersionDownloadUri(const CallContext& ctx,
                                                     const RequestReader& request,
                                                     Registry& registry) {
  // MLflow declares no required fields here; the store rejects what is missing.
  ASSIGN_OR_RETURN(std::string name, request.StringOr("name", ""));
  ASSIGN_OR_RETURN(std::string version_text, request.StringOr("version", ""));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(std::string uri, registry.GetModelVersionDownloadUri(ctx, name, version));
  return DownloadUriResponse(uri);
}

Result<std::string> HandleSetModelVersionTag(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  Tag tag;
  ASSIGN_OR_RETURN(tag.key, request.RequiredString("key"));
  ASSIGN_OR_RETURN(tag.value, request.StringOr("value", ""));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  RETURN_IF_ERROR(registry.SetModelVersionTag(ctx, name, version, tag));
  return EmptyResponse();
}

Result<std::string> HandleDeleteModelVersionTag(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  ASSIGN_OR_RETURN(std::string key, request.RequiredString("key"));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  RETURN_IF_ERROR(registry.DeleteModelVersionTag(ctx, name, version, key));
  return EmptyResponse();
}

}  // namespace modelwarden
