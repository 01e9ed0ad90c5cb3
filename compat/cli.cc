#include "compat/cli.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "compat/version.h"
#include "enforcement/access/permission.h"
#include "registry/regex.h"
#include "registry/store_factory.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

namespace po = boost::program_options;

constexpr char kUsage[] =
    "Usage: modelwarden server [options]\n"
    "       modelwarden policy validate FILE\n"
    "       modelwarden policy report --policy-file FILE [--backend-store-uri URI]\n"
    "       modelwarden token create --username USER [--name NAME] [--expires-in-days D]\n"
    "                                [--backend-store-uri URI]   (prints the secret once)\n"
    "       modelwarden token list [--username USER] [--backend-store-uri URI]\n"
    "       modelwarden token revoke --id ID [--backend-store-uri URI]\n"
    "       modelwarden import (--from URL | --from-db URI | --from-file FILE.jsonl)\n"
    "                          [--dry-run] [--policy-file FILE] [--enforce] [--rename-map "
    "FILE.csv]\n"
    "                          [--suggest-renames FILE.csv] [--workspace NAME]\n"
    "                          [--backend-store-uri URI]\n"
    "       modelwarden export --to FILE.jsonl [--backend-store-uri URI]\n"
    "       modelwarden retention plan --policy-file FILE [--backend-store-uri URI]\n"
    "       modelwarden retention apply --policy-file FILE [--max-changes N] [--models-per-page "
    "N]\n"
    "                                   [--backend-store-uri URI]\n"
    "       modelwarden check --server URL --model NAME --version N (--stage S | --alias A)\n"
    "                         [--format text|json|junit]   (exit 0 passes, 1 denied, 2 error)\n"
    "       modelwarden approvals list [--model NAME] [--status S] | get --id N\n"
    "                         | create --model NAME --version N (--stage S | --alias A)\n"
    "                         | approve|reject|cancel --id N [--comment TEXT]   [--server URL]\n"
    "         (check and approvals: credentials from MLFLOW_TRACKING_USERNAME/_PASSWORD or\n"
    "          MLFLOW_TRACKING_TOKEN; --server defaults to MLFLOW_TRACKING_URI)\n"
    "       modelwarden --help | --version\n"
    "\n"
    "An MLflow Model Registry compatible server (REST API /api/2.0/mlflow/...).\n";

constexpr char kPrecedence[] =
    "\n"
    "Precedence: flags > environment > config file > defaults. The config file holds\n"
    "`option-name = value` lines for the options above but --config.\n"
    "\n"
    "Environment (an MLflow variable is read only when the MODELWARDEN_ one is unset; an empty\n"
    "variable counts as unset):\n";

// The names the code below refers to; every option is declared in kOptions.
constexpr char kStoreUri[] = "backend-store-uri";
constexpr char kRegistryStoreUri[] = "registry-store-uri";  // MLflow's other name for it.
constexpr char kConfig[] = "config";
constexpr char kHelp[] = "help";
constexpr char kVersion[] = "version";
constexpr char kFrom[] = "from";
constexpr char kFromDb[] = "from-db";
constexpr char kFromFile[] = "from-file";
constexpr char kTo[] = "to";
constexpr char kEnforce[] = "enforce";
constexpr char kSuggestRenames[] = "suggest-renames";

// The ServerOptions or TransferOptions member an option fills, which also gives its type and
// default. Options that fill none (--config, the alias) take a string.
using Field = std::variant<std::monostate, std::string ServerOptions::*, int ServerOptions::*,
                           bool ServerOptions::*, size_t ServerOptions::*,
                           std::string TransferOptions::*, bool TransferOptions::*>;

// Where an option may be given.
enum Sources : unsigned {
  kFlag = 1,         // --name (and, as Boost.PO parses it, --name=value).
  kEnvironment = 2,  // MODELWARDEN_NAME, then the MLflow variables.
  kConfigFile = 4,   // name = value in the --config file.
  kEverywhere = kFlag | kEnvironment | kConfigFile,
  kImportFlag = 8,   // A flag of `modelwarden import` only.
  kExportFlag = 16,  // A flag of `modelwarden export` only.
};

// When DescribeOptions lists an option.
enum class Listed {
  kAlways,
  kNoneWhenEmpty,    // As "(none)" when empty.
  kWhenSet,          // Only when not empty.
  kWithAuth,         // Only when --auth is on.
  kWithAuthWhenSet,  // Only when --auth is on and the value is not empty.
  kWithUpstream,     // Only when --tracking-upstream is set.
  kWithSqlite,       // Only when the store is a SQLite file.
  kNo,               // Secrets and where they come from, aliases, the config file itself.
};

// How DescribeOptions shows the value.
enum class Shown { kPlain, kMaskedPassword };

struct OptionSpec {
  const char* name;  // The flag, the config-file key and, upper-cased, MODELWARDEN_<NAME>.
  const char* value_name;
  Field field;
  unsigned sources;
  Listed listed;
  Shown shown;
  // MLflow's variables for the same setting (mlflow/cli.py, mlflow/environment_variables.py),
  // read in this order when MODELWARDEN_<NAME> is unset; or nullptr.
  const char* mlflow_variable;
  const char* second_mlflow_variable;
  const char* help;
};

constexpr Field kNoField{};

