#include "compat/cli.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace modelwarden {
namespace {

using Environment = std::map<std::string, std::string>;

EnvironmentLookup Lookup(const Environment& environment) {
  return [environment](const std::string& name) -> std::optional<std::string> {
    auto it = environment.find(name);
    if (it == environment.end()) return std::nullopt;
    return it->second;
  };
}

Result<CommandLine> Parse(std::vector<std::string> args, const Environment& environment = {}) {
  args.insert(args.begin(), "modelwarden");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data(), Lookup(environment));
}

ServerOptions ParseServer(std::vector<std::string> args, const Environment& environment = {}) {
  args.insert(args.begin(), "server");
  Result<CommandLine> command = Parse(args, environment);
  EXPECT_TRUE(command.ok()) << command.status().ToString();
  if (!command.ok()) return ServerOptions();
  EXPECT_EQ(command->action, CommandLine::Action::kServe);
  return command->options;
}

// A config file in the test's temporary directory, removed at the end of the test.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& contents)
      : path_(::testing::TempDir() + "modelwarden_cli_test_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".ini") {
    std::ofstream(path_) << contents;
  }
  ~ConfigFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(CliTest, Defaults) {
  const ServerOptions options = ParseServer({});
  const ServerOptions defaults;
  EXPECT_EQ(options.host, "127.0.0.1");
  EXPECT_EQ(options.port, 5000);
  EXPECT_EQ(options.backend_store_uri, "sqlite:///modelwarden.db");
  EXPECT_EQ(options.workers, defaults.workers);
  EXPECT_GE(options.workers, 8);
  EXPECT_EQ(options.max_request_body_bytes, defaults.max_request_body_bytes);
  EXPECT_EQ(options.access_log, defaults.access_log);
  EXPECT_EQ(options.pool_wait_timeout_ms, defaults.pool_wait_timeout_ms);
}

TEST(CliTest, Flags) {
  const ServerOptions options =
      ParseServer({"--backend-store-uri", "sqlite:////data/r.db", "--host=0.0.0.0", "--port",
                   "5001", "--workers", "3", "--max-request-body-bytes", "1024", "--access-log",
                   "--pool-wait-timeout-ms", "250"});
  EXPECT_EQ(options.backend_store_uri, "sqlite:////data/r.db");
  EXPECT_EQ(options.host, "0.0.0.0");
  EXPECT_EQ(options.port, 5001);
  EXPECT_EQ(options.workers, 3);
  EXPECT_EQ(options.max_request_body_bytes, 1024u);
  EXPECT_TRUE(options.access_log);
  EXPECT_EQ(options.pool_wait_timeout_ms, 250);
  EXPECT_FALSE(ParseServer({"--access-log=false"}).access_log);
}

TEST(CliTest, RegistryStoreUriIsAnAlias) {
  EXPECT_EQ(ParseServer({"--registry-store-uri", "sqlite:///a.db"}).backend_store_uri,
            "sqlite:///a.db");
  EXPECT_EQ(ParseServer(
                {"--backend-store-uri", "sqlite:///b.db", "--registry-store-uri", "sqlite:///a.db"})
                .backend_store_uri,
            "sqlite:///a.db");
}

TEST(CliTest, EnvironmentOverridesDefaults) {
  const ServerOptions options =
      ParseServer({}, {{"MODELWARDEN_BACKEND_STORE_URI", "sqlite:///e.db"},
                       {"MODELWARDEN_HOST", "10.0.0.1"},
                       {"MODELWARDEN_PORT", "6000"},
                       {"MODELWARDEN_WORKERS", "4"},
                       {"MODELWARDEN_ACCESS_LOG", "true"}});
  EXPECT_EQ(options.backend_store_uri, "sqlite:///e.db");
  EXPECT_EQ(options.host, "10.0.0.1");
  EXPECT_EQ(options.port, 6000);
  EXPECT_EQ(options.workers, 4);
  EXPECT_TRUE(options.access_log);
}

TEST(CliTest, FlagsOverrideEnvironment) {
  const ServerOptions options =
      ParseServer({"--port", "7000", "--backend-store-uri", "sqlite:///flag.db"},
                  {{"MODELWARDEN_PORT", "6000"}, {"MLFLOW_REGISTRY_STORE_URI", "sqlite:///e.db"}});
  EXPECT_EQ(options.port, 7000);
  EXPECT_EQ(options.backend_store_uri, "sqlite:///flag.db");
}

