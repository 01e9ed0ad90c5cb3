// The insides of HttpEdge (compat/edge/http_edge.h): a Shard is one I/O thread's io_context
// with the connections it owns; a Connection is one client socket's state machine. Everything
// of a shard runs on its thread only; a worker hands results back by posting to the shard.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "compat/edge/body_pipe.h"
#include "compat/edge/forward_policy.h"
#include "compat/edge/http_edge.h"
#include "compat/edge/request_handler.h"
#include "compat/edge/worker_pool.h"

namespace modelwarden::edge {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

class Connection;
class UpstreamStreams;

// What every shard shares. Read-only after start-up but for the atomics.
struct EdgeShared {
  EdgeShared(const EdgeOptions& edge_options, RequestHandler& request_handler,
             ForwardPolicy* forward_policy, WorkerPool& worker_pool)
      : options(edge_options),
        handler(request_handler),
        forward(forward_policy),
        workers(worker_pool) {}

  const EdgeOptions options;
  RequestHandler& handler;
  ForwardPolicy* const forward;
  WorkerPool& workers;
  std::atomic<size_t> connections = 0;  // Open and served (the cap counts these).
  std::atomic<size_t> refusing = 0;     // Being answered 503 because of the cap.
  std::atomic<bool> draining = false;

  // Bodies workers are producing (Response::stream). Once the I/O threads have stopped, no
  // connection will take another byte: AbandonStreams() cancels every pipe, so that no worker
  // waits forever for room, and AddStream() cancels any pipe added later.
  void AddStream(BodyPipe* pipe);
  void RemoveStream(BodyPipe* pipe);
  void AbandonStreams();

 private:
  std::mutex streams_mu_;
  std::unordered_set<BodyPipe*> streams_;  // Guarded by streams_mu_.
  bool streams_abandoned_ = false;         // Guarded by streams_mu_.
};

struct Shard {
  Shard(EdgeShared& edge_shared);
  ~Shard();

  EdgeShared& shared;
  // Declared before the io_context: handlers destroyed with it still find the set.
  std::unordered_set<Connection*> connections;
  net::io_context ioc{1};
  // Idle keep-alive connections to the upstream; declared after the io_context they use, so
  // destroyed before it.
  std::unique_ptr<UpstreamStreams> upstream;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `refuse`: answer 503 (connection cap) and close.
  Connection(tcp::socket socket, Shard& shard, bool refuse);
  ~Connection();

  void Start();
  // The edge is stopping: close at once unless a request is in progress.
  void Drain();

 private:
  enum class State { kIdle, kHead, kBody, kWorking, kWriting, kForwarding, kClosing };

  void ReadNext();
  void ReadHead();
  void OnHead(beast::error_code ec);
  void Dispatch(Disposition disposition);
  void SendContinueThen(void (Connection::*next)());
  void ReadBody();
  void OnBody(beast::error_code ec);
  void Work();
  void Admit();
  void Forward();
  static void Produce(EdgeShared& shared, const std::function<bool(const ByteSink&)>& stream,
                      BodyPipe& pipe);
  void Send(Response response, std::shared_ptr<BodyPipe> pipe = nullptr);
  void SendStreamed(Response response, std::shared_ptr<BodyPipe> pipe, bool close);
  template <class Body>
  void FillHead(http::response<Body>& message, const Response& response, bool close);
  void OnSent(beast::error_code ec, bool close);
  void Refuse(int status, const std::string& code_message, bool read_nothing_more);
  void CloseGracefully();
  void Linger(std::chrono::steady_clock::time_point until);
  void CloseNow();
  void LogAccess(int status, const std::string& request_id);

  Shard& shard_;
  EdgeShared& shared_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> head_parser_;
  std::optional<http::request_parser<http::string_body>> body_parser_;
  // A forwarded request's body, read before Admit() (Disposition::admit_reads_body).
  std::optional<std::string> forward_body_;
  http::response<http::string_body> response_;
  RequestHead head_;
  Disposition disposition_;
  // The body a worker is producing for the response being sent (Response::stream), if any.
  std::shared_ptr<BodyPipe> pipe_;
  State state_ = State::kIdle;
  const bool refuse_;
  bool counted_ = false;
  std::string remote_address_;
  std::chrono::steady_clock::time_point started_;
};

// Sends `response` (its head filled in: status, fields, framing) to `client`, with the body a
// worker puts into `pipe`, taking each piece as it comes; the pipe's capacity and the piece being
// written (at most as large) are all the memory a download holds. A client that stops reading for
// idle_timeout, or a body that breaks off or does not match a Content-Length, ends it: the pipe
// is cancelled (releasing the worker) and `done(false)` tells the connection to close. Calls
// `done` on the shard's thread exactly once; true when the whole body was sent.
void StartStreamedResponse(Shard& shard, beast::tcp_stream& client,
                           http::response<http::buffer_body>&& response,
                           std::optional<uint64_t> size, std::shared_ptr<BodyPipe> pipe,
                           std::function<void(bool)> done);

// Relays the request whose head `parser` has read from `client` to the upstream of `policy`, and
// the answer back, streaming both bodies through one fixed buffer. With `body`, the request's
// body was read already (and `parser` may be empty): that body is sent, with a Content-Length.
// Calls `done` on the shard's thread exactly once: with a response when nothing was sent to the
// client yet (an upstream failure; `request_read` says whether the request's body was read to its
// end), or with nullopt after the upstream's answer was relayed (`keep_alive`: the client
// connection may serve another request).
struct RelayResult {
  std::optional<Response> failure;
  bool request_read = true;
  bool keep_alive = false;
  int status = 0;
};
void StartRelay(Shard& shard, ForwardPolicy& policy, beast::tcp_stream& client,
                beast::flat_buffer& client_buffer,
                std::optional<http::request_parser<http::empty_body>>&& parser,
                std::optional<std::string> body, const RequestHead& head,
                std::function<void(RelayResult)> done);

}  // namespace modelwarden::edge
