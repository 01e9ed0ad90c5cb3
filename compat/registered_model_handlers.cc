#include "compat/registered_model_handlers.h"

#include <vector>

#include "compat/json_writer.h"
#include "registry/validation.h"

namespace modelwarden {

Result<Reply> HandleCreateRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry) {
  NewRegisteredModel model;
  ASSIGN_OR_RETURN(model.name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(model.tags, request.Tags("tags"));
  ASSIGN_OR_RETURN(model.description, request.StringOr("description", ""));
  ASSIGN_OR_RETURN(Written<RegisteredModel> created, registry.CreateRegisteredModel(ctx, model));
  return ReplyTo(created, RegisteredModelResponse(created.value));
}

Result<Reply> HandleGetRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                       Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(RegisteredModel model, registry.GetRegisteredModel(ctx, name));
  return Reply{RegisteredModelResponse(model)};
}

Result<Reply> HandleUpdateRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  // Unlike update-model-version, an absent description clears it: the handler passes the
  // proto default "" (handlers.py _update_registered_model).
  ASSIGN_OR_RETURN(std::string description, request.StringOr("description", ""));
  ASSIGN_OR_RETURN(Written<RegisteredModel> model,
                   registry.UpdateRegisteredModel(ctx, name, description));
  return ReplyTo(model, RegisteredModelResponse(model.value));
}

Result<Reply> HandleRenameRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string new_name, request.RequiredString("new_name"));
  ASSIGN_OR_RETURN(Written<RegisteredModel> model,
                   registry.RenameRegisteredModel(ctx, name, new_name));
  return ReplyTo(model, RegisteredModelResponse(model.value));
}

Result<Reply> HandleDeleteRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(Written<Done> done, registry.DeleteRegisteredModel(ctx, name));
  return ReplyTo(done, EmptyResponse());
}

Result<Reply> HandleSearchRegisteredModels(const CallContext& ctx, const RequestReader& request,
                                           Registry& registry) {
  ASSIGN_OR_RETURN(SearchQuery query, ReadSearchQuery(request));
  ASSIGN_OR_RETURN(Page<RegisteredModel> page, registry.SearchRegisteredModels(ctx, query));
  return Reply{RegisteredModelSearchResponse(page)};
}

Result<Reply> HandleGetLatestVersions(const CallContext& ctx, const RequestReader& request,
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
  return Reply{LatestVersionsResponse(versions)};
}

Result<Reply> HandleSetRegisteredModelTag(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  Tag tag;
  ASSIGN_OR_RETURN(tag.key, request.RequiredString("key"));
  ASSIGN_OR_RETURN(tag.value, request.StringOr("value", ""));
  ASSIGN_OR_RETURN(Written<Done> done, registry.SetRegisteredModelTag(ctx, name, tag));
  return ReplyTo(done, EmptyResponse());
}

Result<Reply> HandleDeleteRegisteredModelTag(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string key, request.RequiredString("key"));
  ASSIGN_OR_RETURN(Written<Done> done, registry.DeleteRegisteredModelTag(ctx, name, key));
  return ReplyTo(done, EmptyResponse());
}

Result<Reply> HandleSetRegisteredModelAlias(const CallContext& ctx, const RequestReader& request,
                                            Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string alias, request.RequiredString("alias"));
  ASSIGN_OR_RETURN(std::string version_text, request.RequiredString("version"));
  ASSIGN_OR_RETURN(int64_t version, ParseVersion(version_text));
  ASSIGN_OR_RETURN(Written<Done> done, registry.SetRegisteredModelAlias(ctx, name, alias, version));
  return ReplyTo(done, EmptyResponse());
}

Result<Reply> HandleDeleteRegisteredModelAlias(const CallContext& ctx, const RequestReader& request,
                                               Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string alias, request.RequiredString("alias"));
  ASSIGN_OR_RETURN(Written<Done> done, registry.DeleteRegisteredModelAlias(ctx, name, alias));
  return ReplyTo(done, EmptyResponse());
}

Result<Reply> HandleGetModelVersionByAlias(const CallContext& ctx, const RequestReader& request,
                                           Registry& registry) {
  ASSIGN_OR_RETURN(std::string name, request.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string alias, request.RequiredString("alias"));
  ASSIGN_OR_RETURN(ModelVersion version, registry.GetModelVersionByAlias(ctx, name, alias));
  return Reply{ModelVersionResponse(version)};
}

}  // namespace modelwarden
