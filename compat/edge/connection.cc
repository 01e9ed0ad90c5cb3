#include "compat/edge/connection.h"

#include <cstdio>
#include <functional>
#include <memory>
#include <utility>

#include "compat/edge/request_reading.h"
#include "compat/edge/upstream_streams.h"
#include "compat/errors.h"
#include "compat/utf8.h"
#include "registry/text.h"

namespace modelwarden::edge {
namespace {

// What an idle connection reads into first: most requests fit; a larger head grows the buffer.
constexpr size_t kFirstRead = 2048;
// Above this an emptied read buffer is given back, so an idle connection stays small.
constexpr size_t kKeptCapacity = 16 * 1024;
// How long a closing connection reads and drops what the client still sends.
constexpr auto kLinger = std::chrono::seconds(2);
constexpr size_t kLingerRead = 16 * 1024;
constexpr char kJson[] = "application/json";
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
// The most of a streamed body (Response::stream) buffered between its worker and the socket;
// the piece being written is at most as large again.
constexpr size_t kStreamBuffer = 64 * 1024;

Response ErrorResponse(int http_status, const Status& status, bool close) {
  Response response;
  response.status = http_status;
  response.content_type = kJson;
  response.body = ErrorBody(status);
  response.close = close;
  return response;
}

bool HasBody(const RequestHead& head) {
  return head.chunked || head.content_length.value_or(0) > 0;
}

bool ExpectsContinue(const RequestHead& head) {
  const std::string* expect = FindHeader(head.headers, "Expect");
  return head.version >= 11 && expect != nullptr && EqualsIgnoreAsciiCase(*expect, "100-continue");
}

}  // namespace

Shard::Shard(EdgeShared& edge_shared)
    : shared(edge_shared), upstream(std::make_unique<UpstreamStreams>()) {}

Shard::~Shard() = default;

Connection::Connection(tcp::socket socket, Shard& shard, bool refuse)
    : shard_(shard),
      shared_(shard.shared),
      stream_(std::move(socket)),
      buffer_(kMaxBuffered),
      refuse_(refuse) {
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);
  const tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = remote.address().to_string();
  shard_.connections.insert(this);
}

Connection::~Connection() {
  if (pipe_) pipe_->Cancel();
  shard_.connections.erase(this);
  if (refuse_) {
    shared_.refusing.fetch_sub(1);
  } else {
    shared_.connections.fetch_sub(1);
  }
}

void Connection::Start() {
  if (!refuse_) {
    ReadNext();
    return;
  }
  // Over the connection cap: answered without reading anything, then closed.
  head_.method = "-";
  head_.path = "-";
  started_ = std::chrono::steady_clock::now();
  Send(ErrorResponse(503,
                     Status::Unavailable("The server has too many open connections; retry "
                                         "shortly."),
                     /*close=*/true));
}

void Connection::Drain() {
  if (state_ == State::kIdle || state_ == State::kHead) CloseNow();
}

void Connection::ReadNext() {
  state_ = State::kIdle;
  if (shared_.draining) return CloseNow();
  head_ = RequestHead();
  body_parser_.reset();
  forward_body_.reset();
  head_parser_.emplace();
  LimitHead(*head_parser_);
  if (buffer_.size() > 0) return ReadHead();  // A pipelined request is already here.
  if (buffer_.capacity() > kKeptCapacity) buffer_.shrink_to_fit();
  stream_.expires_after(shared_.options.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kFirstRead),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            self->buffer_.commit(n);
                            if (ec) return self->CloseNow();  // Idle timeout, or closed.
                            self->ReadHead();
                          });
}

void Connection::ReadHead() {
  state_ = State::kHead;
  started_ = std::chrono::steady_clock::now();
  // From its first byte, a head must be complete within header_timeout (slowloris).
  stream_.expires_after(shared_.options.header_timeout);
  http::async_read_header(
      stream_, buffer_, *head_parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHead(ec); });
}

