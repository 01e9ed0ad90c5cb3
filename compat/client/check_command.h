// `modelwarden check`: the gate for CI pipelines. It asks a running server's dry run
// (GET /api/2.0/modelwarden/model-versions/check) whether moving a version into a stage, or
// setting an alias, would pass the policy; prints every check with its fix (text, the
// server's JSON, or JUnit XML for CI test reports); and exits 0 when the move would pass, 1
// when the policy would deny it, 2 for a usage, connection or authentication error (or a
// model or version the server does not have). Thread-compatible.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "compat/client/client_command.h"
#include "registry/status.h"

namespace modelwarden {

inline constexpr int kExitPassed = 0;
inline constexpr int kExitDenied = 1;
inline constexpr int kExitError = 2;

struct CheckLine {
  std::string rule_id;
  std::string mode;
  std::string result;  // "passed", "failed" or "warned".
  std::string message;
  std::string fix;
};

struct CheckReport {
  std::string name;
  std::string version;
  std::string stage;
  std::string alias;
  std::string approval_rule;
  bool allowed = false;
  std::vector<CheckLine> checks;
};

// The server's {"check": {...}}; kInternalError when the body is not one.
Result<CheckReport> ParseCheckReport(const std::string& json);
std::string RenderCheckText(const CheckReport& report);
std::string RenderCheckJunit(const CheckReport& report);

// Runs the command; its exit status.
int RunCheck(const ClientCommand& command, std::FILE* out, std::FILE* err);

// "<status> <error_code>: <message>" of an MLflow error body, or the status and the start of a
// body that is not one. Shared by the client commands.
std::string DescribeErrorResponse(int status, const std::string& body);

}  // namespace modelwarden
