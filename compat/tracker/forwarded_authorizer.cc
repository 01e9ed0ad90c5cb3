#include "compat/tracker/forwarded_authorizer.h"

#include <rapidjson/document.h>

#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "compat/edge/query_string.h"
#include "compat/tracker/graphql_reads.h"
#include "compat/tracker/tracker_json.h"
#include "enforcement/access/permission.h"
#include "registry/text.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

namespace rj = rapidjson;
using R = ForwardedResource;

// The name of a key that appears twice in one object of `doc`, if any.
std::optional<std::string> DuplicateKey(const rj::Value& doc) {
  std::vector<const rj::Value*> pending = {&doc};
  while (!pending.empty()) {
    const rj::Value* value = pending.back();
    pending.pop_back();
    if (value->IsArray()) {
      for (const rj::Value& item : value->GetArray()) pending.push_back(&item);
    } else if (value->IsObject()) {
      std::set<std::string_view> seen;
      for (const auto& member : value->GetObject()) {
        const std::string_view name(member.name.GetString(), member.name.GetStringLength());
        if (!seen.insert(name).second) return std::string(name);
        pending.push_back(&member.value);
      }
    }
  }
  return std::nullopt;
}

// A call's parameters, from its query string or its JSON body.
class Params {
 public:
  static Result<Params> Of(const RequestHead& head, const std::string* body) {
    Params params;
    // A DELETE without a body names its parameters in the query string (MLflow's
    // request.args when the request is not JSON).
    if (body == nullptr || (body->empty() && head.method == "DELETE")) {
      params.query_ = ParseQueryString(head.query);
      return params;
    }
    params.json_ = true;
    if (body->empty()) {
      params.doc_.SetObject();
      return params;
    }
    if (!ParseBoundedJson(*body, params.doc_) || !params.doc_.IsObject()) {
      return Status(ErrorCode::kBadRequest,
                    "The request body is not a JSON object (or nests too deeply); modelwarden "
                    "cannot authorize it.");
    }
    // Python's json keeps the last of two equal keys, RapidJSON finds the first: the tracker
    // must act on the value checked here.
    if (std::optional<std::string> key = DuplicateKey(params.doc_)) {
      return Status(ErrorCode::kBadRequest, "The request body names '" + *key +
                                                "' twice in one object; modelwarden cannot "
                                                "authorize it.");
    }
    return params;
  }

  // The value of a parameter that has one; kInvalidParameterValue when the query string gives
  // it twice (which one the tracker takes is not this code's to guess).
  Result<std::optional<std::string>> One(const char* name) const {
    if (!json_ && query_.count(name) > 1) {
      return Status::InvalidArgument(std::string("The parameter '") + name +
                                     "' is given more than once.");
    }
    return Get(name);
  }

  std::optional<std::string> Get(const char* name) const {
    if (!json_) {
      auto it = query_.lower_bound(name);
      if (it == query_.end() || it->first != name) return std::nullopt;
      return it->second;
    }
    const rj::Value* v = JsonAt(doc_, {name});
    return v ? JsonId(*v) : std::nullopt;
  }

  std::vector<std::string> GetAll(const char* name) const {
    std::vector<std::string> values;
    if (!json_) {
      auto [begin, end] = query_.equal_range(name);
      for (auto it = begin; it != end; ++it) values.push_back(it->second);
      return values;
    }
    const rj::Value* v = JsonAt(doc_, {name});
    if (v == nullptr) return values;
    if (!v->IsArray()) {
      if (auto id = JsonId(*v)) values.push_back(*id);
      return values;
    }
    for (const rj::Value& item : v->GetArray()) {
      if (auto id = JsonId(item)) values.push_back(*id);
    }
    return values;
  }

  rj::Document& doc() { return doc_; }
  bool json() const { return json_; }

 private:
  bool json_ = false;
  std::multimap<std::string, std::string> query_;
  rj::Document doc_;
};

Result<std::string> Required(const Params& params, const char* name,
                             const char* alternative = nullptr) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, params.One(name));
  if (value) return *value;
  if (alternative != nullptr) {
    ASSIGN_OR_RETURN(value, params.One(alternative));
    if (value) return *value;
  }
  return MissingParameterError(name);
}

