#include "compat/http_server.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <random>
#include <string_view>
#include <thread>
#include <utility>

#include "compat/access_handlers.h"
#include "compat/artifacts/version_artifacts.h"
#include "compat/authenticator.h"
#include "compat/edge/query_string.h"
#include "compat/errors.h"
#include "compat/routes.h"
#include "compat/tracker/forwarded_authorizer.h"
#include "compat/tracker/forwarded_rules.h"
#include "compat/tracker/governed_tracking_calls.h"
#include "compat/tracker/tracking_proxy.h"
#include "compat/utf8.h"
#include "compat/version.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr char kJsonContentType[] = "application/json";
constexpr char kTextContentType[] = "text/plain; charset=utf-8";
constexpr char kRequestIdHeader[] = "X-Request-Id";
constexpr char kWarningsHeader[] = "X-Modelwarden-Warnings";
// What is relayed to the tracker; anything else there is 501.
constexpr std::string_view kForwardedMethods[] = {"GET", "HEAD",  "OPTIONS", "POST",
                                                  "PUT", "PATCH", "DELETE"};

// Origin-form ("/..."), with no empty, "." or ".." segment: anything else could name a registry
// endpoint to a server that normalises it (werkzeug routes "api/2.0/..." as "/api/2.0/...").
bool IsCanonicalPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  for (size_t start = 1; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if ((segment.empty() && end != path.size()) || segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

// Disposition::route of GET /model-versions/get-artifact: not an index in calls_.
constexpr int kVersionArtifactRoute = -2;
// Disposition::route of GovernedTrackingCalls' route i: kGovernedTrackingRoute - i.
constexpr int kGovernedTrackingRoute = -100;
constexpr char kVersionArtifactPath[] = "/model-versions/get-artifact";

void LogLine(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

Response ErrorResponse(const Status& status) {
  Response response;
  response.status = ToMlflowError(status.code()).http_status;
  response.content_type = kJsonContentType;
  response.body = ErrorBody(status);
  return response;
}

// An answer from the head alone. `close`: refused before its body is read, so the connection
// cannot go on.
Disposition Answer(Response response, bool close = false) {
  Disposition disposition;
  disposition.kind = Disposition::Kind::kAnswer;
  disposition.answer = std::move(response);
  disposition.answer.close = close;
  return disposition;
}

Disposition Refuse(int http_status, const std::string& message) {
  Response response = ErrorResponse(Status::InvalidArgument(message));
  response.status = http_status;
  return Answer(std::move(response), /*close=*/true);
}

Response Text(int http_status, std::string body) {
  Response response;
  response.status = http_status;
  response.content_type = kTextContentType;
  response.body = std::move(body);
  return response;
}

// A known path asked with another method: 405 like Flask (MLflow's body is an HTML page; the
// Python client reads any non-JSON error by its status).
Disposition MethodNotAllowed(const std::string& allow) {
  Response response = Text(405, "Method Not Allowed\n");
  response.headers.emplace_back("Allow", allow);
  return Answer(std::move(response));
}

// Flask's automatic OPTIONS answer.
Disposition Options(const std::string& allow) {
  Response response;
  response.status = 204;
  response.headers.emplace_back("Allow", allow);
  return Answer(std::move(response));
}

// Joins policy warnings into one header value, " | "-separated: printable ASCII only (other
// bytes as \xNN), each warning at most kMaxWarningLength and the whole at most
// kMaxWarningsHeader, so that no client or proxy header limit turns an allowed (and committed)
// change into an error. The full checks are in the audit log.
std::string WarningsHeader(const std::vector<std::string>& warnings) {
  constexpr size_t kMaxWarningLength = 400;
  constexpr size_t kMaxWarningsHeader = 4000;
  std::string value;
  for (size_t i = 0; i < warnings.size(); ++i) {
    std::string warning;
    for (char c : warnings[i]) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7f) {
        warning += c;
      } else {
        warning += "\\x" + HexEncode(std::string_view(&c, 1));
      }
    }
    if (warning.size() > kMaxWarningLength) warning = warning.substr(0, kMaxWarningLength) + "...";
    const std::string separator = value.empty() ? "" : " | ";
    if (value.size() + separator.size() + warning.size() > kMaxWarningsHeader) {
      value += separator + "... and " + std::to_string(warnings.size() - i) +
               " more (see the audit log)";
      break;
    }
    value += separator + warning;
  }
  return value;
}

std::optional<std::string> HeaderOrNull(const RequestHead& head, std::string_view name) {
  const std::string* value = FindHeader(head.headers, name);
  if (value == nullptr) return std::nullopt;
  return *value;
}

// With authentication on, the caller's principal from the request's credentials, or the error
// to answer (401 with WWW-Authenticate, as MLflow's before_request). Off: anonymous.
Result<Principal> AuthenticateHead(AccessControl& access, const RequestHead& head,
                                   Response* refusal) {
  if (!access.enabled()) return Principal();
  Result<Principal> authenticated = Authenticate(access, HeaderOrNull(head, "Authorization"));
  if (authenticated.ok()) return authenticated;
  *refusal = ErrorResponse(authenticated.status());
  if (authenticated.status().code() == ErrorCode::kUnauthenticated) {
    refusal->headers.emplace_back("WWW-Authenticate", "Basic realm=\"mlflow\"");
  }
  return authenticated.status();
}

// Content-Disposition for a download, as werkzeug's send_file writes it: the plain name when it
// is printable ASCII without quotes or separators, else RFC 6266's UTF-8 form.
std::string AttachmentDisposition(const std::string& filename) {
  const bool plain = std::all_of(filename.begin(), filename.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && std::string_view("\"\\;,").find(c) == std::string_view::npos;
  });
  if (plain) return "attachment; filename=" + filename;
  return "attachment; filename*=UTF-8''" + Quote(filename, "");
}

