#include "compat/tracker/tracking_proxy.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "compat/errors.h"
#include "compat/utf8.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr char kVia[] = "1.1 modelwarden";
constexpr size_t kMaxWrite = 64 * 1024;

// RFC 9110 section 7.6.1, plus Proxy-Connection which old clients send.
constexpr std::string_view kHopByHop[] = {"connection",
                                          "keep-alive",
                                          "proxy-authenticate",
                                          "proxy-authorization",
                                          "proxy-connection",
                                          "te",
                                          "trailer",
                                          "transfer-encoding",
                                          "upgrade"};

// The hop-by-hop headers of a message: the fixed ones and those its Connection header names.
std::set<std::string> HopByHop(const httplib::Headers& headers) {
  std::set<std::string> names(std::begin(kHopByHop), std::end(kHopByHop));
  for (auto [it, end] = headers.equal_range("Connection"); it != end; ++it) {
    std::string token;
    for (char c : it->second + ",") {
      if (c == ',') {
        if (!token.empty()) names.insert(AsciiLower(token));
        token.clear();
      } else if (c != ' ' && c != '\t') {
        token += c;
      }
    }
  }
  return names;
}

bool HasBodyFraming(const httplib::Request& req) {
  if (AsciiLower(req.get_header_value("Transfer-Encoding")).find("chunked") != std::string::npos) {
    return true;
  }
  return req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0";
}

bool IsChunked(const httplib::Headers& headers) {
  auto it = headers.find("Transfer-Encoding");
  return it != headers.end() && AsciiLower(it->second).find("chunked") != std::string::npos;
}

// What the worker thread (serving the client) and the pump thread (driving the upstream call)
// share for one forwarded request.
struct Exchange {
  std::mutex mu;
  std::condition_variable changed;
  bool head_ready = false;  // status and headers known
  bool finished = false;    // the upstream call returned
  bool complete = false;    // ... with the whole answer
  bool abandoned = false;   // the client side is done (or gone): stop receiving
  int status = 0;
  httplib::Headers headers;
  std::deque<std::string> chunks;
  size_t buffered = 0;
  httplib::Error error = httplib::Error::Success;
  std::chrono::steady_clock::time_point last_progress = std::chrono::steady_clock::now();
  bool body_read = false;  // the client's request body was consumed by the pump

  std::unique_ptr<httplib::Client> client;
  std::thread pump;
  std::atomic<bool> released = false;
};

void SendError(httplib::Response& res, int http_status, const std::string& message) {
  res.status = http_status;
  res.set_content(ErrorBody(Status::Unavailable(message)), "application/json");
}

// Reads and discards the rest of a request body, so the connection stays in step.
void Drain(const httplib::ContentReader* body) {
  if (body != nullptr) (*body)([](const char*, size_t) { return true; });
}

}  // namespace

bool ServedLocally(std::string_view path) {
  if (path == "/health" || path == "/version") return true;
  for (std::string_view prefix : {"/api/2.0/", "/ajax-api/2.0/"}) {
    if (!StartsWith(path, prefix)) continue;
    const std::string_view rest = path.substr(prefix.size());
    return StartsWith(rest, "mlflow/registered-models/") ||
           StartsWith(rest, "mlflow/model-versions/") || StartsWith(rest, "mlflow/webhooks") ||
           StartsWith(rest, "modelwarden/");
  }
  return false;
}

const char* ForwardedPathPattern() {
  // [\s\S] rather than '.': a decoded path may hold a newline, which '.' does not match.
  // /model-versions/ at the root is MLflow's registry artifact route (get-artifact): a
  // tracker's own registry must not answer for ours.
  return R"((?!(?:/api/2\.0/|/ajax-api/2\.0/)(?:mlflow/registered-models/|mlflow/model-versions/|mlflow/webhooks|modelwarden/)|/model-versions/|/health$|/version$)[\s\S]*)";
}

Result<std::unique_ptr<TrackingProxy>> TrackingProxy::Create(const ProxyOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<UpstreamPool> pool, UpstreamPool::Create(options.upstream));
  return std::unique_ptr<TrackingProxy>(new TrackingProxy(options, std::move(pool)));
}

bool TrackingProxy::IsForwarded(const httplib::Response& res) {
  for (auto [it, end] = res.headers.equal_range("Via"); it != end; ++it) {
    if (it->second.find(kVia) != std::string::npos) return true;
  }
  return false;
}

