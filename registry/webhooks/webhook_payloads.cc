#include "registry/webhooks/webhook_payloads.h"

#include <ctime>

#include "registry/webhooks/python_json.h"

namespace modelwarden {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

Entries TagEntries(const std::vector<Tag>& tags) {
  Entries entries;
  for (const Tag& tag : tags) entries.emplace_back(tag.key, tag.value);
  return entries;
}

// {t.key: t.value for t in tags if t.key not in dropped}
Entries TagEntriesWithout(const std::vector<Tag>& tags,
                          std::initializer_list<std::string_view> dropped) {
  Entries entries;
  for (const Tag& tag : tags) {
    bool drop = false;
    for (std::string_view key : dropped) drop = drop || tag.key == key;
    if (!drop) entries.emplace_back(tag.key, tag.value);
  }
  return entries;
}

PyJsonObject& StringOrNull(PyJsonObject& object, std::string_view key, const std::string& value) {
  return value.empty() ? object.Null(key) : object.String(key, value);
}

}  // namespace

std::string IsoTimestamp(int64_t millis) {
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[48];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out = text;
  if (const int64_t fraction = millis % 1000; fraction != 0) {
    char micros[16];
    std::snprintf(micros, sizeof(micros), ".%06lld", static_cast<long long>(fraction * 1000));
    out += micros;
  }
  return out + "+00:00";
}

std::string DeliveryBody(const WebhookEvent& event, int64_t timestamp_millis,
                         std::string_view data) {
  return PyJsonObject()
      .String("entity", EntityWord(event.entity))
      .String("action", ActionWord(event.action))
      .String("timestamp", IsoTimestamp(timestamp_millis))
      .Raw("data", data)
      .Build();
}

std::string RegisteredModelCreatedData(const std::string& name, const std::vector<Tag>& tags,
                                       const std::string& description) {
  return PyJsonObject()
      .String("name", name)
      .StringMap("tags", TagEntries(tags))
      .String("description", description)
      .Build();
}

std::string PromptCreatedData(const std::string& name, const std::vector<Tag>& tags,
                              const std::string& description) {
  return PyJsonObject()
      .String("name", name)
      .StringMap("tags", TagEntriesWithout(tags, {kIsPromptTagKey, kPromptTypeTagKey}))
      .String("description", description)
      .Build();
}

std::string ModelVersionCreatedData(const std::string& name, int64_t version,
                                    const std::string& source, const std::string& run_id,
                                    const std::vector<Tag>& tags, const std::string& description) {
  PyJsonObject data;
  data.String("name", name).String("version", std::to_string(version)).String("source", source);
  StringOrNull(data, "run_id", run_id).StringMap("tags", TagEntries(tags));
  return StringOrNull(data, "description", description).Build();
}

std::string PromptVersionCreatedData(const std::string& name, int64_t version,
                                     const std::vector<Tag>& tags, const std::string& description) {
  // tags_dict.pop(PROMPT_TEXT_TAG_KEY, None): the last value given, or null.
  const std::string* text = nullptr;
  for (const Tag& tag : tags) {
    if (tag.key == kPromptTextTagKey) text = &tag.value;
  }
  PyJsonObject data;
  data.String("name", name).String("version", std::to_string(version));
  if (text != nullptr) {
    data.String("template", *text);
  } else {
    data.Null("template");
  }
  data.StringMap("tags",
                 TagEntriesWithout(tags, {kPromptTextTagKey, kIsPromptTagKey, kPromptTypeTagKey}));
  return StringOrNull(data, "description", description).Build();
}

std::string VersionTagData(const std::string& name, int64_t version, const std::string& key,
                           const std::optional<std::string>& value) {
  PyJsonObject data;
  data.String("name", name).String("version", std::to_string(version)).String("key", key);
  if (value) data.String("value", *value);
  return data.Build();
}

std::string PromptTagData(const std::string& name, const std::string& key,
                          const std::optional<std::string>& value) {
  PyJsonObject data;
  data.String("name", name).String("key", key);
  if (value) data.String("value", *value);
  return data.Build();
}

std::string AliasData(const std::string& name, const std::string& alias,
                      std::optional<int64_t> version) {
  PyJsonObject data;
  data.String("name", name).String("alias", alias);
  if (version) data.String("version", std::to_string(*version));
  return data.Build();
}

