#include "compat/client/approvals_command.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <memory>
#include <string>

#include "compat/client/check_command.h"
#include "compat/client/remote_server.h"
#include "registry/approval.h"

namespace modelwarden {
namespace {

namespace rj = rapidjson;

constexpr char kPath[] = "/api/2.0/modelwarden/approvals/";

std::string Field(const rj::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return "";
  if (it->value.IsString()) return std::string(it->value.GetString(), it->value.GetStringLength());
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  return "";
}

std::string Time(const rj::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsInt64() ? FormatUtc(it->value.GetInt64()) : "-";
}

// One line: "17  pending   moving 'm' version 3 to Production  by alice, until 2025-..."
std::string Line(const rj::Value& a) {
  std::string line = Field(a, "id") + "  " + Field(a, "status") + "  " + Field(a, "move") +
                     "  requested by " + Field(a, "requested_by") + " at " +
                     Time(a, "creation_timestamp");
  if (Field(a, "status") == "pending") line += ", expires " + Time(a, "expiration_timestamp");
  if (!Field(a, "decided_by").empty())
    line += "; " + Field(a, "status") + " by " + Field(a, "decided_by");
  if (!Field(a, "reason").empty()) line += "; " + Field(a, "reason");
  return line + "\n";
}

std::string Details(const rj::Value& a) {
  std::string out = Line(a);
  for (const char* key : {"rule_id", "request_comment", "decision_comment"}) {
    if (!Field(a, key).empty()) out += "  " + std::string(key) + ": " + Field(a, key) + "\n";
  }
  auto approvers = a.FindMember("approvers");
  if (approvers != a.MemberEnd() && approvers->value.IsArray()) {
    std::string names;
    for (const rj::Value& name : approvers->value.GetArray()) {
      if (name.IsString()) names += (names.empty() ? "" : ", ") + std::string(name.GetString());
    }
    out += "  may approve: " + names + "\n";
  }
  return out;
}

std::string JsonBody(const ClientCommand& command) {
  rj::StringBuffer buffer;
  rj::Writer<rj::StringBuffer> w(buffer);
  w.StartObject();
  const auto string_field = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    w.Key(key);
    w.String(value.c_str(), static_cast<rj::SizeType>(value.size()));
  };
  if (command.kind == ClientCommand::Kind::kCreate) {
    string_field("name", command.model);
    string_field("version", std::to_string(command.version));
    string_field("stage", command.stage);
    string_field("alias", command.alias);
    if (command.archive_existing_versions) {
      w.Key("archive_existing_versions");
      w.Bool(true);
    }
  } else {
    w.Key("id");
    w.Int64(command.id);
  }
  string_field("comment", command.comment);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

int RunApprovals(const ClientCommand& command, std::FILE* out, std::FILE* err) {
  using Kind = ClientCommand::Kind;
  Result<std::unique_ptr<RemoteServer>> server =
      RemoteServer::Create(command.server, command.credentials);
  if (!server.ok()) {
    std::fprintf(err, "modelwarden approvals: %s\n", server.status().message().c_str());
    return kExitError;
  }
  Result<RemoteResponse> response = Status::Internal("not sent");
  if (command.kind == Kind::kList) {
    std::vector<std::pair<std::string, std::string>> query;
    if (!command.model.empty()) query.emplace_back("name", command.model);
    if (!command.status.empty()) query.emplace_back("status", command.status);
    if (command.max_results > 0) {
      query.emplace_back("max_results", std::to_string(command.max_results));
    }
    response = (*server)->Get(std::string(kPath) + "list", query);
  } else if (command.kind == Kind::kGet) {
    response = (*server)->Get(std::string(kPath) + "get", {{"id", std::to_string(command.id)}});
  } else {
    const char* verb = command.kind == Kind::kCreate    ? "create"
                       : command.kind == Kind::kApprove ? "approve"
                       : command.kind == Kind::kReject  ? "reject"
                                                        : "cancel";
    response = (*server)->Post(std::string(kPath) + verb, JsonBody(command));
  }
  if (!response.ok()) {
    std::fprintf(err, "modelwarden approvals: %s\n", response.status().message().c_str());
    return kExitError;
  }
  if (response->status != 200) {
    std::fprintf(err, "modelwarden approvals: %s answered %s\n", (*server)->display().c_str(),
                 DescribeErrorResponse(response->status, response->body).c_str());
    return response->status == 401 ? kExitError : kExitDenied;
  }
  rj::Document doc;
  doc.Parse(response->body.data(), response->body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    std::fprintf(err, "modelwarden approvals: the server's answer is not JSON\n");
    return kExitError;
  }
  if (command.kind == Kind::kList) {
    auto list = doc.FindMember("approvals");
    if (list == doc.MemberEnd() || !list->value.IsArray() || list->value.Empty()) {
      std::fputs("no approvals\n", out);
    } else {
      for (const rj::Value& a : list->value.GetArray()) std::fputs(Line(a).c_str(), out);
    }
    return kExitPassed;
  }
  auto approval = doc.FindMember("approval");
  if (approval == doc.MemberEnd() || !approval->value.IsObject()) {
    std::fprintf(err, "modelwarden approvals: the server's answer holds no approval\n");
    return kExitError;
  }
  std::fputs(Details(approval->value).c_str(), out);
  if (!response->warnings.empty()) {
    std::fprintf(out, "  policy warnings: %s\n", response->warnings.c_str());
  }
  return kExitPassed;
}

}  // namespace modelwarden
