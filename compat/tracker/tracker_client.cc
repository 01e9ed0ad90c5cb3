#include "compat/tracker/tracker_client.h"

#include <rapidjson/document.h>

#include <cmath>
#include <cstdlib>

#include "registry/text.h"

namespace modelwarden {
namespace {

namespace rj = rapidjson;

const rj::Value* Find(const rj::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string StringAt(const rj::Value* object, const char* key) {
  const rj::Value* v = object ? Find(*object, key) : nullptr;
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : "";
}

// MLflow writes metric values as JSON numbers, and NaN/Infinity as strings.
std::optional<double> NumberOf(const rj::Value& v) {
  if (v.IsNumber()) return v.GetDouble();
  if (!v.IsString()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(v.GetString(), &end);
  if (end != v.GetString() + v.GetStringLength() || v.GetStringLength() == 0) return std::nullopt;
  return value;
}

}  // namespace

TrackerClient::TrackerClient(std::unique_ptr<UpstreamPool> pool, std::string run_link_base)
    : pool_(std::move(pool)), run_link_base_(std::move(run_link_base)) {}

Result<std::string> TrackerClient::Get(const std::string& path, const std::string& what) {
  std::unique_ptr<httplib::Client> client = pool_->Acquire();
  httplib::Headers headers = {{"Accept", "application/json"}};
  if (!pool_->user().empty() || !pool_->password().empty()) {
    client->set_basic_auth(pool_->user(), pool_->password());
  }
  const auto started = std::chrono::steady_clock::now();
  httplib::Result res = client->Get(pool_->base_path() + path, headers);
  const auto waited = std::chrono::steady_clock::now() - started;
  pool_->Release(std::move(client));
  if (!res) {
    UpstreamFailure failure = DescribeUpstreamFailure(*pool_, res.error(), waited);
    return Status::Unavailable(failure.message);
  }
  if (res->status == 200) return res->body;
  if (res->status == 404) return Status::NotFound(what + " not found on the tracking server");
  if (res->status == 401 || res->status == 403) {
    return Status::PermissionDenied("the tracking server " + pool_->display() +
                                    " refused modelwarden's request for " + what + " (HTTP " +
                                    std::to_string(res->status) + ")");
  }
  if (res->status == 400) {
    // MLflow answers a malformed id with INVALID_PARAMETER_VALUE: there is no such run either.
    return Status::NotFound(what + " not found on the tracking server (HTTP 400)");
  }
  return Status::Unavailable("the tracking server " + pool_->display() + " answered HTTP " +
                             std::to_string(res->status) + " for " + what);
}

Result<TrackedRun> TrackerClient::GetRun(const std::string& run_id) {
  const std::string what = "run '" + run_id + "'";
  ASSIGN_OR_RETURN(std::string body,
                   Get("/api/2.0/mlflow/runs/get?run_id=" + Quote(run_id, ""), what));
  rj::Document doc;
  doc.Parse(body.data(), body.size());
  const rj::Value* run = doc.HasParseError() ? nullptr : Find(doc, "run");
  const rj::Value* info = run ? Find(*run, "info") : nullptr;
  if (info == nullptr) {
    return Status::Internal("the tracking server's answer for " + what + " is not an MLflow run");
  }
  TrackedRun tracked;
  tracked.run_id = StringAt(info, "run_id");
  if (tracked.run_id.empty()) tracked.run_id = StringAt(info, "run_uuid");
  tracked.experiment_id = StringAt(info, "experiment_id");
  tracked.artifact_uri = StringAt(info, "artifact_uri");
  const rj::Value* data = Find(*run, "data");
  const rj::Value* metrics = data ? Find(*data, "metrics") : nullptr;
  if (metrics && metrics->IsArray()) {
    for (const rj::Value& metric : metrics->GetArray()) {
      const std::string key = StringAt(&metric, "key");
      const rj::Value* value = Find(metric, "value");
      std::optional<double> number = value ? NumberOf(*value) : std::nullopt;
      if (!key.empty() && number && std::isfinite(*number)) tracked.metrics[key] = *number;
    }
  }
  return tracked;
}

Result<LoggedModel> TrackerClient::GetLoggedModel(const std::string& model_id) {
  const std::string what = "logged model '" + model_id + "'";
  ASSIGN_OR_RETURN(std::string body,
                   Get("/api/2.0/mlflow/logged-models/" + Quote(model_id, ""), what));
  rj::Document doc;
  doc.Parse(body.data(), body.size());
  const rj::Value* model = doc.HasParseError() ? nullptr : Find(doc, "model");
  const rj::Value* info = model ? Find(*model, "info") : nullptr;
  if (info == nullptr || StringAt(info, "artifact_uri").empty()) {
    return Status::Internal("the tracking server's answer for " + what +
                            " is not an MLflow logged model");
  }
  LoggedModel logged;
  logged.model_id = StringAt(info, "model_id");
  logged.artifact_uri = StringAt(info, "artifact_uri");
  logged.source_run_id = StringAt(info, "source_run_id");
  return logged;
}

std::string TrackerClient::RunLink(const TrackedRun& run) const {
  return run_link_base_ + "/#/experiments/" + run.experiment_id + "/runs/" + run.run_id;
}

}  // namespace modelwarden
