// The composition root: options -> store -> registry service -> enforcement -> HTTP server.
// The only place where objects are created and wired.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "compat/artifacts/version_artifacts.h"
#include "compat/cli.h"
#include "compat/client/approvals_command.h"
#include "compat/client/check_command.h"
#include "compat/http_server.h"
#include "compat/importer/transfer_commands.h"
#include "compat/retention_command.h"
#include "compat/tracker/experiment_directory.h"
#include "compat/tracker/forwarded_authorizer.h"
#include "compat/tracker/governed_tracking_calls.h"
#include "compat/tracker/tracker_calls.h"
#include "compat/tracker/tracker_client.h"
#include "compat/tracker/tracking_proxy.h"
#include "compat/webhooks/http_webhook_transport.h"
#include "enforcement/access/access_admin.h"
#include "enforcement/access/access_control.h"
#include "enforcement/access/crypto.h"
#include "enforcement/enforcing_governor.h"
#include "enforcement/governance_service.h"
#include "enforcement/lifecycle/approval_service.h"
#include "enforcement/lifecycle/retention_runner.h"
#include "enforcement/lifecycle/retention_schedule.h"
#include "enforcement/policy/compliance_report.h"
#include "enforcement/policy/policy_holder.h"
#include "enforcement/policy/policy_loader.h"
#include "enforcement/webhooks/delivery_worker.h"
#include "enforcement/webhooks/webhook_crypto.h"
#include "enforcement/webhooks/webhook_service.h"
#include "registry/clock.h"
#include "registry/regex.h"
#include "registry/registry_service.h"
#include "registry/store_factory.h"

namespace {

constexpr int kExitUsage = 2;

constexpr auto kPolicyPollInterval = std::chrono::seconds(2);
// From SIGTERM to exit at most (the HTTP edge drains for at most 8 s of it).
constexpr auto kStopDeadline = std::chrono::seconds(9);

// SIGINT/SIGTERM (stop) and SIGHUP (reload the policy) are blocked in every thread and taken
// by one watcher with sigwait, so they run as ordinary code rather than in a signal handler.
sigset_t WatchedSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  return signals;
}

void ReportReload(const modelwarden::PolicyHolder& holder, const modelwarden::Status& status,
                  const char* why) {
  if (status.ok()) {
    std::fprintf(stderr, "modelwarden: policy %s reloaded (%s)\n", holder.path().c_str(), why);
  } else {
    std::fprintf(stderr, "modelwarden: policy %s NOT reloaded (%s), the previous one stays:\n%s\n",
                 holder.path().c_str(), why, status.message().c_str());
  }
}

modelwarden::Result<modelwarden::Stores> OpenStore(const modelwarden::ServerOptions& options) {
  modelwarden::StoreOptions store_options;
  store_options.uri = options.backend_store_uri;
  store_options.pool_size = options.workers;
  store_options.pool_wait_timeout_ms = options.pool_wait_timeout_ms;
  store_options.sqlite_cache_bytes = int64_t{options.sqlite_cache_mb} * 1024 * 1024;
  auto store = modelwarden::OpenStores(store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "modelwarden: cannot open backend store %s: %s\n",
                 modelwarden::MaskStoreUri(options.backend_store_uri).c_str(),
                 store.status().ToString().c_str());
  }
  return store;
}