void Connection::OnHead(beast::error_code ec) {
  ReadVerdict verdict = JudgeHeadRead(ec);
  if (verdict.kind == ReadVerdict::Kind::kGo) {
    head_ = HeadOf(*head_parser_, remote_address_);
    verdict = JudgeFraming(head_);
  }
  if (verdict.kind == ReadVerdict::Kind::kClose) return CloseNow();
  if (verdict.kind == ReadVerdict::Kind::kRefuse) {
    return Refuse(verdict.status, verdict.message, true);
  }
  Dispatch(shared_.handler.Classify(head_));
}

void Connection::Refuse(int status, const std::string& message, bool read_nothing_more) {
  if (head_.method.empty()) head_.method = "-";
  if (head_.path.empty()) head_.path = "-";
  head_.keep_alive = false;
  Send(ErrorResponse(status, Status::InvalidArgument(message), read_nothing_more));
}

void Connection::Dispatch(Disposition disposition) {
  disposition_ = std::move(disposition);
  switch (disposition_.kind) {
    case Disposition::Kind::kAnswer:
      if (disposition_.answer.close || !HasBody(head_)) return Send(std::move(disposition_.answer));
      return SendContinueThen(&Connection::ReadBody);
    case Disposition::Kind::kServe:
      if (!HasBody(head_)) return Work();
      return SendContinueThen(&Connection::ReadBody);
    case Disposition::Kind::kForward:
      if (!disposition_.admit_first) return Forward();
      if (disposition_.admit_reads_body) {
        // Decided on the body: it is read whole, then relayed from memory.
        if (!HasBody(head_)) {
          forward_body_.emplace();
          return Admit();
        }
        return SendContinueThen(&Connection::ReadBody);
      }
      return Admit();
  }
}

void Connection::SendContinueThen(void (Connection::*next)()) {
  // Refused before it is sent: the client reads the 413 instead of uploading.
  const ReadVerdict verdict = JudgeAnnouncedBody(head_, shared_.options.max_body_bytes);
  if (verdict.kind == ReadVerdict::Kind::kRefuse) {
    return Refuse(verdict.status, verdict.message, true);
  }
  if (!ExpectsContinue(head_)) return (this->*next)();
  stream_.expires_after(shared_.options.idle_timeout);
  net::async_write(stream_, net::buffer(kContinue, sizeof(kContinue) - 1),
                   [self = shared_from_this(), next](beast::error_code ec, size_t) {
                     if (ec) return self->CloseNow();
                     ((*self).*next)();
                   });
}

