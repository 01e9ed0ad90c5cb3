// The command lines of modelwarden's client commands, which talk to a running server over
// HTTP (compat/client/remote_server.h):
//   modelwarden check --server URL --model NAME --version N (--stage S | --alias A)
//                     [--format text|json|junit]
//   modelwarden approvals list [--model NAME] [--status S] [--max-results N]
//   modelwarden approvals get --id N
//   modelwarden approvals create --model NAME --version N (--stage S | --alias A)
//                                [--archive-existing-versions] [--comment TEXT]
//   modelwarden approvals approve|reject|cancel --id N [--comment TEXT]
// --server defaults to MLFLOW_TRACKING_URI when that is an http(s) URL; credentials come from
// MLflow's variables. Pure parsing; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compat/client/remote_server.h"
#include "registry/status.h"

namespace modelwarden {

struct ClientCommand {
  enum class Kind { kCheck, kList, kGet, kCreate, kApprove, kReject, kCancel };
  Kind kind = Kind::kCheck;
  std::string server;
  RemoteCredentials credentials;
  std::string model;
  int64_t version = 0;
  std::string stage;
  std::string alias;
  bool archive_existing_versions = false;
  std::string format = "text";  // check: text, json or junit.
  int64_t id = 0;
  std::string comment;
  std::string status;       // list: a status to filter by.
  int64_t max_results = 0;  // list: 0 for the server's default.
};

// `args` start with "check" or "approvals". kInvalidParameterValue saying what is wrong.
Result<ClientCommand> ParseClientCommand(
    const std::vector<std::string>& args,
    const std::function<std::optional<std::string>(const std::string&)>& environment);

}  // namespace modelwarden