int ValidatePolicy(const std::string& path) {
  // Offline there is no server to ask; run.metrics gates are accepted and said to need one,
  // approval rules likewise assumed to meet --auth.
  modelwarden::PolicyLoadOptions load_options;
  load_options.tracker_configured = true;
  load_options.auth_enabled = true;
  auto policy = modelwarden::LoadPolicyFile(path, load_options);
  if (!policy.ok()) {
    std::fprintf(stderr, "%s\n", policy.status().message().c_str());
    return 1;
  }
  std::printf(
      "%s: valid (naming %s, %zu requirements, model card %s, lifecycle %s, %zu gates, %zu "
      "approval rules, %zu retention rules)\n",
      path.c_str(), std::string(modelwarden::RuleModeName(policy->naming.mode)).c_str(),
      policy->requirements.size(),
      std::string(modelwarden::RuleModeName(policy->model_card.mode)).c_str(),
      std::string(modelwarden::RuleModeName(policy->lifecycle.mode)).c_str(), policy->gates.size(),
      policy->approvals.rules.size(), policy->retention.size());
  if (!policy->approvals.rules.empty()) {
    std::printf("%s: approval rules: the server needs --auth\n", path.c_str());
  }
  const bool reads_runs =
      policy->runs.mode != modelwarden::RuleMode::kOff ||
      std::any_of(policy->gates.begin(), policy->gates.end(),
                  [](const auto& gate) { return modelwarden::ReadsRunMetric(gate.metric); });
  if (reads_runs) {
    std::printf(
        "%s: reads runs (run.metrics gates or \"runs\"): the server needs "
        "--tracking-upstream\n",
        path.c_str());
  }
  return 0;
}

// Exit status 0 when nothing violates an enforced rule, 1 when something does (so CI can gate
// on it), 2 for a bad policy or store.
int ReportCompliance(const modelwarden::ServerOptions& options) {
  using namespace modelwarden;
  PolicyLoadOptions load_options;
  load_options.tracker_configured = !options.tracking_upstream.empty();
  Result<Policy> policy = LoadPolicyFile(options.policy_file, load_options);
  if (!policy.ok()) {
    std::fprintf(stderr, "%s\n", policy.status().message().c_str());
    return 2;
  }
  auto store = OpenStore(options);
  if (!store.ok()) return 2;
  SystemClock clock;
  PermitAll permit_all;  // The report reads everything; it is run from a shell on the server.
  RegistryService service(*store->models, permit_all, clock);
  Result<ComplianceReport> report = BuildComplianceReport(service, *policy);
  if (!report.ok()) {
    std::fprintf(stderr, "modelwarden: %s\n", report.status().ToString().c_str());
    return 2;
  }
  bool enforced = false;
  for (const Violation& v : report->violations) {
    enforced |= v.check.mode == RuleMode::kEnforce;
    std::printf("%s%s [%s] %s (%s): %s%s%s\n", v.model.c_str(),
                v.version ? (" version " + std::to_string(*v.version)).c_str() : "",
                v.context.c_str(), v.check.rule_id.c_str(),
                std::string(RuleModeName(v.check.mode)).c_str(), v.check.message.c_str(),
                v.check.fix.empty() ? "" : ". Fix: ", v.check.fix.c_str());
  }
  for (const std::string& name : report->versions_not_checked) {
    std::printf("%s: versions not checked (the name cannot be written in a search filter)\n",
                name.c_str());
  }
  std::printf("%lld models and %lld versions checked against %s: %zu violations in %lld models\n",
              static_cast<long long>(report->models), static_cast<long long>(report->versions),
              options.policy_file.c_str(), report->violations.size(),
              static_cast<long long>(report->models_with_violations));
  return enforced ? 1 : 0;
}

// Creates the bootstrap admin if asked to, and refuses to serve with authentication on and
// nobody able to administer it. There is no default password.
bool BootstrapAdmin(const modelwarden::ServerOptions& options, modelwarden::AccessAdmin& admin,
                    modelwarden::AuthStore& store) {
  using namespace modelwarden;
  if (!options.auth_admin_username.empty()) {
    std::string password = options.auth_admin_password;
    if (!options.auth_admin_password_file.empty()) {
      std::ifstream file(options.auth_admin_password_file);
      if (!file || !std::getline(file, password)) {
        std::fprintf(stderr, "modelwarden: cannot read --auth-admin-password-file %s\n",
                     options.auth_admin_password_file.c_str());
        return false;
      }
    }
    if (password.empty()) {
      std::fprintf(stderr,
                   "modelwarden: --auth-admin-username needs a password from "
                   "--auth-admin-password-file or MODELWARDEN_AUTH_ADMIN_PASSWORD\n");
      return false;
    }
    const Status created = admin.EnsureAdmin(options.auth_admin_username, password);
    if (!created.ok()) {
      std::fprintf(stderr, "modelwarden: cannot create the admin user: %s\n",
                   created.message().c_str());
      return false;
    }
  }
  Result<bool> has_admin = store.HasAdmin();
  if (!has_admin.ok() || !*has_admin) {
    std::fprintf(stderr,
                 "modelwarden: --auth is on but no admin user exists; start once with "
                 "--auth-admin-username NAME and MODELWARDEN_AUTH_ADMIN_PASSWORD (or "
                 "--auth-admin-password-file)\n");
    return false;
  }
  return true;
}

