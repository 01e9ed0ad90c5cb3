// The composition root: options -> store -> registry service -> enforcement -> HTTP server.
// The only place where objects are created and wired.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "compat/cli.h"
#include "compat/http_server.h"
#include "compat/tracker_client.h"
#include "compat/tracking_proxy.h"
#include "enforcement/compliance_report.h"
#include "enforcement/enforcing_registry.h"
#include "enforcement/policy_holder.h"
#include "enforcement/policy_loader.h"
#include "registry/clock.h"
#include "registry/registry_service.h"
#include "registry/store_factory.h"

namespace {

constexpr int kExitUsage = 2;

constexpr auto kPolicyPollInterval = std::chrono::seconds(2);

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

modelwarden::Result<std::unique_ptr<modelwarden::ModelStore>> OpenStore(
    const modelwarden::ServerOptions& options) {
  modelwarden::StoreOptions store_options;
  store_options.uri = options.backend_store_uri;
  store_options.pool_size = options.workers;
  store_options.pool_wait_timeout_ms = options.pool_wait_timeout_ms;
  auto store = modelwarden::OpenModelStore(store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "modelwarden: cannot open backend store %s: %s\n",
                 modelwarden::MaskStoreUri(options.backend_store_uri).c_str(),
                 store.status().ToString().c_str());
  }
  return store;
}

int ValidatePolicy(const std::string& path) {
  // Offline there is no server to ask; run.metrics gates are accepted and said to need one.
  modelwarden::PolicyLoadOptions load_options;
  load_options.tracker_configured = true;
  auto policy = modelwarden::LoadPolicyFile(path, load_options);
  if (!policy.ok()) {
    std::fprintf(stderr, "%s\n", policy.status().message().c_str());
    return 1;
  }
  std::printf("%s: valid (naming %s, %zu requirements, model card %s, lifecycle %s, %zu gates)\n",
              path.c_str(), std::string(modelwarden::RuleModeName(policy->naming.mode)).c_str(),
              policy->requirements.size(),
              std::string(modelwarden::RuleModeName(policy->model_card.mode)).c_str(),
              std::string(modelwarden::RuleModeName(policy->lifecycle.mode)).c_str(),
              policy->gates.size());
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
  RegistryService service(**store, clock);
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

int Serve(const modelwarden::ServerOptions& options) {
  using namespace modelwarden;

  std::fputs(DescribeOptions(options).c_str(), stderr);

  // The tracking server beside the registry: one pool of connections for the forwarded
  // traffic, another for modelwarden's own reads of runs.
  std::unique_ptr<TrackingProxy> proxy;
  std::unique_ptr<TrackerClient> tracker;
  if (!options.tracking_upstream.empty()) {
    ProxyOptions proxy_options;
    proxy_options.upstream.url = options.tracking_upstream;
    proxy_options.upstream.connect_timeout =
        std::chrono::milliseconds(options.tracking_upstream_connect_timeout_ms);
    proxy_options.upstream.read_timeout =
        std::chrono::milliseconds(options.tracking_upstream_timeout_ms);
    proxy_options.max_in_flight = static_cast<size_t>(std::max(1, options.workers * 3 / 4));
    auto created = TrackingProxy::Create(proxy_options);
    auto pool = UpstreamPool::Create(proxy_options.upstream);
    if (!created.ok() || !pool.ok()) {
      std::fprintf(stderr, "modelwarden: %s\n", created.status().message().c_str());
      return 1;
    }
    proxy = std::move(*created);
    tracker = std::make_unique<TrackerClient>(std::move(*pool), options.tracking_ui_url.empty()
                                                                    ? proxy->upstream()
                                                                    : options.tracking_ui_url);
  }
  PolicyLoadOptions load_options;
  load_options.tracker_configured = tracker != nullptr;

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
  RegistryServiceOptions service_options;
  if (!options.source_validation_regex.empty()) {
    service_options.source_pattern.emplace(options.source_validation_regex);
    service_options.source_pattern_text = options.source_validation_regex;
  }
  service_options.tracker = tracker.get();
  RegistryService service(**store, clock, std::move(service_options));
  EnforcingRegistry registry(service, *policy, **store, clock, tracker.get());
  HttpServer server(options, registry, registry);
  if (proxy) server.ForwardOtherPaths(*proxy);

  const sigset_t signals = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // Before any thread starts: all inherit it.
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
    // Repeated because a stop that lands before the server runs is a no-op in cpp-httplib.
    while (!listen_returned) {
      server.Stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
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

  const Status status = server.Listen();
  listen_returned = true;
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
  }
  return kExitUsage;
}
