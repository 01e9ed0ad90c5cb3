// The `modelwarden` command line: `modelwarden server [flags]`,
// `modelwarden policy validate FILE`, `modelwarden policy report --policy-file FILE [flags]`,
// `modelwarden token create --username U [--name N] [--expires-in-days D] [flags]`,
// `modelwarden token list [--username U] [flags]`, `modelwarden token revoke --id N [flags]`,
// `modelwarden import (--from URL | --from-db URI | --from-file FILE) [flags]`,
// `modelwarden export --to FILE [flags]`,
// `modelwarden retention plan|apply --policy-file FILE [--max-changes N]
// [--models-per-page N] [flags]`, the client commands `modelwarden check ...` and
// `modelwarden approvals ...` (compat/client/client_command.h), `modelwarden --help`,
// `modelwarden --version`. Options come from, highest precedence first:
// flags, environment (MODELWARDEN_*, then MLflow's MLFLOW_* names), the INI file named by --config
// (same option names, `name = value`), and the defaults of ServerOptions. The only
// Boost.Program_options user. Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "compat/client/client_command.h"
#include "compat/server_options.h"
#include "compat/transfer_options.h"
#include "enforcement/access/access_control.h"
#include "registry/status.h"

namespace modelwarden {

// Looks an environment variable up; nullopt when unset. Injected so tests need no setenv.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv).
EnvironmentLookup ProcessEnvironment();

struct CommandLine {
  enum class Action {
    kServe,
    kHelp,
    kVersion,
    kPolicyValidate,
    kPolicyReport,
    kTokenCreate,
    kTokenList,
    kTokenRevoke,
    kImport,
    kExport,
    kRetentionPlan,
    kRetentionApply,
    kCheck,
    kApprovals,
  };
  Action action = Action::kServe;
  ServerOptions options;    // Meaningful for kServe, kPolicyReport and the token commands.
  std::string text;         // What to print for kHelp and kVersion.
  std::string policy_file;  // kPolicyValidate.
  // `modelwarden token create|list|revoke`: --username, --name, --expires-in-days, --id.
  std::string token_username;
  std::string token_name;
  int64_t token_expires_in_days = 90;
  int64_t token_id = 0;
  // `modelwarden import` and `export` (with `options` for the store and the policy).
  TransferOptions transfer;
  // `modelwarden retention plan|apply`: --max-changes (apply; 0: all), --models-per-page.
  int64_t retention_max_changes = 0;
  int64_t retention_models_per_page = 500;
  // `modelwarden check` and `modelwarden approvals`.
  ClientCommand client;
};

// kInvalidParameterValue with a message naming the flag, variable or file at fault.
Result<CommandLine> ParseCommandLine(int argc, const char* const argv[],
                                     const EnvironmentLookup& environment);

// The access-control settings of `options`, checked (ParseCommandLine has checked them once).
// kInvalidParameterValue naming the flag at fault.
Result<AuthOptions> AuthOptionsFrom(const ServerOptions& options);

// The effective options, one per line, with any password in the store URI masked; printed at
// start-up.
std::string DescribeOptions(const ServerOptions& options);

}  // namespace modelwarden