modelwarden::DeliveryWorkerOptions DeliveryOptionsFrom(const modelwarden::ServerOptions& options) {
  modelwarden::DeliveryWorkerOptions worker;
  worker.senders = options.webhook_delivery_workers;
  worker.request_timeout = std::chrono::seconds(options.webhook_request_timeout);
  worker.limits.window_millis = int64_t{options.webhook_retry_window_seconds} * 1000;
  if (options.webhook_request_max_retries >= 0) {
    worker.limits.max_retries = options.webhook_request_max_retries;
  }
  worker.retention = std::chrono::hours(24) * options.webhook_delivery_retention_days;
  worker.deny_private_targets = options.webhook_deny_private_targets;
  return worker;
}

modelwarden::WebhookServiceOptions WebhookOptionsFrom(const modelwarden::ServerOptions& options) {
  modelwarden::WebhookServiceOptions webhooks;
  webhooks.allowed_schemes = modelwarden::ParseAllowedSchemes(options.webhook_allowed_schemes);
  webhooks.deny_private_targets = options.webhook_deny_private_targets;
  webhooks.request_timeout = std::chrono::seconds(options.webhook_request_timeout);
  return webhooks;
}

std::string FormatTime(int64_t millis) {
  if (millis == 0) return "-";
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&seconds));
  return text;
}

// `modelwarden token create|list|revoke`, straight against the store (no server needed).
int ManageTokens(const modelwarden::CommandLine& command) {
  using namespace modelwarden;
  auto store = OpenStore(command.options);
  if (!store.ok()) return 1;
  SystemClock clock;
  AccessControl access(*store->auth, clock, *AuthOptionsFrom(command.options));
  AccessAdmin admin(*store->auth, *store->models, access, clock);
  // A shell on the server: trusted like an admin, and audited as "cli".
  CallContext ctx;
  ctx.request_id = "cli";
  ctx.principal = Principal::System("cli");
  if (command.action == CommandLine::Action::kTokenCreate) {
    Result<NewToken> token = admin.CreateToken(ctx, command.token_username, command.token_name,
                                               command.token_expires_in_days);
    if (!token.ok()) {
      std::fprintf(stderr, "modelwarden: %s\n", token.status().message().c_str());
      return 1;
    }
    std::fprintf(stderr, "token %lld for %s, expires %s; the secret is shown only now:\n",
                 static_cast<long long>(token->token.id), token->token.username.c_str(),
                 FormatTime(token->token.expiration_timestamp).c_str());
    std::printf("%s\n", token->secret.c_str());
    return 0;
  }
  if (command.action == CommandLine::Action::kTokenRevoke) {
    const Status revoked = admin.RevokeToken(ctx, command.token_id, std::nullopt);
    if (!revoked.ok()) {
      std::fprintf(stderr, "modelwarden: %s\n", revoked.message().c_str());
      return 1;
    }
    std::printf("token %lld revoked\n", static_cast<long long>(command.token_id));
    return 0;
  }
  Result<std::vector<ApiToken>> tokens = admin.ListTokens(
      ctx, command.token_username.empty() ? std::nullopt
                                          : std::optional<std::string>(command.token_username));
  if (!tokens.ok()) {
    std::fprintf(stderr, "modelwarden: %s\n", tokens.status().message().c_str());
    return 1;
  }
  std::printf("%-6s %-20s %-24s %-21s %-21s %s\n", "ID", "USER", "NAME", "CREATED", "EXPIRES",
              "REVOKED");
  for (const ApiToken& t : *tokens) {
    std::printf("%-6lld %-20s %-24s %-21s %-21s %s\n", static_cast<long long>(t.id),
                t.username.c_str(), t.name.c_str(), FormatTime(t.creation_timestamp).c_str(),
                FormatTime(t.expiration_timestamp).c_str(),
                FormatTime(t.revocation_timestamp).c_str());
  }
  return 0;
}