void TrackingProxy::Forward(const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader* body) {
  if (in_flight_.fetch_add(1) >= options_.max_in_flight) {
    in_flight_.fetch_sub(1);
    Drain(body);
    SendError(res, 503,
              "Too many requests to the tracking server " + pool_->display() +
                  " in progress; retry shortly.");
    return;
  }
  struct InFlight {
    std::atomic<size_t>& count;
    ~InFlight() { count.fetch_sub(1); }
  } in_flight{in_flight_};

  httplib::Request upstream;
  upstream.method = req.method;
  // The target as the client wrote it (still percent-encoded, query included).
  upstream.path = pool_->base_path() + req.target;
  const std::set<std::string> hop_by_hop = HopByHop(req.headers);
  for (const auto& [name, value] : req.headers) {
    const std::string lower = AsciiLower(name);
    // Host names the upstream now; the lengths are the upstream call's own; Expect was
    // answered here; REMOTE_ADDR and friends are cpp-httplib's, not the client's.
    if (hop_by_hop.count(lower) != 0 || lower == "host" || lower == "content-length" ||
        lower == "expect" || lower == "remote_addr" || lower == "remote_port" ||
        lower == "local_addr" || lower == "local_port") {
      continue;
    }
    if (lower == "authorization" && !options_.forward_authorization) continue;
    if (lower == "x-forwarded-for" || lower == "x-forwarded-proto" || lower == "x-forwarded-host")
      continue;
    upstream.headers.emplace(name, value);
  }
  const std::string forwarded_for = req.get_header_value("X-Forwarded-For");
  upstream.headers.emplace("X-Forwarded-For", forwarded_for.empty()
                                                  ? req.remote_addr
                                                  : forwarded_for + ", " + req.remote_addr);
  const std::string proto = req.get_header_value("X-Forwarded-Proto");
  upstream.headers.emplace("X-Forwarded-Proto", proto.empty() ? "http" : proto);
  const std::string host = req.get_header_value("X-Forwarded-Host");
  if (!host.empty() || req.has_header("Host")) {
    upstream.headers.emplace("X-Forwarded-Host",
                             host.empty() ? req.get_header_value("Host") : host);
  }
  // The upstream may compress for a client that accepts it; cpp-httplib must not compress the
  // answer a second time on the way out.
  const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");

  auto exchange = std::make_shared<Exchange>();
  Exchange* ex = exchange.get();
  const bool streams_body = body != nullptr && HasBodyFraming(req);
  if (streams_body) {
    // The pump thread reads the client's body as the upstream call asks for it; the worker
    // thread waits meanwhile and does not touch the connection.
    const bool chunked = IsChunked(req.headers);
    upstream.is_chunked_content_provider_ = chunked;
    upstream.content_length_ =
        chunked ? 0 : std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
    if (chunked) upstream.headers.emplace("Transfer-Encoding", "chunked");
    upstream.content_provider_ = [ex, body, chunked](size_t, size_t, httplib::DataSink& sink) {
      {
        std::lock_guard<std::mutex> lock(ex->mu);
        if (ex->body_read) return false;  // The client sent less than it announced.
        ex->body_read = true;
      }
      bool upstream_ok = true;
      const bool read = (*body)([&](const char* data, size_t n) {
        // Keep reading after a failed write: the client's connection must stay in step.
        if (upstream_ok) upstream_ok = sink.write(data, n);
        std::lock_guard<std::mutex> lock(ex->mu);
        ex->last_progress = std::chrono::steady_clock::now();
        return true;
      });
      if (read && upstream_ok && chunked) sink.done();
      return read && upstream_ok;
    };
  } else {
    upstream.body = req.body;
  }

  upstream.response_handler = [ex](const httplib::Response& r) {
    std::lock_guard<std::mutex> lock(ex->mu);
    ex->status = r.status;
    ex->headers = r.headers;
    ex->head_ready = true;
    ex->changed.notify_all();
    // 304 and 1xx have no body; cpp-httplib would wait for one until the connection closes.
    return r.status != 304 && r.status >= 200;
  };
  const size_t buffer_bytes = options_.buffer_bytes;
  upstream.content_receiver = [ex, buffer_bytes](const char* data, size_t n, uint64_t, uint64_t) {
    std::unique_lock<std::mutex> lock(ex->mu);
    ex->changed.wait(lock, [&] { return ex->abandoned || ex->buffered < buffer_bytes; });
    if (ex->abandoned) return false;
    ex->chunks.emplace_back(data, n);
    ex->buffered += n;
    ex->last_progress = std::chrono::steady_clock::now();
    ex->changed.notify_all();
    return true;
  };
  if (!upstream.has_header("Authorization") &&
      (!pool_->user().empty() || !pool_->password().empty())) {
    // A client that brings no credentials for the tracker (or whose credentials were
    // modelwarden's) is forwarded with modelwarden's own, from the upstream URL.
    upstream.headers.insert(
        httplib::make_basic_authentication_header(pool_->user(), pool_->password()));
  }

  ex->client = pool_->Acquire();
  ex->pump = std::thread([exchange, upstream = std::move(upstream)]() mutable {
    httplib::Response answer;
    httplib::Error error = httplib::Error::Success;
    bool ok = false;
    try {
      ok = exchange->client->send(upstream, answer, error);
    } catch (...) {
      error = httplib::Error::Unknown;
    }
    std::lock_guard<std::mutex> lock(exchange->mu);
    if (ok && !exchange->head_ready) {  // HEAD and 204: no response handler call.
      exchange->status = answer.status;
      exchange->headers = answer.headers;
      exchange->head_ready = true;
    }
    exchange->complete =
        ok || (exchange->head_ready && error == httplib::Error::Canceled && !exchange->abandoned);
    exchange->error = error;
    exchange->finished = true;
    exchange->changed.notify_all();
  });
  const auto release = [this, exchange]() {
    if (exchange->released.exchange(true)) return;
    {
      std::lock_guard<std::mutex> lock(exchange->mu);
      exchange->abandoned = true;
      exchange->changed.notify_all();
    }
    exchange->pump.join();
    pool_->Release(std::move(exchange->client));
  };

  std::unique_lock<std::mutex> lock(ex->mu);
  ex->changed.wait(lock, [ex] { return ex->head_ready || ex->finished; });
  if (!ex->head_ready) {
    const httplib::Error error = ex->error;
    const auto idle = std::chrono::steady_clock::now() - ex->last_progress;
    const bool body_read = ex->body_read;
    lock.unlock();
    release();
    if (streams_body && !body_read) Drain(body);
    const UpstreamFailure failure = DescribeUpstreamFailure(*pool_, error, idle);
    std::fprintf(stderr, "[warn] %s %s: %s\n", req.method.c_str(), Printable(req.path).c_str(),
                 failure.message.c_str());
    SendError(res, failure.http_status, failure.message);
    return;
  }
  res.status = ex->status;
  const std::set<std::string> answer_hop_by_hop = HopByHop(ex->headers);
  std::string content_type = "application/octet-stream";
  std::optional<size_t> content_length;
  for (const auto& [name, value] : ex->headers) {
    const std::string lower = AsciiLower(name);
    if (answer_hop_by_hop.count(lower) != 0) continue;
    if (lower == "content-type") {
      content_type = value;
      continue;
    }
    if (lower == "content-length") {
      content_length = static_cast<size_t>(std::strtoull(value.c_str(), nullptr, 10));
      continue;
    }
    res.headers.emplace(name, value);
  }
  const std::string via = res.get_header_value("Via");
  res.headers.erase("Via");
  res.set_header("Via", via.empty() ? kVia : via + ", " + kVia);
  const bool no_body = req.method == "HEAD" || ex->status == 204 || ex->status == 304 ||
                       ex->status < 200 ||
                       (content_length && *content_length == 0 && !IsChunked(ex->headers));
  if (no_body) {
    lock.unlock();
    release();
    if (ex->headers.count("Content-Type") != 0) res.set_header("Content-Type", content_type);
    // A HEAD answer states the length of the body it leaves out.
    if (content_length) res.set_header("Content-Length", std::to_string(*content_length));
    return;
  }
  lock.unlock();

  // Called by cpp-httplib on this worker thread after the handler returns, once per write.
  const auto next = [exchange](httplib::DataSink& sink, bool chunked) {
    std::string out;
    {
      std::unique_lock<std::mutex> guard(exchange->mu);
      exchange->changed.wait(guard,
                             [&] { return !exchange->chunks.empty() || exchange->finished; });
      while (!exchange->chunks.empty() && out.size() < kMaxWrite) {
        out += exchange->chunks.front();
        exchange->buffered -= exchange->chunks.front().size();
        exchange->chunks.pop_front();
      }
      exchange->changed.notify_all();
      if (out.empty()) {
        // The upstream is done. A cut-off answer is passed on as one: the connection closes
        // before the announced end, which every client detects.
        if (chunked && exchange->complete) {
          sink.done();
          return true;
        }
        return false;
      }
    }
    return sink.write(out.data(), out.size());
  };
  const auto released = [release](bool) { release(); };
  if (content_length && !IsChunked(ex->headers)) {
    res.set_content_provider(
        *content_length, content_type,
        [next](size_t, size_t, httplib::DataSink& sink) { return next(sink, false); }, released);
  } else {
    res.set_chunked_content_provider(
        content_type, [next](size_t, httplib::DataSink& sink) { return next(sink, true); },
        released);
  }
}

}  // namespace modelwarden
