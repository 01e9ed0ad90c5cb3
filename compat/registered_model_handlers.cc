#include "compat/registered_model_handlers.h"

#include <vector>

#include "compat/json_writer.h"
#include "registry/validation.h"

namespace modelwarden {

Result<std::string> HandleCreateRegisteredModel(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry) {
  NewRegisteredModel model;
  ASSIGN_OR_RETURN(model.name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(model.tags, request.Tags("tags"));
  ASSIGN_OR_RETURN(model.description, request.StringOr("description", ""));
  ASSIGN_OR_RETURN(RegisteredModel created, registry.CreateRegisteredModel(ctx, model));
  return RegisteredModelResponse(created);
}

Result<std::string> HandleGetRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(RegisteredModel model, registry.GetRegisteredModel(ctx, name));
  return RegisteredModelResponse(model);
}

Result<std::string> HandleUpdateRegisteredModel(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  // Unlike update-model-version, an absent description clears it: the handler passes the
  // proto default "" (handlers.py _update_registered_model).
  ASSIGN_OR_RETURN(std::string description, request.StringOr("description", ""));
  ASSIGN_OR_RETURN(RegisteredModel model, registry.UpdateRegisteredModel(ctx, name, description));
  return RegisteredModelResponse(model);
}

Result<std::string> HandleRenameRegisteredModel(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string new_name, request.RequiredString("new_name"));
  ASSIGN_OR_RETURN(RegisteredModel model, registry.RenameRegisteredModel(ctx, name, new_name));
  return RegisteredModelResponse(model);
}

Result<std::string> HandleDeleteRegisteredModel(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  RETURN_IF_ERROR(registry.DeleteRegisteredModel(ctx, name));
  return EmptyResponse();
}

Result<std::string> HandleSearchRegisteredModels(const CallContext& ctx,
                                                 const RequestReader& request, Registry& registry) {
  ASSIGN_OR_RETURN(SearchQuery query, ReadSearchQuery(request));
  ASSIGN_OR_RETURN(Page<RegisteredModel> page, registry.SearchRegisteredModels(ctx, query));
  return RegisteredModelSearchResponse(page);
}

Result<std::string> HandleGetLatestVersions(const CallContext& ctx, const RequestReader& request,
                                            Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::vector<std::string> stage_names, request.StringList("stages"));
  std::vector<Stage> stages;
  for (const std::string& stage_name : stage_names) {
    ASSIGN_OR_RETURN(Stage stage, ParseStage(stage_name));
    stages.push_back(stage);
  }
  ASSIGN_OR_RETURN(std::vector<ModelVersion> versions,
                   registry.GetLatestVersions(ctx, name, stages));
  return LatestVersionsResponse(versions);
}

Result<std::string> HandleSetRegisteredModelTag(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  Tag tag;
  ASSIGN_OR_RETURN(tag.key, request.RequiredString("key"));
  ASSIGN_OR_RETURN(tag.value, request.StringOr("value", ""));
  RETURN_IF_ERROR(registry.SetRegisteredModelTag(ctx, name, tag));
  return EmptyResponse();
}

Result<std::string> HandleDeleteRegisteredModelTag(const CallContext& ctx,
                                                   const RequestReader& request,
                                                   Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string key, request.RequiredString("key"));
  RETURN_IF_ERROR(registry.DeleteRegisteredModelTag(ctx, name, key));
  return EmptyResponse();
}

Result<std::string> HandleSetRegisteredModelAlias(const CallContext& ctx,
                                                  const RequestReader& request,
                                                  Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string alias, request.RequiredString("alias"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  RETURN_IF_ERROR(registry.SetRegisteredModelAlias(ctx, name, alias, version));
  return EmptyResponse();
}

Result<std::string> HandleDeleteRegisteredModelAlias(const CallContext& ctx,
                                                     const RequestReader& request,
                                                     Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string alias, request.RequiredString("alias"));
  RETURN_IF_ERROR(registry.DeleteRegisteredModelAlias(ctx, name, alias));
  return EmptyResponse();
}

Result<std::string> HandleGetModelVersionByAlias(const CallContext& ctx,
                                                 const RequestReader& request, Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string alias, request.RequiredString("alias"));
  ASSIGN_OR_RETURN(ModelVersion version, registry.GetModelVersionByAlias(ctx, name, alias));
  return ModelVersionResponse(version);
}

}  // namespace modelwarden