// Names this process in the retention lease: host, process and a random part.
std::string LeaseHolder() {
  char host[256] = "host";
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + ":" + std::to_string(getpid()) + ":" +
         modelwarden::HexEncode(modelwarden::RandomBytes(4));
}

// `modelwarden retention plan|apply`, straight against the store, each change through the
// governed write path as the system principal "retention".
int RunRetention(const modelwarden::CommandLine& command) {
  using namespace modelwarden;
  const ServerOptions& options = command.options;
  PolicyLoadOptions load_options;
  load_options.tracker_configured = !options.tracking_upstream.empty();
  load_options.auth_enabled = true;  // Approval rules are not this command's concern.
  auto policy = PolicyHolder::Load(options.policy_file, load_options);
  if (!policy.ok()) {
    std::fprintf(stderr, "%s\n", policy.status().message().c_str());
    return 2;
  }
  auto store = OpenStore(options);
  if (!store.ok()) return 2;
  SystemClock clock;
  AccessControl access(*store->auth, clock, *AuthOptionsFrom(options), store->models.get());
  EnforcingGovernor governor(**policy, access, *store->models, nullptr, &clock);
  RegistryService registry(*store->models, governor, clock);
  RetentionPlanner planner(**policy, *store->models, clock);
  RetentionRunner runner(planner, registry, *store->models);
  RetentionOptions retention;
  retention.models_per_page = command.retention_models_per_page;
  retention.max_changes = command.retention_max_changes;
  // A server's scheduled pass and this command never run at once.
  retention.use_lease = true;
  retention.holder = LeaseHolder();
  if (command.action == CommandLine::Action::kRetentionPlan) {
    return RunRetentionPlan(runner, retention, stdout, stderr);
  }
  return RunRetentionApply(runner, retention, stdout, stderr, isatty(fileno(stderr)) != 0);
}

