#include "compat/model_version_handlers.h"

#include <optional>

#include "compat/json_writer.h"
#include "registry/validation.h"

namespace modelwarden {

// The fields are read (and missing ones reported) before the version string is parsed, as
// MLflow checks the handler schema first and parses the version in the store.

Result<Reply> HandleCreateModelVersion(const CallContext& ctx, const RequestReader& request,
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
  ASSIGN_OR_RETURN(Written<ModelVersion> created, registry.CreateModelVersion(ctx, version));
  return ReplyTo(created, ModelVersionResponse(created.value));
}

Result<Reply> HandleGetModelVersion(const CallContext& ctx, const RequestReader& request,
                                    Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(ModelVersion found, registry.GetModelVersion(ctx, name, version));
  return Reply{ModelVersionResponse(found)};
}

Result<Reply> HandleUpdateModelVersion(const CallContext& ctx, const RequestReader& request,
                                       Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  // Field presence matters here (HasField in handlers.py): absent leaves nullopt.
  ASSIGN_OR_RETURN(std::optional<std::string> description, request.OptionalString("description"));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(Written<ModelVersion> updated,
                   registry.UpdateModelVersion(ctx, name, version, description));
  return ReplyTo(updated, ModelVersionResponse(updated.value));
}

Result<Reply> HandleTransitionModelVersionStage(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  ASSIGN_OR_RETURN(std::string stage_name, request.RequiredString("stage"));
  ASSIGN_OR_RETURN(std::optional<bool> archive, request.OptionalBool("archive_existing_versions"));
  // The store canonicalises the stage before it looks the version up (sqlalchemy_store.py).
  ASSIGN_OR_RETURN(Stage stage, ParseStage(stage_name));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(
      Written<ModelVersion> moved,
      registry.TransitionModelVersionStage(ctx, name, version, stage, archive.value_or(false)));
  return ReplyTo(moved, ModelVersionResponse(moved.value));
}

Result<Reply> HandleDeleteModelVersion(const CallContext& ctx, const RequestReader& request,
                                       Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(Written<Done> done, registry.DeleteModelVersion(ctx, name, version));
  return ReplyTo(done, EmptyResponse());
}

Result<Reply> HandleSearchModelVersions(const CallContext& ctx, const RequestReader& request,
                                        Registry& registry) {
  ASSIGN_OR_RETURN(SearchQuery query, ReadSearchQuery(request));
  ASSIGN_OR_RETURN(Page<ModelVersion> page, registry.SearchModelVersions(ctx, query));
  return Reply{ModelVersionSearchResponse(page)};
}

Result<Reply> HandleGetModelVersionDownloadUri(const CallContext& ctx, const RequestReader& request,
                                               Registry& registry) {
  // MLflow declares no required fields here; the store rejects what is missing.
  ASSIGN_OR_RETURN(std::string name, request.StringOr("name", ""));
  ASSIGN_OR_RETURN(std::string version_text, request.StringOr("version", ""));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(std::string uri, registry.GetModelVersionDownloadUri(ctx, name, version));
  return Reply{DownloadUriResponse(uri)};
}

Result<Reply> HandleSetModelVersionTag(const CallContext& ctx, const RequestReader& request,
                                       Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  Tag tag;
  ASSIGN_OR_RETURN(tag.key, request.RequiredString("key"));
  ASSIGN_OR_RETURN(tag.value, request.StringOr("value", ""));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(Written<Done> done, registry.SetModelVersionTag(ctx, name, version, tag));
  return ReplyTo(done, EmptyResponse());
}

Result<Reply> HandleDeleteModelVersionTag(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  ASSIGN_OR_RETURN(std::string key, request.RequiredString("key"));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(Written<Done> done, registry.DeleteModelVersionTag(ctx, name, version, key));
  return ReplyTo(done, EmptyResponse());
}

}  // namespace modelwarden
