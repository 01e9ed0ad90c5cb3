#include "compat/importer/rest_registry_source.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <thread>
#include <utility>
#include <vector>

#include "compat/importer/registry_json.h"
#include "compat/tracker/upstream.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

namespace rj = rapidjson;

constexpr char kPromptFilter[] = "tags.`mlflow.prompt.is_prompt` = 'true'";
constexpr int kAttempts = 4;

std::string Query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    out += (out.empty() ? "?" : "&") + key + "=" + Quote(value, "");
  }
  return out;
}

class RestClient {
 public:
  RestClient(std::unique_ptr<UpstreamPool> pool, const RestSourceOptions& options)
      : pool_(std::move(pool)), options_(options) {}

  const UpstreamPool& pool() const { return *pool_; }

  // GETs /api/2.0/mlflow<endpoint><query> and parses the JSON object of a 200. Failures to
  // connect and answers MLflow's client retries (429, 5xx) are tried again, with growing waits.
  Result<rj::Document> Get(const std::string& endpoint, const std::string& query) {
    Status last;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::seconds(1 << (attempt - 1)));
      Result<rj::Document> answer = GetOnce(endpoint, query);
      if (answer.ok() || answer.status().code() != ErrorCode::kTemporarilyUnavailable) {
        return answer;
      }
      last = answer.status();
    }
    return last;
  }

 private:
  Result<rj::Document> GetOnce(const std::string& endpoint, const std::string& query) {
    std::unique_ptr<httplib::Client> client = pool_->Acquire();
    httplib::Headers headers = {{"Accept", "application/json"}};
    const std::string user = !options_.username.empty() ? options_.username : pool_->user();
    const std::string password = !options_.username.empty() ? options_.password : pool_->password();
    if (!options_.username.empty() || options_.token.empty()) {
      if (!user.empty() || !password.empty()) client->set_basic_auth(user, password);
    } else {
      client->set_bearer_token_auth(options_.token);
    }
    const auto started = std::chrono::steady_clock::now();
    httplib::Result res =
        client->Get(pool_->base_path() + "/api/2.0/mlflow" + endpoint + query, headers);
    const auto waited = std::chrono::steady_clock::now() - started;
    pool_->Release(std::move(client));
    const std::string what = "GET " + endpoint;
    if (!res) {
      return Status::Unavailable(DescribeUpstreamFailure(*pool_, res.error(), waited).message);
    }
    rj::Document doc;
    doc.Parse(res->body.data(), res->body.size());
    if (res->status == 200) {
      if (doc.HasParseError() || !doc.IsObject()) {
        return Status::InvalidArgument("the source registry's answer to " + what +
                                       " is not a JSON object: is " + pool_->display() +
                                       " an MLflow server?");
      }
      return doc;
    }
    std::string detail;
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("message") &&
        doc["message"].IsString()) {
      detail = std::string(": ") + doc["message"].GetString();
    }
    const std::string message = "the source registry " + pool_->display() + " answered " + what +
                                " with HTTP " + std::to_string(res->status) + detail;
    if (res->status == 401) {
      return Status::Unauthenticated(message +
                                     " (set MLFLOW_TRACKING_USERNAME and "
                                     "MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN)");
    }
    if (res->status == 403) return Status::PermissionDenied(message);
    if (res->status == 429 || res->status >= 500) return Status::Unavailable(message);
    return Status::InvalidArgument(message);
  }

  std::unique_ptr<UpstreamPool> pool_;
  const RestSourceOptions options_;
};

// Every page of a search; `read` takes one page's array.
Status AllPages(RestClient& client, const std::string& endpoint, const char* array_key,
                int page_size, const std::string& filter,
                const std::function<Status(const rj::Value&, const std::string&)>& read) {
  std::string token;
  int page = 0;
  do {
    ASSIGN_OR_RETURN(rj::Document doc,
                     client.Get(endpoint, Query({{"max_results", std::to_string(page_size)},
                                                 {"filter", filter},
                                                 {"page_token", token}})));
    const std::string where = "GET " + endpoint + " page " + std::to_string(++page);
    if (doc.HasMember(array_key)) {
      if (!doc[array_key].IsArray()) {
        return Status::InvalidArgument(where + ": " + array_key + " is not an array");
      }
      for (const rj::Value& item : doc[array_key].GetArray()) RETURN_IF_ERROR(read(item, where));
    }
    token.clear();
    if (doc.HasMember("next_page_token") && doc["next_page_token"].IsString()) {
      token = doc["next_page_token"].GetString();
    }
  } while (!token.empty());
  return Status::Ok();
}

