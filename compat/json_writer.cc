#include "compat/json_writer.h"

#include <string_view>

#include "compat/json_output.h"

namespace modelwarden {
namespace {

using Writer = JsonOutput;

void WriteTags(Writer& writer, const std::vector<Tag>& tags) {
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

enum class Aliases { kInclude, kOmit };

// Field order follows ModelVersion in model_registry.proto.
void WriteModelVersion(Writer& writer, const ModelVersion& version, Aliases aliases) {
  writer.StartObject();
  WriteStringField(writer, "name", version.name);
  WriteStringField(writer, "version", std::to_string(version.version));
  WriteInt64Field(writer, "creation_timestamp", version.creation_timestamp);
  WriteInt64Field(writer, "last_updated_timestamp", version.last_updated_timestamp);
  if (!version.user_id.empty()) WriteStringField(writer, "user_id", version.user_id);
  WriteStringField(writer, "current_stage", StageName(version.current_stage));
  // MLflow stores "" for description/run_id/run_link a client did not send and echoes it, so
  // these are written whenever set, even empty (ModelVersion.to_proto).
  if (version.description.has_value())
    WriteStringField(writer, "description", *version.description);
  WriteStringField(writer, "source", version.source);
  if (version.run_id.has_value()) WriteStringField(writer, "run_id", *version.run_id);
  WriteStringField(writer, "status", VersionStatusName(version.status));
  if (!version.status_message.empty()) {
    WriteStringField(writer, "status_message", version.status_message);
  }
  WriteTags(writer, version.tags);
  if (version.run_link.has_value()) WriteStringField(writer, "run_link", *version.run_link);
  if (aliases == Aliases::kInclude && !version.aliases.empty()) {
    writer.Key("aliases");
    writer.StartArray();
    for (const std::string& alias : version.aliases) WriteString(writer, alias);
    writer.EndArray();
  }
  writer.EndObject();
}

// Field order follows RegisteredModel in model_registry.proto.
void WriteRegisteredModel(Writer& writer, const RegisteredModel& model) {
  writer.StartObject();
  WriteStringField(writer, "name", model.name);
  WriteInt64Field(writer, "creation_timestamp", model.creation_timestamp);
  WriteInt64Field(writer, "last_updated_timestamp", model.last_updated_timestamp);
  if (!model.description.empty()) WriteStringField(writer, "description", model.description);
  if (!model.latest_versions.empty()) {
    writer.Key("latest_versions");
    writer.StartArray();
    // RegisteredModel.to_proto never fills aliases of the embedded versions.
    for (const ModelVersion& version : model.latest_versions) {
      WriteModelVersion(writer, version, Aliases::kOmit);
    }
    writer.EndArray();
  }
  WriteTags(writer, model.tags);
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

void NextPageToken(Writer& writer, const std::string& token) {
  if (!token.empty()) WriteStringField(writer, "next_page_token", token);
}

}  // namespace

std::string RegisteredModelResponse(const RegisteredModel& model) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("registered_model");
  WriteRegisteredModel(writer, model);
  writer.EndObject();
  return Finish(buffer);
}

std::string RegisteredModelSearchResponse(const Page<RegisteredModel>& page) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  if (!page.items.empty()) {
    writer.Key("registered_models");
    writer.StartArray();
    for (const RegisteredModel& model : page.items) WriteRegisteredModel(writer, model);
    writer.EndArray();
  }
  NextPageToken(writer, page.next_page_token);
  writer.EndObject();
  return Finish(buffer);
}

std::string ModelVersionResponse(const ModelVersion& version) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("model_version");
  WriteModelVersion(writer, version, Aliases::kInclude);
  writer.EndObject();
  return Finish(buffer);
}

std::string LatestVersionsResponse(const std::vector<ModelVersion>& versions) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  if (!versions.empty()) {
    writer.Key("model_versions");
    writer.StartArray();
    for (const ModelVersion& version : versions) {
      WriteModelVersion(writer, version, Aliases::kInclude);
    }
    writer.EndArray();
  }
  writer.EndObject();
  return Finish(buffer);
}

std::string ModelVersionSearchResponse(const Page<ModelVersion>& page) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  if (!page.items.empty()) {
    writer.Key("model_versions");
    writer.StartArray();
    for (const ModelVersion& version : page.items) {
      WriteModelVersion(writer, version, Aliases::kOmit);
    }
    writer.EndArray();
  }
  NextPageToken(writer, page.next_page_token);
  writer.EndObject();
  return Finish(buffer);
}

std::string DownloadUriResponse(const std::string& artifact_uri) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  WriteStringField(writer, "artifact_uri", artifact_uri);
  writer.EndObject();
  return Finish(buffer);
}

std::string EmptyResponse() { return "{}"; }

}  // namespace modelwarden