void Connection::ReadBody() {
  state_ = State::kBody;
  if (!body_parser_) {
    body_parser_.emplace(std::move(*head_parser_));
    LimitBody(*body_parser_, shared_.options.max_body_bytes);
  }
  // The body must keep coming: no gap longer than header_timeout.
  stream_.expires_after(shared_.options.header_timeout);
  http::async_read_some(
      stream_, buffer_, *body_parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
}

void Connection::OnBody(beast::error_code ec) {
  const ReadVerdict verdict = JudgeBodyRead(ec, shared_.options.max_body_bytes);
  if (verdict.kind == ReadVerdict::Kind::kClose) return CloseNow();
  if (verdict.kind == ReadVerdict::Kind::kRefuse) {
    return Refuse(verdict.status, verdict.message, true);
  }
  if (!body_parser_->is_done()) return ReadBody();
  if (disposition_.kind == Disposition::Kind::kAnswer) {
    body_parser_->get().body().clear();
    return Send(std::move(disposition_.answer));
  }
  if (disposition_.kind == Disposition::Kind::kForward) {
    forward_body_ = std::move(body_parser_->get().body());
    body_parser_.reset();
    return Admit();
  }
  Work();
}

void Connection::Work() {
  state_ = State::kWorking;
  Request request;
  request.head = head_;
  if (body_parser_) request.body = std::move(body_parser_->get().body());
  request.path_values = std::move(disposition_.path_values);
  body_parser_.reset();
  const int route = disposition_.route;
  shared_.workers.Submit(
      [self = shared_from_this(), route, request = std::move(request)]() mutable {
        Response response;
        try {
          response = self->shared_.handler.Serve(route, request);
        } catch (...) {
          response = ErrorResponse(500, Status::Internal("Internal server error."), false);
        }
        std::function<bool(const ByteSink&)> stream;
        std::shared_ptr<BodyPipe> pipe;
        if (response.stream) {
          stream = std::move(response.stream);
          // What stream holds (an open file, an upstream connection) is released on this
          // thread; the stub left in its place tells Send() that the body is a stream.
          response.stream = [](const ByteSink&) { return true; };
          if (request.head.method != "HEAD") pipe = std::make_shared<BodyPipe>(kStreamBuffer);
          if (!pipe) stream = nullptr;
        }
        net::io_context& ioc = self->shard_.ioc;
        EdgeShared& shared = self->shared_;
        net::post(ioc, [self = std::move(self), response = std::move(response), pipe]() mutable {
          self->Send(std::move(response), std::move(pipe));
        });
        if (pipe) Produce(shared, stream, *pipe);
      });
}

// On the worker that served the request, while the connection sends what it produces: the
// worker waits whenever kStreamBuffer bytes are not yet taken, so a slow client holds this one
// worker (and the buffer) until the body is all but sent, and a client that stops reading holds
// it until the connection's idle_timeout ends the response.
void Connection::Produce(EdgeShared& shared, const std::function<bool(const ByteSink&)>& stream,
                         BodyPipe& pipe) {
  shared.AddStream(&pipe);
  bool complete = false;
  try {
    complete = stream([&pipe](const char* data, size_t size) { return pipe.Write(data, size); });
  } catch (...) {
    std::fprintf(stderr, "[error] a streamed response body failed with an exception\n");
  }
  shared.RemoveStream(&pipe);
  pipe.Finish(complete);
}

void Connection::Admit() {
  state_ = State::kWorking;
  Admission admission;
  try {
    std::string* body = forward_body_ ? &*forward_body_ : nullptr;
    admission = shared_.handler.AdmitWithoutBlocking(head_, disposition_.route, body);
  } catch (...) {
    admission = Admission();  // A worker decides, and reports what went wrong.
  }
  if (admission.kind == Admission::Kind::kAllowed) return Forward();
  if (admission.kind == Admission::Kind::kAnswered) {
    admission.answer.close = admission.answer.close || (HasBody(head_) && !forward_body_);
    forward_body_.reset();
    return Send(std::move(admission.answer));
  }
  shared_.workers.Submit([self = shared_from_this()]() mutable {
    std::optional<Response> refusal;
    try {
      std::string* body = self->forward_body_ ? &*self->forward_body_ : nullptr;
      refusal = self->shared_.handler.Admit(self->head_, self->disposition_.route, body);
    } catch (...) {
      refusal = ErrorResponse(500, Status::Internal("Internal server error."), false);
    }
    net::io_context& ioc = self->shard_.ioc;
    net::post(ioc, [self = std::move(self), refusal = std::move(refusal)]() mutable {
      if (!refusal) return self->Forward();
      // A body not read keeps the connection from serving another request.
      refusal->close = refusal->close || (HasBody(self->head_) && !self->forward_body_);
      self->forward_body_.reset();
      self->Send(std::move(*refusal));
    });
  });
}

void Connection::Forward() {
  state_ = State::kForwarding;
  std::optional<std::string> body = std::move(forward_body_);
  forward_body_.reset();
  StartRelay(shard_, *shared_.forward, stream_, buffer_, std::move(head_parser_), std::move(body),
             head_, [self = shared_from_this()](RelayResult result) {
               if (result.failure) {
                 result.failure->close = result.failure->close || !result.request_read;
                 return self->Send(std::move(*result.failure));
               }
               self->LogAccess(result.status, "");
               if (result.keep_alive && self->head_.keep_alive && !self->shared_.draining) {
                 return self->ReadNext();
               }
               self->CloseGracefully();
             });
}

void Connection::Send(Response response, std::shared_ptr<BodyPipe> pipe) {
  state_ = State::kWriting;
  bool close = response.close || !head_.keep_alive || shared_.draining;
  const std::string* request_id = FindHeader(response.headers, "X-Request-Id");
  LogAccess(response.status, request_id != nullptr ? *request_id : "");
  if (pipe) return SendStreamed(std::move(response), std::move(pipe), close);
  response_ = {};
  FillHead(response_, response, close);
  if (response.status < 200 || response.status == 204 || response.status == 304) {
    // No body and no Content-Length (RFC 9110 section 8.6).
  } else if (head_.method == "HEAD") {
    // The head of the GET response: its length, no body (RFC 9110 section 9.3.2).
    if (!response.stream) {
      response_.content_length(response.body.size());
    } else if (response.stream_size) {
      response_.content_length(*response.stream_size);
    }
  } else {
    response_.body() = std::move(response.body);
    response_.prepare_payload();
  }
  stream_.expires_after(shared_.options.idle_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), close](beast::error_code ec, size_t) {
                      self->OnSent(ec, close);
                    });
}

