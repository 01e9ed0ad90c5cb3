#include "compat/tracker/tracking_proxy.h"

#include <cstdio>
#include <set>
#include <string>

#include "compat/errors.h"
#include "compat/utf8.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr char kVia[] = "1.1 modelwarden";

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
std::set<std::string> HopByHop(const HeaderList& headers) {
  std::set<std::string> names(std::begin(kHopByHop), std::end(kHopByHop));
  for (const auto& [name, value] : headers) {
    if (!EqualsIgnoreAsciiCase(name, "Connection")) continue;
    std::string token;
    for (char c : value + ",") {
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

Response UnavailableResponse(int http_status, const std::string& message) {
  Response response;
  response.status = http_status;
  response.content_type = "application/json";
  response.body = ErrorBody(Status::Unavailable(message));
  return response;
}

std::string Seconds(std::chrono::milliseconds ms) {
  return std::to_string(static_cast<double>(ms.count()) / 1000.0).substr(0, 5) + " s";
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

bool Forwarded(std::string_view path) {
  return !ServedLocally(path) && !StartsWith(path, "/model-versions/");
}

Result<std::unique_ptr<TrackingProxy>> TrackingProxy::Create(const ProxyOptions& options) {
  // The pool parses and checks the URL; its cpp-httplib clients are not used here.
  ASSIGN_OR_RETURN(std::unique_ptr<UpstreamPool> pool, UpstreamPool::Create(options.upstream));
  std::unique_ptr<TrackingProxy> proxy(new TrackingProxy(options));
  proxy->address_.host = pool->host();
  proxy->address_.port = pool->port();
  proxy->address_.tls = pool->tls();
  proxy->address_.base_path = pool->base_path();
  proxy->address_.display = pool->display();
  proxy->user_ = pool->user();
  proxy->password_ = pool->password();
  return proxy;
}

bool TrackingProxy::Enter() {
  if (in_flight_.fetch_add(1) < options_.max_in_flight) return true;
  in_flight_.fetch_sub(1);
  return false;
}

void TrackingProxy::Leave() { in_flight_.fetch_sub(1); }

Response TrackingProxy::Busy() const {
  return UnavailableResponse(503, "Too many requests to the tracking server " + display() +
                                      " in progress; retry shortly.");
}

HeaderList TrackingProxy::UpstreamHeaders(const RequestHead& head) const {
  HeaderList headers;
  const std::set<std::string> hop_by_hop = HopByHop(head.headers);
  bool has_authorization = false;
  for (const auto& [name, value] : head.headers) {
    const std::string lower = AsciiLower(name);
    // Host names the upstream now; the framing is the relay's own; Expect was answered here.
    if (hop_by_hop.count(lower) != 0 || lower == "host" || lower == "content-length" ||
        lower == "expect") {
      continue;
    }
    if (lower == "authorization" && !options_.forward_authorization) continue;
    if (lower == "x-forwarded-for" || lower == "x-forwarded-proto" || lower == "x-forwarded-host")
      continue;
    has_authorization |= lower == "authorization";
    headers.emplace_back(name, value);
  }
  const std::string* forwarded_for = FindHeader(head.headers, "X-Forwarded-For");
  headers.emplace_back("X-Forwarded-For", forwarded_for == nullptr || forwarded_for->empty()
                                              ? head.remote_address
                                              : *forwarded_for + ", " + head.remote_address);
  const std::string* proto = FindHeader(head.headers, "X-Forwarded-Proto");
  headers.emplace_back("X-Forwarded-Proto", proto == nullptr || proto->empty() ? "http" : *proto);
  const std::string* forwarded_host = FindHeader(head.headers, "X-Forwarded-Host");
  const std::string* host = FindHeader(head.headers, "Host");
  if (forwarded_host != nullptr && !forwarded_host->empty()) {
    headers.emplace_back("X-Forwarded-Host", *forwarded_host);
  } else if (host != nullptr) {
    headers.emplace_back("X-Forwarded-Host", *host);
  }
  if (!has_authorization && (!user_.empty() || !password_.empty())) {
    // A client that brings no credentials for the tracker (or whose credentials were
    // modelwarden's) is forwarded with modelwarden's own, from the upstream URL.
    headers.emplace_back("Authorization", "Basic " + EncodeBase64(user_ + ":" + password_));
  }
  return headers;
}

HeaderList TrackingProxy::ClientHeaders(const HeaderList& upstream_headers) const {
  HeaderList headers;
  const std::set<std::string> hop_by_hop = HopByHop(upstream_headers);
  std::string via;
  for (const auto& [name, value] : upstream_headers) {
    const std::string lower = AsciiLower(name);
    if (hop_by_hop.count(lower) != 0 || lower == "content-length") continue;
    if (lower == "via") {
      via += (via.empty() ? "" : ", ") + value;
      continue;
    }
    headers.emplace_back(name, value);
  }
  headers.emplace_back("Via", via.empty() ? kVia : via + ", " + kVia);
  return headers;
}

Response TrackingProxy::Failure(const RequestHead& head, UpstreamFailureKind kind) const {
  const std::string upstream = "the tracking server " + display();
  int http_status = 502;
  std::string message;
  switch (kind) {
    case UpstreamFailureKind::kUnreachable:
      message = upstream + " is unreachable (connection refused or no route).";
      break;
    case UpstreamFailureKind::kTlsFailed:
      message = upstream +
                " failed the TLS handshake (an untrusted certificate, one issued for "
                "another name, or no TLS on that port).";
      break;
    case UpstreamFailureKind::kConnectTimeout:
      http_status = 504;
      message = upstream + " did not accept a connection within " +
                Seconds(options_.upstream.connect_timeout) + ".";
      break;
    case UpstreamFailureKind::kReadTimeout:
      http_status = 504;
      message =
          upstream + " did not answer within " + Seconds(options_.upstream.read_timeout) + ".";
      break;
    case UpstreamFailureKind::kBroken:
      message = upstream + " closed the connection without a complete answer.";
      break;
  }
  std::fprintf(stderr, "[warn] %s %s: %s\n", Printable(head.method).c_str(),
               Printable(head.path).c_str(), message.c_str());
  return UnavailableResponse(http_status, message);
}

}  // namespace modelwarden