// Every option, once. Their order is the order of --help and of DescribeOptions.
const OptionSpec kOptions[] = {
    {kStoreUri, "URI", &ServerOptions::backend_store_uri, kEverywhere, Listed::kAlways,
     Shown::kMaskedPassword, "MLFLOW_REGISTRY_STORE_URI", "MLFLOW_BACKEND_STORE_URI",
     "sqlite:///relative.db, sqlite:////absolute.db or mysql://user:password@host:port/database"},
    {kRegistryStoreUri, "URI", kNoField, kFlag | kConfigFile, Listed::kNo, Shown::kPlain, nullptr,
     nullptr, "Same as --backend-store-uri (MLflow's name); wins when both are given"},
    {"host", "HOST", &ServerOptions::host, kEverywhere, Listed::kAlways, Shown::kPlain,
     "MLFLOW_HOST", nullptr, "Interface to listen on"},
    {"port", "PORT", &ServerOptions::port, kEverywhere, Listed::kAlways, Shown::kPlain,
     "MLFLOW_PORT", nullptr, "TCP port"},
    {"workers", "N", &ServerOptions::workers, kEverywhere, Listed::kAlways, Shown::kPlain, nullptr,
     nullptr,
     "Worker threads running requests on the registry; also the database connection pool "
     "size. Open connections need no worker"},
    {"max-connections", "N", &ServerOptions::max_connections, kEverywhere, Listed::kAlways,
     Shown::kPlain, nullptr, nullptr,
     "Open client connections at most; more are answered 503 and closed"},
    {"header-timeout-ms", "MS", &ServerOptions::header_timeout_ms, kEverywhere, Listed::kAlways,
     Shown::kPlain, nullptr, nullptr,
     "A request head must arrive within this long of its first byte, and a body must not stall "
     "longer (slow clients)"},
    {"idle-timeout-ms", "MS", &ServerOptions::idle_timeout_ms, kEverywhere, Listed::kAlways,
     Shown::kPlain, nullptr, nullptr, "Close a keep-alive connection idle this long"},
    {"max-request-body-bytes", "BYTES", &ServerOptions::max_request_body_bytes, kEverywhere,
     Listed::kAlways, Shown::kPlain, nullptr, nullptr,
     "Larger request bodies are refused with 413"},
    {"access-log", "BOOL", &ServerOptions::access_log, kEverywhere, Listed::kAlways, Shown::kPlain,
     nullptr, nullptr,
     "One line per request on stderr: client, method, path, status, microseconds"},
    {"pool-wait-timeout-ms", "MS", &ServerOptions::pool_wait_timeout_ms, kEverywhere,
     Listed::kAlways, Shown::kPlain, nullptr, nullptr,
     "Wait for a free database connection this long, then answer 503"},
    {"sqlite-cache-mb", "MB", &ServerOptions::sqlite_cache_mb, kEverywhere, Listed::kWithSqlite,
     Shown::kPlain, nullptr, nullptr,
     "Memory for SQLite's page caches, shared by the database connections (SQLite stores)"},
    {"policy-file", "FILE", &ServerOptions::policy_file, kEverywhere, Listed::kNoneWhenEmpty,
     Shown::kPlain, nullptr, nullptr,
     "Policy file (naming, metadata, model cards, gates); reloaded on SIGHUP and on change"},
    {"source-validation-regex", "REGEX", &ServerOptions::source_validation_regex, kEverywhere,
     Listed::kWhenSet, Shown::kPlain, "MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX",
     nullptr, "New model versions' sources must contain a match"},
    {"auth", "BOOL", &ServerOptions::auth, kEverywhere, Listed::kAlways, Shown::kPlain, nullptr,
     nullptr, "Require credentials (HTTP Basic or Bearer token) and enforce permissions"},
    {"auth-default-permission", "PERM", &ServerOptions::auth_default_permission, kEverywhere,
     Listed::kWithAuth, Shown::kPlain, nullptr, nullptr,
     "READ, EDIT, MANAGE or NO_PERMISSIONS on models no grant covers"},
    {"auth-registration-needs-grant", "BOOL", &ServerOptions::auth_registration_needs_grant,
     kEverywhere, Listed::kWithAuth, Shown::kPlain, nullptr, nullptr,
     "Registering a name needs EDIT on it (e.g. a prefix grant); default: any user"},
    {"auth-cache-seconds", "S", &ServerOptions::auth_cache_seconds, kEverywhere, Listed::kWithAuth,
     Shown::kPlain, nullptr, nullptr, "Reuse verified credentials and users' grants this long"},
    {"auth-password-iterations", "N", &ServerOptions::auth_password_iterations, kEverywhere,
     Listed::kNo, Shown::kPlain, nullptr, nullptr,
     "PBKDF2-HMAC-SHA256 iterations for new password hashes"},
    {"auth-admin-username", "NAME", &ServerOptions::auth_admin_username, kEverywhere,
     Listed::kWithAuthWhenSet, Shown::kPlain, nullptr, nullptr,
     "Create this admin at start-up if missing; password from --auth-admin-password-file or "
     "MODELWARDEN_AUTH_ADMIN_PASSWORD"},
    {"auth-admin-password-file", "FILE", &ServerOptions::auth_admin_password_file, kEverywhere,
     Listed::kNo, Shown::kPlain, nullptr, nullptr,
     "File holding the bootstrap admin's password (first line)"},
    // Never a flag or a file entry, so that it stays out of `ps` and of files passed around.
    {"auth-admin-password", "PASSWORD", &ServerOptions::auth_admin_password, kEnvironment,
     Listed::kNo, Shown::kPlain, nullptr, nullptr, "The bootstrap admin's password"},
    {"tracking-upstream", "URL", &ServerOptions::tracking_upstream, kEverywhere, Listed::kWhenSet,
     Shown::kMaskedPassword, nullptr, nullptr,
     "MLflow tracking server to forward every non-registry path to and read runs from"},
    {"tracking-upstream-connect-timeout-ms", "MS",
     &ServerOptions::tracking_upstream_connect_timeout_ms, kEverywhere, Listed::kWithUpstream,
     Shown::kPlain, nullptr, nullptr,
     "Wait this long for a connection to the tracking server, then answer 504"},
    {"tracking-upstream-timeout-ms", "MS", &ServerOptions::tracking_upstream_timeout_ms,
     kEverywhere, Listed::kWithUpstream, Shown::kPlain, nullptr, nullptr,
     "Wait this long for the tracking server's next byte, then answer 504"},
    {"tracking-ui-url", "URL", &ServerOptions::tracking_ui_url, kEverywhere, Listed::kNo,
     Shown::kPlain, nullptr, nullptr,
     "Tracking UI address for --fill-run-link (default: the upstream)"},
    {"fill-run-link", "BOOL", &ServerOptions::fill_run_link, kEverywhere, Listed::kWithUpstream,
     Shown::kPlain, nullptr, nullptr,
     "Store the run's page as the run_link of a new version that has a run and no link "
     "(default: what the client sent, as MLflow)"},
    {"local-artifact-root", "DIR", &ServerOptions::local_artifact_root, kEverywhere,
     Listed::kWhenSet, Shown::kPlain, nullptr, nullptr,
     "Serve version artifacts stored below DIR on this machine (a tracker that keeps "
     "artifacts on local disk) at /model-versions/get-artifact"},
    {"webhook-allowed-schemes", "LIST", &ServerOptions::webhook_allowed_schemes, kEverywhere,
     Listed::kAlways, Shown::kPlain, "MLFLOW_WEBHOOK_ALLOWED_SCHEMES", nullptr,
     "URL schemes webhooks may use, comma-separated"},
    // Never a flag or a file entry: a key belongs in the environment (or a secret store).
    {"webhook-secret-encryption-key", "KEY", &ServerOptions::webhook_secret_encryption_key,
     kEnvironment, Listed::kNo, Shown::kPlain, "MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY", nullptr,
     "Key that encrypts webhook secrets at rest; without it webhooks cannot have secrets"},
    {"webhook-request-timeout", "S", &ServerOptions::webhook_request_timeout, kEverywhere,
     Listed::kAlways, Shown::kPlain, "MLFLOW_WEBHOOK_REQUEST_TIMEOUT", nullptr,
     "Seconds to connect to a webhook receiver and for each read and write"},
    {"webhook-request-max-retries", "N", &ServerOptions::webhook_request_max_retries, kEverywhere,
     Listed::kAlways, Shown::kPlain, "MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES", nullptr,
     "Retries of one delivery at most; -1: as many as the retry window holds"},
    {"webhook-delivery-workers", "N", &ServerOptions::webhook_delivery_workers, kEverywhere,
     Listed::kAlways, Shown::kPlain, "MLFLOW_WEBHOOK_DELIVERY_MAX_WORKERS", nullptr,
     "Webhook deliveries this process sends at once"},
    {"webhook-retry-window-seconds", "S", &ServerOptions::webhook_retry_window_seconds, kEverywhere,
     Listed::kAlways, Shown::kPlain, nullptr, nullptr,
     "How long after its event a webhook delivery is still retried"},
    {"webhook-delivery-retention-days", "D", &ServerOptions::webhook_delivery_retention_days,
     kEverywhere, Listed::kAlways, Shown::kPlain, nullptr, nullptr,
     "How long finished webhook deliveries and their attempts are kept"},
    {"webhook-deny-private-targets", "BOOL", &ServerOptions::webhook_deny_private_targets,
     kEverywhere, Listed::kAlways, Shown::kPlain, nullptr, nullptr,
     "Refuse webhook receivers at loopback, link-local and private addresses"},
    {"retention-interval-minutes", "MIN", &ServerOptions::retention_interval_minutes, kEverywhere,
     Listed::kAlways, Shown::kPlain, nullptr, nullptr,
     "Run the policy's retention rules every MIN minutes (one server at a time); 0: never"},
    {kConfig, "FILE", kNoField, kFlag | kEnvironment, Listed::kNo, Shown::kPlain, nullptr, nullptr,
     "INI-style file with the options above"},
    // `modelwarden import` and `export`; they take the store and policy options above too.
    {kFrom, "URL", &TransferOptions::from_url, kImportFlag, Listed::kNo, Shown::kPlain, nullptr,
     nullptr,
     "Import from an MLflow-compatible registry's REST API (MLflow 2.x/3.x, modelwarden); "
     "credentials from MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN"},
    {kFromDb, "URI", &TransferOptions::from_db, kImportFlag, Listed::kNo, Shown::kPlain, nullptr,
     nullptr,
     "Import from an MLflow tracking database, read-only: sqlite:///mlflow.db or "
     "mysql://user:password@host/db"},
    {kFromFile, "FILE", &TransferOptions::from_file, kImportFlag, Listed::kNo, Shown::kPlain,
     nullptr, nullptr, "Import a backup written by `modelwarden export`"},
    {"dry-run", "BOOL", &TransferOptions::dry_run, kImportFlag, Listed::kNo, Shown::kPlain, nullptr,
     nullptr, "Print the plan and the policy's report on what would be imported; write nothing"},
    {kEnforce, "BOOL", &TransferOptions::enforce, kImportFlag, Listed::kNo, Shown::kPlain, nullptr,
     nullptr, "Refuse models that break an enforced rule of --policy-file (default: report them)"},
    {"rename-map", "FILE", &TransferOptions::rename_map, kImportFlag, Listed::kNo, Shown::kPlain,
     nullptr, nullptr, "CSV of old,new: import the model `old` of the source as `new`"},
    {kSuggestRenames, "FILE", &TransferOptions::suggest_renames, kImportFlag, Listed::kNo,
     Shown::kPlain, nullptr, nullptr,
     "Write a CSV rename map for the names --policy-file's naming rule refuses; import nothing"},
    {"workspace", "NAME", &TransferOptions::workspace, kImportFlag, Listed::kNo, Shown::kPlain,
     nullptr, nullptr, "With --from-db of an MLflow with workspaces: the workspace to import"},
    {kTo, "FILE", &TransferOptions::to_file, kExportFlag, Listed::kNo, Shown::kPlain, nullptr,
     nullptr, "Export every model and version (deleted ones too) to this JSON Lines file"},
};

