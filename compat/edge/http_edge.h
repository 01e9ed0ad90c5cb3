// HttpEdge: the HTTP/1.1 server under the MLflow surface, on Boost.Beast and Boost.Asio.
//
// A few I/O threads (one io_context each) own the sockets: they accept, read request heads and
// bodies, write responses and relay forwarded requests, never blocking. A complete request that
// needs the registry goes to a WorkerPool of `workers` threads; its response comes back to the
// connection's I/O thread. So an idle or slow connection costs memory (a socket, a small buffer,
// a parser), never a worker.
//
// Per connection: requests are answered one at a time and in order (pipelined requests wait in
// the read buffer); the head must arrive within header_timeout of its first byte and is at most
// kMaxHeaderBytes; a body must keep coming (no gap longer than header_timeout) and stay within
// max_body_bytes (413 otherwise); a keep-alive connection with no request for idle_timeout is
// closed. Past max_connections open connections, a new one is answered 503 and closed. After a
// response that closes the connection the edge stops sending, and reads and drops what the
// client still sends for a moment, so that the client reads the response instead of a reset.
//
// Stop() (any thread, e.g. a signal watcher): stop accepting, close idle connections, let
// requests in progress finish (their responses close the connection), then return from Run()
// when none is left or after shutdown_grace, whichever comes first.
//
// Thread-safe: Stop() and IsRunning() from any thread; Bind() then Run() from one thread. No
// thread starts before Run(), so a caller can block its signals first and every thread inherits
// that.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "compat/edge/forward_policy.h"
#include "compat/edge/request_handler.h"
#include "registry/status.h"

namespace modelwarden {

struct EdgeOptions {
  std::string host = "127.0.0.1";
  int port = 5000;  // 0: any free port (see HttpEdge::port()).
  size_t io_threads = 2;
  size_t workers = 32;
  size_t max_connections = 10000;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  size_t max_body_bytes = 16 * 1024 * 1024;
  int backlog = 4096;
  std::chrono::milliseconds shutdown_grace{8000};
  // One line per request on stderr: client, method, path, status, microseconds, request id.
  bool access_log = false;
};

// The largest request head (request line and fields) read; larger ones are answered 431.
inline constexpr size_t kMaxHeaderBytes = 64 * 1024;

class HttpEdge {
 public:
  // `handler` and `forward` (null: nothing is forwarded) are borrowed and must outlive the edge.
  HttpEdge(const EdgeOptions& options, RequestHandler& handler, ForwardPolicy* forward);
  ~HttpEdge();

  HttpEdge(const HttpEdge&) = delete;
  HttpEdge& operator=(const HttpEdge&) = delete;

  // Binds and listens. kTemporarilyUnavailable when the address cannot be bound.
  Status Bind();
  // The bound port (after Bind()).
  int port() const;
  // Serves until Stop(); returns once drained. Bind() first.
  Status Run();
  void Stop();
  bool IsRunning() const { return running_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> running_ = false;
};

}  // namespace modelwarden
