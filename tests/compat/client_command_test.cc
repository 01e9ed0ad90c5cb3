// The client commands' command lines (check, approvals; MLflow's environment variables for the
// server and credentials), the check report in text and JUnit, and the retention command line.

#include "compat/client/client_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "compat/cli.h"
#include "compat/client/check_command.h"

namespace modelwarden {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Result<ClientCommand> Parse(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env = {}) {
  return ParseClientCommand(args, [&](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

std::string ErrorOf(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env = {}) {
  Result<ClientCommand> command = Parse(args, env);
  EXPECT_FALSE(command.ok());
  return command.ok() ? "" : command.status().message();
}

TEST(ClientCommandTest, CheckReadsItsFlagsAndMlflowsVariables) {
  Result<ClientCommand> check =
      Parse({"check", "--server", "https://mw.example.com/registry", "--model", "fraud.m",
             "--version", "3", "--alias=champion", "--format", "junit"},
            {{"MLFLOW_TRACKING_USERNAME", "ci"},
             {"MLFLOW_TRACKING_PASSWORD", "secret"},
             {"MLFLOW_TRACKING_TOKEN", "mwt_x"},
             {"MLFLOW_TRACKING_INSECURE_TLS", "True"}});
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->kind, ClientCommand::Kind::kCheck);
  EXPECT_EQ(check->server, "https://mw.example.com/registry");
  EXPECT_EQ(check->model, "fraud.m");
  EXPECT_EQ(check->version, 3);
  EXPECT_EQ(check->alias, "champion");
  EXPECT_EQ(check->stage, "");
  EXPECT_EQ(check->format, "junit");
  EXPECT_EQ(check->credentials.username, "ci");
  EXPECT_EQ(check->credentials.token, "mwt_x");
  EXPECT_TRUE(check->credentials.insecure_tls);
  // The server from MLflow's own variable.
  Result<ClientCommand> from_env =
      Parse({"check", "--model", "m", "--version", "1", "--stage", "Production"},
            {{"MLFLOW_TRACKING_URI", "http://localhost:5000"}});
  ASSERT_TRUE(from_env.ok()) << from_env.status().ToString();
  EXPECT_EQ(from_env->server, "http://localhost:5000");
  EXPECT_EQ(from_env->format, "text");
}

TEST(ClientCommandTest, UsageMistakesAreNamed) {
  const std::vector<std::string> base = {"check", "--server", "http://h", "--model", "m"};
  EXPECT_EQ(ErrorOf({"check", "--model", "m", "--version", "1", "--stage", "Production"},
                    {{"MLFLOW_TRACKING_URI", "databricks"}}),
            "--server URL is required (or MLFLOW_TRACKING_URI set to an http(s) URL)");
  EXPECT_EQ(ErrorOf({"check", "--server", "http://h", "--model", "m", "--stage", "Staging"}),
            "--version is required");
  EXPECT_EQ(ErrorOf({"check", "--server", "http://h", "--model", "m", "--version", "0", "--stage",
                     "Staging"}),
            "--version must be a positive whole number, got '0'");
  EXPECT_EQ(ErrorOf({"check", "--server", "http://h", "--model", "m", "--version", "1"}),
            "give exactly one of --stage and --alias");
  EXPECT_EQ(ErrorOf({"check", "--server", "http://h", "--model", "m", "--version", "1", "--stage",
                     "Staging", "--id", "3"}),
            "unknown argument '--id' for this command");
  EXPECT_EQ(ErrorOf({"approvals", "approve", "--server", "http://h"}), "--id is required");
  EXPECT_EQ(ErrorOf({"approvals", "merge"}),
            "usage: modelwarden approvals list|get|create|approve|reject|cancel [flags]");
  EXPECT_EQ(ErrorOf({"approvals", "get", "--server", "http://h", "--id", "1", "--id", "2"}),
            "--id is given twice");
}

TEST(ClientCommandTest, ApprovalCommands) {
  Result<ClientCommand> create =
      Parse({"approvals", "create", "--server", "http://h", "--model", "m", "--version", "2",
             "--stage", "Production", "--archive-existing-versions", "--comment", "ready"});
  ASSERT_TRUE(create.ok()) << create.status().ToString();
  EXPECT_EQ(create->kind, ClientCommand::Kind::kCreate);
  EXPECT_TRUE(create->archive_existing_versions);
  EXPECT_EQ(create->comment, "ready");
  Result<ClientCommand> list = Parse(
      {"approvals", "list", "--server", "http://h", "--status", "pending", "--max-results", "5"});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->status, "pending");
  EXPECT_EQ(list->max_results, 5);
}

constexpr char kReport[] = R"({"check": {"name": "fraud.m", "version": "3",
  "stage": "Production", "alias": "champion", "allowed": false, "approval_rule": "four-eyes",
  "checks": [
    {"rule_id": "owner", "mode": "enforce", "result": "failed",
     "message": "model tag 'owner' is missing", "fix": "set tag owner=<e-mail>"},
    {"rule_id": "auc", "mode": "enforce", "result": "passed", "message": "auc 0.9 >= 0.85"},
    {"rule_id": "latency", "mode": "warn", "result": "warned", "message": "p99 < 50 & \"fast\"",
     "fix": "make it faster"}]}})";