// Callers visit Field with one lambda per alternative.
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// MODELWARDEN_ and the name upper-cased, '-' as '_'.
std::string EnvironmentVariable(const OptionSpec& option) {
  std::string variable = "MODELWARDEN_" + AsciiUpper(option.name);
  std::replace(variable.begin(), variable.end(), '-', '_');
  return variable;
}

// The variables read for `option`, first match wins.
std::vector<std::string> EnvironmentVariables(const OptionSpec& option) {
  std::vector<std::string> variables = {EnvironmentVariable(option)};
  for (const char* mlflow : {option.mlflow_variable, option.second_mlflow_variable}) {
    if (mlflow != nullptr) variables.emplace_back(mlflow);
  }
  return variables;
}

// The Boost.PO value of `option`, with ServerOptions' default where it has one.
po::value_semantic* Semantic(const OptionSpec& option) {
  static const ServerOptions defaults;
  static const TransferOptions transfer_defaults;
  return std::visit(
      Overloaded{
          [&](std::monostate) -> po::value_semantic* {
            return po::value<std::string>()->value_name(option.value_name);
          },
          [&](std::string ServerOptions::*field) -> po::value_semantic* {
            auto* value = po::value<std::string>()->value_name(option.value_name);
            // Empty means unset: no default to show.
            if (!(defaults.*field).empty()) value->default_value(defaults.*field);
            return value;
          },
          [&](int ServerOptions::*field) -> po::value_semantic* {
            return po::value<int>()->value_name(option.value_name)->default_value(defaults.*field);
          },
          [&](bool ServerOptions::*field) -> po::value_semantic* {
            const bool value = defaults.*field;
            return po::value<bool>()
                ->value_name(option.value_name)
                ->default_value(value, value ? "true" : "false")
                ->implicit_value(true, "true");
          },
          [&](size_t ServerOptions::*field) -> po::value_semantic* {
            // Read signed, so that a negative value is refused rather than wrapped.
            return po::value<long long>()
                ->value_name(option.value_name)
                ->default_value(static_cast<long long>(defaults.*field));
          },
          [&](std::string TransferOptions::*field) -> po::value_semantic* {
            auto* value = po::value<std::string>()->value_name(option.value_name);
            if (!(transfer_defaults.*field).empty()) value->default_value(transfer_defaults.*field);
            return value;
          },
          [&](bool TransferOptions::*) -> po::value_semantic* {
            return po::value<bool>()
                ->value_name(option.value_name)
                ->default_value(false, "false")
                ->implicit_value(true, "true");
          },
      },
      option.field);
}

