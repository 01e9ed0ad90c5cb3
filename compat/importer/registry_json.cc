#include "compat/importer/registry_json.h"

#include <cstdlib>

#include "registry/validation.h"

namespace modelwarden {
namespace {

namespace rj = rapidjson;

Status WrongType(const std::string& where, const char* field, const char* expected) {
  return Status::InvalidArgument(where + ": " + field + ": expected " + expected);
}

const rj::Value* Field(const rj::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

Result<std::optional<std::string>> OptionalString(const rj::Value& object, const char* key,
                                                  const std::string& where) {
  const rj::Value* v = Field(object, key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->IsString()) return WrongType(where, key, "a string");
  return std::optional<std::string>(std::string(v->GetString(), v->GetStringLength()));
}

Result<std::string> StringOr(const rj::Value& object, const char* key, const std::string& where) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(object, key, where));
  return value.value_or("");
}

// protobuf's JSON for int64: a number, or a string holding one.
Result<int64_t> Int64(const rj::Value& object, const char* key, const std::string& where) {
  const rj::Value* v = Field(object, key);
  if (v == nullptr) return int64_t{0};
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsString()) {
    Result<int64_t> parsed = ParseVersion(v->GetString());
    if (parsed.ok()) return *parsed;
  }
  return WrongType(where, key, "an integer");
}

Result<std::vector<Tag>> Tags(const rj::Value& object, const std::string& where) {
  std::vector<Tag> tags;
  const rj::Value* v = Field(object, "tags");
  if (v == nullptr) return tags;
  if (!v->IsArray()) return WrongType(where, "tags", "an array");
  for (const rj::Value& tag : v->GetArray()) {
    if (!tag.IsObject()) return WrongType(where, "tags", "an array of {key, value}");
    ASSIGN_OR_RETURN(std::string key, StringOr(tag, "key", where + ": tags"));
    ASSIGN_OR_RETURN(std::string value, StringOr(tag, "value", where + ": tags"));
    tags.push_back({std::move(key), std::move(value)});
  }
  return tags;
}

void WriteTagsField(JsonOutput& writer, const std::vector<Tag>& tags) {
  if (tags.empty()) return;
  writer.Key("tags");
  writer.StartArray();
  for (const Tag& tag : tags) {
    writer.StartObject();
    WriteStringField(writer, "key", tag.key);
    WriteStringField(writer, "value", tag.value);
    writer.EndObject();
  }
  writer.EndArray();
}

}  // namespace

Result<RegisteredModel> ReadRegisteredModel(const rj::Value& json, const std::string& where) {
  if (!json.IsObject()) return Status::InvalidArgument(where + ": expected an object");
  RegisteredModel model;
  ASSIGN_OR_RETURN(model.name, StringOr(json, "name", where));
  if (model.name.empty()) return Status::InvalidArgument(where + ": name: missing");
  ASSIGN_OR_RETURN(model.creation_timestamp, Int64(json, "creation_timestamp", where));
  ASSIGN_OR_RETURN(model.last_updated_timestamp, Int64(json, "last_updated_timestamp", where));
  ASSIGN_OR_RETURN(model.description, StringOr(json, "description", where));
  ASSIGN_OR_RETURN(model.tags, Tags(json, where));
  if (const rj::Value* aliases = Field(json, "aliases")) {
    if (!aliases->IsArray()) return WrongType(where, "aliases", "an array");
    for (const rj::Value& alias : aliases->GetArray()) {
      if (!alias.IsObject()) return WrongType(where, "aliases", "an array of {alias, version}");
      ModelVersionAlias entry;
      ASSIGN_OR_RETURN(entry.alias, StringOr(alias, "alias", where + ": aliases"));
      ASSIGN_OR_RETURN(entry.version, Int64(alias, "version", where + ": aliases"));
      model.aliases.push_back(std::move(entry));
    }
  }
  return model;
}

