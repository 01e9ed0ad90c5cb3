// TrackingProxy: with --tracking-upstream, everything that is not the registry goes to the
// MLflow tracking server unchanged, so clients need one URI. modelwarden keeps the paths of
// ServedLocally() (the registry, its own endpoints, /health, /version) and the HTTP edge
// forwards every other request through its relay (compat/edge/relay.cc): method, path and query
// as sent, body streamed (uploads of any size, chunked or not), end-to-end headers (Host
// rewritten, X-Forwarded-For/-Proto/-Host added, hop-by-hop headers dropped, Authorization
// passed unless forward_authorization is off); the upstream's status, headers and body come
// back, streamed. This class is the policy the relay follows: which headers go each way, how
// many forwards may run at once (more get 503 at once), and the MLflow-shaped 502/504 a client
// gets when the tracker fails. It does no I/O itself.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "compat/edge/forward_policy.h"
#include "compat/tracker/upstream.h"

namespace modelwarden {

struct ProxyOptions {
  UpstreamOptions upstream;
  // Pass the client's Authorization header on. Off when modelwarden authenticates clients
  // itself: their credentials for modelwarden are not the tracker's business.
  bool forward_authorization = true;
  // Forwarded requests in progress at once; more get 503 at once.
  size_t max_in_flight = 24;
};

// Paths modelwarden answers itself when it proxies: /api/2.0 and /ajax-api/2.0 followed by
// mlflow/registered-models/, mlflow/model-versions/, mlflow/webhooks or modelwarden/, and
// /health, /version. The registry's namespace stays here even for endpoints modelwarden does
// not serve, so no client can reach the tracker's own registry around the policy.
bool ServedLocally(std::string_view path);
// Paths forwarded to the tracker: all but ServedLocally() and MLflow's registry artifact route
// /model-versions/... (a tracker's own registry must not answer for ours).
bool Forwarded(std::string_view path);

class TrackingProxy : public ForwardPolicy {
 public:
  // kInvalidParameterValue for a bad upstream URL.
  static Result<std::unique_ptr<TrackingProxy>> Create(const ProxyOptions& options);

  // scheme://host:port[/base], without credentials: for messages and run links.
  const std::string& display() const { return address_.display; }

  const UpstreamAddress& upstream() const override { return address_; }
  std::chrono::milliseconds connect_timeout() const override {
    return options_.upstream.connect_timeout;
  }
  std::chrono::milliseconds read_timeout() const override { return options_.upstream.read_timeout; }
  bool Enter() override;
  void Leave() override;
  Response Busy() const override;
  HeaderList UpstreamHeaders(const RequestHead& head) const override;
  HeaderList ClientHeaders(const HeaderList& upstream_headers) const override;
  Response Failure(const RequestHead& head, UpstreamFailureKind kind) const override;

 private:
  explicit TrackingProxy(const ProxyOptions& options) : options_(options) {}

  const ProxyOptions options_;
  UpstreamAddress address_;
  std::string user_;
  std::string password_;
  std::atomic<size_t> in_flight_ = 0;
};

}  // namespace modelwarden
