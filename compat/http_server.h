// HttpServer: the MLflow REST surface over cpp-httplib. Serves every route of compat/routes.h
// under /api/2.0 and /ajax-api/2.0, plus GET /health and GET /version. Each request gets a
// CallContext (request id, client address), a RequestReader and the route's handler; a
// non-OK Status becomes MLflow's {"error_code", "message"} with the status of
// compat/errors.h. modelwarden's own endpoints (compat/routes.h kGovernanceRoutes) and the
// webhook routes (kWebhookRoutes, whose {placeholders} match one path segment) are served the
// same way; policy warnings of an allowed change come back in the X-Modelwarden-Warnings
// header. Unknown paths answer 404 ENDPOINT_NOT_FOUND, a wrong method on a known
// path 405, an over-long body 413, and an unexpected exception 500 INTERNAL_ERROR with a
// generic message (the detail goes to stderr).
//
// Requests run on `options.workers` threads, so the Registry must be thread-safe. Stop() may
// be called from any thread (e.g. a signal watcher); in-flight requests finish first.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "compat/server_options.h"
#include "enforcement/access/access_admin.h"
#include "enforcement/access/access_control.h"
#include "enforcement/governance.h"
#include "enforcement/lifecycle/approvals.h"
#include "enforcement/webhooks/webhook_service.h"
#include "registry/registry.h"
#include "registry/status.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace modelwarden {

class TrackingProxy;
class VersionArtifacts;

class HttpServer {
 public:
  // All borrowed; they must outlive the server. With `access` enabled every route but /health
  // and /version needs credentials, and the auth routes (compat/routes.h kAccessRoutes) are
  // served.
  HttpServer(const ServerOptions& options, Registry& registry, Governance& governance,
             AccessControl& access, AccessAdmin& admin, WebhookService& webhooks,
             Approvals& approvals);
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds options.host:options.port and serves until Stop(). kTemporarilyUnavailable when the
  // address cannot be bound.
  Status Listen();

  // For tests: binds `host` on a free port and returns it, or -1. Then ListenAfterBind()
  // (blocking, usually on another thread) serves until Stop().
  int BindToAnyPort(const std::string& host);
  Status ListenAfterBind();

  bool IsRunning() const;
  void Stop();

  // Forwards every path the registry does not serve to `proxy` (compat/tracking_proxy.h); call
  // before Listen. `proxy` must outlive the server.
  void ForwardOtherPaths(TrackingProxy& proxy);

  // Serves MLflow's GET /model-versions/get-artifact (root-level, as MLflow has it) from
  // `artifacts`; call before Listen. Without it the route answers 404 ENDPOINT_NOT_FOUND.
  // `artifacts` must outlive the server.
  void ServeVersionArtifacts(VersionArtifacts& artifacts);

 private:
  void RegisterRoutes();
  void InstallHandlers();
  std::string NextRequestId();

  const ServerOptions options_;
  Registry& registry_;
  Governance& governance_;
  AccessControl& access_;
  AccessAdmin& admin_;
  WebhookService& webhooks_;
  Approvals& approvals_;
  std::unique_ptr<httplib::Server> server_;
  const uint32_t instance_id_;  // Random per process: request ids differ across restarts.
  std::atomic<uint64_t> next_request_ = 1;
  TrackingProxy* proxy_ = nullptr;  // Set before Listen, read-only afterwards.
};

}  // namespace modelwarden
