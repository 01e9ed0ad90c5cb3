#include "compat/cli.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include "compat/version.h"
#include "enforcement/permission.h"
#include "registry/regex.h"
#include "registry/store_factory.h"

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
    "       modelwarden --help | --version\n"
    "\n"
    "An MLflow Model Registry compatible server (REST API /api/2.0/mlflow/...).\n";

constexpr char kPrecedence[] =
    "\n"
    "Precedence: flags > environment > config file > defaults.\n"
    "Environment: MODELWARDEN_BACKEND_STORE_URI, MODELWARDEN_HOST, MODELWARDEN_PORT,\n"
    "  MODELWARDEN_WORKERS, MODELWARDEN_MAX_REQUEST_BODY_BYTES, MODELWARDEN_ACCESS_LOG,\n"
    "  MODELWARDEN_POOL_WAIT_TIMEOUT_MS, MODELWARDEN_POLICY_FILE,\n"
    "  MODELWARDEN_SOURCE_VALIDATION_REGEX, MODELWARDEN_TRACKING_UPSTREAM (and "
    "_CONNECT_TIMEOUT_MS,\n"
    "  _TIMEOUT_MS), MODELWARDEN_TRACKING_UI_URL, MODELWARDEN_CONFIG, MODELWARDEN_AUTH_*\n"
    "  (one per --auth-* option, and MODELWARDEN_AUTH_ADMIN_PASSWORD); MLflow's\n"
    "  MLFLOW_REGISTRY_STORE_URI, MLFLOW_BACKEND_STORE_URI, MLFLOW_HOST, MLFLOW_PORT and\n"
    "  MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX are read when the MODELWARDEN_\n"
    "  variable is unset. The config file holds `option-name = value` lines.\n";

constexpr char kStoreUri[] = "backend-store-uri";
constexpr char kRegistryStoreUri[] = "registry-store-uri";  // MLflow's other name for it.
constexpr char kHost[] = "host";
constexpr char kPort[] = "port";
constexpr char kWorkers[] = "workers";
constexpr char kMaxBody[] = "max-request-body-bytes";
constexpr char kAccessLog[] = "access-log";
constexpr char kPoolWait[] = "pool-wait-timeout-ms";
constexpr char kPolicyFile[] = "policy-file";
constexpr char kSourceRegex[] = "source-validation-regex";
constexpr char kAuth[] = "auth";
constexpr char kAuthDefaultPermission[] = "auth-default-permission";
constexpr char kAuthRegistrationNeedsGrant[] = "auth-registration-needs-grant";
constexpr char kAuthCacheSeconds[] = "auth-cache-seconds";
constexpr char kAuthPasswordIterations[] = "auth-password-iterations";
constexpr char kAuthAdminUsername[] = "auth-admin-username";
constexpr char kAuthAdminPasswordFile[] = "auth-admin-password-file";
constexpr char kAdminPasswordVariable[] = "MODELWARDEN_AUTH_ADMIN_PASSWORD";
constexpr char kUpstream[] = "tracking-upstream";
constexpr char kUpstreamConnect[] = "tracking-upstream-connect-timeout-ms";
constexpr char kUpstreamTimeout[] = "tracking-upstream-timeout-ms";
constexpr char kTrackingUi[] = "tracking-ui-url";
constexpr char kConfig[] = "config";
constexpr char kHelp[] = "help";
constexpr char kVersion[] = "version";

struct EnvironmentBinding {
  const char* variable;
  const char* option;
};

