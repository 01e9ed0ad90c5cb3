// The composition root: options -> store -> registry service -> enforcement -> HTTP server.
// The only place where objects are created and wired.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "compat/cli.h"
#include "compat/http_server.h"
#include "enforcement/enforcing_registry.h"
#include "registry/clock.h"
#include "registry/registry_service.h"
#include "registry/store_factory.h"

namespace {

constexpr int kExitUsage = 2;

// SIGINT/SIGTERM are blocked in every thread and taken by one watcher with sigwait, so the
// stop request runs as ordinary code rather than in a signal handler.
sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

int Serve(const modelwarden::ServerOptions& options) {
  using namespace modelwarden;

  std::fputs(DescribeOptions(options).c_str(), stderr);

  StoreOptions store_options;
  store_options.uri = options.backend_store_uri;
  store_options.pool_size = options.workers;
  store_options.pool_wait_timeout_ms = options.pool_wait_timeout_ms;
  Result<std::unique_ptr<ModelStore>> store = OpenModelStore(store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "modelwarden: cannot open backend store %s: %s\n",
                 MaskStoreUri(options.backend_store_uri).c_str(),
                 store.status().ToString().c_str());
    return 1;
  }
  SystemClock clock;
  RegistryService service(**store, clock);
  EnforcingRegistry registry(service);
  HttpServer server(options, registry);

  const sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // Before any thread starts: all inherit it.
  std::atomic<bool> signalled = false;
  std::atomic<bool> listen_returned = false;
  std::thread watcher([&] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    signalled = true;
    if (listen_returned) return;
    std::fprintf(stderr, "modelwarden: signal %d, stopping\n", signal_number);
    // Repeated because a stop that lands before the server runs is a no-op in cpp-httplib.
    while (!listen_returned) {
      server.Stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });

  const Status status = server.Listen();
  listen_returned = true;
  if (!signalled) kill(getpid(), SIGTERM);  // Wakes the watcher when Listen failed.
  watcher.join();
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
  }
  return kExitUsage;
}