// MLflow's experiment ids are decimal numbers, which the tracker parses (int("01") is 1): an id
// written any other way could name an experiment other than the one its grants are on.
Status CheckExperimentId(const std::string& id) {
  const bool canonical = !id.empty() && id.size() <= 19 && (id == "0" || id[0] != '0') &&
                         id.find_first_not_of("0123456789") == std::string::npos;
  if (canonical) return Status::Ok();
  return Status::InvalidArgument("Invalid experiment id '" + id +
                                 "': modelwarden authorizes experiment ids written as MLflow "
                                 "writes them, in decimal digits without leading zeros.");
}

const char* NeedName(ForwardedNeed need) {
  switch (need) {
    case ForwardedNeed::kRead:
      return "READ";
    case ForwardedNeed::kUpdate:
      return "EDIT";
    case ForwardedNeed::kDelete:
    case ForwardedNeed::kManage:
      return "MANAGE";
  }
  return "MANAGE";
}

bool Allows(Permission permission, ForwardedNeed need) {
  switch (need) {
    case ForwardedNeed::kRead:
      return CanRead(permission);
    case ForwardedNeed::kUpdate:
      return CanUpdate(permission);
    case ForwardedNeed::kDelete:
      return CanDelete(permission);
    case ForwardedNeed::kManage:
      return CanManage(permission);
  }
  return false;
}

Status Denied(const ExperimentAccess& access, ForwardedNeed need, const std::string& what,
              const EffectivePermission& has) {
  return Status::PermissionDenied("Permission denied: user '" + access.username() + "' needs " +
                                  NeedName(need) + " on " + what + " and has " +
                                  std::string(PermissionName(has.permission)) + " (from " +
                                  has.source + ").");
}

// The experiment id a proxied artifact path starts with (MLflow: ^(\d+)/), or "".
std::string ExperimentOfArtifactPath(std::string_view path) {
  size_t digits = 0;
  while (digits < path.size() && path[digits] >= '0' && path[digits] <= '9') ++digits;
  if (digits == 0 || (digits < path.size() && path[digits] != '/')) return "";
  return std::string(path.substr(0, digits));
}

}  // namespace

Status ForwardedAuthorizer::Require(const ExperimentAccess& access,
                                    const std::string& experiment_id, ForwardedNeed need,
                                    Blocking blocking) {
  if (access.sees_everything()) return Status::Ok();
  if (!experiment_id.empty()) RETURN_IF_ERROR(CheckExperimentId(experiment_id));
  std::string name;
  if (access.NeedsNames() && !experiment_id.empty()) {
    Result<std::string> found = directory_.NameOf(experiment_id, blocking);
    if (found.ok()) {
      name = *found;
    } else if (found.status().code() != ErrorCode::kResourceDoesNotExist &&
               found.status().code() != ErrorCode::kInvalidParameterValue) {
      return found.status();
    }
    // An unknown experiment: decided on its id; the tracker then answers that it is unknown.
  }
  const EffectivePermission has = access.ForExperiment(experiment_id, name);
  if (Allows(has.permission, need)) return Status::Ok();
  return Denied(access, need,
                experiment_id.empty() ? std::string("artifacts outside any experiment")
                                      : "experiment " + experiment_id,
                has);
}