TEST(CliTest, MlflowVariablesAreFallbacks) {
  EXPECT_EQ(ParseServer({}, {{"MLFLOW_PORT", "5100"}}).port, 5100);
  EXPECT_EQ(ParseServer({}, {{"MLFLOW_PORT", "5100"}, {"MODELWARDEN_PORT", "5200"}}).port, 5200);
  EXPECT_EQ(ParseServer({}, {{"MLFLOW_HOST", "0.0.0.0"}}).host, "0.0.0.0");
  EXPECT_EQ(ParseServer({}, {{"MLFLOW_BACKEND_STORE_URI", "sqlite:///b.db"},
                             {"MLFLOW_REGISTRY_STORE_URI", "sqlite:///r.db"}})
                .backend_store_uri,
            "sqlite:///r.db");
  EXPECT_EQ(ParseServer({}, {{"MLFLOW_BACKEND_STORE_URI", "sqlite:///b.db"}}).backend_store_uri,
            "sqlite:///b.db");
}

TEST(CliTest, EmptyVariableIsUnset) {
  EXPECT_EQ(ParseServer({}, {{"MODELWARDEN_PORT", ""}, {"MLFLOW_PORT", "5100"}}).port, 5100);
}

TEST(CliTest, ConfigFileOverridesDefaults) {
  ConfigFile file(
      "host = 0.0.0.0\nport = 5300\nregistry-store-uri = sqlite:///file.db\n"
      "access-log = true\n");
  const ServerOptions options = ParseServer({"--config", file.path()});
  EXPECT_EQ(options.host, "0.0.0.0");
  EXPECT_EQ(options.port, 5300);
  EXPECT_EQ(options.backend_store_uri, "sqlite:///file.db");
  EXPECT_TRUE(options.access_log);
  EXPECT_EQ(options.workers, ServerOptions().workers);
}

TEST(CliTest, PrecedenceFlagsThenEnvironmentThenFile) {
  ConfigFile file("host = file-host\nport = 5300\nworkers = 2\n");
  const ServerOptions options =
      ParseServer({"--config", file.path(), "--port", "5400"},
                  {{"MODELWARDEN_PORT", "5500"}, {"MODELWARDEN_HOST", "env-host"}});
  EXPECT_EQ(options.port, 5400);        // Flag beats environment and file.
  EXPECT_EQ(options.host, "env-host");  // Environment beats file.
  EXPECT_EQ(options.workers, 2);        // File beats default.
}

TEST(CliTest, ConfigFileFromEnvironment) {
  ConfigFile file("port = 5301\n");
  EXPECT_EQ(ParseServer({}, {{"MODELWARDEN_CONFIG", file.path()}}).port, 5301);
}

TEST(CliTest, ConfigFileErrors) {
  ConfigFile unknown("colour = blue\n");
  Result<CommandLine> command = Parse({"server", "--config", unknown.path()});
  ASSERT_FALSE(command.ok());
  EXPECT_NE(command.status().message().find(unknown.path()), std::string::npos);

  command = Parse({"server", "--config", "/nonexistent/modelwarden.ini"});
  ASSERT_FALSE(command.ok());
  EXPECT_NE(command.status().message().find("cannot read config file"), std::string::npos);
}

TEST(CliTest, InvalidValues) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"server", "--port", "abc"},
                                             {"server", "--port", "0"},
                                             {"server", "--port", "70000"},
                                             {"server", "--workers", "0"},
                                             {"server", "--max-request-body-bytes", "0"},
                                             {"server", "--pool-wait-timeout-ms", "-1"},
                                             {"server", "--host", ""},
                                             {"server", "--bogus"},
                                             {"server", "extra"},
                                             {"server", "--back", "sqlite:///x.db"},
                                             {"server", "--port", "1", "--port", "2"}}) {
    Result<CommandLine> command = Parse(args);
    EXPECT_FALSE(command.ok()) << args.back();
    EXPECT_EQ(command.status().code(), ErrorCode::kInvalidParameterValue) << args.back();
  }
}

TEST(CliTest, InvalidEnvironmentNamesTheVariable) {
  Result<CommandLine> command = Parse({"server"}, {{"MODELWARDEN_PORT", "abc"}});
  ASSERT_FALSE(command.ok());
  EXPECT_NE(command.status().message().find("MODELWARDEN_PORT"), std::string::npos);
}

TEST(CliTest, Commands) {
  EXPECT_FALSE(Parse({}).ok());
  EXPECT_FALSE(Parse({"serve"}).ok());
  for (const char* help : {"--help", "-h"}) {
    Result<CommandLine> command = Parse({help});
    ASSERT_TRUE(command.ok());
    EXPECT_EQ(command->action, CommandLine::Action::kHelp);
    EXPECT_NE(command->text.find("--backend-store-uri"), std::string::npos);
  }
  Result<CommandLine> server_help = Parse({"server", "--help"});
  ASSERT_TRUE(server_help.ok());
  EXPECT_EQ(server_help->action, CommandLine::Action::kHelp);
  Result<CommandLine> version = Parse({"--version"});
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->action, CommandLine::Action::kVersion);
  EXPECT_EQ(version->text.rfind("modelwarden ", 0), 0u);
}