int Serve(const modelwarden::ServerOptions& options) {
  using namespace modelwarden;

  std::fputs(DescribeOptions(options).c_str(), stderr);

  // The tracking server beside the registry: one pool of connections for the forwarded
  // traffic, another for modelwarden's own reads of runs.
  std::unique_ptr<TrackingProxy> proxy;
  std::unique_ptr<TrackerClient> tracker;
  std::unique_ptr<UpstreamPool> artifact_pool;  // Downloads of version artifacts.
  std::unique_ptr<TrackerCalls> tracker_calls;  // Lookups that authorize forwarded calls.
  if (!options.tracking_upstream.empty()) {
    ProxyOptions proxy_options;
    proxy_options.upstream.url = options.tracking_upstream;
    proxy_options.upstream.connect_timeout =
        std::chrono::milliseconds(options.tracking_upstream_connect_timeout_ms);
    proxy_options.upstream.read_timeout =
        std::chrono::milliseconds(options.tracking_upstream_timeout_ms);
    proxy_options.max_in_flight = static_cast<size_t>(std::max(1, options.workers * 3 / 4));
    // modelwarden's credentials are not the tracker's; the upstream URL's user:password@
    // (if any) authenticates modelwarden's forwarded calls instead.
    proxy_options.forward_authorization = !options.auth;
    auto created = TrackingProxy::Create(proxy_options);
    auto pool = UpstreamPool::Create(proxy_options.upstream);
    auto downloads = UpstreamPool::Create(proxy_options.upstream);
    auto lookups = UpstreamPool::Create(proxy_options.upstream);
    if (!created.ok() || !pool.ok() || !downloads.ok() || !lookups.ok()) {
      std::fprintf(stderr, "modelwarden: %s\n", created.status().message().c_str());
      return 1;
    }
    proxy = std::move(*created);
    artifact_pool = std::move(*downloads);
    tracker_calls = std::make_unique<TrackerCalls>(std::move(*lookups));
    tracker = std::make_unique<TrackerClient>(std::move(*pool), options.tracking_ui_url.empty()
                                                                    ? proxy->display()
                                                                    : options.tracking_ui_url);
  }
  PolicyLoadOptions load_options;
  load_options.tracker_configured = tracker != nullptr;
  load_options.auth_enabled = options.auth;

  std::unique_ptr<PolicyHolder> policy = std::make_unique<PolicyHolder>();
  if (!options.policy_file.empty()) {
    auto loaded = PolicyHolder::Load(options.policy_file, load_options);
    if (!loaded.ok()) {
      std::fprintf(stderr, "modelwarden: refusing to start with a bad policy:\n%s\n",
                   loaded.status().message().c_str());
      return 1;
    }
    policy = std::move(*loaded);
  }
  auto store = OpenStore(options);
  if (!store.ok()) return 1;
  SystemClock clock;
  AccessControl access(*store->auth, clock, *AuthOptionsFrom(options), store->models.get());
  AccessAdmin access_admin(*store->auth, *store->models, access, clock);
  if (options.auth && !BootstrapAdmin(options, access_admin, *store->auth)) return 1;
  RegistryServiceOptions service_options;
  if (!options.source_validation_regex.empty()) {
    Result<Regex> source_pattern = Regex::Compile(options.source_validation_regex);
    if (!source_pattern.ok()) {
      std::fprintf(stderr,
                   "modelwarden: --source-validation-regex is not valid in RE2 syntax: %s\n",
                   source_pattern.status().message().c_str());
      return 1;
    }
    service_options.source_pattern = std::move(*source_pattern);
    service_options.source_pattern_text = options.source_validation_regex;
  }
  service_options.tracker = tracker.get();
  service_options.fill_run_link = options.fill_run_link;
  Result<WebhookSecretBox> secrets =
      WebhookSecretBox::FromKey(options.webhook_secret_encryption_key);
  if (!secrets.ok()) {
    std::fprintf(stderr, "modelwarden: %s\n", secrets.status().message().c_str());
    return 1;
  }
  // Every process delivers the outbox its database holds, its own changes' and the others'.
  HttpWebhookTransport webhook_transport;
  DeliveryWorker deliveries(*store->models, *secrets, webhook_transport, clock,
                            DeliveryOptionsFrom(options));
  service_options.outbox_listener = &deliveries;
  EnforcingGovernor governor(*policy, access, *store->models, tracker.get(), &clock);
  RegistryService registry(*store->models, governor, clock, std::move(service_options));
  GovernanceService governance(*policy, access, governor, *store->models, *store->models, registry);
  WebhookService webhooks(*store->models, *store->models, access, clock, *secrets,
                          webhook_transport, WebhookOptionsFrom(options), &deliveries);
  ApprovalService approvals(registry, *store->models, governor, access, *store->auth, clock);
  HttpServer server(options, registry, governance, access, access_admin, webhooks, approvals,
                    proxy.get());
  VersionArtifacts artifacts(registry, tracker.get(), artifact_pool.get(),
                             options.local_artifact_root);
  server.ServeVersionArtifacts(artifacts);
  // With --auth, forwarded tracking calls are authorized per experiment, as MLflow's
  // basic-auth does.
  std::unique_ptr<ExperimentDirectory> experiments;
  std::unique_ptr<ForwardedAuthorizer> forwarded_authorizer;
  std::unique_ptr<GovernedTrackingCalls> tracking_calls;
  if (tracker_calls != nullptr) {
    experiments = std::make_unique<ExperimentDirectory>(*tracker_calls);
    access_admin.SetExperimentNames(experiments.get());
    forwarded_authorizer = std::make_unique<ForwardedAuthorizer>(*experiments);
    tracking_calls = std::make_unique<GovernedTrackingCalls>(*tracker_calls, *forwarded_authorizer,
                                                             access_admin);
    server.GovernForwardedCalls(*forwarded_authorizer, *tracking_calls);
  }
  RetentionPlanner planner(*policy, *store->models, clock);
  RetentionRunner retention_runner(planner, registry, *store->models);
  std::unique_ptr<RetentionSchedule> retention;
  if (options.retention_interval_minutes > 0) {
    RetentionOptions retention_options;
    retention_options.holder = LeaseHolder();
    retention = std::make_unique<RetentionSchedule>(
        retention_runner, *policy, std::chrono::minutes(options.retention_interval_minutes),
        retention_options,
        [](const std::string& line) { std::fprintf(stderr, "modelwarden: %s\n", line.c_str()); });
  }

  const sigset_t signals = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // Before any thread starts: all inherit it.
  deliveries.Start();
  std::atomic<bool> signalled = false;
  std::atomic<bool> listen_returned = false;
  std::thread watcher([&] {
    int signal_number = 0;
    while (true) {
      sigwait(&signals, &signal_number);
      if (signal_number != SIGHUP) break;
      if (!options.policy_file.empty()) ReportReload(*policy, policy->Reload(), "SIGHUP");
    }
    signalled = true;
    if (listen_returned) return;
    std::fprintf(stderr, "modelwarden: signal %d, stopping\n", signal_number);
    // Stops accepting, finishes what is in progress (at most the edge's grace period), and
    // Listen returns. A stop that lands before the server runs makes it return at once.
    server.Stop();
    const auto deadline = std::chrono::steady_clock::now() + kStopDeadline;
    while (!listen_returned && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!listen_returned) {
      // A request stuck past the grace period (e.g. on the database) must not keep the
      // process from exiting: what was answered is committed; the rest was not acknowledged.
      std::fprintf(stderr, "modelwarden: requests still running after %lld s; exiting\n",
                   static_cast<long long>(kStopDeadline.count()));
      _exit(1);
    }
  });
  // Picks up edits of the policy file without a signal (e.g. a ConfigMap update).
  std::thread poller([&] {
    if (options.policy_file.empty()) return;
    while (!listen_returned) {
      for (auto slept = std::chrono::milliseconds(0);
           slept < kPolicyPollInterval && !listen_returned;
           slept += std::chrono::milliseconds(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (listen_returned) break;
      Result<bool> reloaded = policy->ReloadIfChanged();
      if (!reloaded.ok() || *reloaded) ReportReload(*policy, reloaded.status(), "file changed");
    }
  });

  if (retention) retention->Start();
  const Status status = server.Listen();
  listen_returned = true;
  if (retention) retention->Stop();
  deliveries.Stop();
  if (!signalled) kill(getpid(), SIGTERM);  // Wakes the watcher when Listen failed.
  watcher.join();
  poller.join();
  if (!status.ok()) {
    std::fprintf(stderr, "modelwarden: %s\n", status.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char* argv[]) {
  using modelwarden::CommandLine;
  const modelwarden::Result<CommandLine> command =
      modelwarden::ParseCommandLine(argc, argv, modelwarden::ProcessEnvironment());
  if (!command.ok()) {
    std::fprintf(stderr, "modelwarden: %s\n", command.status().message().c_str());
    return kExitUsage;
  }
  switch (command->action) {
    case CommandLine::Action::kHelp:
    case CommandLine::Action::kVersion:
      std::fputs(command->text.c_str(), stdout);
      return 0;
    case CommandLine::Action::kServe:
      return Serve(command->options);
    case CommandLine::Action::kPolicyValidate:
      return ValidatePolicy(command->policy_file);
    case CommandLine::Action::kPolicyReport:
      return ReportCompliance(command->options);
    case CommandLine::Action::kTokenCreate:
    case CommandLine::Action::kTokenList:
    case CommandLine::Action::kTokenRevoke:
      return ManageTokens(*command);
    case CommandLine::Action::kImport:
      return modelwarden::RunImport(command->options, command->transfer);
    case CommandLine::Action::kExport:
      return modelwarden::RunExport(command->options, command->transfer);
    case CommandLine::Action::kRetentionPlan:
    case CommandLine::Action::kRetentionApply:
      return RunRetention(*command);
    case CommandLine::Action::kCheck:
      return modelwarden::RunCheck(command->client, stdout, stderr);
    case CommandLine::Action::kApprovals:
      return modelwarden::RunApprovals(command->client, stdout, stderr);
  }
  return kExitUsage;
}
