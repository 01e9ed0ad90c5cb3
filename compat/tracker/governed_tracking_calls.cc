#include "compat/tracker/governed_tracking_calls.h"

#include <rapidjson/document.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <utility>

#include "compat/edge/query_string.h"
#include "compat/errors.h"
#include "compat/tracker/tracker_json.h"
#include "enforcement/access/permission.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

namespace rj = rapidjson;
using Kind = GovernedTrackingCalls::Kind;

// MLflow's SearchExperiments default page (service.proto).
constexpr int64_t kDefaultMaxResults = 1000;
// Pages asked of the tracker for one filtered page, at most; the rest follows by the token.
constexpr int kMaxRounds = 50;

Response FromAnswer(TrackerAnswer answer) {
  Response response;
  response.status = answer.status;
  response.content_type = answer.content_type;
  response.body = std::move(answer.body);
  return response;
}

Response FromStatus(const Status& status) {
  Response response;
  response.status = ToMlflowError(status.code()).http_status;
  response.content_type = "application/json";
  response.body = ErrorBody(status);
  return response;
}

std::string ContentTypeOf(const RequestHead& head) {
  const std::string* value = FindHeader(head.headers, "Content-Type");
  return value != nullptr ? *value : "";
}

std::optional<int64_t> PositiveInteger(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const int64_t value = std::strtoll(text.c_str(), nullptr, 10);
  return value > 0 ? std::optional<int64_t>(value) : std::nullopt;
}

// One search request, with its page size and token replaceable.
class SearchRequest {
 public:
  SearchRequest(const RequestHead& head, const std::string& body)
      : get_(head.method == "GET"), path_(head.path) {
    if (get_) {
      query_ = ParseQueryString(head.query);
      auto it = query_.find("max_results");
      if (it != query_.end()) max_text_ = it->second;
      it = query_.find("page_token");
      if (it != query_.end()) token_ = it->second;
    } else {
      if (!ParseBoundedJson(body, doc_) || !doc_.IsObject()) {
        valid_ = false;
        return;
      }
      auto it = doc_.FindMember("max_results");
      if (it != doc_.MemberEnd()) {
        max_text_ = it->value.IsInt64() ? std::to_string(it->value.GetInt64()) : "x";
      }
      token_ = JsonIdAt(doc_, {"page_token"});
    }
    if (max_text_.empty()) {
      max_results_ = kDefaultMaxResults;
    } else if (auto parsed = PositiveInteger(max_text_)) {
      max_results_ = *parsed;
    } else {
      valid_ = false;  // The tracker words the error.
    }
  }

  bool valid() const { return valid_; }
  int64_t max_results() const { return max_results_; }
  const std::string& token() const { return token_; }

  // The target and body asking for `count` experiments from `token`.
  std::pair<std::string, std::string> Ask(int64_t count, const std::string& token) {
    if (get_) {
      std::string query;
      const auto add = [&query](const std::string& key, const std::string& value) {
        query += (query.empty() ? "" : "&") + Quote(key, "") + "=" + Quote(value, "");
      };
      for (const auto& [key, value] : query_) {
        if (key != "max_results" && key != "page_token") add(key, value);
      }
      add("max_results", std::to_string(count));
      if (!token.empty()) add("page_token", token);
      return {path_ + "?" + query, ""};
    }
    auto& allocator = doc_.GetAllocator();
    doc_.RemoveMember("max_results");
    doc_.RemoveMember("page_token");
    doc_.AddMember("max_results", rj::Value(count), allocator);
    if (!token.empty()) {
      doc_.AddMember("page_token", rj::Value(token.c_str(), allocator), allocator);
    }
    return {path_, WriteJson(doc_)};
  }

 private:
  const bool get_;
  const std::string path_;
  bool valid_ = true;
  std::multimap<std::string, std::string> query_;
  rj::Document doc_;
  std::string max_text_;
  std::string token_;
  int64_t max_results_ = kDefaultMaxResults;
};

}  // namespace

const std::vector<GovernedTrackingCalls::Route>& GovernedTrackingCalls::Routes() {
  static const auto* routes = new std::vector<Route>{
      {"POST", "/2.0/mlflow/experiments/create", Kind::kCreateExperiment},
      {"GET", "/2.0/mlflow/experiments/search", Kind::kSearchExperiments},
      {"POST", "/2.0/mlflow/experiments/search", Kind::kSearchExperiments},
      {"POST", "/3.0/mlflow/scorers/register", Kind::kRegisterScorer},
      {"DELETE", "/3.0/mlflow/scorers/delete", Kind::kDeleteScorer},
  };
  return *routes;
}

