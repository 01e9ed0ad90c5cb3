#include "compat/edge/http_edge.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#include "compat/edge/connection.h"

namespace modelwarden {

using edge::Connection;
using edge::EdgeShared;
using edge::Shard;
namespace net = edge::net;
using tcp = edge::tcp;

namespace {

// File descriptors kept for everything but client connections: database connections,
// upstream connections, the policy file, connections being refused.
size_t ReservedDescriptors(size_t workers) { return 2 * workers + 256; }

// Raises the soft limit on open files to the hard limit, and returns how many connections it
// leaves room for.
size_t ConnectionsTheFileLimitAllows(size_t workers) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const size_t reserved = ReservedDescriptors(workers);
  if (limit.rlim_cur == RLIM_INFINITY) return SIZE_MAX;
  return limit.rlim_cur > reserved ? static_cast<size_t>(limit.rlim_cur) - reserved : 0;
}

// The refusals of the connection cap are themselves bounded: past this many at once, new
// connections are closed unanswered.
constexpr size_t kMaxRefusing = 256;

}  // namespace

struct HttpEdge::Impl {
  Impl(const EdgeOptions& edge_options, RequestHandler& handler, ForwardPolicy* forward)
      : options(edge_options),
        workers(std::make_unique<WorkerPool>(edge_options.workers)),
        shared(std::make_unique<EdgeShared>(edge_options, handler, forward, *workers)) {
    const size_t count = std::max<size_t>(1, edge_options.io_threads);
    for (size_t i = 0; i < count; ++i) shards.push_back(std::make_unique<Shard>(*shared));
    acceptor = std::make_unique<tcp::acceptor>(shards.front()->ioc);
    retry_timer = std::make_unique<net::steady_timer>(shards.front()->ioc);
  }

  void Accept();
  void DrainAll();

  EdgeOptions options;
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<EdgeShared> shared;
  std::vector<std::unique_ptr<Shard>> shards;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::steady_timer> retry_timer;
  size_t next_shard = 0;
  size_t max_connections = 0;
  int port = 0;

  std::mutex mu;
  std::condition_variable stop_requested_changed;
  bool stop_requested = false;  // Guarded by mu.
};

void HttpEdge::Impl::Accept() {
  Shard& shard = *shards[next_shard];
  next_shard = (next_shard + 1) % shards.size();
  acceptor->async_accept(
      shard.ioc, [this, &shard](boost::system::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
        if (ec) {
          // Out of file descriptors, or a connection reset before it was accepted: try again in a
          // moment rather than spin.
          std::fprintf(stderr, "[warn] accept failed: %s\n", ec.message().c_str());
          retry_timer->expires_after(std::chrono::milliseconds(50));
          retry_timer->async_wait([this](boost::system::error_code wait_ec) {
            if (!wait_ec) Accept();
          });
          return;
        }
        bool refuse = false;
        if (shared->connections.fetch_add(1) >= max_connections) {
          shared->connections.fetch_sub(1);
          refuse = true;
          if (shared->refusing.fetch_add(1) >= kMaxRefusing) {
            shared->refusing.fetch_sub(1);
            boost::system::error_code ignored;
            socket.close(ignored);
            return Accept();
          }
        }
        net::post(shard.ioc, [&shard, refuse, socket = std::move(socket)]() mutable {
          std::make_shared<Connection>(std::move(socket), shard, refuse)->Start();
        });
        Accept();
      });
}

void HttpEdge::Impl::DrainAll() {
  for (auto& shard : shards) {
    net::post(shard->ioc, [s = shard.get()] {
      const std::vector<Connection*> open(s->connections.begin(), s->connections.end());
      for (Connection* connection : open) connection->Drain();
    });
  }
}

HttpEdge::HttpEdge(const EdgeOptions& options, RequestHandler& handler, ForwardPolicy* forward)
    : impl_(std::make_unique<Impl>(options, handler, forward)) {}

HttpEdge::~HttpEdge() = default;

Status HttpEdge::Bind() {
  Impl& impl = *impl_;
  const std::string where = impl.options.host + ":" + std::to_string(impl.options.port);
  boost::system::error_code ec;
  tcp::resolver resolver(impl.shards.front()->ioc);
  const auto found = resolver.resolve(impl.options.host, std::to_string(impl.options.port),
                                      tcp::resolver::passive, ec);
  if (ec || found.empty()) {
    return Status::Unavailable("cannot listen on " + where + " (" + ec.message() + ")");
  }
  const tcp::endpoint endpoint = found.begin()->endpoint();
  impl.acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor->bind(endpoint, ec);
  if (!ec) impl.acceptor->listen(impl.options.backlog, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + where +
                               " (address in use, not local, or not permitted: " + ec.message() +
                               ")");
  }
  impl.port = impl.acceptor->local_endpoint(ec).port();
  const size_t allowed = ConnectionsTheFileLimitAllows(impl.options.workers);
  impl.max_connections = std::min(impl.options.max_connections, allowed);
  if (impl.max_connections < impl.options.max_connections) {
    std::fprintf(stderr,
                 "[warn] the open-files limit (ulimit -n) leaves room for %zu connections, not "
                 "--max-connections %zu\n",
                 impl.max_connections, impl.options.max_connections);
  }
  return Status::Ok();
}

int HttpEdge::port() const { return impl_->port; }

Status HttpEdge::Run() {
  Impl& impl = *impl_;
  if (!impl.acceptor->is_open()) return Status::Unavailable("the HTTP edge is not bound");
  running_ = true;
  // Threads start here, not in the constructor: the caller may block signals in between.
  impl.workers->Start();
  using Guard = net::executor_work_guard<net::io_context::executor_type>;
  std::vector<Guard> guards;
  std::vector<std::thread> threads;
  for (auto& shard : impl.shards) {
    guards.emplace_back(shard->ioc.get_executor());
    threads.emplace_back([s = shard.get()] { s->ioc.run(); });
  }
  net::post(impl.shards.front()->ioc, [&impl] { impl.Accept(); });
  {
    std::unique_lock<std::mutex> lock(impl.mu);
    impl.stop_requested_changed.wait(lock, [&impl] { return impl.stop_requested; });
  }

  // Stop accepting; close what is idle; let what is in progress finish.
  impl.shared->draining = true;
  net::post(impl.shards.front()->ioc, [&impl] {
    boost::system::error_code ignored;
    impl.acceptor->close(ignored);
    impl.retry_timer->cancel();
  });
  impl.DrainAll();
  const auto deadline = std::chrono::steady_clock::now() + impl.options.shutdown_grace;
  while (
      std::chrono::steady_clock::now() < deadline &&
      (impl.shared->connections > 0 || impl.shared->refusing > 0 || impl.workers->Pending() > 0)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& shard : impl.shards) shard->ioc.stop();
  for (std::thread& thread : threads) thread.join();
  guards.clear();
  // A worker still producing a streamed body would wait forever for the stopped shard to take it.
  impl.shared->AbandonStreams();
  // Runs what was still queued (past the grace period); its answers go nowhere.
  impl.workers.reset();
  running_ = false;
  return Status::Ok();
}

void HttpEdge::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stop_requested = true;
  }
  impl_->stop_requested_changed.notify_all();
}

}  // namespace modelwarden