// The options that may come from one of `sources`.
po::options_description Description(unsigned sources, const char* caption = "Server options") {
  po::options_description description(caption, /*line_length=*/100,
                                      /*min_description_length=*/50);
  for (const OptionSpec& option : kOptions) {
    if ((option.sources & sources) == 0) continue;
    description.add_options()(option.name, Semantic(option), option.help);
  }
  return description;
}

// The server's flags, and a command's own (kImportFlag, kExportFlag) when `command_flags`.
po::options_description CommandLineDescription(unsigned command_flags = 0) {
  po::options_description description = Description(kFlag);
  description.add_options()         //
      ("help,h", "Show this help")  //
      (kVersion, "Show the version");
  if (command_flags != 0) description.add(Description(command_flags, "Import and export options"));
  return description;
}

std::string HelpText() {
  std::ostringstream out;
  out << kUsage << "\n"
      << CommandLineDescription() << "\n"
      << Description(kImportFlag | kExportFlag, "Import and export options") << kPrecedence;
  // One variable per line with the flag it stands for.
  for (const OptionSpec& option : kOptions) {
    if ((option.sources & kEnvironment) == 0) continue;
    const std::string meaning = (option.sources & kFlag) != 0
                                    ? "--" + std::string(option.name)
                                    : std::string(option.help) + " (no flag)";
    for (const std::string& variable : EnvironmentVariables(option)) {
      out << "  " << std::left << std::setw(53) << variable << meaning << "\n";
    }
  }
  return out.str();
}

// --registry-store-uri and --backend-store-uri name one setting. Folding them into one key
// per source keeps the precedence between sources right; within one source the registry
// name wins, as in `mlflow server`.
void FoldStoreUriAlias(po::parsed_options& parsed) {
  bool has_registry_uri = false;
  for (const auto& option : parsed.options)
    has_registry_uri |= option.string_key == kRegistryStoreUri;
  if (!has_registry_uri) return;
  std::vector<po::option> kept;
  for (po::option& option : parsed.options) {
    if (option.string_key == kStoreUri) continue;
    if (option.string_key == kRegistryStoreUri) option.string_key = kStoreUri;
    kept.push_back(option);
  }
  parsed.options = std::move(kept);
}