Response GovernedTrackingCalls::Serve(Kind kind, const CallContext& ctx,
                                      const ExperimentAccess& access, const RequestHead& head,
                                      const std::string& body) {
  const ForwardedMatch match = FindForwardedRule(head.method, head.path);
  std::string checked_body = body;
  const bool reads_body = match.rule != nullptr && ReadsBody(*match.rule, head.method);
  Result<ForwardedDecision> decision =
      authorizer_.Decide(access, match, head, reads_body ? &checked_body : nullptr);
  if (!decision.ok()) return FromStatus(decision.status());
  Result<TrackerAnswer> answer =
      kind == Kind::kSearchExperiments
          ? SearchExperiments(access, head, body)
          : calls_.Send(head.method, head.target, ContentTypeOf(head), body);
  if (!answer.ok()) return FromStatus(answer.status());
  if (answer->status == 200) AfterSuccess(kind, ctx, head, body, answer->body);
  return FromAnswer(std::move(*answer));
}

Result<TrackerAnswer> GovernedTrackingCalls::SearchExperiments(const ExperimentAccess& access,
                                                               const RequestHead& head,
                                                               const std::string& body) {
  const std::string content_type = ContentTypeOf(head);
  if (access.sees_everything()) return calls_.Send(head.method, head.target, content_type, body);
  SearchRequest request(head, body);
  const auto readable = [&access](const rj::Value& experiment) {
    return CanRead(
        access
            .ForExperiment(JsonIdAt(experiment, {"experiment_id"}), JsonIdAt(experiment, {"name"}))
            .permission);
  };
  rj::Document out(rj::kObjectType);
  rj::Value experiments(rj::kArrayType);
  std::string token = request.token();
  // An invalid request goes as it came, for the tracker to word the error; one page of it.
  const int rounds = request.valid() ? kMaxRounds : 1;
  for (int round = 0; round < rounds; ++round) {
    const int64_t wanted = request.max_results() - static_cast<int64_t>(experiments.Size());
    auto [target, ask_body] =
        request.valid() ? request.Ask(wanted, token) : std::make_pair(head.target, body);
    ASSIGN_OR_RETURN(TrackerAnswer answer,
                     calls_.Send(head.method, target, content_type, ask_body));
    if (answer.status != 200) return answer;
    rj::Document page;
    if (!ParseBoundedJson(answer.body, page) || !page.IsObject()) {
      return Status::Unavailable("the tracking server's experiment search answer is not JSON");
    }
    auto found = page.FindMember("experiments");
    if (found != page.MemberEnd() && found->value.IsArray()) {
      for (rj::Value& experiment : found->value.GetArray()) {
        if (readable(experiment))
          experiments.PushBack(rj::Value(experiment, out.GetAllocator()), out.GetAllocator());
      }
    }
    token = JsonIdAt(page, {"next_page_token"});
    if (token.empty() || static_cast<int64_t>(experiments.Size()) >= request.max_results()) break;
  }
  if (!experiments.Empty()) out.AddMember("experiments", experiments, out.GetAllocator());
  if (!token.empty()) {
    out.AddMember("next_page_token", rj::Value(token.c_str(), out.GetAllocator()),
                  out.GetAllocator());
  }
  TrackerAnswer filtered;
  filtered.status = 200;
  filtered.content_type = "application/json";
  filtered.body = WriteJson(out);
  return filtered;
}

void GovernedTrackingCalls::AfterSuccess(Kind kind, const CallContext& ctx, const RequestHead& head,
                                         const std::string& request_body,
                                         const std::string& answer_body) {
  rj::Document answer;
  ParseBoundedJson(answer_body, answer);
  rj::Document request;
  ParseBoundedJson(request_body, request);
  const auto param = [&](const char* name) {
    std::string value = JsonIdAt(request, {name});
    if (value.empty()) {
      const auto query = ParseQueryString(head.query);
      auto it = query.find(name);
      if (it != query.end()) value = it->second;
    }
    return value;
  };
  Status done;
  switch (kind) {
    case Kind::kSearchExperiments:
      return;
    case Kind::kCreateExperiment:
      done = admin_.GrantExperimentCreator(ctx.principal, JsonIdAt(answer, {"experiment_id"}));
      break;
    case Kind::kRegisterScorer: {
      std::string experiment_id = JsonIdAt(answer, {"experiment_id"});
      if (experiment_id.empty()) experiment_id = param("experiment_id");
      std::string name = JsonIdAt(answer, {"name"});
      if (name.empty()) name = param("name");
      done = admin_.GrantScorerCreator(ctx.principal, experiment_id, name);
      break;
    }
    case Kind::kDeleteScorer:
      done = admin_.DeleteScorerGrants(param("experiment_id"), param("name"));
      break;
  }
  if (!done.ok()) {
    // The tracker made the change; only the grant is missing. An admin can make it.
    std::fprintf(stderr,
                 "[error] request %s: the tracker's change was made but its grant was not: %s\n",
                 ctx.request_id.c_str(), done.ToString().c_str());
  }
}

}  // namespace modelwarden