// A version MLflow's API does not show: the gap it left is a deleted version, redacted as
// MLflow redacts one, dated like the version after it.
VersionSnapshot DeletedVersion(const std::string& name, int64_t number, const ModelVersion& next) {
  VersionSnapshot gap;
  gap.deleted = true;
  gap.version.name = name;
  gap.version.version = number;
  gap.version.creation_timestamp = next.creation_timestamp;
  gap.version.last_updated_timestamp = next.creation_timestamp;
  gap.version.source = kRedactedSource;
  gap.version.run_id = std::string(kRedactedRunId);
  gap.version.run_link = std::string(kRedactedRunLink);
  return gap;
}

Status ReadStorageLocations(RestClient& client, std::vector<ModelSnapshot>& models) {
  for (ModelSnapshot& model : models) {
    for (VersionSnapshot& v : model.versions) {
      if (v.deleted ||
          !(StartsWith(v.version.source, "runs:/") || StartsWith(v.version.source, "models:/"))) {
        continue;
      }
      ASSIGN_OR_RETURN(rj::Document doc,
                       client.Get("/model-versions/get-download-uri",
                                  Query({{"name", v.version.name},
                                         {"version", std::to_string(v.version.version)}})));
      if (doc.HasMember("artifact_uri") && doc["artifact_uri"].IsString()) {
        v.version.storage_location = doc["artifact_uri"].GetString();
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<RegistrySource>> OpenRestRegistry(const RestSourceOptions& options) {
  UpstreamOptions upstream;
  upstream.url = options.url;
  upstream.connect_timeout = options.connect_timeout;
  upstream.read_timeout = options.read_timeout;
  upstream.max_idle_connections = 1;
  upstream.flag = "--from";
  upstream.role = "the source registry";
  ASSIGN_OR_RETURN(std::unique_ptr<UpstreamPool> pool, UpstreamPool::Create(upstream));
  RestClient client(std::move(pool), options);

  std::map<std::string, ModelSnapshot> by_name;
  for (const std::string filter : {"", kPromptFilter}) {
    RETURN_IF_ERROR(
        AllPages(client, "/registered-models/search", "registered_models", options.models_per_page,
                 filter, [&](const rj::Value& item, const std::string& where) -> Status {
                   ASSIGN_OR_RETURN(RegisteredModel model, ReadRegisteredModel(item, where));
                   by_name[model.name].model = std::move(model);
                   return Status::Ok();
                 }));
  }
  std::map<std::pair<std::string, int64_t>, VersionSnapshot> versions;
  for (const std::string filter : {"", kPromptFilter}) {
    RETURN_IF_ERROR(AllPages(client, "/model-versions/search", "model_versions",
                             options.versions_per_page, filter,
                             [&](const rj::Value& item, const std::string& where) -> Status {
                               ASSIGN_OR_RETURN(VersionSnapshot v, ReadModelVersion(item, where));
                               const auto key = std::make_pair(v.version.name, v.version.version);
                               versions[key] = std::move(v);
                               return Status::Ok();
                             }));
  }
  std::vector<std::string> notes;
  int64_t orphans = 0, gaps = 0;
  for (auto& [key, v] : versions) {
    auto it = by_name.find(key.first);
    if (it == by_name.end()) {
      ++orphans;
      continue;
    }
    std::vector<VersionSnapshot>& list = it->second.versions;
    const int64_t previous = list.empty() ? 0 : list.back().version.version;
    for (int64_t gap = previous + 1; gap < key.second; ++gap, ++gaps) {
      list.push_back(DeletedVersion(key.first, gap, v.version));
    }
    list.push_back(std::move(v));
  }
  if (orphans > 0) {
    notes.push_back(std::to_string(orphans) +
                    " versions of models the model search did not return were not read");
  }
  if (gaps > 0) {
    notes.push_back(std::to_string(gaps) +
                    " gaps in version numbers were imported as deleted versions (MLflow's API "
                    "does not show deleted versions)");
  }
  std::vector<ModelSnapshot> models;
  models.reserve(by_name.size());
  for (auto& [name, model] : by_name) models.push_back(std::move(model));
  RETURN_IF_ERROR(ReadStorageLocations(client, models));
  return std::unique_ptr<RegistrySource>(std::make_unique<LoadedRegistrySource>(
      "MLflow REST API " + client.pool().display(), std::move(models), std::move(notes)));
}

}  // namespace modelwarden
