#include "compat/client/check_command.h"

#include <rapidjson/document.h>

#include <memory>

#include "compat/client/remote_server.h"

namespace modelwarden {
namespace {

namespace rj = rapidjson;

std::string StringAt(const rj::Value& object, const char* key) {
  if (!object.IsObject()) return "";
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string Target(const CheckReport& report) {
  return report.name + " version " + report.version + " -> " +
         (report.alias.empty()
              ? report.stage
              : "alias " + report.alias + (report.stage.empty() ? "" : " (" + report.stage + ")"));
}

int Count(const CheckReport& report, const char* result) {
  int n = 0;
  for (const CheckLine& line : report.checks) n += line.result == result;
  return n;
}

}  // namespace

std::string DescribeErrorResponse(int status, const std::string& body) {
  rj::Document doc;
  doc.Parse(body.data(), body.size());
  const std::string code = doc.HasParseError() ? "" : StringAt(doc, "error_code");
  if (!code.empty()) {
    return std::to_string(status) + " " + code + ": " + StringAt(doc, "message");
  }
  return std::to_string(status) + ": " + body.substr(0, 200);
}

Result<CheckReport> ParseCheckReport(const std::string& json) {
  rj::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("check") ||
      !doc["check"].IsObject()) {
    return Status::Internal("the server's answer is not a modelwarden check report");
  }
  const rj::Value& check = doc["check"];
  CheckReport report;
  report.name = StringAt(check, "name");
  report.version = StringAt(check, "version");
  report.stage = StringAt(check, "stage");
  report.alias = StringAt(check, "alias");
  report.approval_rule = StringAt(check, "approval_rule");
  report.allowed =
      check.HasMember("allowed") && check["allowed"].IsBool() && check["allowed"].GetBool();
  if (check.HasMember("checks") && check["checks"].IsArray()) {
    for (const rj::Value& c : check["checks"].GetArray()) {
      report.checks.push_back({StringAt(c, "rule_id"), StringAt(c, "mode"), StringAt(c, "result"),
                               StringAt(c, "message"), StringAt(c, "fix")});
    }
  }
  return report;
}

std::string RenderCheckText(const CheckReport& report) {
  const int failed = Count(report, "failed");
  std::string out = "modelwarden check: " + Target(report) + ": " +
                    (report.allowed ? "PASSES" : "DENIED") + " (" + std::to_string(failed) +
                    " of " + std::to_string(report.checks.size()) + " checks failed, " +
                    std::to_string(Count(report, "warned")) + " warned)\n";
  for (const CheckLine& line : report.checks) {
    const std::string mark = line.result == "passed"   ? "PASS"
                             : line.result == "warned" ? "WARN"
                                                       : "FAIL";
    out += "  " + mark + "  [" + line.rule_id + "] " + line.message + "\n";
    if (line.result != "passed" && !line.fix.empty()) out += "        fix: " + line.fix + "\n";
  }
  if (report.stage.empty()) {
    out += "  (alias " + report.alias + " stands for no stage: the policy checks nothing)\n";
  }
  if (!report.approval_rule.empty()) {
    out += "  note: approval rule " + report.approval_rule +
           " holds this move: once made, it waits for a second person with PROMOTE to approve "
           "it (modelwarden approvals approve --id N)\n";
  }
  return out;
}

std::string RenderCheckJunit(const CheckReport& report) {
  const std::string suite = XmlEscape(Target(report));
  const std::string counts = " tests=\"" + std::to_string(report.checks.size()) + "\" failures=\"" +
                             std::to_string(Count(report, "failed")) + "\"";
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"modelwarden "
      "check\"" +
      counts + ">\n  <testsuite name=\"" + suite + "\"" + counts + " errors=\"0\" skipped=\"0\">\n";
  for (const CheckLine& line : report.checks) {
    out += "    <testcase classname=\"modelwarden.policy\" name=\"" +
           XmlEscape("[" + line.rule_id + "] " + line.message) + "\"";
    if (line.result == "passed") {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    const std::string detail = XmlEscape(line.fix.empty() ? line.message : "fix: " + line.fix);
    if (line.result == "failed") {
      out +=
          "      <failure message=\"" + XmlEscape(line.message) + "\">" + detail + "</failure>\n";
    } else {
      out += "      <system-out>warning (" + XmlEscape(line.mode) + " mode): " + detail +
             "</system-out>\n";
    }
    out += "    </testcase>\n";
  }
  return out + "  </testsuite>\n</testsuites>\n";
}

int RunCheck(const ClientCommand& command, std::FILE* out, std::FILE* err) {
  Result<std::unique_ptr<RemoteServer>> server =
      RemoteServer::Create(command.server, command.credentials);
  if (!server.ok()) {
    std::fprintf(err, "modelwarden check: %s\n", server.status().message().c_str());
    return kExitError;
  }
  std::vector<std::pair<std::string, std::string>> query = {
      {"name", command.model}, {"version", std::to_string(command.version)}};
  query.emplace_back(command.stage.empty() ? "alias" : "stage",
                     command.stage.empty() ? command.alias : command.stage);
  Result<RemoteResponse> response =
      (*server)->Get("/api/2.0/modelwarden/model-versions/check", query);
  if (!response.ok()) {
    std::fprintf(err, "modelwarden check: %s\n", response.status().message().c_str());
    return kExitError;
  }
  if (response->status != 200) {
    std::fprintf(err, "modelwarden check: %s answered %s\n", (*server)->display().c_str(),
                 DescribeErrorResponse(response->status, response->body).c_str());
    return kExitError;
  }
  Result<CheckReport> report = ParseCheckReport(response->body);
  if (!report.ok()) {
    std::fprintf(err, "modelwarden check: %s: %s\n", (*server)->display().c_str(),
                 report.status().message().c_str());
    return kExitError;
  }
  const std::string text = command.format == "json"    ? response->body + "\n"
                           : command.format == "junit" ? RenderCheckJunit(*report)
                                                       : RenderCheckText(*report);
  std::fputs(text.c_str(), out);
  return report->allowed ? kExitPassed : kExitDenied;
}

}  // namespace modelwarden
