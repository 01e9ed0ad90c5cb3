#include "compat/client/client_command.h"

#include <map>
#include <set>

#include "registry/text.h"

namespace modelwarden {
namespace {

const std::map<std::string, ClientCommand::Kind>& ApprovalVerbs() {
  using Kind = ClientCommand::Kind;
  static const auto* verbs = new std::map<std::string, Kind>{
      {"list", Kind::kList},       {"get", Kind::kGet},       {"create", Kind::kCreate},
      {"approve", Kind::kApprove}, {"reject", Kind::kReject}, {"cancel", Kind::kCancel}};
  return *verbs;
}

Result<int64_t> PositiveNumber(const std::string& flag, const std::string& text) {
  int64_t value = 0;
  bool ok = !text.empty() && text.size() <= 18;
  for (char c : text) {
    ok = ok && IsAsciiDigit(c);
    if (ok) value = value * 10 + (c - '0');
  }
  if (!ok || value < 1) {
    return Status::InvalidArgument(flag + " must be a positive whole number, got '" + text + "'");
  }
  return value;
}

// The flags each command takes; a flag without a value is boolean.
struct Flags {
  std::set<std::string> valued;
  std::set<std::string> boolean;
};

Flags FlagsOf(ClientCommand::Kind kind) {
  using Kind = ClientCommand::Kind;
  switch (kind) {
    case Kind::kCheck:
      return {{"--server", "--model", "--version", "--stage", "--alias", "--format"}, {}};
    case Kind::kList:
      return {{"--server", "--model", "--status", "--max-results"}, {}};
    case Kind::kGet:
      return {{"--server", "--id"}, {}};
    case Kind::kCreate:
      return {{"--server", "--model", "--version", "--stage", "--alias", "--comment"},
              {"--archive-existing-versions"}};
    default:
      return {{"--server", "--id", "--comment"}, {}};
  }
}

Status Require(const std::map<std::string, std::string>& given,
               std::initializer_list<const char*> flags) {
  for (const char* flag : flags) {
    if (given.count(flag) == 0) return Status::InvalidArgument(std::string(flag) + " is required");
  }
  return Status::Ok();
}

Status ReadTarget(const std::map<std::string, std::string>& given, ClientCommand& command) {
  RETURN_IF_ERROR(Require(given, {"--model", "--version"}));
  command.model = given.at("--model");
  ASSIGN_OR_RETURN(command.version, PositiveNumber("--version", given.at("--version")));
  const bool stage = given.count("--stage") != 0;
  if (stage == (given.count("--alias") != 0)) {
    return Status::InvalidArgument("give exactly one of --stage and --alias");
  }
  command.stage = stage ? given.at("--stage") : "";
  command.alias = stage ? "" : given.at("--alias");
  return Status::Ok();
}

}  // namespace

Result<ClientCommand> ParseClientCommand(
    const std::vector<std::string>& args,
    const std::function<std::optional<std::string>(const std::string&)>& environment) {
  ClientCommand command;
  size_t first = 1;
  if (args.at(0) == "approvals") {
    auto verb = args.size() > 1 ? ApprovalVerbs().find(args[1]) : ApprovalVerbs().end();
    if (verb == ApprovalVerbs().end()) {
      return Status::InvalidArgument(
          "usage: modelwarden approvals list|get|create|approve|reject|cancel [flags]");
    }
    command.kind = verb->second;
    first = 2;
  }
  const Flags flags = FlagsOf(command.kind);
  std::map<std::string, std::string> given;
  for (size_t i = first; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    const size_t equals = flag.find('=');
    const bool inline_value = StartsWith(flag, "--") && equals != std::string::npos;
    if (inline_value) {
      value = flag.substr(equals + 1);
      flag = flag.substr(0, equals);
    }
    if (flags.boolean.count(flag) != 0 && !inline_value) {
      given[flag] = "true";
      continue;
    }
    if (flags.valued.count(flag) == 0) {
      return Status::InvalidArgument("unknown argument '" + flag + "' for this command");
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return Status::InvalidArgument(flag + " needs a value");
      value = args[++i];
    }
    if (!given.emplace(flag, value).second) {
      return Status::InvalidArgument(flag + " is given twice");
    }
  }
  const auto env = [&](const char* name) { return environment(name).value_or(""); };
  command.server = given.count("--server") ? given["--server"] : env("MLFLOW_TRACKING_URI");
  if (!StartsWith(command.server, "http://") && !StartsWith(command.server, "https://")) {
    return Status::InvalidArgument(
        "--server URL is required (or MLFLOW_TRACKING_URI set to an http(s) URL)");
  }
  command.credentials.username = env("MLFLOW_TRACKING_USERNAME");
  command.credentials.password = env("MLFLOW_TRACKING_PASSWORD");
  command.credentials.token = env("MLFLOW_TRACKING_TOKEN");
  command.credentials.insecure_tls = AsciiLower(env("MLFLOW_TRACKING_INSECURE_TLS")) == "true";
  command.credentials.ca_cert_path = env("MLFLOW_TRACKING_SERVER_CERT_PATH");
  using Kind = ClientCommand::Kind;
  if (command.kind == Kind::kCheck || command.kind == Kind::kCreate) {
    RETURN_IF_ERROR(ReadTarget(given, command));
  }
  if (given.count("--format")) command.format = given["--format"];
  if (command.format != "text" && command.format != "json" && command.format != "junit") {
    return Status::InvalidArgument("--format must be text, json or junit, got '" + command.format +
                                   "'");
  }
  if (command.kind == Kind::kGet || command.kind == Kind::kApprove ||
      command.kind == Kind::kReject || command.kind == Kind::kCancel) {
    RETURN_IF_ERROR(Require(given, {"--id"}));
    ASSIGN_OR_RETURN(command.id, PositiveNumber("--id", given["--id"]));
  }
  if (given.count("--model") && command.kind == Kind::kList) command.model = given["--model"];
  if (given.count("--status")) command.status = given["--status"];
  if (given.count("--comment")) command.comment = given["--comment"];
  if (given.count("--max-results")) {
    ASSIGN_OR_RETURN(command.max_results, PositiveNumber("--max-results", given["--max-results"]));
  }
  command.archive_existing_versions = given.count("--archive-existing-versions") != 0;
  return command;
}

}  // namespace modelwarden