std::string ModelRenamedData(const std::string& old_name, const std::string& new_name) {
  return PyJsonObject().String("name", new_name).String("previous_name", old_name).Build();
}

std::string ModelDeletedData(const std::string& name) {
  return PyJsonObject().String("name", name).Build();
}

std::string VersionDeletedData(const std::string& name, int64_t version) {
  return PyJsonObject().String("name", name).String("version", std::to_string(version)).Build();
}

std::string StageTransitionedData(const std::string& name, int64_t version, Stage from, Stage to,
                                  bool archive_existing_versions) {
  return PyJsonObject()
      .String("name", name)
      .String("version", std::to_string(version))
      .String("from_stage", StageName(from))
      .String("to_stage", StageName(to))
      .Bool("archive_existing_versions", archive_existing_versions)
      .Build();
}

std::string PolicyDeniedData(const PolicyDenial& denial) {
  PyJsonObject data;
  data.String("operation", denial.operation).String("name", denial.name);
  if (denial.version) {
    data.String("version", std::to_string(*denial.version));
  } else {
    data.Null("version");
  }
  return data.String("principal", denial.principal)
      .String("request_id", denial.request_id)
      .StringList("rule_ids", denial.rule_ids)
      .String("message", denial.message)
      .Build();
}

std::string ExampleData(const WebhookEvent& event) {
  // The values of the example() payloads in mlflow/webhooks/types.py.
  const std::vector<Tag> tags = {{"example_key", "example_value"}};
  const std::string model = "example_model";
  const std::string prompt = "example_prompt";
  const bool is_prompt = event.entity == WebhookEntity::kPrompt ||
                         event.entity == WebhookEntity::kPromptVersion ||
                         event.entity == WebhookEntity::kPromptTag ||
                         event.entity == WebhookEntity::kPromptVersionTag ||
                         event.entity == WebhookEntity::kPromptAlias;
  const std::string& name = is_prompt ? prompt : model;
  const bool deleted = event.action == WebhookAction::kDeleted;
  switch (event.entity) {
    case WebhookEntity::kRegisteredModel:
      if (event.action == WebhookAction::kRenamed) return ModelRenamedData("old_model", model);
      if (deleted) return ModelDeletedData(model);
      return RegisteredModelCreatedData(model, tags, "An example registered model");
    case WebhookEntity::kPrompt:
      return PyJsonObject()
          .String("name", prompt)
          .StringMap("tags", TagEntries(tags))
          .String("description", "An example prompt")
          .Build();
    case WebhookEntity::kModelVersion:
      if (event.action == WebhookAction::kStageTransitioned) {
        return StageTransitionedData(model, 1, Stage::kStaging, Stage::kProduction, false);
      }
      if (deleted) return VersionDeletedData(model, 1);
      return ModelVersionCreatedData(model, 1, "models:/123", "abcd1234abcd5678", tags,
                                     "An example model version");
    case WebhookEntity::kPromptVersion:
      return PyJsonObject()
          .String("name", prompt)
          .String("version", "1")
          .String("template", "Hello {{name}}!")
          .StringMap("tags", TagEntries(tags))
          .String("description", "An example prompt version")
          .Build();
    case WebhookEntity::kModelVersionTag:
    case WebhookEntity::kPromptVersionTag:
      return VersionTagData(name, 1, "example_key",
                            deleted ? std::nullopt : std::optional<std::string>("example_value"));
    case WebhookEntity::kPromptTag:
      return PromptTagData(prompt, "example_key",
                           deleted ? std::nullopt : std::optional<std::string>("example_value"));
    case WebhookEntity::kModelVersionAlias:
    case WebhookEntity::kPromptAlias:
      return AliasData(name, "example_alias", deleted ? std::nullopt : std::optional<int64_t>(1));
    case WebhookEntity::kPolicy: {
      PolicyDenial denial;
      denial.operation = "TransitionModelVersionStage";
      denial.name = model;
      denial.version = 1;
      denial.principal = "example_user";
      denial.request_id = "example_request";
      denial.rule_ids = {"example-rule"};
      denial.message = "[example-rule] An example policy denial.";
      return PolicyDeniedData(denial);
    }
  }
  return "{}";
}

}  // namespace modelwarden
