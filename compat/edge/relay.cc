// The relay of forwarded requests (declared in compat/edge/connection.h): Beast's parser and
// serializer on buffer_body move each body through one fixed buffer, chunk by chunk, so a
// request or answer of any size costs kChunk bytes; framing is re-done on each side (chunked
// stays chunked, a length stays a length). Everything runs on the client connection's shard
// thread, so a forwarded request holds no worker however long the upstream takes.
#include <openssl/x509v3.h>

#include <functional>
#include <limits>
#include <utility>

#include "compat/edge/connection.h"
#include "compat/edge/upstream_streams.h"
#include "registry/text.h"

namespace modelwarden::edge {
namespace {

namespace ssl = net::ssl;

constexpr size_t kChunk = 64 * 1024;
// Beast 1.74 compares a Content-Length with an optional limit, so boost::none (no limit) fails
// every body that has a length: the largest limit instead.
constexpr std::uint64_t kNoBodyLimit = std::numeric_limits<std::uint64_t>::max();

bool IsIpAddress(const std::string& host) {
  beast::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

ssl::context& TlsContext() {
  static ssl::context* context = [] {
    auto* created = new ssl::context(ssl::context::tls_client);
    created->set_default_verify_paths();
    created->set_verify_mode(ssl::verify_peer);
    return created;
  }();
  return *context;
}

template <class Stream>
std::unique_ptr<Stream> NewStream(net::io_context& ioc);
template <>
std::unique_ptr<PlainUpstream> NewStream<PlainUpstream>(net::io_context& ioc) {
  return std::make_unique<PlainUpstream>(ioc);
}
template <>
std::unique_ptr<TlsUpstream> NewStream<TlsUpstream>(net::io_context& ioc) {
  return std::make_unique<TlsUpstream>(ioc, TlsContext());
}

bool HasBody(const RequestHead& head) {
  return head.chunked || head.content_length.value_or(0) > 0;
}

bool IsTimeout(beast::error_code ec) { return ec == beast::error::timeout; }

template <class Stream>
class Exchange : public std::enable_shared_from_this<Exchange<Stream>> {
 public:
  Exchange(Shard& shard, ForwardPolicy& policy, beast::tcp_stream& client,
           beast::flat_buffer& client_buffer,
           std::optional<http::request_parser<http::empty_body>>&& parser,
           std::optional<std::string> body, const RequestHead& head,
           std::function<void(RelayResult)> done)
      : shard_(shard),
        policy_(policy),
        client_(client),
        client_buffer_(client_buffer),
        body_(std::move(body)),
        head_(head),
        done_(std::move(done)),
        resolver_(shard.ioc),
        chunk_(new char[kChunk]) {
    if (!body_) {
      request_parser_.emplace(std::move(*parser));
      request_parser_->body_limit(kNoBodyLimit);  // Uploads of any size stream through.
    }
  }

  ~Exchange() {
    if (entered_) policy_.Leave();
  }

  void Start() {
    if (!policy_.Enter()) return Done(policy_.Busy(), /*keep_alive=*/false);
    entered_ = true;
    upstream_ = shard_.upstream->template Take<Stream>();
    reused_ = upstream_ != nullptr;
    if (reused_) return BeginRequest();
    Connect();
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(*upstream_); }

  void Connect() {
    upstream_ = NewStream<Stream>(shard_.ioc);
    const UpstreamAddress& address = policy_.upstream();
    resolver_.async_resolve(
        address.host, address.port,
        [self = this->shared_from_this()](beast::error_code ec, tcp::resolver::results_type found) {
          if (ec) return self->Fail(UpstreamFailureKind::kUnreachable);
          self->Lowest().expires_after(self->policy_.connect_timeout());
          self->Lowest().async_connect(
              found, [self](beast::error_code connect_ec, const tcp::endpoint&) {
                if (IsTimeout(connect_ec)) return self->Fail(UpstreamFailureKind::kConnectTimeout);
                if (connect_ec) return self->Fail(UpstreamFailureKind::kUnreachable);
                beast::error_code ignored;
                self->Lowest().socket().set_option(tcp::no_delay(true), ignored);
                self->Handshake();
              });
        });
  }

  void Handshake();

  void BeginRequest() {
    const UpstreamAddress& address = policy_.upstream();
    request_ = {};
    body_sent_ = false;
    request_.method_string(head_.method);
    request_.target(address.base_path + head_.target);
    request_.version(11);
    for (auto& [name, value] : policy_.UpstreamHeaders(head_)) request_.insert(name, value);
    const bool default_port = address.port == (address.tls ? "443" : "80");
    // The address is kept without an IPv6 literal's brackets (to connect and verify); the
    // Host header needs them back.
    const std::string host =
        address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host;
    request_.set(http::field::host, default_port ? host : host + ":" + address.port);
    if (body_) {
      request_.content_length(body_->size());
    } else if (head_.chunked) {
      request_.chunked(true);
    } else if (head_.content_length) {
      request_.content_length(*head_.content_length);
    } else if (head_.method == "POST" || head_.method == "PUT" || head_.method == "PATCH") {
      request_.content_length(0);
    }
    request_.keep_alive(true);
    request_serializer_.emplace(request_);
    const std::string* expect = FindHeader(head_.headers, "Expect");
    if (!body_ && HasBody(head_) && !continued_ && expect != nullptr &&
        EqualsIgnoreAsciiCase(*expect, "100-continue") && head_.version >= 11) {
      // The upstream is there: now the client may send its body (the Expect was ours).
      continued_ = true;
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      client_.expires_after(shard_.shared.options.idle_timeout);
      return net::async_write(client_, net::buffer(kContinue, sizeof(kContinue) - 1),
                              [self = this->shared_from_this()](beast::error_code ec, size_t) {
                                if (ec) return self->Abort();
                                self->PumpRequest();
                              });
    }
    PumpRequest();
  }

  void PumpRequest() {
    auto& body = request_.body();
    if (body_) {
      // Read before: all of it at once.
      body.data = body_->empty() || body_sent_ ? nullptr : body_->data();
      body.size = body_sent_ ? 0 : body_->size();
      body.more = false;
      body_sent_ = true;
      return WriteRequest();
    }
    if (request_parser_->is_done()) {
      body.data = nullptr;
      body.size = 0;
      body.more = false;
      return WriteRequest();
    }
    request_parser_->get().body().data = chunk_.get();
    request_parser_->get().body().size = kChunk;
    client_.expires_after(shard_.shared.options.idle_timeout);
    http::async_read_some(client_, client_buffer_, *request_parser_,
                          [self = this->shared_from_this()](beast::error_code ec, size_t) {
                            if (ec == http::error::need_buffer) ec = {};
                            if (ec)
                              return self->Abort();  // The client went away or sent a broken body.
                            self->Hand(self->request_.body(),
                                       kChunk - self->request_parser_->get().body().size,
                                       !self->request_parser_->is_done());
                            self->WriteRequest();
                          });
  }

  // Gives the serializer the `size` bytes just read into chunk_. Nothing read yet (e.g. only a
  // chunk header) is handed over as no buffer at all: Beast would frame an empty buffer as an
  // empty chunk, which ends a chunked body.
  void Hand(http::buffer_body::value_type& out, size_t size, bool more) {
    out.data = size == 0 ? nullptr : chunk_.get();
    out.size = size;
    out.more = more;
  }

  void WriteRequest() {
    Lowest().expires_after(policy_.read_timeout());
    http::async_write(*upstream_, *request_serializer_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        if (ec == http::error::need_buffer) ec = {};
                        if (ec) return self->UpstreamBroke(ec);
                        if (!self->request_serializer_->is_done()) return self->PumpRequest();
                        self->ReadResponseHead();
                      });
  }

  void ReadResponseHead() {
    response_parser_.emplace();
    response_parser_->body_limit(kNoBodyLimit);
    response_parser_->header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
    if (head_.method == "HEAD") response_parser_->skip(true);
    Lowest().expires_after(policy_.read_timeout());
    http::async_read_header(*upstream_, upstream_buffer_, *response_parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              self->OnResponseHead(ec);
                            });
  }