// For each option the first variable that is set wins, so MODELWARDEN_* come first.
constexpr EnvironmentBinding kEnvironmentBindings[] = {
    {"MODELWARDEN_BACKEND_STORE_URI", kStoreUri},
    {"MODELWARDEN_HOST", kHost},
    {"MODELWARDEN_PORT", kPort},
    {"MODELWARDEN_WORKERS", kWorkers},
    {"MODELWARDEN_MAX_REQUEST_BODY_BYTES", kMaxBody},
    {"MODELWARDEN_ACCESS_LOG", kAccessLog},
    {"MODELWARDEN_POOL_WAIT_TIMEOUT_MS", kPoolWait},
    {"MODELWARDEN_POLICY_FILE", kPolicyFile},
    {"MODELWARDEN_SOURCE_VALIDATION_REGEX", kSourceRegex},
    {"MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX", kSourceRegex},
    {"MODELWARDEN_TRACKING_UPSTREAM", kUpstream},
    {"MODELWARDEN_TRACKING_UPSTREAM_CONNECT_TIMEOUT_MS", kUpstreamConnect},
    {"MODELWARDEN_TRACKING_UPSTREAM_TIMEOUT_MS", kUpstreamTimeout},
    {"MODELWARDEN_TRACKING_UI_URL", kTrackingUi},
    {"MODELWARDEN_CONFIG", kConfig},
    {"MODELWARDEN_AUTH", kAuth},
    {"MODELWARDEN_AUTH_DEFAULT_PERMISSION", kAuthDefaultPermission},
    {"MODELWARDEN_AUTH_REGISTRATION_NEEDS_GRANT", kAuthRegistrationNeedsGrant},
    {"MODELWARDEN_AUTH_CACHE_SECONDS", kAuthCacheSeconds},
    {"MODELWARDEN_AUTH_PASSWORD_ITERATIONS", kAuthPasswordIterations},
    {"MODELWARDEN_AUTH_ADMIN_USERNAME", kAuthAdminUsername},
    {"MODELWARDEN_AUTH_ADMIN_PASSWORD_FILE", kAuthAdminPasswordFile},
    {"MLFLOW_REGISTRY_STORE_URI", kStoreUri},
    {"MLFLOW_BACKEND_STORE_URI", kStoreUri},
    {"MLFLOW_HOST", kHost},
    {"MLFLOW_PORT", kPort},
};

// The options shared by flags, environment and config file. Defaults come from
// ServerOptions, so server_options.h stays the one place that states them.
po::options_description ServerOptionsDescription() {
  const ServerOptions defaults;
  po::options_description description("Server options", /*line_length=*/100,
                                      /*min_description_length=*/50);
  description.add_options()  //
      (kStoreUri,
       po::value<std::string>()->value_name("URI")->default_value(defaults.backend_store_uri),
       "sqlite:///relative.db, sqlite:////absolute.db or "
       "mysql://user:password@host:port/database")  //
      (kRegistryStoreUri, po::value<std::string>()->value_name("URI"),
       "Same as --backend-store-uri (MLflow's name); wins when both are given")  //
      (kHost, po::value<std::string>()->value_name("HOST")->default_value(defaults.host),
       "Interface to listen on")  //
      (kPort, po::value<int>()->value_name("PORT")->default_value(defaults.port),
       "TCP port")  //
      (kWorkers, po::value<int>()->value_name("N")->default_value(defaults.workers),
       "HTTP worker threads, one per concurrent client connection; also the database "
       "connection pool size")  //
      (kMaxBody,
       po::value<long long>()->value_name("BYTES")->default_value(
           static_cast<long long>(defaults.max_request_body_bytes)),
       "Larger request bodies are refused with 413")  //
      (kAccessLog,
       po::value<bool>()
           ->value_name("BOOL")
           ->default_value(defaults.access_log, defaults.access_log ? "true" : "false")
           ->implicit_value(true, "true"),
       "One line per request on stderr: client, method, path, status, microseconds")  //
      (kPoolWait, po::value<int>()->value_name("MS")->default_value(defaults.pool_wait_timeout_ms),
       "Wait for a free database connection this long, then answer 503")  //
      (kSourceRegex, po::value<std::string>()->value_name("REGEX"),
       "New model versions' sources must contain a match (MLflow's "
       "MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX)")  //
      (kPolicyFile, po::value<std::string>()->value_name("FILE"),
       "Policy file (naming, metadata, model cards, gates); reloaded on SIGHUP and on change")  //
      (kAuth,
       po::value<bool>()
           ->value_name("BOOL")
           ->default_value(defaults.auth, defaults.auth ? "true" : "false")
           ->implicit_value(true, "true"),
       "Require credentials (HTTP Basic or Bearer token) and enforce permissions")  //
      (kAuthDefaultPermission,
       po::value<std::string>()->value_name("PERM")->default_value(
           defaults.auth_default_permission),
       "READ, EDIT, MANAGE or NO_PERMISSIONS on models no grant covers")  //
      (kAuthRegistrationNeedsGrant,
       po::value<bool>()
           ->value_name("BOOL")
           ->default_value(defaults.auth_registration_needs_grant,
                           defaults.auth_registration_needs_grant ? "true" : "false")
           ->implicit_value(true, "true"),
       "Registering a name needs EDIT on it (e.g. a prefix grant); default: any user")  //
      (kAuthCacheSeconds,
       po::value<int>()->value_name("S")->default_value(defaults.auth_cache_seconds),
       "Reuse verified credentials and users' grants this long")  //
      (kAuthPasswordIterations,
       po::value<int>()->value_name("N")->default_value(defaults.auth_password_iterations),
       "PBKDF2-HMAC-SHA256 iterations for new password hashes")  //
      (kAuthAdminUsername, po::value<std::string>()->value_name("NAME"),
       "Create this admin at start-up if missing; password from --auth-admin-password-file or "
       "MODELWARDEN_AUTH_ADMIN_PASSWORD")  //
      (kAuthAdminPasswordFile, po::value<std::string>()->value_name("FILE"),
       "File holding the bootstrap admin's password (first line)")  //
      (kUpstream, po::value<std::string>()->value_name("URL"),
       "MLflow tracking server to forward every non-registry path to and read runs from")  //
      (kUpstreamConnect,
       po::value<int>()->value_name("MS")->default_value(
           defaults.tracking_upstream_connect_timeout_ms),
       "Wait this long for a connection to the tracking server, then answer 504")  //
      (kUpstreamTimeout,
       po::value<int>()->value_name("MS")->default_value(defaults.tracking_upstream_timeout_ms),
       "Wait this long for the tracking server's next byte, then answer 504")  //
      (kTrackingUi, po::value<std::string>()->value_name("URL"),
       "Tracking UI address for the run_link of new versions (default: the upstream)");
  return description;
}

