// TrackingProxy: with --tracking-upstream, everything that is not the registry goes to the
// MLflow tracking server unchanged, so clients need one URI. modelwarden keeps the paths of
// ServedLocally() (the registry, its own endpoints, /health, /version) and forwards every other
// request: method, path and query as sent, body streamed (uploads of any size, chunked or not),
// end-to-end headers (Host rewritten, X-Forwarded-For/-Proto/-Host added, hop-by-hop headers
// dropped, Authorization passed unless forward_authorization is off); the upstream's status,
// headers and body come back, the body streamed through a small buffer (a download of any size
// costs the same memory). An upstream that refuses the connection answers 502, one that does
// not answer within the timeout 504, both with an MLflow error body.
//
// Each forwarded request holds one HTTP worker and one upstream connection (from a keep-alive
// pool) plus a thread that drives the upstream call; at most max_in_flight run at once, so a
// stalled upstream leaves workers for the registry. Thread-safe.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <string_view>

#include "compat/tracker/upstream.h"

namespace modelwarden {

struct ProxyOptions {
  UpstreamOptions upstream;
  // Pass the client's Authorization header on. Off when modelwarden authenticates clients
  // itself: their credentials for modelwarden are not the tracker's business.
  bool forward_authorization = true;
  // Forwarded requests in progress at once; more get 503 at once.
  size_t max_in_flight = 24;
  // How much of a response body may wait between the upstream and a slow client.
  size_t buffer_bytes = 1024 * 1024;
};

// Paths modelwarden answers itself when it proxies: /api/2.0 and /ajax-api/2.0 followed by
// mlflow/registered-models/, mlflow/model-versions/, mlflow/webhooks or modelwarden/, and
// /health, /version. The registry's namespace stays here even for endpoints modelwarden does
// not serve, so no client can reach the tracker's own registry around the policy.
bool ServedLocally(std::string_view path);
// The same as a std::regex for cpp-httplib's routes: matches every path NOT served locally.
const char* ForwardedPathPattern();

class TrackingProxy {
 public:
  // kInvalidParameterValue for a bad upstream URL.
  static Result<std::unique_ptr<TrackingProxy>> Create(const ProxyOptions& options);

  // Forwards `req` and fills `res`. `body` reads the request body when the route had one
  // (POST, PUT, PATCH, DELETE); otherwise req.body is sent.
  void Forward(const httplib::Request& req, httplib::Response& res,
               const httplib::ContentReader* body);

  // True for a response that came from the upstream (marked with Via), which the server's
  // error handler must leave as it is.
  static bool IsForwarded(const httplib::Response& res);

  const std::string& upstream() const { return pool_->display(); }

 private:
  TrackingProxy(const ProxyOptions& options, std::unique_ptr<UpstreamPool> pool)
      : options_(options), pool_(std::move(pool)) {}

  const ProxyOptions options_;
  const std::unique_ptr<UpstreamPool> pool_;
  std::atomic<size_t> in_flight_ = 0;
};

}  // namespace modelwarden