// The edge's I/O threads: a few, however many workers; two cores keep two busy.
size_t IoThreads() {
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::min<size_t>(4, cores);
}

}  // namespace

HttpServer::HttpServer(const ServerOptions& options, Registry& registry, Governance& governance,
                       AccessControl& access, AccessAdmin& admin, WebhookService& webhooks,
                       Approvals& approvals, TrackingProxy* proxy)
    : options_(options),
      registry_(registry),
      governance_(governance),
      access_(access),
      admin_(admin),
      webhooks_(webhooks),
      approvals_(approvals),
      proxy_(proxy),
      instance_id_(std::random_device{}()) {
  RegisterRoutes();
  EdgeOptions edge;
  edge.host = options.host;
  edge.port = options.port;
  edge.io_threads = IoThreads();
  edge.workers = static_cast<size_t>(options.workers);
  edge.max_connections = static_cast<size_t>(options.max_connections);
  edge.header_timeout = std::chrono::milliseconds(options.header_timeout_ms);
  edge.idle_timeout = std::chrono::milliseconds(options.idle_timeout_ms);
  edge.max_body_bytes = options.max_request_body_bytes;
  edge.access_log = options.access_log;
  RequestHandler& handler = *this;  // A private base: converted here, not in make_unique.
  edge_ = std::make_unique<HttpEdge>(edge, handler, proxy);
}

HttpServer::~HttpServer() = default;

std::string HttpServer::NextRequestId() {
  char id[32];
  std::snprintf(id, sizeof(id), "%08x-%llu", instance_id_,
                static_cast<unsigned long long>(next_request_.fetch_add(1)));
  return id;
}

void HttpServer::RegisterRoutes() {
  const auto add = [&](HttpMethod method, std::string_view path, Call call, int api_version = 2) {
    const int index = static_cast<int>(calls_.size());
    calls_.push_back(std::move(call));
    for (std::string_view prefix : api_version == 3 ? kApi3Prefixes : kApiPrefixes) {
      routes_.Add(HttpMethodName(method), std::string(prefix) + std::string(path), index);
    }
  };
  for (const Route& route : kRoutes) {
    add(route.method, route.path,
        [this, handler = route.handler](const CallContext& ctx, const RequestReader& reader,
                                        const PathValues&) {
          return handler(ctx, reader, registry_);
        });
  }
  for (const GovernanceRoute& route : kGovernanceRoutes) {
    add(route.method, route.path,
        [this, handler = route.handler](const CallContext& ctx, const RequestReader& reader,
                                        const PathValues&) {
          return handler(ctx, reader, governance_);
        });
  }
  for (const ApprovalRoute& route : kApprovalRoutes) {
    add(route.method, route.path,
        [this, handler = route.handler](const CallContext& ctx, const RequestReader& reader,
                                        const PathValues&) {
          return handler(ctx, reader, approvals_);
        });
  }
  // MLflow serves its auth API only under --app-name basic-auth.
  if (access_.enabled()) {
    for (const AccessRoute& route : kAccessRoutes) {
      add(
          route.method, route.path,
          [this, handler = route.handler](const CallContext& ctx, const RequestReader& reader,
                                          const PathValues&) {
            return handler(ctx, reader, admin_);
          },
          route.api_version);
    }
  }
  for (const WebhookRoute& route : kWebhookRoutes) {
    add(route.method, route.path,
        [this, handler = route.handler](const CallContext& ctx, const RequestReader& reader,
                                        const PathValues& path) {
          return handler(ctx, reader, path, webhooks_);
        });
  }
}