po::options_description CommandLineDescription() {
  po::options_description description = ServerOptionsDescription();
  description.add_options()  //
      (kConfig, po::value<std::string>()->value_name("FILE"),
       "INI-style file with the options above")  //
      ("help,h", "Show this help")               //
      (kVersion, "Show the version");
  return description;
}

std::string HelpText() {
  std::ostringstream out;
  out << kUsage << "\n" << CommandLineDescription() << kPrecedence;
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
// option, which gives flags precedence.
Status StoreEnvironment(const EnvironmentLookup& environment,
                        const po::options_description& description, po::variables_map& values) {
  std::set<std::string_view> bound;
  for (const EnvironmentBinding& binding : kEnvironmentBindings) {
    if (bound.count(binding.option) != 0) continue;
    const std::optional<std::string> value = environment(binding.variable);
    if (!value.has_value() || value->empty()) continue;  // Empty means unset, as click does.
    bound.insert(binding.option);
    try {
      StoreFlags({"--" + std::string(binding.option) + "=" + *value}, description, values);
    } catch (const po::error& e) {
      return Status::InvalidArgument("environment variable " + std::string(binding.variable) +
                                     ": " + e.what());
    }
  }
  return Status::Ok();
}

Status StoreConfigFile(const std::string& path, po::variables_map& values) {
  std::ifstream file(path);
  if (!file) return Status::InvalidArgument("cannot read config file '" + path + "'");
  try {
    // parsed_options points at the description, so it must outlive store().
    const po::options_description description = ServerOptionsDescription();
    po::parsed_options parsed = po::parse_config_file(file, description);
    FoldStoreUriAlias(parsed);
    po::store(parsed, values);
  } catch (const po::error& e) {
    return Status::InvalidArgument("config file '" + path + "': " + e.what());
  }
  return Status::Ok();
}

Status ReadAuthOptions(const po::variables_map& values, ServerOptions& options) {
  options.auth = values[kAuth].as<bool>();
  options.auth_default_permission = values[kAuthDefaultPermission].as<std::string>();
  options.auth_registration_needs_grant = values[kAuthRegistrationNeedsGrant].as<bool>();
  options.auth_cache_seconds = values[kAuthCacheSeconds].as<int>();
  options.auth_password_iterations = values[kAuthPasswordIterations].as<int>();
  if (values.count(kAuthAdminUsername) != 0) {
    options.auth_admin_username = values[kAuthAdminUsername].as<std::string>();
  }
  if (values.count(kAuthAdminPasswordFile) != 0) {
    options.auth_admin_password_file = values[kAuthAdminPasswordFile].as<std::string>();
  }
  const std::string& permission = options.auth_default_permission;
  if (!ParsePermission(permission).has_value()) {
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
  return Status::Ok();
}

Result<ServerOptions> ToServerOptions(const po::variables_map& values) {
  ServerOptions options;
  options.backend_store_uri = values[kStoreUri].as<std::string>();
  options.host = values[kHost].as<std::string>();
  options.port = values[kPort].as<int>();
  options.workers = values[kWorkers].as<int>();
  const long long max_body = values[kMaxBody].as<long long>();
  options.access_log = values[kAccessLog].as<bool>();
  options.pool_wait_timeout_ms = values[kPoolWait].as<int>();
  if (values.count(kPolicyFile) != 0) options.policy_file = values[kPolicyFile].as<std::string>();
  if (values.count(kSourceRegex) != 0) {
    options.source_validation_regex = values[kSourceRegex].as<std::string>();
    if (Result<Regex> regex = Regex::Compile(options.source_validation_regex); !regex.ok()) {
      return Status::InvalidArgument("--source-validation-regex is not valid in RE2 syntax: " +
                                     regex.status().message());
    }
  }

  RETURN_IF_ERROR(ReadAuthOptions(values, options));
  if (values.count(kUpstream) != 0) options.tracking_upstream = values[kUpstream].as<std::string>();
  if (values.count(kTrackingUi) != 0)
    options.tracking_ui_url = values[kTrackingUi].as<std::string>();
  options.tracking_upstream_connect_timeout_ms = values[kUpstreamConnect].as<int>();
  options.tracking_upstream_timeout_ms = values[kUpstreamTimeout].as<int>();
  if (options.tracking_upstream_connect_timeout_ms < 1 ||
      options.tracking_upstream_timeout_ms < 1) {
    return Status::InvalidArgument("--tracking-upstream timeouts must be positive");
  }
  if (!options.tracking_upstream.empty() && options.tracking_upstream.rfind("http://", 0) != 0 &&
      options.tracking_upstream.rfind("https://", 0) != 0) {
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
  if (max_body < 1) {
    return Status::InvalidArgument("--max-request-body-bytes must be positive, got " +
                                   std::to_string(max_body));
  }
  options.max_request_body_bytes = static_cast<size_t>(max_body);
  if (options.pool_wait_timeout_ms < 0) {
    return Status::InvalidArgument("--pool-wait-timeout-ms must not be negative, got " +
                                   std::to_string(options.pool_wait_timeout_ms));
  }
  return options;
}

Result<CommandLine> ParseServerCommand(const std::vector<std::string>& args,
                                       const EnvironmentLookup& environment) {
  CommandLine command;
  const po::options_description description = CommandLineDescription();
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
  ASSIGN_OR_RETURN(command.options, ToServerOptions(values));
  if (std::optional<std::string> password = environment(kAdminPasswordVariable)) {
    command.options.auth_admin_password = *password;
  }
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
  if (command != "server") {
    return Status::InvalidArgument("unknown command '" + command + "'; try 'modelwarden --help'");
  }
  return ParseServerCommand(std::vector<std::string>(args.begin() + 1, args.end()), environment);
}

std::string DescribeOptions(const ServerOptions& options) {
  std::ostringstream out;
  out << "modelwarden " << kModelwardenVersion << "\n"
      << "  backend-store-uri = " << MaskStoreUri(options.backend_store_uri) << "\n"
      << "  host = " << options.host << "\n"
      << "  port = " << options.port << "\n"
      << "  workers = " << options.workers << "\n"
      << "  max-request-body-bytes = " << options.max_request_body_bytes << "\n"
      << "  access-log = " << (options.access_log ? "true" : "false") << "\n"
      << "  pool-wait-timeout-ms = " << options.pool_wait_timeout_ms << "\n"
      << "  policy-file = " << (options.policy_file.empty() ? "(none)" : options.policy_file)
      << "\n";
  if (!options.source_validation_regex.empty()) {
    out << "  source-validation-regex = " << options.source_validation_regex << "\n";
  }
  out << "  auth = " << (options.auth ? "true" : "false") << "\n";
  if (options.auth) {
    out << "  auth-default-permission = " << options.auth_default_permission << "\n"
        << "  auth-registration-needs-grant = "
        << (options.auth_registration_needs_grant ? "true" : "false") << "\n"
        << "  auth-cache-seconds = " << options.auth_cache_seconds << "\n";
    if (!options.auth_admin_username.empty()) {
      out << "  auth-admin-username = " << options.auth_admin_username << "\n";
    }
  }
  if (!options.tracking_upstream.empty()) {
    out << "  tracking-upstream = " << MaskStoreUri(options.tracking_upstream) << " (timeouts "
        << options.tracking_upstream_connect_timeout_ms << " ms connect, "
        << options.tracking_upstream_timeout_ms << " ms read)\n";
  }
  return out.str();
}

}  // namespace modelwarden