constexpr int kStyle =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

void StoreFlags(const std::vector<std::string>& args, const po::options_description& description,
                po::variables_map& values) {
  // An empty positional description makes stray arguments an error instead of ignored.
  const po::positional_options_description no_positionals;
  po::parsed_options parsed = po::command_line_parser(args)
                                  .options(description)
                                  .positional(no_positionals)
                                  .style(kStyle)
                                  .run();
  FoldStoreUriAlias(parsed);
  po::store(parsed, values);
}

// The environment is stored after the flags; Boost.PO keeps the first value stored for an
// option, which gives flags precedence. Options that are never flags are read in
// ReadEnvironmentOnly.
Status StoreEnvironment(const EnvironmentLookup& environment,
                        const po::options_description& description, po::variables_map& values) {
  for (const OptionSpec& option : kOptions) {
    if ((option.sources & kEnvironment) == 0 || (option.sources & kFlag) == 0) continue;
    for (const std::string& variable : EnvironmentVariables(option)) {
      const std::optional<std::string> value = environment(variable);
      if (!value.has_value() || value->empty()) continue;  // Empty means unset, as click does.
      try {
        StoreFlags({"--" + std::string(option.name) + "=" + *value}, description, values);
      } catch (const po::error& e) {
        return Status::InvalidArgument("environment variable " + variable + ": " + e.what());
      }
      break;
    }
  }
  return Status::Ok();
}

void ReadEnvironmentOnly(const EnvironmentLookup& environment, ServerOptions& options) {
  for (const OptionSpec& option : kOptions) {
    if (option.sources != kEnvironment) continue;
    const auto* field = std::get_if<std::string ServerOptions::*>(&option.field);
    if (field == nullptr) continue;
    // Set even when empty, unlike variables that stand for flags; MODELWARDEN_<NAME> first,
    // then MLflow's variable.
    for (const std::string& variable : EnvironmentVariables(option)) {
      if (std::optional<std::string> value = environment(variable)) {
        options.*(*field) = *value;
        break;
      }
    }
  }
}

Status StoreConfigFile(const std::string& path, po::variables_map& values) {
  std::ifstream file(path);
  if (!file) return Status::InvalidArgument("cannot read config file '" + path + "'");
  try {
    // parsed_options points at the description, so it must outlive store().
    const po::options_description description = Description(kConfigFile);
    po::parsed_options parsed = po::parse_config_file(file, description);
    FoldStoreUriAlias(parsed);
    po::store(parsed, values);
  } catch (const po::error& e) {
    return Status::InvalidArgument("config file '" + path + "': " + e.what());
  }
  return Status::Ok();
}

// Copies every stored option into its ServerOptions or TransferOptions member.
Status ReadValues(const po::variables_map& values, ServerOptions& options,
                  TransferOptions& transfer) {
  for (const OptionSpec& option : kOptions) {
    if (values.count(option.name) == 0) continue;
    const po::variable_value& value = values[option.name];
    Status status = std::visit(
        Overloaded{
            [&](std::monostate) { return Status::Ok(); },
            [&](std::string ServerOptions::*field) {
              options.*field = value.as<std::string>();
              return Status::Ok();
            },
            [&](int ServerOptions::*field) {
              options.*field = value.as<int>();
              return Status::Ok();
            },
            [&](bool ServerOptions::*field) {
              options.*field = value.as<bool>();
              return Status::Ok();
            },
            [&](size_t ServerOptions::*field) {
              const long long number = value.as<long long>();
              if (number < 1) {
                return Status::InvalidArgument("--" + std::string(option.name) +
                                               " must be positive, got " + std::to_string(number));
              }
              options.*field = static_cast<size_t>(number);
              return Status::Ok();
            },
            [&](std::string TransferOptions::*field) {
              transfer.*field = value.as<std::string>();
              return Status::Ok();
            },
            [&](bool TransferOptions::*field) {
              transfer.*field = value.as<bool>();
              return Status::Ok();
            },
        },
        option.field);
    RETURN_IF_ERROR(status);
  }
  return Status::Ok();
}

}  // namespace

Result<AuthOptions> AuthOptionsFrom(const ServerOptions& options) {
  const std::string& permission = options.auth_default_permission;
  const std::optional<Permission> default_permission = ParsePermission(permission);
  if (!default_permission.has_value()) {
    return Status::InvalidArgument(
        "--auth-default-permission must be READ, EDIT, MANAGE or NO_PERMISSIONS, got '" +
        permission + "'");
  }
  if (options.auth_cache_seconds < 0 || options.auth_cache_seconds > 3600) {
    return Status::InvalidArgument("--auth-cache-seconds must be between 0 and 3600, got " +
                                   std::to_string(options.auth_cache_seconds));
  }
  // The floor keeps a stored hash from being cheap to brute-force; tests use the floor.
  if (options.auth_password_iterations < 1000 || options.auth_password_iterations > 10000000) {
    return Status::InvalidArgument(
        "--auth-password-iterations must be between 1000 and 10000000, got " +
        std::to_string(options.auth_password_iterations));
  }
  AuthOptions auth;
  auth.enabled = options.auth;
  auth.default_permission = *default_permission;
  auth.registration_needs_grant = options.auth_registration_needs_grant;
  auth.cache_seconds = options.auth_cache_seconds;
  auth.password_iterations = options.auth_password_iterations;
  return auth;
}

