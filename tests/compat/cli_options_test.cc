// The option table of compat/cli.cc seen from outside: every option from each of its sources,
// the validation messages, --help and the start-up listing.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "compat/cli.h"
#include "compat/version.h"

namespace modelwarden {
namespace {

using Environment = std::map<std::string, std::string>;

Result<CommandLine> Parse(std::vector<std::string> args, const Environment& environment = {}) {
  args.insert(args.begin(), "modelwarden");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data(),
                          [environment](const std::string& name) -> std::optional<std::string> {
                            auto it = environment.find(name);
                            if (it == environment.end()) return std::nullopt;
                            return it->second;
                          });
}

ServerOptions ParseServer(std::vector<std::string> args, const Environment& environment = {}) {
  args.insert(args.begin(), "server");
  Result<CommandLine> command = Parse(args, environment);
  EXPECT_TRUE(command.ok()) << command.status().ToString();
  return command.ok() ? command->options : ServerOptions();
}

// A config file in the test's temporary directory, removed at the end of the test.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& contents)
      : path_(::testing::TempDir() + "modelwarden_cli_options_test_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".ini") {
    std::ofstream(path_) << contents;
  }
  ~ConfigFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Every field DescribeOptions or the server reads, one per line, to compare options wholesale.
std::string Fields(const ServerOptions& o) {
  std::ostringstream out;
  out << "host=" << o.host << "\nport=" << o.port << "\nbackend_store_uri=" << o.backend_store_uri
      << "\nworkers=" << o.workers << "\nmax_request_body_bytes=" << o.max_request_body_bytes
      << "\naccess_log=" << o.access_log << "\npool_wait_timeout_ms=" << o.pool_wait_timeout_ms
      << "\nsqlite_cache_mb=" << o.sqlite_cache_mb << "\npolicy_file=" << o.policy_file
      << "\nsource_validation_regex=" << o.source_validation_regex << "\nauth=" << o.auth
      << "\nauth_default_permission=" << o.auth_default_permission
      << "\nauth_registration_needs_grant=" << o.auth_registration_needs_grant
      << "\nauth_cache_seconds=" << o.auth_cache_seconds
      << "\nauth_password_iterations=" << o.auth_password_iterations
      << "\nauth_admin_username=" << o.auth_admin_username
      << "\nauth_admin_password_file=" << o.auth_admin_password_file
      << "\nauth_admin_password=" << o.auth_admin_password
      << "\ntracking_upstream=" << o.tracking_upstream
      << "\ntracking_upstream_connect_timeout_ms=" << o.tracking_upstream_connect_timeout_ms
      << "\ntracking_upstream_timeout_ms=" << o.tracking_upstream_timeout_ms
      << "\ntracking_ui_url=" << o.tracking_ui_url
      << "\nretention_interval_minutes=" << o.retention_interval_minutes << "\n";
  return out.str();
}

struct OptionCase {
  std::string flag;      // Without the dashes; also the config-file key.
  std::string variable;  // MODELWARDEN_...
  std::string value;     // Not the default.
  std::string field;     // How Fields() shows it then.
};

const std::vector<OptionCase>& AllOptions() {
  static const auto* cases = new std::vector<OptionCase>{
      {"backend-store-uri", "MODELWARDEN_BACKEND_STORE_URI", "sqlite:///o.db",
       "backend_store_uri=sqlite:///o.db"},
      {"host", "MODELWARDEN_HOST", "10.1.2.3", "host=10.1.2.3"},
      {"port", "MODELWARDEN_PORT", "5123", "port=5123"},
      {"workers", "MODELWARDEN_WORKERS", "7", "workers=7"},
      {"max-request-body-bytes", "MODELWARDEN_MAX_REQUEST_BODY_BYTES", "4096",
       "max_request_body_bytes=4096"},
      {"access-log", "MODELWARDEN_ACCESS_LOG", "true", "access_log=1"},
      {"pool-wait-timeout-ms", "MODELWARDEN_POOL_WAIT_TIMEOUT_MS", "17", "pool_wait_timeout_ms=17"},
      {"sqlite-cache-mb", "MODELWARDEN_SQLITE_CACHE_MB", "300", "sqlite_cache_mb=300"},
      {"policy-file", "MODELWARDEN_POLICY_FILE", "p.json", "policy_file=p.json"},
      {"source-validation-regex", "MODELWARDEN_SOURCE_VALIDATION_REGEX", "^s3://",
       "source_validation_regex=^s3://"},
      {"auth", "MODELWARDEN_AUTH", "true", "auth=1"},
      {"auth-default-permission", "MODELWARDEN_AUTH_DEFAULT_PERMISSION", "EDIT",
       "auth_default_permission=EDIT"},
      {"auth-registration-needs-grant", "MODELWARDEN_AUTH_REGISTRATION_NEEDS_GRANT", "true",
       "auth_registration_needs_grant=1"},
      {"auth-cache-seconds", "MODELWARDEN_AUTH_CACHE_SECONDS", "9", "auth_cache_seconds=9"},
      {"auth-password-iterations", "MODELWARDEN_AUTH_PASSWORD_ITERATIONS", "1000",
       "auth_password_iterations=1000"},
      {"auth-admin-username", "MODELWARDEN_AUTH_ADMIN_USERNAME", "root",
       "auth_admin_username=root"},
      {"auth-admin-password-file", "MODELWARDEN_AUTH_ADMIN_PASSWORD_FILE", "/run/pw",
       "auth_admin_password_file=/run/pw"},
      {"tracking-upstream", "MODELWARDEN_TRACKING_UPSTREAM", "http://t:5000",
       "tracking_upstream=http://t:5000"},
      {"tracking-upstream-connect-timeout-ms", "MODELWARDEN_TRACKING_UPSTREAM_CONNECT_TIMEOUT_MS",
       "11", "tracking_upstream_connect_timeout_ms=11"},
      {"tracking-upstream-timeout-ms", "MODELWARDEN_TRACKING_UPSTREAM_TIMEOUT_MS", "12",
       "tracking_upstream_timeout_ms=12"},
      {"tracking-ui-url", "MODELWARDEN_TRACKING_UI_URL", "http://ui", "tracking_ui_url=http://ui"},
      {"retention-interval-minutes", "MODELWARDEN_RETENTION_INTERVAL_MINUTES", "15",
       "retention_interval_minutes=15"},
  };
  return *cases;
}

TEST(CliOptionsTest, EveryOptionComesAlikeFromFlagEnvironmentAndConfigFile) {
  const std::string defaults = Fields(ParseServer({}));
  for (const OptionCase& option : AllOptions()) {
    SCOPED_TRACE(option.flag);
    const std::string from_flag = Fields(ParseServer({"--" + option.flag + "=" + option.value}));
    EXPECT_NE(from_flag, defaults);
    EXPECT_NE(("\n" + from_flag).find("\n" + option.field + "\n"), std::string::npos) << from_flag;
    EXPECT_EQ(Fields(ParseServer({}, {{option.variable, option.value}})), from_flag);
    ConfigFile file(option.flag + " = " + option.value + "\n");
    EXPECT_EQ(Fields(ParseServer({"--config", file.path()})), from_flag);
  }
}

TEST(CliOptionsTest, AdminPasswordComesOnlyFromTheEnvironment) {
  EXPECT_EQ(ParseServer({}, {{"MODELWARDEN_AUTH_ADMIN_PASSWORD", "s3cr3t pw"}}).auth_admin_password,
            "s3cr3t pw");
  EXPECT_EQ(Parse({"server", "--auth-admin-password", "x"}).status().code(),
            ErrorCode::kInvalidParameterValue);
  ConfigFile file("auth-admin-password = x\n");
  EXPECT_EQ(Parse({"server", "--config", file.path()}).status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST(CliOptionsTest, ConfigAndTheRegistryAliasComeOnlyFromWhereTheyBelong) {
  // --config is not a config-file key, and the alias has no variable of its own.
  ConfigFile nested("config = other.ini\n");
  EXPECT_EQ(Parse({"server", "--config", nested.path()}).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(
      ParseServer({}, {{"MODELWARDEN_REGISTRY_STORE_URI", "sqlite:///r.db"}}).backend_store_uri,
      ServerOptions().backend_store_uri);
}

TEST(CliOptionsTest, HelpNamesEveryVariable) {
  Result<CommandLine> help = Parse({"--help"});
  ASSERT_TRUE(help.ok());
  for (const OptionCase& option : AllOptions()) {
    EXPECT_NE(help->text.find(option.variable), std::string::npos) << option.variable;
    EXPECT_NE(help->text.find("--" + option.flag + " "), std::string::npos) << option.flag;
  }
  for (const char* variable :
       {"MODELWARDEN_CONFIG", "MODELWARDEN_AUTH_ADMIN_PASSWORD", "MLFLOW_REGISTRY_STORE_URI",
        "MLFLOW_BACKEND_STORE_URI", "MLFLOW_HOST", "MLFLOW_PORT",
        "MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX"}) {
    EXPECT_NE(help->text.find(variable), std::string::npos) << variable;
  }
}

TEST(CliOptionsTest, InvalidValuesKeepTheirMessages) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--port", "0"}, "--port must be between 1 and 65535, got 0"},
      {{"--workers", "5000"}, "--workers must be between 1 and 4096, got 5000"},
      {{"--max-request-body-bytes", "-3"}, "--max-request-body-bytes must be positive, got -3"},
      {{"--pool-wait-timeout-ms", "-1"}, "--pool-wait-timeout-ms must not be negative, got -1"},
      {{"--sqlite-cache-mb", "0"}, "--sqlite-cache-mb must be between 1 and 1048576, got 0"},
      {{"--auth-default-permission", "ALL"},
       "--auth-default-permission must be READ, EDIT, MANAGE or NO_PERMISSIONS, got 'ALL'"},
      {{"--auth-cache-seconds", "3601"},
       "--auth-cache-seconds must be between 0 and 3600, got 3601"},
      {{"--auth-password-iterations", "999"},
       "--auth-password-iterations must be between 1000 and 10000000, got 999"},
      {{"--tracking-upstream-timeout-ms", "0"}, "--tracking-upstream timeouts must be positive"},
      {{"--tracking-upstream", "ftp://u:pw@t/"},
       "--tracking-upstream must be an http:// or https:// URL, got 'ftp://u:***@t/'"},
      {{"--backend-store-uri", ""}, "--backend-store-uri must not be empty"},
  };
  for (const auto& [args, message] : cases) {
    std::vector<std::string> command = {"server"};
    command.insert(command.end(), args.begin(), args.end());
    Result<CommandLine> parsed = Parse(command);
    ASSERT_FALSE(parsed.ok()) << args[0];
    EXPECT_EQ(parsed.status().message(), message);
  }
}

TEST(CliOptionsTest, DescribeOptionsListsTheEffectiveOptions) {
  ServerOptions options;
  options.workers = 8;
  EXPECT_EQ(DescribeOptions(options), std::string("modelwarden ") + kModelwardenVersion +
                                          "\n"
                                          "  backend-store-uri = sqlite:///modelwarden.db\n"
                                          "  host = 127.0.0.1\n"
                                          "  port = 5000\n"
                                          "  workers = 8\n"
                                          "  max-connections = 10000\n"
                                          "  header-timeout-ms = 10000\n"
                                          "  idle-timeout-ms = 60000\n"
                                          "  max-request-body-bytes = 16777216\n"
                                          "  access-log = false\n"
                                          "  pool-wait-timeout-ms = 5000\n"
                                          "  sqlite-cache-mb = 64\n"
                                          "  policy-file = (none)\n"
                                          "  auth = false\n"
                                          "  webhook-allowed-schemes = https\n"
                                          "  webhook-request-timeout = 30\n"
                                          "  webhook-request-max-retries = -1\n"
                                          "  webhook-delivery-workers = 10\n"
                                          "  webhook-retry-window-seconds = 86400\n"
                                          "  webhook-delivery-retention-days = 7\n"
                                          "  webhook-deny-private-targets = false\n"
                                          "  retention-interval-minutes = 0\n");
  options.backend_store_uri = "mysql://u:pw@db:3306/r";
  options.policy_file = "p.json";
  options.source_validation_regex = "^s3://";
  options.auth = true;
  options.auth_admin_username = "root";
  options.auth_admin_password = "never shown";
  options.auth_admin_password_file = "/run/pw";
  options.tracking_upstream = "http://me:tok@tracker:5000";
  options.tracking_ui_url = "http://ui";
  EXPECT_EQ(DescribeOptions(options), std::string("modelwarden ") + kModelwardenVersion +
                                          "\n"
                                          "  backend-store-uri = mysql://u:***@db:3306/r\n"
                                          "  host = 127.0.0.1\n"
                                          "  port = 5000\n"
                                          "  workers = 8\n"
                                          "  max-connections = 10000\n"
                                          "  header-timeout-ms = 10000\n"
                                          "  idle-timeout-ms = 60000\n"
                                          "  max-request-body-bytes = 16777216\n"
                                          "  access-log = false\n"
                                          "  pool-wait-timeout-ms = 5000\n"
                                          "  policy-file = p.json\n"
                                          "  source-validation-regex = ^s3://\n"
                                          "  auth = true\n"
                                          "  auth-default-permission = READ\n"
                                          "  auth-registration-needs-grant = false\n"
                                          "  auth-cache-seconds = 5\n"
                                          "  auth-admin-username = root\n"
                                          "  tracking-upstream = http://me:***@tracker:5000\n"
                                          "  tracking-upstream-connect-timeout-ms = 5000\n"
                                          "  tracking-upstream-timeout-ms = 60000\n"
                                          "  fill-run-link = false\n"
                                          "  webhook-allowed-schemes = https\n"
                                          "  webhook-request-timeout = 30\n"
                                          "  webhook-request-max-retries = -1\n"
                                          "  webhook-delivery-workers = 10\n"
                                          "  webhook-retry-window-seconds = 86400\n"
                                          "  webhook-delivery-retention-days = 7\n"
                                          "  webhook-deny-private-targets = false\n"
                                          "  retention-interval-minutes = 0\n");
}

}  // namespace
}  // namespace modelwarden