  void UpstreamBroke(beast::error_code ec) {
    // A kept-alive connection the upstream closed meanwhile: try once more on a new one, if
    // nothing of the client's request was consumed yet.
    if (reused_ && !retried_ && (body_ || !HasBody(head_)) && !IsTimeout(ec)) {
      retried_ = true;
      reused_ = false;
      CloseUpstream();
      upstream_buffer_.clear();
      return Connect();
    }
    Fail(IsTimeout(ec) ? UpstreamFailureKind::kReadTimeout : UpstreamFailureKind::kBroken);
  }

  void OnResponseHead(beast::error_code ec) {
    if (ec) return UpstreamBroke(ec);
    const auto& answer = response_parser_->get();
    const unsigned status = answer.result_int();
    if (status >= 100 && status < 200 && status != 101) return ReadResponseHead();  // Interim.
    status_ = static_cast<int>(status);
    HeaderList fields;
    for (const auto& field : answer) {
      fields.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    response_ = {};
    response_.result(status);
    response_.reason(answer.reason());
    response_.version(head_.version == 10 ? 10 : 11);
    for (auto& [name, value] : policy_.ClientHeaders(fields)) response_.insert(name, value);
    keep_client_ = head_.keep_alive && !shard_.shared.draining;
    const bool no_body = status < 200 || status == 204 || status == 304;
    if (head_.method == "HEAD") {
      // The length of the body a GET would have had.
      if (response_parser_->content_length()) {
        response_.content_length(*response_parser_->content_length());
      }
    } else if (!no_body) {
      if (response_parser_->content_length()) {
        response_.content_length(*response_parser_->content_length());
      } else if (response_.version() == 11) {
        response_.chunked(true);
      } else {
        keep_client_ = false;  // HTTP/1.0: the end of the connection ends the body.
      }
    }
    response_.keep_alive(keep_client_);
    response_serializer_.emplace(response_);
    PumpResponse();
  }

  void PumpResponse() {
    auto& body = response_.body();
    if (response_parser_->is_done()) {
      body.data = nullptr;
      body.size = 0;
      body.more = false;
      return WriteResponse();
    }
    response_parser_->get().body().data = chunk_.get();
    response_parser_->get().body().size = kChunk;
    Lowest().expires_after(policy_.read_timeout());
    http::async_read_some(*upstream_, upstream_buffer_, *response_parser_,
                          [self = this->shared_from_this()](beast::error_code ec, size_t) {
                            if (ec == http::error::need_buffer) ec = {};
                            // A cut-off answer is passed on as one: the client connection
                            // closes before the announced end.
                            if (ec) return self->Abort();
                            self->Hand(self->response_.body(),
                                       kChunk - self->response_parser_->get().body().size,
                                       !self->response_parser_->is_done());
                            self->WriteResponse();
                          });
  }

  void WriteResponse() {
    started_response_ = true;
    client_.expires_after(shard_.shared.options.idle_timeout);
    http::async_write(client_, *response_serializer_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        if (ec == http::error::need_buffer) ec = {};
                        if (ec) return self->Abort();
                        if (!self->response_serializer_->is_done()) return self->PumpResponse();
                        self->Finish();
                      });
  }