template <class Body>
void Connection::FillHead(http::response<Body>& message, const Response& response, bool close) {
  message.result(static_cast<unsigned>(response.status));
  message.version(head_.version == 10 ? 10 : 11);
  for (const auto& [name, value] : response.headers) message.insert(name, value);
  if (!response.content_type.empty()) {
    message.set(http::field::content_type, response.content_type);
  }
  message.keep_alive(!close);
}

void Connection::SendStreamed(Response response, std::shared_ptr<BodyPipe> pipe, bool close) {
  http::response<http::buffer_body> message;
  if (!response.stream_size && head_.version == 10) close = true;  // Its end ends the body.
  FillHead(message, response, close);
  if (response.stream_size) {
    message.content_length(*response.stream_size);
  } else if (head_.version != 10) {
    message.chunked(true);
  }
  pipe_ = pipe;
  StartStreamedResponse(shard_, stream_, std::move(message), response.stream_size, std::move(pipe),
                        [self = shared_from_this(), close](bool sent) {
                          self->pipe_.reset();
                          if (!sent) return self->CloseNow();  // The client sees it cut off.
                          self->OnSent({}, close);
                        });
}

void Connection::OnSent(beast::error_code ec, bool close) {
  response_ = {};
  if (ec) return CloseNow();
  if (close) return CloseGracefully();
  ReadNext();
}

void Connection::CloseGracefully() {
  state_ = State::kClosing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return CloseNow();
  Linger(std::chrono::steady_clock::now() + kLinger);
}

void Connection::Linger(std::chrono::steady_clock::time_point until) {
  buffer_.consume(buffer_.size());
  stream_.expires_at(until);
  stream_.async_read_some(buffer_.prepare(kLingerRead),
                          [self = shared_from_this(), until](beast::error_code ec, size_t) {
                            if (ec) return self->CloseNow();
                            self->Linger(until);
                          });
}

void Connection::CloseNow() {
  state_ = State::kClosing;
  stream_.close();
}

void Connection::LogAccess(int status, const std::string& request_id) {
  if (!shared_.options.access_log) return;
  const long long micros = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - started_)
                               .count();
  std::fprintf(stderr, "[access] %s %s %s %d %lldus %s\n",
               remote_address_.empty() ? "-" : remote_address_.c_str(),
               Printable(head_.method).c_str(), Printable(head_.path).c_str(), status, micros,
               request_id.empty() ? "-" : Printable(request_id).c_str());
}

}  // namespace modelwarden::edge