Disposition HttpServer::Classify(const RequestHead& head) {
  const bool proxied = proxy_ != nullptr && !ServedLocally(head.path);
  // Two Content-Length fields could make a proxy and this server disagree about where the
  // request ends (RFC 9112 section 6.3).
  if (CountHeader(head.headers, "Content-Length") > 1) {
    return Refuse(400, "Conflicting Content-Length headers.");
  }
  // "/api/2.0//mlflow/model-versions/create" must not slip past ServedLocally() to a tracker
  // that merges the slashes.
  if (proxied && !IsCanonicalPath(head.path)) return Refuse(400, "Non-canonical request path.");
  // Forwarded uploads stream to the tracker however they are framed.
  if (!proxied && head.chunked) {
    return Refuse(411, "Chunked request bodies are not accepted; send Content-Length.");
  }
  const std::string* encoding = FindHeader(head.headers, "Content-Encoding");
  if (encoding != nullptr && !encoding->empty() && *encoding != "identity") {
    return Refuse(415, "Content-Encoding '" + Printable(*encoding) + "' is not accepted.");
  }
  if (RouteTable::Match match = routes_.Find(head.method, head.path);
      match.kind == RouteTable::Match::Kind::kFound) {
    Disposition serve;
    serve.kind = Disposition::Kind::kServe;
    serve.route = match.call;
    serve.path_values = std::move(match.values);
    return serve;
  } else if (match.kind == RouteTable::Match::Kind::kWrongMethod) {
    if (head.method == "OPTIONS") return Options(match.allow);
    return MethodNotAllowed(match.allow);
  }
  if (artifacts_ != nullptr && head.path == kVersionArtifactPath) {
    if (head.method == "GET" || head.method == "HEAD") {
      Disposition serve;
      serve.kind = Disposition::Kind::kServe;
      serve.route = kVersionArtifactRoute;
      return serve;
    }
    if (head.method == "OPTIONS") return Options("GET, HEAD, OPTIONS");
    return MethodNotAllowed("GET, HEAD, OPTIONS");
  }
  if (head.path == "/health" || head.path == "/version") {
    if (head.method == "GET" || head.method == "HEAD") {
      return Answer(Text(200, head.path == "/health" ? "OK" : kModelwardenVersion));
    }
    if (head.method == "OPTIONS") return Options("GET, HEAD, OPTIONS");
    return MethodNotAllowed("GET, HEAD, OPTIONS");
  }
  if (proxy_ != nullptr && Forwarded(head.path)) {
    if (std::find(std::begin(kForwardedMethods), std::end(kForwardedMethods), head.method) ==
        std::end(kForwardedMethods)) {
      return Refuse(501, "Method '" + Printable(head.method) + "' is not forwarded.");
    }
    Disposition forward;
    forward.kind = Disposition::Kind::kForward;
    // With authentication on, forwarded calls need credentials (MLflow's basic-auth guards
    // every path) and a permission on the experiment they are about.
    forward.admit_first = access_.enabled();
    if (forward.admit_first) {
      const ForwardedMatch match = FindForwardedRule(head.method, head.path);
      // MLflow's server reads a GET's parameters from its JSON body when it has no query
      // string: so must the check.
      const bool get_with_body = (head.method == "GET" || head.method == "HEAD") &&
                                 head.query.empty() &&
                                 (head.chunked || head.content_length.value_or(0) > 0);
      forward.admit_reads_body =
          match.rule != nullptr && (ReadsBody(*match.rule, head.method) || get_with_body);
    }
    return forward;
  }
  return Answer(ErrorResponse(Status(
      ErrorCode::kEndpointNotFound, "No API endpoint for " + head.method + " " + head.path + ".")));
}

std::optional<Response> HttpServer::Admit(const RequestHead& head, int, std::string* body) {
  Result<std::optional<Response>> decided =
      DecideAdmission(head, body, AccessControl::Blocking::kAllowed);
  if (!decided.ok()) return ErrorResponse(decided.status());
  return std::move(*decided);
}

