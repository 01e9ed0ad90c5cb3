#include "compat/access_json.h"

#include "compat/json_output.h"

namespace modelwarden {
namespace {

void WriteModelPermission(JsonOutput& writer, const Grant& grant) {
  writer.StartObject();
  WriteStringField(writer, "name", grant.resource);
  WriteInt64Field(writer, "user_id", grant.subject_id);
  WriteStringField(writer, "permission", GrantPermissionName(grant));
  writer.EndObject();
}

// MLflow's ExperimentPermission.to_json: the id as the string it is.
void WriteExperimentPermission(JsonOutput& writer, const Grant& grant) {
  writer.StartObject();
  WriteStringField(writer, "experiment_id", grant.resource);
  WriteInt64Field(writer, "user_id", grant.subject_id);
  WriteStringField(writer, "permission", GrantPermissionName(grant));
  writer.EndObject();
}

void WriteScorerPermission(JsonOutput& writer, const Grant& grant) {
  std::string experiment_id;
  std::string scorer;
  SplitScorerResource(grant.resource, experiment_id, scorer);
  writer.StartObject();
  WriteStringField(writer, "experiment_id", experiment_id);
  WriteStringField(writer, "scorer_name", scorer);
  WriteInt64Field(writer, "user_id", grant.subject_id);
  WriteStringField(writer, "permission", GrantPermissionName(grant));
  writer.EndObject();
}

void WriteGroup(JsonOutput& writer, const Group& group) {
  writer.StartObject();
  WriteInt64Field(writer, "id", group.id);
  WriteStringField(writer, "name", group.name);
  writer.Key("members");
  writer.StartArray();
  for (const std::string& member : group.members) WriteString(writer, member);
  writer.EndArray();
  writer.EndObject();
}

void WriteGrant(JsonOutput& writer, const Grant& grant) {
  writer.StartObject();
  WriteStringField(writer, grant.subject_type == SubjectType::kUser ? "username" : "group",
                   grant.subject_name);
  std::string experiment_id;
  std::string scorer;
  switch (grant.resource_type) {
    case ResourceType::kModel:
      WriteStringField(writer, "name", grant.resource);
      break;
    case ResourceType::kPrefix:
      WriteStringField(writer, "prefix", grant.resource);
      break;
    case ResourceType::kExperiment:
      WriteStringField(writer, "experiment_id", grant.resource);
      break;
    case ResourceType::kExperimentPrefix:
      WriteStringField(writer, "experiment_prefix", grant.resource);
      break;
    case ResourceType::kScorer:
      SplitScorerResource(grant.resource, experiment_id, scorer);
      WriteStringField(writer, "experiment_id", experiment_id);
      WriteStringField(writer, "scorer_name", scorer);
      break;
  }
  WriteStringField(writer, "permission", GrantPermissionName(grant));
  writer.EndObject();
}

void WriteToken(JsonOutput& writer, const ApiToken& token) {
  writer.StartObject();
  WriteInt64Field(writer, "id", token.id);
  WriteStringField(writer, "name", token.name);
  WriteStringField(writer, "username", token.username);
  WriteInt64Field(writer, "creation_timestamp", token.creation_timestamp);
  if (token.expiration_timestamp != 0) {
    WriteInt64Field(writer, "expiration_timestamp", token.expiration_timestamp);
  }
  if (token.revocation_timestamp != 0) {
    WriteInt64Field(writer, "revocation_timestamp", token.revocation_timestamp);
  }
  writer.EndObject();
}

template <typename Items, typename WriteItem>
std::string ListResponse(const char* key, const Items& items, WriteItem write_item) {
  rapidjson::StringBuffer buffer;
  JsonOutput writer(buffer);
  writer.StartObject();
  writer.Key(key);
  writer.StartArray();
  for (const auto& item : items) write_item(writer, item);
  writer.EndArray();
  writer.EndObject();
  return Finish(buffer);
}

template <typename Item, typename WriteItem>
std::string ObjectResponse(const char* key, const Item& item, WriteItem write_item) {
  rapidjson::StringBuffer buffer;
  JsonOutput writer(buffer);
  writer.StartObject();
  writer.Key(key);
  write_item(writer, item);
  writer.EndObject();
  return Finish(buffer);
}

}  // namespace

std::string UserResponse(const UserView& view) {
  return ObjectResponse("user", view, [](JsonOutput& writer, const UserView& v) {
    writer.StartObject();
    WriteInt64Field(writer, "id", v.user.id);
    WriteStringField(writer, "username", v.user.username);
    WriteBoolField(writer, "is_admin", v.user.is_admin);
    writer.Key("experiment_permissions");
    writer.StartArray();
    for (const Grant& grant : v.experiment_grants) WriteExperimentPermission(writer, grant);
    writer.EndArray();
    writer.Key("registered_model_permissions");
    writer.StartArray();
    for (const Grant& grant : v.model_grants) WriteModelPermission(writer, grant);
    writer.EndArray();
    writer.Key("scorer_permissions");
    writer.StartArray();
    for (const Grant& grant : v.scorer_grants) WriteScorerPermission(writer, grant);
    writer.EndArray();
    writer.EndObject();
  });
}

std::string UsersResponse(const std::vector<User>& users) {
  return ListResponse("users", users, [](JsonOutput& writer, const User& user) {
    writer.StartObject();
    WriteInt64Field(writer, "id", user.id);
    WriteStringField(writer, "username", user.username);
    WriteBoolField(writer, "is_admin", user.is_admin);
    writer.EndObject();
  });
}

std::string ModelPermissionResponse(const Grant& grant) {
  return ObjectResponse("registered_model_permission", grant, &WriteModelPermission);
}

std::string ExperimentPermissionResponse(const Grant& grant) {
  return ObjectResponse("experiment_permission", grant, &WriteExperimentPermission);
}

std::string ScorerPermissionResponse(const Grant& grant) {
  return ObjectResponse("scorer_permission", grant, &WriteScorerPermission);
}

std::string GroupResponse(const Group& group) {
  return ObjectResponse("group", group, &WriteGroup);
}

std::string GroupsResponse(const std::vector<Group>& groups) {
  return ListResponse("groups", groups, &WriteGroup);
}

std::string GrantResponse(const Grant& grant) {
  return ObjectResponse("grant", grant, &WriteGrant);
}

std::string GrantsResponse(const std::vector<Grant>& grants) {
  return ListResponse("grants", grants, &WriteGrant);
}

std::string NewTokenResponse(const NewToken& token) {
  rapidjson::StringBuffer buffer;
  JsonOutput writer(buffer);
  writer.StartObject();
  writer.Key("token");
  WriteToken(writer, token.token);
  WriteStringField(writer, "secret", token.secret);
  writer.EndObject();
  return Finish(buffer);
}

std::string TokensResponse(const std::vector<ApiToken>& tokens) {
  return ListResponse("tokens", tokens, &WriteToken);
}

std::string ExplanationResponse(const PermissionExplanation& explanation, const std::string& name) {
  rapidjson::StringBuffer buffer;
  JsonOutput writer(buffer);
  writer.StartObject();
  writer.Key("permission");
  writer.StartObject();
  WriteStringField(writer, "username", explanation.username);
  WriteStringField(writer, "name", name);
  WriteStringField(
      writer, "permission",
      explanation.is_admin ? "MANAGE" : PermissionName(explanation.effective.permission));
  WriteStringField(writer, "source", explanation.is_admin ? "admin" : explanation.effective.source);
  WriteBoolField(writer, "is_admin", explanation.is_admin);
  WriteBoolField(writer, "can_promote", explanation.can_promote);
  writer.EndObject();
  writer.EndObject();
  return Finish(buffer);
}

}  // namespace modelwarden