TEST(CliTest, DescribeOptionsMasksPassword) {
  ServerOptions options;
  options.backend_store_uri = "mysql://registry:s3cr3t@db.internal:3306/mlflow";
  const std::string description = DescribeOptions(options);
  EXPECT_EQ(description.find("s3cr3t"), std::string::npos);
  EXPECT_NE(description.find("db.internal"), std::string::npos);
  EXPECT_NE(description.find("port = 5000"), std::string::npos);
}

TEST(CliTest, PolicyFileAndSourceRegexFromFlagsAndMlflowVariables) {
  ServerOptions options =
      ParseServer({"--policy-file", "p.json"},
                  {{"MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX", "^s3://approved/"}});
  EXPECT_EQ(options.policy_file, "p.json");
  EXPECT_EQ(options.source_validation_regex, "^s3://approved/");
  options = ParseServer({}, {{"MODELWARDEN_POLICY_FILE", "env.json"}});
  EXPECT_EQ(options.policy_file, "env.json");
  EXPECT_EQ(Parse({"server", "--source-validation-regex", "(unclosed"}).status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST(CliTest, PolicyCommands) {
  Result<CommandLine> validate = Parse({"policy", "validate", "p.json"});
  ASSERT_TRUE(validate.ok()) << validate.status().ToString();
  EXPECT_EQ(validate->action, CommandLine::Action::kPolicyValidate);
  EXPECT_EQ(validate->policy_file, "p.json");
  Result<CommandLine> report = Parse(
      {"policy", "report", "--policy-file", "p.json", "--backend-store-uri", "sqlite:///r.db"});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->action, CommandLine::Action::kPolicyReport);
  EXPECT_EQ(report->options.backend_store_uri, "sqlite:///r.db");
  EXPECT_EQ(Parse({"policy", "report"}).status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(Parse({"policy", "validate"}).status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(Parse({"policy", "frobnicate"}).status().code(), ErrorCode::kInvalidParameterValue);
}

TEST(CliTest, ImportCommands) {
  Result<CommandLine> db =
      Parse({"import", "--from-db", "sqlite:///mlflow.db", "--dry-run", "--policy-file", "p.json",
             "--enforce", "--rename-map", "renames.csv", "--backend-store-uri", "sqlite:///mw.db"});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(db->action, CommandLine::Action::kImport);
  EXPECT_EQ(db->transfer.from_db, "sqlite:///mlflow.db");
  EXPECT_TRUE(db->transfer.dry_run);
  EXPECT_TRUE(db->transfer.enforce);
  EXPECT_EQ(db->transfer.rename_map, "renames.csv");
  EXPECT_EQ(db->transfer.workspace, "default");
  EXPECT_EQ(db->options.backend_store_uri, "sqlite:///mw.db");
  EXPECT_EQ(db->options.policy_file, "p.json");

  // MLflow's client variables authenticate --from; they are never flags.
  Result<CommandLine> rest =
      Parse({"import", "--from", "http://mlflow:5000"}, {{"MLFLOW_TRACKING_USERNAME", "svc"},
                                                         {"MLFLOW_TRACKING_PASSWORD", "pw"},
                                                         {"MLFLOW_TRACKING_TOKEN", "tok"}});
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(rest->transfer.from_url, "http://mlflow:5000");
  EXPECT_EQ(rest->transfer.source_username, "svc");
  EXPECT_EQ(rest->transfer.source_password, "pw");
  EXPECT_EQ(rest->transfer.source_token, "tok");
  EXPECT_FALSE(rest->transfer.dry_run);

  Result<CommandLine> file = Parse({"import", "--from-file", "backup.jsonl"});
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->transfer.from_file, "backup.jsonl");

  Result<CommandLine> out = Parse({"export", "--to", "backup.jsonl"});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->action, CommandLine::Action::kExport);
  EXPECT_EQ(out->transfer.to_file, "backup.jsonl");

  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"import"},                                                     // No source.
           {"import", "--from-db", "sqlite:///a.db", "--from-file", "b"},  // Two sources.
           {"import", "--from-db", "sqlite:///a.db", "--enforce"},         // Nothing to enforce.
           {"import", "--from-db", "sqlite:///a.db", "--suggest-renames", "r.csv"},
           {"import", "--from-db", "sqlite:///a.db", "--to", "x.jsonl"},  // An export flag.
           {"export"},
           {"export", "--to", "x.jsonl", "--dry-run"},
           {"server", "--dry-run"},  // Not a server flag.
       }) {
    std::string joined;
    for (const std::string& arg : bad) joined += arg + " ";
    EXPECT_EQ(Parse(bad).status().code(), ErrorCode::kInvalidParameterValue) << joined;
  }
  Result<CommandLine> help = Parse({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_NE(help->text.find("--from-db"), std::string::npos);
  EXPECT_NE(help->text.find("modelwarden export --to FILE.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace modelwarden