Result<VersionSnapshot> ReadModelVersion(const rj::Value& json, const std::string& where) {
  if (!json.IsObject()) return Status::InvalidArgument(where + ": expected an object");
  VersionSnapshot snapshot;
  ModelVersion& v = snapshot.version;
  ASSIGN_OR_RETURN(v.name, StringOr(json, "name", where));
  if (v.name.empty()) return Status::InvalidArgument(where + ": name: missing");
  ASSIGN_OR_RETURN(v.version, Int64(json, "version", where));
  ASSIGN_OR_RETURN(v.creation_timestamp, Int64(json, "creation_timestamp", where));
  ASSIGN_OR_RETURN(v.last_updated_timestamp, Int64(json, "last_updated_timestamp", where));
  ASSIGN_OR_RETURN(v.user_id, StringOr(json, "user_id", where));
  ASSIGN_OR_RETURN(std::string stage, StringOr(json, "current_stage", where));
  if (stage == kDeletedStage) {
    snapshot.deleted = true;
  } else if (!stage.empty()) {
    std::optional<Stage> parsed = StageFromString(stage);
    if (!parsed) return WrongType(where, "current_stage", "None, Staging, Production or Archived");
    v.current_stage = *parsed;
  }
  ASSIGN_OR_RETURN(v.description, OptionalString(json, "description", where));
  ASSIGN_OR_RETURN(v.source, StringOr(json, "source", where));
  ASSIGN_OR_RETURN(v.run_id, OptionalString(json, "run_id", where));
  ASSIGN_OR_RETURN(v.run_link, OptionalString(json, "run_link", where));
  ASSIGN_OR_RETURN(std::string status, StringOr(json, "status", where));
  if (!status.empty()) {
    std::optional<VersionStatus> parsed = VersionStatusFromString(status);
    if (!parsed) {
      return WrongType(where, "status", "PENDING_REGISTRATION, FAILED_REGISTRATION or READY");
    }
    v.status = *parsed;
  }
  ASSIGN_OR_RETURN(v.status_message, StringOr(json, "status_message", where));
  ASSIGN_OR_RETURN(v.storage_location, StringOr(json, "storage_location", where));
  ASSIGN_OR_RETURN(v.tags, Tags(json, where));
  return snapshot;
}

void WriteRegisteredModelObject(JsonOutput& writer, const RegisteredModel& model) {
  writer.StartObject();
  WriteStringField(writer, "name", model.name);
  WriteInt64Field(writer, "creation_timestamp", model.creation_timestamp);
  WriteInt64Field(writer, "last_updated_timestamp", model.last_updated_timestamp);
  if (!model.description.empty()) WriteStringField(writer, "description", model.description);
  WriteTagsField(writer, model.tags);
  if (!model.aliases.empty()) {
    writer.Key("aliases");
    writer.StartArray();
    for (const ModelVersionAlias& alias : model.aliases) {
      writer.StartObject();
      WriteStringField(writer, "alias", alias.alias);
      WriteStringField(writer, "version", std::to_string(alias.version));
      writer.EndObject();
    }
    writer.EndArray();
  }
  writer.EndObject();
}

void WriteModelVersionObject(JsonOutput& writer, const VersionSnapshot& snapshot) {
  const ModelVersion& v = snapshot.version;
  writer.StartObject();
  WriteStringField(writer, "name", v.name);
  WriteStringField(writer, "version", std::to_string(v.version));
  WriteInt64Field(writer, "creation_timestamp", v.creation_timestamp);
  WriteInt64Field(writer, "last_updated_timestamp", v.last_updated_timestamp);
  if (!v.user_id.empty()) WriteStringField(writer, "user_id", v.user_id);
  WriteStringField(writer, "current_stage",
                   snapshot.deleted ? std::string_view(kDeletedStage) : StageName(v.current_stage));
  if (v.description) WriteStringField(writer, "description", *v.description);
  WriteStringField(writer, "source", v.source);
  if (v.run_id) WriteStringField(writer, "run_id", *v.run_id);
  WriteStringField(writer, "status", VersionStatusName(v.status));
  if (!v.status_message.empty()) WriteStringField(writer, "status_message", v.status_message);
  WriteTagsField(writer, v.tags);
  if (v.run_link) WriteStringField(writer, "run_link", *v.run_link);
  if (!v.storage_location.empty()) {
    WriteStringField(writer, "storage_location", v.storage_location);
  }
  writer.EndObject();
}

}  // namespace modelwarden