Result<ForwardedDecision> ForwardedAuthorizer::Decide(const ExperimentAccess& access,
                                                      const ForwardedMatch& match,
                                                      const RequestHead& head, std::string* body,
                                                      Blocking blocking) {
  ForwardedDecision decision;
  if (access.sees_everything()) return decision;
  if (match.rule == nullptr) {
    if (!match.api) return decision;  // The UI's files.
    return Status::PermissionDenied("Permission denied: modelwarden has no permission rule for " +
                                    head.method + " " + head.path +
                                    ", so only admins may call it.");
  }
  const ForwardedRule& rule = *match.rule;
  const ForwardedNeed need = rule.need;
  const auto path_value = [&]() -> std::optional<std::string> {
    if (match.values.empty()) return std::nullopt;
    return match.values.front();
  };
  ASSIGN_OR_RETURN(Params params, Params::Of(head, body));
  const auto require_each = [&](const std::vector<std::string>& ids) -> Status {
    if (ids.empty()) return Require(access, "", need, blocking);  // The default permission decides.
    for (const std::string& id : ids) RETURN_IF_ERROR(Require(access, id, need, blocking));
    return Status::Ok();
  };
  switch (rule.resource) {
    case R::kAnyUser:
      return decision;
    case R::kAdmin:
      return Status::PermissionDenied("Permission denied: only admins may call " + head.method +
                                      " " + head.path + " through modelwarden.");
    case R::kGraphql: {
      std::string variables;
      if (params.json()) {
        const rj::Value* vars = JsonAt(params.doc(), {"variables"});
        if (vars != nullptr && !vars->IsNull()) variables = WriteJson(*vars);
      } else {
        ASSIGN_OR_RETURN(std::optional<std::string> given, params.One("variables"));
        variables = given.value_or("");
      }
      ASSIGN_OR_RETURN(std::optional<std::string> query, params.One("query"));
      ASSIGN_OR_RETURN(GraphqlReads reads, ReadGraphqlRequest(query.value_or(""), variables));
      for (const std::string& run_id : reads.runs) {
        ASSIGN_OR_RETURN(std::string id, directory_.ExperimentOfRun(run_id, blocking));
        RETURN_IF_ERROR(Require(access, id, need, blocking));
      }
      for (const std::string& id : reads.experiments)
        RETURN_IF_ERROR(Require(access, id, need, blocking));
      return decision;
    }
    case R::kExperiment: {
      ASSIGN_OR_RETURN(std::string id, Required(params, "experiment_id"));
      RETURN_IF_ERROR(Require(access, id, need, blocking));
      return decision;
    }
    case R::kExperimentByName: {
      ASSIGN_OR_RETURN(std::string name, Required(params, "experiment_name"));
      ASSIGN_OR_RETURN(std::string id, directory_.ExperimentIdByName(name, blocking));
      const EffectivePermission has = access.ForExperiment(id, name);
      if (!Allows(has.permission, need)) return Denied(access, need, "experiment " + id, has);
      return decision;
    }
    case R::kExperiments:
      RETURN_IF_ERROR(require_each(params.GetAll("experiment_ids")));
      return decision;
    case R::kSearchExperiments: {
      rj::Value* ids = nullptr;
      if (params.json()) {
        auto it = params.doc().FindMember("experiment_ids");
        if (it != params.doc().MemberEnd()) ids = &it->value;
      }
      if (ids == nullptr || !ids->IsArray() || ids->Empty()) {
        RETURN_IF_ERROR(Require(access, "", need, blocking));
        return decision;
      }
      rj::Value kept(rj::kArrayType);
      size_t dropped = 0;
      for (rj::Value& id : ids->GetArray()) {
        std::optional<std::string> text = JsonId(id);
        Status allowed = text ? Require(access, *text, need, blocking) : Status::Ok();
        if (allowed.ok()) {
          kept.PushBack(id, params.doc().GetAllocator());
        } else if (allowed.code() == ErrorCode::kPermissionDenied) {
          ++dropped;
        } else {
          return allowed;
        }
      }
      if (dropped == 0) return decision;
      // MLflow's answer with no results: every field empty, so omitted.
      if (kept.Empty()) {
        decision.answer = "{}";
        return decision;
      }
      *ids = std::move(kept);
      *body = WriteJson(params.doc());
      return decision;
    }
    case R::kRun: {
      ASSIGN_OR_RETURN(std::string run_id, Required(params, "run_id", "run_uuid"));
      ASSIGN_OR_RETURN(std::string id, directory_.ExperimentOfRun(run_id, blocking));
      RETURN_IF_ERROR(Require(access, id, need, blocking));
      return decision;
    }
    case R::kRuns: {
      std::vector<std::string> runs = params.GetAll("run_id");
      for (std::string& run : params.GetAll("run_ids")) runs.push_back(std::move(run));
      if (runs.empty()) return MissingParameterError("run_id");
      for (const std::string& run_id : runs) {
        ASSIGN_OR_RETURN(std::string id, directory_.ExperimentOfRun(run_id, blocking));
        RETURN_IF_ERROR(Require(access, id, need, blocking));
      }
      return decision;
    }
    case R::kLoggedModel: {
      std::optional<std::string> model_id = path_value();
      if (!model_id) {
        ASSIGN_OR_RETURN(model_id, Required(params, "model_id"));
      }
      ASSIGN_OR_RETURN(std::string id, directory_.ExperimentOfLoggedModel(*model_id, blocking));
      RETURN_IF_ERROR(Require(access, id, need, blocking));
      return decision;
    }
    case R::kTrace: {
      std::optional<std::string> trace_id = path_value();
      if (!trace_id) {
        ASSIGN_OR_RETURN(trace_id, Required(params, "trace_id", "request_id"));
      }
      ASSIGN_OR_RETURN(std::string id, directory_.ExperimentOfTrace(*trace_id, blocking));
      RETURN_IF_ERROR(Require(access, id, need, blocking));
      return decision;
    }
    case R::kTraces: {
      const std::vector<std::string> traces = params.GetAll("trace_ids");
      if (traces.empty()) return MissingParameterError("trace_ids");
      for (const std::string& trace_id : traces) {
        ASSIGN_OR_RETURN(std::string id, directory_.ExperimentOfTrace(trace_id, blocking));
        RETURN_IF_ERROR(Require(access, id, need, blocking));
      }
      return decision;
    }
    case R::kNewTrace: {
      const rj::Value* id = JsonAt(params.doc(), {"trace", "trace_info", "trace_location",
                                                  "mlflow_experiment", "experiment_id"});
      std::optional<std::string> text = id ? JsonId(*id) : std::nullopt;
      if (!text)
        return MissingParameterError(
            "trace.trace_info.trace_location.mlflow_experiment.experiment_id");
      RETURN_IF_ERROR(Require(access, *text, need, blocking));
      return decision;
    }
    case R::kSearchTraces: {
      std::vector<std::string> ids = params.GetAll("experiment_ids");
      const rj::Value* locations = JsonAt(params.doc(), {"locations"});
      if (locations != nullptr && locations->IsArray()) {
        for (const rj::Value& location : locations->GetArray()) {
          const rj::Value* id = JsonAt(location, {"mlflow_experiment", "experiment_id"});
          std::optional<std::string> text = id ? JsonId(*id) : std::nullopt;
          // A location that is not an experiment cannot be checked here.
          if (!text) {
            return Status::PermissionDenied(
                "Permission denied: only admins may search traces outside experiments.");
          }
          ids.push_back(*text);
        }
      }
      RETURN_IF_ERROR(require_each(ids));
      return decision;
    }
    case R::kArtifact: {
      std::optional<std::string> path = path_value();
      if (!path) {
        ASSIGN_OR_RETURN(path, params.One("path"));
      }
      RETURN_IF_ERROR(Require(access, ExperimentOfArtifactPath(path.value_or("")), need, blocking));
      return decision;
    }
    case R::kDataset:
    case R::kDatasetExperiments: {
      std::optional<std::string> dataset = path_value();
      if (!dataset) {
        ASSIGN_OR_RETURN(dataset, Required(params, "dataset_id"));
      }
      ASSIGN_OR_RETURN(std::vector<std::string> ids,
                       directory_.ExperimentsOfDataset(*dataset, blocking));
      RETURN_IF_ERROR(require_each(ids));
      if (rule.resource == R::kDatasetExperiments) {
        for (const std::string& id : params.GetAll("experiment_ids")) {
          RETURN_IF_ERROR(Require(access, id, need, blocking));
        }
      }
      return decision;
    }
    case R::kScorer: {
      ASSIGN_OR_RETURN(std::string experiment_id, Required(params, "experiment_id"));
      ASSIGN_OR_RETURN(std::string scorer, Required(params, "name"));
      std::string name;
      if (access.NeedsNames()) {
        Result<std::string> found = directory_.NameOf(experiment_id, blocking);
        if (found.ok()) name = *found;
      }
      const EffectivePermission has = access.ForScorer(experiment_id, scorer, name);
      if (!Allows(has.permission, need)) {
        return Denied(access, need, "scorer '" + scorer + "' of experiment " + experiment_id, has);
      }
      return decision;
    }
  }
  return Status::PermissionDenied("Permission denied.");
}

}  // namespace modelwarden