Admission HttpServer::AdmitWithoutBlocking(const RequestHead& head, int, std::string* body) {
  // A large body is parsed on a worker, not on the thread that serves other connections.
  constexpr size_t kMaxBodyOnIoThread = 64 * 1024;
  Admission admission;
  if (body != nullptr && body->size() > kMaxBodyOnIoThread) return admission;
  Result<std::optional<Response>> decided =
      DecideAdmission(head, body, AccessControl::Blocking::kNever);
  if (!decided.ok()) {
    if (decided.status().code() == ErrorCode::kWouldBlock) return admission;
    admission.kind = Admission::Kind::kAnswered;
    admission.answer = ErrorResponse(decided.status());
    return admission;
  }
  if (!decided->has_value()) {
    admission.kind = Admission::Kind::kAllowed;
    return admission;
  }
  admission.kind = Admission::Kind::kAnswered;
  admission.answer = std::move(**decided);
  return admission;
}

// Ok(nullopt): forward the call; Ok(response): answer it so (401 with its header, a local
// answer). Errors: refusals.
Result<std::optional<Response>> HttpServer::DecideAdmission(const RequestHead& head,
                                                            std::string* body,
                                                            AccessControl::Blocking blocking) {
  Result<Principal> principal =
      Authenticate(access_, HeaderOrNull(head, "Authorization"), blocking);
  if (!principal.ok()) {
    if (principal.status().code() == ErrorCode::kUnauthenticated) {
      Response refusal = ErrorResponse(principal.status());
      refusal.headers.emplace_back("WWW-Authenticate", "Basic realm=\"mlflow\"");
      return std::optional<Response>(std::move(refusal));
    }
    return principal.status();
  }
  ASSIGN_OR_RETURN(ExperimentAccess access, access_.ExperimentAccessFor(*principal, blocking));
  Result<std::optional<Response>> decided = Decide(head, body, blocking, access);
  if (decided.status().code() != ErrorCode::kPermissionDenied || access.sees_everything()) {
    return decided;
  }
  // A refusal is confirmed on the grants as they are now (a grant made through another server
  // process counts at once), as for the registry's reads; on a worker, since that reads.
  if (blocking == AccessControl::Blocking::kNever) {
    return Status(ErrorCode::kWouldBlock, "a refusal is confirmed on a worker");
  }
  ASSIGN_OR_RETURN(ExperimentAccess now,
                   access_.ExperimentAccessFor(*principal, blocking, /*fresh=*/true));
  return Decide(head, body, blocking, now);
}

Result<std::optional<Response>> HttpServer::Decide(const RequestHead& head, std::string* body,
                                                   AccessControl::Blocking blocking,
                                                   const ExperimentAccess& access) {
  const ForwardedMatch match = FindForwardedRule(head.method, head.path);
  if (authorizer_ == nullptr) {
    // Nothing to decide experiments with: only what needs no permission goes through.
    if (access.sees_everything() || !match.api) return std::optional<Response>();
    return Status::PermissionDenied(
        "Permission denied: forwarded API calls are not authorized on this server; only admins "
        "may make them.");
  }
  // Decided on a copy in the non-blocking pass, so that a decision left to a worker starts
  // from the body as it came.
  std::string narrowed;
  std::string* checked = body;
  if (body != nullptr && blocking == AccessControl::Blocking::kNever) {
    narrowed = *body;
    checked = &narrowed;
  }
  ASSIGN_OR_RETURN(ForwardedDecision decision,
                   authorizer_->Decide(access, match, head, checked, blocking));
  if (checked != body) *body = std::move(narrowed);
  if (decision.answer) {
    Response answer;
    answer.content_type = kJsonContentType;
    answer.body = std::move(*decision.answer);
    return std::optional<Response>(std::move(answer));
  }
  return std::optional<Response>();
}