TEST(CheckReportTest, TextListsEveryCheckWithItsFix) {
  Result<CheckReport> report = ParseCheckReport(kReport);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const std::string text = RenderCheckText(*report);
  EXPECT_THAT(text, HasSubstr("fraud.m version 3 -> alias champion (Production): DENIED (1 of 3 "
                              "checks failed, 1 warned)"));
  EXPECT_THAT(text, HasSubstr("  FAIL  [owner] model tag 'owner' is missing\n"
                              "        fix: set tag owner=<e-mail>\n"));
  EXPECT_THAT(text, HasSubstr("  PASS  [auc] auc 0.9 >= 0.85\n"));
  EXPECT_THAT(text, HasSubstr("  WARN  [latency]"));
  EXPECT_THAT(text, HasSubstr("approval rule four-eyes holds this move"));
}

TEST(CheckReportTest, JunitIsEscapedXmlWithAFailurePerFailedCheck) {
  Result<CheckReport> report = ParseCheckReport(kReport);
  ASSERT_TRUE(report.ok());
  const std::string xml = RenderCheckJunit(*report);
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"modelwarden check\" tests=\"3\" failures=\"1\">"));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"model tag 'owner' is missing\">fix: set tag "
                             "owner=&lt;e-mail&gt;</failure>"));
  EXPECT_THAT(xml, HasSubstr("name=\"[auc] auc 0.9 &gt;= 0.85\"/>"));
  EXPECT_THAT(xml, HasSubstr("p99 &lt; 50 &amp; &quot;fast&quot;"));
  EXPECT_THAT(xml, Not(HasSubstr("& ")));
}

TEST(CheckReportTest, AnythingButAReportIsAnError) {
  EXPECT_FALSE(ParseCheckReport("<html>").ok());
  EXPECT_FALSE(ParseCheckReport(R"({"check": 1})").ok());
  EXPECT_EQ(DescribeErrorResponse(403, R"({"error_code":"PERMISSION_DENIED","message":"no"})"),
            "403 PERMISSION_DENIED: no");
  EXPECT_EQ(DescribeErrorResponse(502, "Bad Gateway"), "502: Bad Gateway");
}

Result<CommandLine> ParseCli(const std::vector<std::string>& args) {
  std::vector<const char*> argv = {"modelwarden"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data(),
                          [](const std::string&) { return std::nullopt; });
}

TEST(RetentionCommandLineTest, PlanAndApplyTakeTheServersStoreAndPolicy) {
  Result<CommandLine> apply =
      ParseCli({"retention", "apply", "--policy-file", "p.json", "--max-changes", "50000",
                "--backend-store-uri", "sqlite:///r.db", "--models-per-page", "200"});
  ASSERT_TRUE(apply.ok()) << apply.status().ToString();
  EXPECT_EQ(apply->action, CommandLine::Action::kRetentionApply);
  EXPECT_EQ(apply->retention_max_changes, 50000);
  EXPECT_EQ(apply->retention_models_per_page, 200);
  EXPECT_EQ(apply->options.backend_store_uri, "sqlite:///r.db");
  EXPECT_EQ(ParseCli({"retention", "plan"}).status().message(),
            "retention plan needs --policy-file FILE (the rules are in its \"retention\" "
            "section)");
  EXPECT_FALSE(ParseCli({"retention", "plan", "--policy-file", "p", "--max-changes", "3"}).ok());
  EXPECT_FALSE(ParseCli({"retention", "sweep"}).ok());
  Result<CommandLine> serve = ParseCli({"server", "--retention-interval-minutes", "15"});
  ASSERT_TRUE(serve.ok());
  EXPECT_EQ(serve->options.retention_interval_minutes, 15);
  EXPECT_FALSE(ParseCli({"server", "--retention-interval-minutes", "-1"}).ok());
  Result<CommandLine> check = ParseCli(
      {"check", "--server", "http://h", "--model", "m", "--version", "1", "--stage", "Staging"});
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->action, CommandLine::Action::kCheck);
}

}  // namespace
}  // namespace modelwarden
