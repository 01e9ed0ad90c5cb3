#include "registry/mlflow_errors.h"

#include "registry/validation.h"

namespace modelwarden {

Status ModelNotFound(const std::string& name) {
  return Status::NotFound("Registered Model with name=" + name + " not found");
}

Status VersionNotFound(const std::string& name, int64_t version) {
  return Status::NotFound("Model Version (name=" + name + ", version=" + std::to_string(version) +
                          ") not found");
}

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

Status RequireModel(ModelReader& rows, const std::string& name, ChangeState& state) {
  ASSIGN_OR_RETURN(state.model, rows.FindModel(name));
  if (!state.model) return ModelNotFound(name);
  return Status::Ok();
}

Status RequireVersion(ModelReader& rows, const std::string& name, int64_t version,
                      ChangeState& state) {
  ASSIGN_OR_RETURN(state.version, rows.FindVersion(name, version));
  if (!state.version) return VersionNotFound(name, version);
  return Status::Ok();
}

Status RequireVersionAndModel(ModelReader& rows, const std::string& name, int64_t version,
                              ChangeState& state) {
  RETURN_IF_ERROR(RequireVersion(rows, name, version, state));
  ASSIGN_OR_RETURN(state.model, rows.FindModel(name));
  if (!state.model) return VersionNotFound(name, version);
  return Status::Ok();
}

Status RequireVersionAndModelHeader(ModelReader& rows, const std::string& name, int64_t version,
                                    ChangeState& state) {
  RETURN_IF_ERROR(RequireVersion(rows, name, version, state));
  ASSIGN_OR_RETURN(state.model, rows.FindModelHeader(name));
  if (!state.model) return VersionNotFound(name, version);
  return Status::Ok();
}

Status ValidateTags(const std::vector<Tag>& tags) {
  for (const Tag& tag : tags) {
    RETURN_IF_ERROR(ValidateTagKey(tag.key));
    RETURN_IF_ERROR(ValidateTagValue(tag.value));
  }
  return Status::Ok();
}

}  // namespace modelwarden