// Runs the route with MLflow's error mapping, the request id and policy warnings on the
// response. With authentication on, the caller is authenticated before anything is read (401,
// as MLflow's before_request); what they may do is decided below, by the registry's governor
// and the access and governance services.
Response HttpServer::Serve(int route, Request& request) {
  const RequestHead& head = request.head;
  CallContext ctx;
  ctx.request_id = NextRequestId();
  ctx.client_address = head.remote_address;
  Response response;
  Result<Principal> principal = AuthenticateHead(access_, head, &response);
  if (principal.ok()) {
    ctx.principal = *principal;
    const auto log_failure = [&](const std::string& what) {
      LogLine("[error] request " + ctx.request_id + " " + head.method + " " + Printable(head.path) +
              ": " + Printable(what));
    };
    // Exceptions should not happen (errors are Status values), but one must never reach the
    // client with its text: log it here with the request id, answer a generic 500.
    try {
      if (route <= kGovernedTrackingRoute) {
        response = ServeGovernedTrackingCall(route, ctx, request);
        response.headers.emplace_back(kRequestIdHeader, ctx.request_id);
        return response;
      }
      if (route == kVersionArtifactRoute) {
        response = ServeVersionArtifact(ctx, head);
        response.headers.emplace_back(kRequestIdHeader, ctx.request_id);
        return response;
      }
      Result<RequestReader> reader =
          RequestReader::Create(head.method, ParseQueryString(head.query),
                                HeaderOrNull(head, "Content-Type"), request.body);
      Result<Reply> reply =
          reader.ok() ? calls_[route](ctx, *reader, request.path_values) : reader.status();
      if (reply.ok()) {
        response.content_type = kJsonContentType;
        response.body = std::move(reply->body);
        if (!reply->warnings.empty()) {
          response.headers.emplace_back(kWarningsHeader, WarningsHeader(reply->warnings));
        }
      } else {
        if (ToMlflowError(reply.status().code()).http_status >= 500) {
          log_failure(reply.status().ToString());
        }
        response = ErrorResponse(reply.status());
      }
    } catch (const std::exception& e) {
      log_failure(std::string("unhandled exception: ") + e.what());
      response = ErrorResponse(
          Status::Internal("Internal server error (request " + ctx.request_id + ")."));
    } catch (...) {
      log_failure("unhandled non-standard exception");
      response = ErrorResponse(
          Status::Internal("Internal server error (request " + ctx.request_id + ")."));
    }
  }
  response.headers.emplace_back(kRequestIdHeader, ctx.request_id);
  return response;
}

void HttpServer::ServeVersionArtifacts(VersionArtifacts& artifacts) { artifacts_ = &artifacts; }

void HttpServer::GovernForwardedCalls(ForwardedAuthorizer& authorizer,
                                      GovernedTrackingCalls& calls) {
  authorizer_ = &authorizer;
  if (!access_.enabled() || proxy_ == nullptr) return;
  tracking_calls_ = &calls;
  const auto& routes = GovernedTrackingCalls::Routes();
  for (size_t i = 0; i < routes.size(); ++i) {
    for (std::string_view prefix : {"/api", "/ajax-api"}) {
      routes_.Add(routes[i].method, std::string(prefix) + std::string(routes[i].path),
                  kGovernedTrackingRoute - static_cast<int>(i));
    }
  }
}

Response HttpServer::ServeGovernedTrackingCall(int route, const CallContext& ctx,
                                               const Request& request) {
  const auto& routes = GovernedTrackingCalls::Routes();
  const size_t index = static_cast<size_t>(kGovernedTrackingRoute - route);
  Result<ExperimentAccess> access = access_.ExperimentAccessFor(ctx.principal);
  if (!access.ok()) return ErrorResponse(access.status());
  return tracking_calls_->Serve(routes[index].kind, ctx, *access, request.head, request.body);
}

// The file streams from the worker serving the request (compat/edge/http_message.h
// Response::stream): the worker stays with the download until the client has all but the edge's
// bounded buffer of it, so a slow client holds one worker and that buffer, never the file.
Response HttpServer::ServeVersionArtifact(const CallContext& ctx, const RequestHead& head) {
  const std::multimap<std::string, std::string> query = ParseQueryString(head.query);
  // Flask's request.args.get: the first value (multimap keeps equal keys in insertion order).
  const auto param = [&query](const char* name) -> std::optional<std::string> {
    auto found = query.lower_bound(name);
    if (found == query.end() || found->first != name) return std::nullopt;
    return found->second;
  };
  Result<ArtifactFile> file = artifacts_->Open(ctx, param("name"), param("version"), param("path"));
  Response response;
  if (!file.ok()) {
    if (ToMlflowError(file.status().code()).http_status >= 500) {
      LogLine("[error] request " + ctx.request_id + " " + head.method + " " + kVersionArtifactPath +
              ": " + Printable(file.status().ToString()));
    }
    response = ErrorResponse(file.status());
  } else {
    response.content_type = file->content_type;
    response.headers.emplace_back("Content-Disposition", AttachmentDisposition(file->filename));
    response.stream = std::move(file->copy);
    response.stream_size = file->size;
  }
  // MLflow sends every artifact as an attachment, so that no browser renders it as a page of
  // this server's origin.
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

Status HttpServer::Listen() {
  RETURN_IF_ERROR(edge_->Bind());
  LogLine("modelwarden: listening on http://" + options_.host + ":" +
          std::to_string(edge_->port()));
  return edge_->Run();
}

}  // namespace modelwarden