namespace {

Status ValidateWebhookOptions(const ServerOptions& options) {
  const auto within = [](const char* flag, int value, int low, int high) {
    if (value >= low && value <= high) return Status::Ok();
    return Status::InvalidArgument(std::string("--") + flag + " must be between " +
                                   std::to_string(low) + " and " + std::to_string(high) + ", got " +
                                   std::to_string(value));
  };
  RETURN_IF_ERROR(within("webhook-request-timeout", options.webhook_request_timeout, 1, 3600));
  RETURN_IF_ERROR(
      within("webhook-request-max-retries", options.webhook_request_max_retries, -1, 1000000));
  RETURN_IF_ERROR(within("webhook-delivery-workers", options.webhook_delivery_workers, 1, 256));
  RETURN_IF_ERROR(within("webhook-retry-window-seconds", options.webhook_retry_window_seconds, 0,
                         365 * 24 * 60 * 60));
  RETURN_IF_ERROR(
      within("webhook-delivery-retention-days", options.webhook_delivery_retention_days, 0, 3650));
  const std::string& key = options.webhook_secret_encryption_key;
  if (!key.empty() && key.size() < 16) {
    return Status::InvalidArgument(
        "MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY must be at least 16 characters (a Fernet key, 44 "
        "characters, works)");
  }
  return Status::Ok();
}

Status Validate(const ServerOptions& options) {
  if (!options.source_validation_regex.empty()) {
    if (Result<Regex> regex = Regex::Compile(options.source_validation_regex); !regex.ok()) {
      return Status::InvalidArgument("--source-validation-regex is not valid in RE2 syntax: " +
                                     regex.status().message());
    }
  }
  RETURN_IF_ERROR(AuthOptionsFrom(options));
  if (options.tracking_upstream_connect_timeout_ms < 1 ||
      options.tracking_upstream_timeout_ms < 1) {
    return Status::InvalidArgument("--tracking-upstream timeouts must be positive");
  }
  if (!options.tracking_upstream.empty() && !StartsWith(options.tracking_upstream, "http://") &&
      !StartsWith(options.tracking_upstream, "https://")) {
    return Status::InvalidArgument("--tracking-upstream must be an http:// or https:// URL, got '" +
                                   MaskStoreUri(options.tracking_upstream) + "'");
  }
  if (options.backend_store_uri.empty()) {
    return Status::InvalidArgument("--backend-store-uri must not be empty");
  }
  if (options.host.empty()) return Status::InvalidArgument("--host must not be empty");
  if (options.port < 1 || options.port > 65535) {
    return Status::InvalidArgument("--port must be between 1 and 65535, got " +
                                   std::to_string(options.port));
  }
  if (options.workers < 1 || options.workers > 4096) {
    return Status::InvalidArgument("--workers must be between 1 and 4096, got " +
                                   std::to_string(options.workers));
  }
  if (options.retention_interval_minutes < 0 || options.retention_interval_minutes > 7 * 24 * 60) {
    return Status::InvalidArgument(
        "--retention-interval-minutes must be between 0 (never) and 10080 (a week), got " +
        std::to_string(options.retention_interval_minutes));
  }
  if (options.max_connections < 1 || options.max_connections > 1000000) {
    return Status::InvalidArgument("--max-connections must be between 1 and 1000000, got " +
                                   std::to_string(options.max_connections));
  }
  if (options.header_timeout_ms < 1 || options.idle_timeout_ms < 1) {
    return Status::InvalidArgument("--header-timeout-ms and --idle-timeout-ms must be positive");
  }
  if (options.sqlite_cache_mb < 1 || options.sqlite_cache_mb > 1024 * 1024) {
    return Status::InvalidArgument("--sqlite-cache-mb must be between 1 and 1048576, got " +
                                   std::to_string(options.sqlite_cache_mb));
  }
  if (options.pool_wait_timeout_ms < 0) {
    return Status::InvalidArgument("--pool-wait-timeout-ms must not be negative, got " +
                                   std::to_string(options.pool_wait_timeout_ms));
  }
  RETURN_IF_ERROR(ValidateWebhookOptions(options));
  return Status::Ok();
}

// `command_flags`: the flags of import or export accepted beside the server's.
Result<CommandLine> ParseServerCommand(const std::vector<std::string>& args,
                                       const EnvironmentLookup& environment,
                                       unsigned command_flags = 0) {
  CommandLine command;
  const po::options_description description = CommandLineDescription(command_flags);
  po::variables_map values;
  try {
    StoreFlags(args, description, values);
  } catch (const po::error& e) {
    return Status::InvalidArgument(std::string("command line: ") + e.what());
  }
  if (values.count(kHelp) != 0) {
    command.action = CommandLine::Action::kHelp;
    command.text = HelpText();
    return command;
  }
  if (values.count(kVersion) != 0) {
    command.action = CommandLine::Action::kVersion;
    command.text = std::string("modelwarden ") + kModelwardenVersion + "\n";
    return command;
  }
  RETURN_IF_ERROR(StoreEnvironment(environment, description, values));
  if (values.count(kConfig) != 0) {
    RETURN_IF_ERROR(StoreConfigFile(values[kConfig].as<std::string>(), values));
  }
  try {
    po::notify(values);
  } catch (const po::error& e) {
    return Status::InvalidArgument(e.what());
  }
  RETURN_IF_ERROR(ReadValues(values, command.options, command.transfer));
  RETURN_IF_ERROR(Validate(command.options));
  ReadEnvironmentOnly(environment, command.options);
  return command;
}

// `policy validate FILE` or `policy report [server flags]` (args[0] is "policy").
Result<CommandLine> ParsePolicyCommand(const std::vector<std::string>& args,
                                       const EnvironmentLookup& environment) {
  const std::string sub = args.size() > 1 ? args[1] : "";
  if (sub == "validate") {
    if (args.size() != 3) return Status::InvalidArgument("usage: modelwarden policy validate FILE");
    CommandLine command;
    command.action = CommandLine::Action::kPolicyValidate;
    command.policy_file = args[2];
    return command;
  }
  if (sub == "report") {
    ASSIGN_OR_RETURN(
        CommandLine command,
        ParseServerCommand(std::vector<std::string>(args.begin() + 2, args.end()), environment));
    if (command.action != CommandLine::Action::kServe) return command;  // --help, --version.
    if (command.options.policy_file.empty()) {
      return Status::InvalidArgument("policy report needs --policy-file FILE");
    }
    command.action = CommandLine::Action::kPolicyReport;
    return command;
  }
  return Status::InvalidArgument(
      "usage: modelwarden policy validate FILE | modelwarden policy report --policy-file FILE");
}

Result<int64_t> ParseCount(const std::string& flag, const std::string& text) {
  try {
    size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size() && value >= 0) return static_cast<int64_t>(value);
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument(flag + " must be a non-negative integer, got '" + text + "'");
}

// `token create|list|revoke [token flags] [server flags]` (args[0] is "token"): the token
// flags are taken out, the rest is parsed as server flags (the store to use).
Result<CommandLine> ParseTokenCommand(const std::vector<std::string>& args,
                                      const EnvironmentLookup& environment) {
  const std::string sub = args.size() > 1 ? args[1] : "";
  CommandLine::Action action;
  if (sub == "create") {
    action = CommandLine::Action::kTokenCreate;
  } else if (sub == "list") {
    action = CommandLine::Action::kTokenList;
  } else if (sub == "revoke") {
    action = CommandLine::Action::kTokenRevoke;
  } else {
    return Status::InvalidArgument("usage: modelwarden token create|list|revoke ...");
  }
  std::vector<std::string> rest;
  std::string username, name, days, id;
  for (size_t i = 2; i < args.size(); ++i) {
    std::string* target = nullptr;
    if (args[i] == "--username") target = &username;
    if (args[i] == "--name") target = &name;
    if (args[i] == "--expires-in-days") target = &days;
    if (args[i] == "--id") target = &id;
    if (target == nullptr) {
      rest.push_back(args[i]);
      continue;
    }
    if (i + 1 >= args.size()) return Status::InvalidArgument(args[i] + " needs a value");
    *target = args[++i];
  }
  ASSIGN_OR_RETURN(CommandLine command, ParseServerCommand(rest, environment));
  if (command.action != CommandLine::Action::kServe) return command;  // --help, --version.
  command.action = action;
  command.token_username = username;
  command.token_name = name;
  if (!days.empty()) {
    ASSIGN_OR_RETURN(command.token_expires_in_days, ParseCount("--expires-in-days", days));
  }
  if (action == CommandLine::Action::kTokenCreate && username.empty()) {
    return Status::InvalidArgument("token create needs --username USER");
  }
  if (action == CommandLine::Action::kTokenRevoke) {
    if (id.empty()) return Status::InvalidArgument("token revoke needs --id ID");
    ASSIGN_OR_RETURN(command.token_id, ParseCount("--id", id));
  }
  return command;
}

// `import SOURCE [flags]` or `export --to FILE [flags]` (args[0] is the command): the server's
// flags (the store, the policy) and the command's own.
Result<CommandLine> ParseTransferCommand(const std::vector<std::string>& args,
                                         const EnvironmentLookup& environment) {
  const bool import = args[0] == "import";
  ASSIGN_OR_RETURN(CommandLine command,
                   ParseServerCommand(std::vector<std::string>(args.begin() + 1, args.end()),
                                      environment, import ? kImportFlag : kExportFlag));
  if (command.action != CommandLine::Action::kServe) return command;  // --help, --version.
  const TransferOptions& t = command.transfer;
  if (!import) {
    if (t.to_file.empty()) return Status::InvalidArgument("export needs --to FILE.jsonl");
    command.action = CommandLine::Action::kExport;
    return command;
  }
  const int sources = !t.from_url.empty() + !t.from_db.empty() + !t.from_file.empty();
  if (sources != 1) {
    return Status::InvalidArgument("import needs exactly one of --" + std::string(kFrom) +
                                   " URL, --" + kFromDb + " URI and --" + kFromFile + " FILE");
  }
  if ((t.enforce || !t.suggest_renames.empty()) && command.options.policy_file.empty()) {
    return Status::InvalidArgument(std::string("--") + (t.enforce ? kEnforce : kSuggestRenames) +
                                   " needs --policy-file FILE");
  }
  for (const auto& [variable, field] :
       {std::make_pair("MLFLOW_TRACKING_USERNAME", &TransferOptions::source_username),
        std::make_pair("MLFLOW_TRACKING_PASSWORD", &TransferOptions::source_password),
        std::make_pair("MLFLOW_TRACKING_TOKEN", &TransferOptions::source_token)}) {
    command.transfer.*field = environment(variable).value_or("");
  }
  command.action = CommandLine::Action::kImport;
  return command;
}

// `retention plan|apply [--max-changes N] [--models-per-page N] [server flags]` (args[0] is
// "retention"): the policy file and the store are the server's flags.
Result<CommandLine> ParseRetentionCommand(const std::vector<std::string>& args,
                                          const EnvironmentLookup& environment) {
  const std::string sub = args.size() > 1 ? args[1] : "";
  if (sub != "plan" && sub != "apply") {
    return Status::InvalidArgument(
        "usage: modelwarden retention plan|apply --policy-file FILE [flags]");
  }
  std::vector<std::string> rest;
  std::string max_changes, per_page;
  for (size_t i = 2; i < args.size(); ++i) {
    std::string* target = nullptr;
    if (args[i] == "--max-changes" && sub == "apply") target = &max_changes;
    if (args[i] == "--models-per-page") target = &per_page;
    if (target == nullptr) {
      rest.push_back(args[i]);
      continue;
    }
    if (i + 1 >= args.size()) return Status::InvalidArgument(args[i] + " needs a value");
    *target = args[++i];
  }
  ASSIGN_OR_RETURN(CommandLine command, ParseServerCommand(rest, environment));
  if (command.action != CommandLine::Action::kServe) return command;  // --help, --version.
  if (command.options.policy_file.empty()) {
    return Status::InvalidArgument("retention " + sub +
                                   " needs --policy-file FILE (the rules are in its "
                                   "\"retention\" section)");
  }
  command.action =
      sub == "plan" ? CommandLine::Action::kRetentionPlan : CommandLine::Action::kRetentionApply;
  if (!max_changes.empty()) {
    ASSIGN_OR_RETURN(command.retention_max_changes, ParseCount("--max-changes", max_changes));
  }
  if (!per_page.empty()) {
    ASSIGN_OR_RETURN(command.retention_models_per_page, ParseCount("--models-per-page", per_page));
    if (command.retention_models_per_page < 1) {
      return Status::InvalidArgument("--models-per-page must be at least 1");
    }
  }
  return command;
}

// `option`'s value as DescribeOptions shows it; nullopt when it is not listed.
std::optional<std::string> ListedValue(const OptionSpec& option, const ServerOptions& options) {
  const std::string text =
      std::visit(Overloaded{
                     [](std::monostate) { return std::string(); },
                     [&](std::string ServerOptions::*field) { return options.*field; },
                     [&](int ServerOptions::*field) { return std::to_string(options.*field); },
                     [&](bool ServerOptions::*field) {
                       return std::string(options.*field ? "true" : "false");
                     },
                     [&](size_t ServerOptions::*field) { return std::to_string(options.*field); },
                     [](std::string TransferOptions::*) { return std::string(); },
                     [](bool TransferOptions::*) { return std::string(); },
                 },
                 option.field);
  switch (option.listed) {
    case Listed::kAlways:
      break;
    case Listed::kNoneWhenEmpty:
      if (text.empty()) return "(none)";
      break;
    case Listed::kWhenSet:
      if (text.empty()) return std::nullopt;
      break;
    case Listed::kWithAuth:
      if (!options.auth) return std::nullopt;
      break;
    case Listed::kWithAuthWhenSet:
      if (!options.auth || text.empty()) return std::nullopt;
      break;
    case Listed::kWithUpstream:
      if (options.tracking_upstream.empty()) return std::nullopt;
      break;
    case Listed::kWithSqlite:
      if (!StartsWith(options.backend_store_uri, "sqlite:")) return std::nullopt;
      break;
    case Listed::kNo:
      return std::nullopt;
  }
  return option.shown == Shown::kMaskedPassword ? MaskStoreUri(text) : text;
}

}  // namespace

EnvironmentLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<CommandLine> ParseCommandLine(int argc, const char* const argv[],
                                     const EnvironmentLookup& environment) {
  const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  if (args.empty()) {
    return Status::InvalidArgument("missing command; try 'modelwarden --help'");
  }
  const std::string& command = args.front();
  if (command == "--help" || command == "-h" || command == "help") {
    CommandLine help;
    help.action = CommandLine::Action::kHelp;
    help.text = HelpText();
    return help;
  }
  if (command == "--version" || command == "version") {
    CommandLine version;
    version.action = CommandLine::Action::kVersion;
    version.text = std::string("modelwarden ") + kModelwardenVersion + "\n";
    return version;
  }
  if (command == "policy") return ParsePolicyCommand(args, environment);
  if (command == "token") return ParseTokenCommand(args, environment);
  if (command == "import" || command == "export") return ParseTransferCommand(args, environment);
  if (command == "retention") return ParseRetentionCommand(args, environment);
  if (command == "check" || command == "approvals") {
    CommandLine client;
    client.action =
        command == "check" ? CommandLine::Action::kCheck : CommandLine::Action::kApprovals;
    ASSIGN_OR_RETURN(client.client, ParseClientCommand(args, environment));
    return client;
  }
  if (command != "server") {
    return Status::InvalidArgument("unknown command '" + command + "'; try 'modelwarden --help'");
  }
  return ParseServerCommand(std::vector<std::string>(args.begin() + 1, args.end()), environment);
}

std::string DescribeOptions(const ServerOptions& options) {
  std::ostringstream out;
  out << "modelwarden " << kModelwardenVersion << "\n";
  for (const OptionSpec& option : kOptions) {
    if (std::optional<std::string> value = ListedValue(option, options)) {
      out << "  " << option.name << " = " << *value << "\n";
    }
  }
  return out.str();
}

}  // namespace modelwarden
