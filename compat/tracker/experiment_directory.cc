#include "compat/tracker/experiment_directory.h"

#include <rapidjson/document.h>

#include <utility>

#include "compat/tracker/tracker_json.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

namespace rj = rapidjson;

Result<rj::Document> Parse(const std::string& body, const std::string& what) {
  rj::Document doc;
  if (!ParseBoundedJson(body, doc) || !doc.IsObject()) {
    return Status::Unavailable("the tracking server's answer for " + what + " is not JSON");
  }
  return doc;
}

Result<std::vector<std::string>> One(std::string value, const std::string& what) {
  if (value.empty()) {
    return Status::Unavailable("the tracking server's answer for " + what + " names no experiment");
  }
  return std::vector<std::string>{std::move(value)};
}

}  // namespace

ExperimentDirectory::ExperimentDirectory(TrackerCalls& calls, DirectoryOptions options)
    : calls_(calls), options_(options) {}

template <class Fetch>
Result<std::vector<std::string>> ExperimentDirectory::Cached(Cache& cache, const std::string& key,
                                                             std::chrono::milliseconds ttl,
                                                             Blocking blocking, Fetch fetch) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache.find(key);
    if (it != cache.end() && it->second.expires > Clock::now()) return it->second.values;
  }
  if (blocking == Blocking::kNever) {
    return Status(ErrorCode::kWouldBlock, "not cached; the tracker must be asked");
  }
  // Asked without the lock: two callers may both ask, which is harmless.
  Result<std::vector<std::string>> fetched = fetch();
  if (fetched.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cache.size() >= options_.max_entries) cache.clear();
    cache[key] = Entry{*fetched, Clock::now() + ttl};
  }
  return fetched;
}

Result<std::string> ExperimentDirectory::ExperimentOfRun(const std::string& run_id,
                                                         Blocking blocking) {
  ASSIGN_OR_RETURN(auto ids,
                   Cached(runs_, run_id, options_.ownership_ttl, blocking,
                          [&]() -> Result<std::vector<std::string>> {
                            ASSIGN_OR_RETURN(std::string body,
                                             calls_.GetJson("/api/2.0/mlflow/runs/get?run_id=" +
                                                            Quote(run_id, "")));
                            ASSIGN_OR_RETURN(rj::Document doc, Parse(body, "a run"));
                            return One(JsonIdAt(doc, {"run", "info", "experiment_id"}), "a run");
                          }));
  return ids.front();
}

Result<std::string> ExperimentDirectory::ExperimentOfLoggedModel(const std::string& model_id,
                                                                 Blocking blocking) {
  ASSIGN_OR_RETURN(
      auto ids,
      Cached(models_, model_id, options_.ownership_ttl, blocking,
             [&]() -> Result<std::vector<std::string>> {
               ASSIGN_OR_RETURN(std::string body, calls_.GetJson("/api/2.0/mlflow/logged-models/" +
                                                                 Quote(model_id, "")));
               ASSIGN_OR_RETURN(rj::Document doc, Parse(body, "a logged model"));
               return One(JsonIdAt(doc, {"model", "info", "experiment_id"}), "a logged model");
             }));
  return ids.front();
}

Result<std::string> ExperimentDirectory::ExperimentOfTrace(const std::string& trace_id,
                                                           Blocking blocking) {
  ASSIGN_OR_RETURN(auto ids,
                   Cached(traces_, trace_id, options_.ownership_ttl, blocking,
                          [&]() -> Result<std::vector<std::string>> {
                            // MLflow 3 answers both trace id forms on v3; a v2-only tracker answers
                            // /info.
                            Result<std::string> v3 =
                                calls_.GetJson("/api/3.0/mlflow/traces/" + Quote(trace_id, ""));
                            if (v3.ok()) {
                              ASSIGN_OR_RETURN(rj::Document doc, Parse(*v3, "a trace"));
                              return One(JsonIdAt(doc, {"trace", "trace_info", "trace_location",
                                                        "mlflow_experiment", "experiment_id"}),
                                         "a trace");
                            }
                            if (v3.status().code() == ErrorCode::kTemporarilyUnavailable)
                              return v3.status();
                            Result<std::string> v2 = calls_.GetJson("/api/2.0/mlflow/traces/" +
                                                                    Quote(trace_id, "") + "/info");
                            if (!v2.ok()) return v3.status();
                            ASSIGN_OR_RETURN(rj::Document doc, Parse(*v2, "a trace"));
                            return One(JsonIdAt(doc, {"trace_info", "experiment_id"}), "a trace");
                          }));
  return ids.front();
}

Result<std::string> ExperimentDirectory::ExperimentIdByName(const std::string& name,
                                                            Blocking blocking) {
  ASSIGN_OR_RETURN(
      auto ids,
      Cached(ids_, name, options_.name_ttl, blocking, [&]() -> Result<std::vector<std::string>> {
        ASSIGN_OR_RETURN(std::string body,
                         calls_.GetJson("/api/2.0/mlflow/experiments/get-by-name?experiment_name=" +
                                        Quote(name, "")));
        ASSIGN_OR_RETURN(rj::Document doc, Parse(body, "an experiment"));
        return One(JsonIdAt(doc, {"experiment", "experiment_id"}), "an experiment");
      }));
  return ids.front();
}

Result<std::vector<std::string>> ExperimentDirectory::ExperimentsOfDataset(
    const std::string& dataset_id, Blocking blocking) {
  return Cached(datasets_, dataset_id, options_.name_ttl, blocking,
                [&]() -> Result<std::vector<std::string>> {
                  ASSIGN_OR_RETURN(std::string body,
                                   calls_.GetJson("/api/3.0/mlflow/datasets/" +
                                                  Quote(dataset_id, "") + "/experiment-ids"));
                  ASSIGN_OR_RETURN(rj::Document doc, Parse(body, "a dataset"));
                  std::vector<std::string> ids;
                  auto it = doc.FindMember("experiment_ids");
                  if (it != doc.MemberEnd() && it->value.IsArray()) {
                    for (const rj::Value& id : it->value.GetArray()) {
                      if (id.IsString()) ids.emplace_back(id.GetString(), id.GetStringLength());
                    }
                  }
                  return ids;
                });
}

Result<std::string> ExperimentDirectory::NameOf(const std::string& experiment_id,
                                                Blocking blocking) {
  ASSIGN_OR_RETURN(auto names,
                   Cached(names_, experiment_id, options_.name_ttl, blocking,
                          [&]() -> Result<std::vector<std::string>> {
                            ASSIGN_OR_RETURN(
                                std::string body,
                                calls_.GetJson("/api/2.0/mlflow/experiments/get?experiment_id=" +
                                               Quote(experiment_id, "")));
                            ASSIGN_OR_RETURN(rj::Document doc, Parse(body, "an experiment"));
                            return One(JsonIdAt(doc, {"experiment", "name"}), "an experiment");
                          }));
  return names.front();
}

}  // namespace modelwarden