  void Finish() {
    if (response_parser_->is_done() && response_parser_->get().keep_alive() &&
        upstream_buffer_.size() == 0) {
      Lowest().expires_never();
      shard_.upstream->Give(std::move(upstream_));
    } else {
      CloseUpstream();
    }
    Done(std::nullopt, keep_client_);
  }

  void Fail(UpstreamFailureKind kind) {
    CloseUpstream();
    if (started_response_) return Done(std::nullopt, false);
    Done(policy_.Failure(head_, kind), false);
  }

  void Abort() {
    CloseUpstream();
    Done(std::nullopt, false);
  }

  // Whether the client's request is read to its end (so the connection may go on).
  bool RequestRead() const { return body_ || request_parser_->is_done(); }

  void CloseUpstream() {
    if (upstream_ == nullptr) return;
    beast::error_code ignored;
    Lowest().socket().close(ignored);
    upstream_.reset();
  }

  void Done(std::optional<Response> failure, bool keep_alive) {
    if (finished_) return;
    finished_ = true;
    RelayResult result;
    result.failure = std::move(failure);
    result.request_read = RequestRead();
    result.keep_alive = keep_alive && RequestRead();
    result.status = result.failure ? result.failure->status : status_;
    done_(std::move(result));
  }

  Shard& shard_;
  ForwardPolicy& policy_;
  beast::tcp_stream& client_;
  beast::flat_buffer& client_buffer_;
  std::optional<http::request_parser<http::buffer_body>> request_parser_;  // Unless body_.
  std::optional<std::string> body_;  // The request body, when it was read before.
  bool body_sent_ = false;
  const RequestHead head_;
  std::function<void(RelayResult)> done_;
  tcp::resolver resolver_;
  std::unique_ptr<char[]> chunk_;
  std::unique_ptr<Stream> upstream_;
  beast::flat_buffer upstream_buffer_{kMaxHeaderBytes + kChunk};
  http::request<http::buffer_body> request_;
  std::optional<http::request_serializer<http::buffer_body>> request_serializer_;
  std::optional<http::response_parser<http::buffer_body>> response_parser_;
  http::response<http::buffer_body> response_;
  std::optional<http::response_serializer<http::buffer_body>> response_serializer_;
  bool entered_ = false;
  bool reused_ = false;
  bool retried_ = false;
  bool continued_ = false;
  bool started_response_ = false;
  bool keep_client_ = false;
  bool finished_ = false;
  int status_ = 0;
};

template <>
void Exchange<PlainUpstream>::Handshake() {
  BeginRequest();
}

template <>
void Exchange<TlsUpstream>::Handshake() {
  const std::string& host = policy_.upstream().host;
  // The certificate must name the host, checked by OpenSSL's chain verification: an address
  // against its IP entries, a name against its DNS entries (and sent as SNI, which takes no
  // addresses).
  SSL* ssl = upstream_->native_handle();
  const bool set = IsIpAddress(host)
                       ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1
                       : SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 &&
                             SSL_set1_host(ssl, host.c_str()) == 1;
  if (!set) return Fail(UpstreamFailureKind::kTlsFailed);
  Lowest().expires_after(policy_.connect_timeout());
  upstream_->async_handshake(ssl::stream_base::client,
                             [self = this->shared_from_this()](beast::error_code ec) {
                               if (IsTimeout(ec)) {
                                 return self->Fail(UpstreamFailureKind::kConnectTimeout);
                               }
                               if (ec) return self->Fail(UpstreamFailureKind::kTlsFailed);
                               self->BeginRequest();
                             });
}

}  // namespace

void StartRelay(Shard& shard, ForwardPolicy& policy, beast::tcp_stream& client,
                beast::flat_buffer& client_buffer,
                std::optional<http::request_parser<http::empty_body>>&& parser,
                std::optional<std::string> body, const RequestHead& head,
                std::function<void(RelayResult)> done) {
  if (policy.upstream().tls) {
    std::make_shared<Exchange<TlsUpstream>>(shard, policy, client, client_buffer, std::move(parser),
                                            std::move(body), head, std::move(done))
        ->Start();
  } else {
    std::make_shared<Exchange<PlainUpstream>>(shard, policy, client, client_buffer,
                                              std::move(parser), std::move(body), head,
                                              std::move(done))
        ->Start();
  }
}

}  // namespace modelwarden::edge
