// HttpServer: the MLflow REST surface over the HTTP edge (compat/edge/http_edge.h). Serves
// every route of compat/routes.h under /api/2.0 and /ajax-api/2.0, plus /health and /version.
// Each request gets a CallContext (request id, client address), a RequestReader and the route's
// handler, on a worker thread of the edge; a non-OK Status becomes MLflow's {"error_code",
// "message"} with the status of compat/errors.h. modelwarden's own endpoints (compat/routes.h
// kGovernanceRoutes) and the webhook routes (kWebhookRoutes, whose {placeholders} match one path
// segment; compat/route_table.h) are served the same way; policy warnings of an allowed change
// come back in the X-Modelwarden-Warnings header.
//
// At the edge, as MLflow's Flask app answers: an unknown path is 404 ENDPOINT_NOT_FOUND; a
// known path asked with another method 405 with Allow; OPTIONS 204 with Allow; HEAD on a GET
// route runs the route as MLflow does (its fields from the body, which a HEAD lacks) and sends
// the head of the answer. Refused before the body is read: two Content-Length fields (400),
// chunked bodies on registry paths (411; MLflow clients send Content-Length), any
// Content-Encoding but identity (415: nothing inflates a body here). An unexpected exception is
// 500 INTERNAL_ERROR with a generic message (the detail goes to stderr).
//
// With ServeVersionArtifacts, GET /model-versions/get-artifact (at the root, as MLflow has it)
// streams a version's file from VersionArtifacts with MLflow's headers (attachment,
// X-Content-Type-Options: nosniff) and errors.
//
// With a TrackingProxy, every path it forwards (compat/tracker/tracking_proxy.h) is relayed to
// the tracker by the edge; a forwarded path that is not in canonical origin form is refused
// (400). With --auth, a forwarded call is authenticated and then authorized per experiment
// before anything reaches the tracker (GovernForwardedCalls; compat/tracker/forwarded_rules.h):
// a call whose rule reads its JSON body has the body read first (within the body limit) and
// relayed from memory; an API path without a rule is refused to all but admins. The calls
// MLflow's basic-auth acts on after they succeed (GovernedTrackingCalls) are served here.
//
// Thread-safe: the registry and the other services must be, since workers call them at once.
// Stop() may be called from any thread (e.g. a signal watcher).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compat/edge/http_edge.h"
#include "compat/edge/request_handler.h"
#include "compat/reply.h"
#include "compat/request_reader.h"
#include "compat/route_table.h"
#include "compat/server_options.h"
#include "compat/webhooks/webhook_handlers.h"
#include "enforcement/access/access_admin.h"
#include "enforcement/access/access_control.h"
#include "enforcement/governance.h"
#include "enforcement/lifecycle/approvals.h"
#include "enforcement/webhooks/webhook_service.h"
#include "registry/registry.h"
#include "registry/status.h"

namespace modelwarden {

class ForwardedAuthorizer;
class GovernedTrackingCalls;
class TrackingProxy;
class VersionArtifacts;

class HttpServer : private RequestHandler {
 public:
  // All borrowed; they must outlive the server. With `access` enabled every route but /health
  // and /version needs credentials, and the auth routes (compat/routes.h kAccessRoutes) are
  // served. `webhooks` serves the webhook routes. `proxy` (may be null) receives every path it
  // forwards.
  HttpServer(const ServerOptions& options, Registry& registry, Governance& governance,
             AccessControl& access, AccessAdmin& admin, WebhookService& webhooks,
             Approvals& approvals, TrackingProxy* proxy = nullptr);
  ~HttpServer() override;

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds options.host:options.port and serves until Stop(), then drains (see HttpEdge).
  // kTemporarilyUnavailable when the address cannot be bound.
  Status Listen();
  bool IsRunning() const { return edge_->IsRunning(); }
  void Stop() { edge_->Stop(); }

  // Serves MLflow's GET /model-versions/get-artifact (root-level, as MLflow has it) from
  // `artifacts`; call before Listen. Without it the route answers 404 ENDPOINT_NOT_FOUND.
  // `artifacts` must outlive the server.
  void ServeVersionArtifacts(VersionArtifacts& artifacts);

  // With authentication on and a proxy: authorizes forwarded calls with `authorizer` and serves
  // `calls`' routes. Call before Listen; both must outlive the server. Without it, forwarded
  // API calls are refused to all but admins while authentication is on.
  void GovernForwardedCalls(ForwardedAuthorizer& authorizer, GovernedTrackingCalls& calls);

 private:
  // A route's handler; `path` holds its {placeholders}' segments (compat/route_table.h).
  using Call = std::function<Result<Reply>(const CallContext&, const RequestReader&,
                                           const PathValues& path)>;

  Disposition Classify(const RequestHead& head) override;
  Response Serve(int route, Request& request) override;
  std::optional<Response> Admit(const RequestHead& head, int route, std::string* body) override;
  Admission AdmitWithoutBlocking(const RequestHead& head, int route, std::string* body) override;
  // Admit's decision; with Blocking::kNever, kWouldBlock when it needs a read.
  Result<std::optional<Response>> DecideAdmission(const RequestHead& head, std::string* body,
                                                  AccessControl::Blocking blocking);
  // DecideAdmission's decision for an authenticated caller with `access`.
  Result<std::optional<Response>> Decide(const RequestHead& head, std::string* body,
                                         AccessControl::Blocking blocking,
                                         const ExperimentAccess& access);

  void RegisterRoutes();
  // GET (HEAD) /model-versions/get-artifact for an authenticated caller.
  Response ServeVersionArtifact(const CallContext& ctx, const RequestHead& head);
  // One of GovernedTrackingCalls' routes for an authenticated caller.
  Response ServeGovernedTrackingCall(int route, const CallContext& ctx, const Request& request);
  std::string NextRequestId();

  const ServerOptions options_;
  Registry& registry_;
  Governance& governance_;
  AccessControl& access_;
  AccessAdmin& admin_;
  WebhookService& webhooks_;
  Approvals& approvals_;
  TrackingProxy* const proxy_;
  VersionArtifacts* artifacts_ = nullptr;
  ForwardedAuthorizer* authorizer_ = nullptr;
  GovernedTrackingCalls* tracking_calls_ = nullptr;
  std::vector<Call> calls_;
  RouteTable routes_;
  const uint32_t instance_id_;  // Random per process: request ids differ across restarts.
  std::atomic<uint64_t> next_request_ = 1;
  std::unique_ptr<HttpEdge> edge_;
};

}  // namespace modelwarden
