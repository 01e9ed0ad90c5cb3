#include "compat/tracker/tracker_calls.h"

#include <rapidjson/document.h>

#include <chrono>
#include <utility>

#include "compat/tracker/tracker_json.h"

namespace modelwarden {
namespace {

namespace rj = rapidjson;

ErrorCode CodeOfName(std::string_view name, int http_status) {
  if (name == "RESOURCE_DOES_NOT_EXIST") return ErrorCode::kResourceDoesNotExist;
  if (name == "INVALID_PARAMETER_VALUE") return ErrorCode::kInvalidParameterValue;
  if (name == "BAD_REQUEST") return ErrorCode::kBadRequest;
  if (name == "RESOURCE_ALREADY_EXISTS") return ErrorCode::kResourceAlreadyExists;
  if (name == "INVALID_STATE") return ErrorCode::kInvalidState;
  if (http_status == 404) return ErrorCode::kResourceDoesNotExist;
  if (http_status == 400) return ErrorCode::kInvalidParameterValue;
  // A refusal of modelwarden's own credentials, or a failure of the tracker: not the client's.
  return ErrorCode::kTemporarilyUnavailable;
}

}  // namespace

Result<TrackerAnswer> TrackerCalls::Send(const std::string& method, const std::string& target,
                                         const std::string& content_type, const std::string& body) {
  std::unique_ptr<httplib::Client> client = pool_->Acquire();
  if (!pool_->user().empty() || !pool_->password().empty()) {
    client->set_basic_auth(pool_->user(), pool_->password());
  }
  httplib::Request request;
  request.method = method;
  request.path = pool_->base_path() + target;
  request.headers = {{"Accept", "application/json"}};
  if (!content_type.empty()) request.headers.emplace("Content-Type", content_type);
  request.body = body;
  const auto started = std::chrono::steady_clock::now();
  httplib::Result res = client->send(request);
  if (!res && (method == "GET" || method == "HEAD") &&
      std::chrono::steady_clock::now() - started < pool_->options().connect_timeout) {
    // A kept-alive connection the tracker closed meanwhile (a quick failure, not a timeout):
    // once more, on a new one. Only reads: a change may have been made before it broke.
    pool_->Release(std::move(client));
    client = pool_->Acquire();
    if (!pool_->user().empty() || !pool_->password().empty()) {
      client->set_basic_auth(pool_->user(), pool_->password());
    }
    res = client->send(request);
  }
  const auto waited = std::chrono::steady_clock::now() - started;
  pool_->Release(std::move(client));
  if (!res) {
    return Status::Unavailable(DescribeUpstreamFailure(*pool_, res.error(), waited).message);
  }
  TrackerAnswer answer;
  answer.status = res->status;
  answer.content_type = res->get_header_value("Content-Type");
  answer.body = std::move(res->body);
  return answer;
}

Result<std::string> TrackerCalls::GetJson(const std::string& target) {
  ASSIGN_OR_RETURN(TrackerAnswer answer, Send("GET", target, "", ""));
  if (answer.status == 200) return std::move(answer.body);
  return StatusOfTrackerAnswer(answer, pool_->display());
}

Status StatusOfTrackerAnswer(const TrackerAnswer& answer, const std::string& display) {
  rj::Document doc;
  std::string name;
  std::string message;
  if (ParseBoundedJson(answer.body, doc) && doc.IsObject()) {
    auto code = doc.FindMember("error_code");
    auto text = doc.FindMember("message");
    if (code != doc.MemberEnd() && code->value.IsString()) name = code->value.GetString();
    if (text != doc.MemberEnd() && text->value.IsString()) message = text->value.GetString();
  }
  if (message.empty()) {
    message = "the tracking server " + display + " answered HTTP " + std::to_string(answer.status);
  }
  return Status(CodeOfName(name, answer.status), message);
}

}  // namespace modelwarden
