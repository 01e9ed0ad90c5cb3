#include "compat/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string_view>
#include <utility>

#include "compat/access_handlers.h"
#include "compat/artifacts/version_artifacts.h"
#include "compat/authenticator.h"
#include "compat/errors.h"
#include "compat/request_reader.h"
#include "compat/routes.h"
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
constexpr std::string_view kAllMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

// When the current worker thread started its request, for the access log. cpp-httplib runs
// one request at a time per worker, from routing to logging.
thread_local std::optional<std::chrono::steady_clock::time_point> request_start;

// cpp-httplib routes by std::regex; MLflow's paths are literal ("2.0" has a dot).
std::string RegexEscape(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) escaped += '\\';
    escaped += c;
  }
  return escaped;
}

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

void LogLine(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

void WriteError(httplib::Response& res, const Status& status) {
  res.status = ToMlflowError(status.code()).http_status;
  res.set_content(ErrorBody(status), kJsonContentType);
}

// Reads the request body into req.body if it is at most `limit` bytes; otherwise reads it to
// the end (so the connection stays in step), sets 413 and returns false. cpp-httplib's own
// payload limit is lifted when the server proxies uploads of any size (ForwardOtherPaths), so
// the registry's limit is applied here.
bool ReadBodyWithin(const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader& reader, size_t limit) {
  std::string body;
  bool too_long = false;
  size_t multipart_bytes = 0;
  const auto receive = [&](const char* data, size_t n) {
    too_long = too_long || body.size() + n > limit;
    if (too_long) {
      body.clear();
    } else {
      body.append(data, n);
    }
    return true;
  };
  // cpp-httplib parses multipart bodies itself and needs a receiver for their parts; the
  // registry reads none of them, as with cpp-httplib's plain routes.
  const bool read = req.is_multipart_form_data()
                        ? reader([](const httplib::MultipartFormData&) { return true; },
                                 [&](const char*, size_t n) {
                                   multipart_bytes += n;
                                   too_long = too_long || multipart_bytes > limit;
                                   return true;
                                 })
                        : reader(receive);
  if (too_long) {
    res.status = 413;
    return false;
  }
  if (!read) {
    if (res.status == -1) res.status = 400;
    return false;
  }
  const_cast<httplib::Request&>(req).body = std::move(body);
  return true;
}

void Register(httplib::Server& server, std::string_view method, const std::string& pattern,
              httplib::Server::Handler handler, size_t body_limit) {
  const auto with_body = [handler, body_limit](const httplib::Request& req, httplib::Response& res,
                                               const httplib::ContentReader& reader) {
    if (ReadBodyWithin(req, res, reader, body_limit)) handler(req, res);
  };
  if (method == "GET") server.Get(pattern, std::move(handler));
  if (method == "POST") server.Post(pattern, with_body);
  if (method == "PUT") server.Put(pattern, with_body);
  if (method == "PATCH") server.Patch(pattern, with_body);
  if (method == "DELETE") server.Delete(pattern, with_body);
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

std::optional<std::string> HeaderOrNull(const httplib::Request& req, const char* name) {
  if (!req.has_header(name)) return std::nullopt;
  return req.get_header_value(name);
}

// With authentication on, fills `principal` from the request's credentials, or writes the
// error (401 with WWW-Authenticate, as MLflow's before_request) and returns false. Off: true,
// and `principal` stays anonymous.
bool AuthenticateOrRespond(AccessControl& access, const httplib::Request& req,
                           httplib::Response& res, Principal& principal) {
  if (!access.enabled()) return true;
  Result<Principal> authenticated = Authenticate(access, HeaderOrNull(req, "Authorization"));
  if (authenticated.ok()) {
    principal = *authenticated;
    return true;
  }
  if (authenticated.status().code() == ErrorCode::kUnauthenticated) {
    res.set_header("WWW-Authenticate", "Basic realm=\"mlflow\"");
  }
  WriteError(res, authenticated.status());
  return false;
}

// Runs `call` (which reads the request and calls a handler) with MLflow's error mapping, the
// request id and policy warnings on the response. With authentication on, the caller is
// authenticated before anything is read (401, as MLflow's before_request); what they may do
// is decided below, by the registry's governor and the access and governance services.
void Serve(const std::function<Result<Reply>(const CallContext&, const RequestReader&)>& call,
           AccessControl& access, const CallContext& base_ctx, const httplib::Request& req,
           httplib::Response& res) {
  CallContext ctx = base_ctx;
  res.set_header(kRequestIdHeader, ctx.request_id);
  if (!AuthenticateOrRespond(access, req, res, ctx.principal)) return;
  const auto log_failure = [&](const std::string& what) {
    LogLine("[error] request " + ctx.request_id + " " + req.method + " " + Printable(req.path) +
            ": " + Printable(what));
  };
  // Exceptions should not happen (errors are Status values), but one must never reach the
  // client with its text: log it here with the request id, answer a generic 500.
  try {
    std::optional<std::string> content_type;
    if (req.has_header("Content-Type")) content_type = req.get_header_value("Content-Type");
    Result<RequestReader> reader =
        RequestReader::Create(req.method, req.params, content_type, req.body);
    Result<Reply> reply = reader.ok() ? call(ctx, *reader) : Result<Reply>(reader.status());
    if (reply.ok()) {
      if (!reply->warnings.empty()) {
        res.set_header(kWarningsHeader, WarningsHeader(reply->warnings));
      }
      res.status = 200;
      res.set_content(reply->body, kJsonContentType);
      return;
    }
    if (ToMlflowError(reply.status().code()).http_status >= 500) {
      log_failure(reply.status().ToString());
    }
    WriteError(res, reply.status());
  } catch (const std::exception& e) {
    log_failure(std::string("unhandled exception: ") + e.what());
    WriteError(res, Status::Internal("Internal server error (request " + ctx.request_id + ")."));
  } catch (...) {
    log_failure("unhandled non-standard exception");
    WriteError(res, Status::Internal("Internal server error (request " + ctx.request_id + ")."));
  }
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

}  // namespace

HttpServer::HttpServer(const ServerOptions& options, Registry& registry, Governance& governance,
                       AccessControl& access, AccessAdmin& admin, WebhookService& webhooks,
                       Approvals& approvals)
    : options_(options),
      registry_(registry),
      governance_(governance),
      access_(access),
      admin_(admin),
      webhooks_(webhooks),
      approvals_(approvals),
      server_(std::make_unique<httplib::Server>()),
      instance_id_(std::random_device{}()) {
  RegisterRoutes();
  InstallHandlers();
}

HttpServer::~HttpServer() = default;

std::string HttpServer::NextRequestId() {
  char id[32];
  std::snprintf(id, sizeof(id), "%08x-%llu", instance_id_,
                static_cast<unsigned long long>(next_request_.fetch_add(1)));
  return id;
}

void HttpServer::RegisterRoutes() {
  std::map<std::string_view, std::set<std::string_view>> methods_by_path;
  const auto add = [&](HttpMethod method, std::string_view path, auto call) {
    methods_by_path[path].insert(HttpMethodName(method));
    for (std::string_view prefix : kApiPrefixes) {
      Register(
          *server_, HttpMethodName(method), RegexEscape(std::string(prefix) + std::string(path)),
          [this, call](const httplib::Request& req, httplib::Response& res) {
            CallContext ctx;
            ctx.request_id = NextRequestId();
            ctx.client_address = req.remote_addr;
            Serve(call, access_, ctx, req, res);
          },
          options_.max_request_body_bytes);
    }
  };
  for (const Route& route : kRoutes) {
    add(route.method, route.path,
        [this, handler = route.handler](const CallContext& ctx, const RequestReader& reader) {
          return handler(ctx, reader, registry_);
        });
  }
  for (const GovernanceRoute& route : kGovernanceRoutes) {
    add(route.method, route.path,
        [this, handler = route.handler](const CallContext& ctx, const RequestReader& reader) {
          return handler(ctx, reader, governance_);
        });
  }
  for (const ApprovalRoute& route : kApprovalRoutes) {
    add(route.method, route.path,
        [this, handler = route.handler](const CallContext& ctx, const RequestReader& reader) {
          return handler(ctx, reader, approvals_);
        });
  }
  // MLflow serves its auth API only under --app-name basic-auth.
  if (access_.enabled()) {
    for (const AccessRoute& route : kAccessRoutes) {
      add(route.method, route.path,
          [this, handler = route.handler](const CallContext& ctx, const RequestReader& reader) {
            return handler(ctx, reader, admin_);
          });
    }
  }
  for (const WebhookRoute& route : kWebhookRoutes) {
    methods_by_path[route.path].insert(HttpMethodName(route.method));
    for (std::string_view prefix : kApiPrefixes) {
      Register(
          *server_, HttpMethodName(route.method), RoutePattern(prefix, route.path),
          [this, handler = route.handler](const httplib::Request& req, httplib::Response& res) {
            CallContext ctx;
            ctx.request_id = NextRequestId();
            ctx.client_address = req.remote_addr;
            PathValues path;
            for (size_t i = 1; i < req.matches.size(); ++i) path.push_back(req.matches[i].str());
            const auto call = [&](const CallContext& c, const RequestReader& reader) {
              return handler(c, reader, path, webhooks_);
            };
            Serve(call, access_, ctx, req, res);
          },
          options_.max_request_body_bytes);
    }
  }
  // A known path asked with another method: 405 like Flask (MLflow's body is an HTML page;
  // the Python client reads any non-JSON error by its status).
  for (const auto& [path, allowed] : methods_by_path) {
    std::string allow_header;
    for (std::string_view method : allowed) {
      if (!allow_header.empty()) allow_header += ", ";
      allow_header += method;
    }
    for (std::string_view method : kAllMethods) {
      if (allowed.count(method) != 0) continue;
      for (std::string_view prefix : kApiPrefixes) {
        Register(
            *server_, method, RoutePattern(prefix, path),
            [allow_header](const httplib::Request&, httplib::Response& res) {
              res.status = 405;
              res.set_header("Allow", allow_header);
              res.set_content("Method Not Allowed\n", kTextContentType);
            },
            options_.max_request_body_bytes);
      }
    }
  }
  server_->Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("OK", kTextContentType);
  });
  server_->Get("/version", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kModelwardenVersion, kTextContentType);
  });
}

void HttpServer::InstallHandlers() {
  // cpp-httplib takes ownership of the queue it is handed.
  server_->new_task_queue = [workers = options_.workers] {
    return new httplib::ThreadPool(static_cast<size_t>(workers));
  };
  server_->set_payload_max_length(options_.max_request_body_bytes);
  server_->set_keep_alive_max_count(100);

  // Runs for every response >= 400, including the ones already written; only fill the
  // blanks cpp-httplib leaves itself (unknown path, oversized body, malformed request).
  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [limit = options_.max_request_body_bytes](const httplib::Request& req,
                                                httplib::Response& res) {
        if (!res.body.empty() || TrackingProxy::IsForwarded(res)) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        Status status;
        if (res.status == 404) {
          status = Status(ErrorCode::kEndpointNotFound,
                          "No API endpoint for " + req.method + " " + req.path + ".");
        } else if (res.status == 416) {
          // An unparseable Range header, refused by cpp-httplib before routing.
          const_cast<httplib::Request&>(req).ranges.clear();
          status = Status::InvalidArgument("Range requests are not supported.");
        } else if (res.status == 413) {
          status = Status::InvalidArgument("Request body exceeds the limit of " +
                                           std::to_string(limit) + " bytes.");
        } else {
          // cpp-httplib's own 400s (no Content-Length on a POST, an unreadable multipart body)
          // are what MLflow reports as INVALID_PARAMETER_VALUE for the same requests.
          status = Status::InvalidArgument("Bad Request: the request body could not be read.");
        }
        // The status stays what cpp-httplib chose (e.g. 413); only the body is MLflow's.
        res.set_content(ErrorBody(status), kJsonContentType);
        return httplib::Server::HandlerResponse::Handled;
      }));

  // The last resort for an exception thrown outside Serve(): without this cpp-httplib puts
  // what() in an EXCEPTION_WHAT response header.
  server_->set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        std::string what = "unknown exception";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        LogLine("[error] " + req.method + " " + Printable(req.path) +
                ": unhandled exception: " + Printable(what));
        WriteError(res, Status::Internal("Internal server error."));
      });

  // TCP_NODELAY: without it a keep-alive client waits ~40 ms for every response body (Nagle's
  // algorithm against the client's delayed ACK of the headers).
  server_->set_tcp_nodelay(true);

  // Runs after the headers, before cpp-httplib reads the body. cpp-httplib 0.11 enforces the
  // payload limit only on Content-Length, and inflates gzip bodies after that check: refuse
  // chunked and encoded bodies outright (MLflow clients send neither).
  server_->set_pre_routing_handler([this, log = options_.access_log](const httplib::Request& req,
                                                                     httplib::Response& res) {
    if (log) request_start = std::chrono::steady_clock::now();
    const bool forwarded = proxy_ != nullptr && !ServedLocally(req.path);
    // cpp-httplib would cut any response to a Range header; MLflow's JSON answers ignore
    // Range. The Request is a non-const object inside cpp-httplib, handed here as const.
    const_cast<httplib::Request&>(req).ranges.clear();
    // Two Content-Length headers could make a proxy and this server disagree about where
    // the request ends (RFC 9112 section 6.3): refuse before reading any body.
    if (req.get_header_value_count("Content-Length") > 1) {
      res.status = 400;
      res.set_content(ErrorBody(Status::InvalidArgument("Conflicting Content-Length headers.")),
                      kJsonContentType);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (forwarded && !IsCanonicalPath(req.path)) {
      // "/api/2.0//mlflow/model-versions/create" must not slip past ServedLocally() to a
      // tracker that merges the slashes.
      res.status = 400;
      res.set_content(ErrorBody(Status::InvalidArgument("Non-canonical request path.")),
                      kJsonContentType);
      return httplib::Server::HandlerResponse::Handled;
    }
    const std::string encoding = req.get_header_value("Content-Encoding");
    // Forwarded uploads stream to the tracker however they are framed.
    if (!forwarded &&
        req.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos) {
      res.status = 411;
      res.set_content(ErrorBody(Status::InvalidArgument(
                          "Chunked request bodies are not accepted; send Content-Length.")),
                      kJsonContentType);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!encoding.empty() && encoding != "identity") {
      res.status = 415;
      res.set_content(ErrorBody(Status::InvalidArgument("Content-Encoding '" + Printable(encoding) +
                                                        "' is not accepted.")),
                      kJsonContentType);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  if (!options_.access_log) return;
  server_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    long long micros = -1;  // The request failed before routing.
    if (request_start.has_value()) {
      micros = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::steady_clock::now() - *request_start)
                   .count();
      request_start.reset();
    }
    const std::string request_id = res.get_header_value(kRequestIdHeader);
    std::fprintf(stderr, "[access] %s %s %s %d %lldus %s\n", req.remote_addr.c_str(),
                 Printable(req.method).c_str(), Printable(req.path).c_str(), res.status, micros,
                 request_id.empty() ? "-" : request_id.c_str());
  });
}

void HttpServer::ForwardOtherPaths(TrackingProxy& proxy) {
  proxy_ = &proxy;
  // Uploads to the tracker have no size limit; the registry's routes apply
  // max_request_body_bytes themselves (ReadBodyWithin).
  server_->set_payload_max_length(std::numeric_limits<size_t>::max());
  // A body sent to a registry path that has no route is read within the limit, then 404.
  const std::string local = "(?!" + std::string(ForwardedPathPattern()) + R"()[\s\S]*)";
  const auto not_found = [](const httplib::Request&, httplib::Response& res) { res.status = 404; };
  for (std::string_view method : {"POST", "PUT", "PATCH", "DELETE"}) {
    Register(*server_, method, local, not_found, options_.max_request_body_bytes);
  }
  const std::string pattern = ForwardedPathPattern();
  // With authentication on, forwarded calls need credentials too (MLflow's basic-auth guards
  // every path); any authenticated user may use the tracker, whose own permissions apply.
  const auto authenticated = [this](const httplib::Request& req, httplib::Response& res) {
    Principal principal;
    return AuthenticateOrRespond(access_, req, res, principal);
  };
  const auto forward = [&proxy, authenticated](const httplib::Request& req,
                                               httplib::Response& res) {
    if (authenticated(req, res)) proxy.Forward(req, res, nullptr);
  };
  const auto forward_body = [&proxy, authenticated](const httplib::Request& req,
                                                    httplib::Response& res,
                                                    const httplib::ContentReader& reader) {
    if (authenticated(req, res)) proxy.Forward(req, res, &reader);
  };
  server_->Get(pattern, forward);  // GET and HEAD.
  server_->Options(pattern, forward);
  server_->Post(pattern, forward_body);
  server_->Put(pattern, forward_body);
  server_->Patch(pattern, forward_body);
  server_->Delete(pattern, forward_body);
}

void HttpServer::ServeVersionArtifacts(VersionArtifacts& artifacts) {
  server_->Get("/model-versions/get-artifact", [this, &artifacts](const httplib::Request& req,
                                                                  httplib::Response& res) {
    CallContext ctx;
    ctx.request_id = NextRequestId();
    ctx.client_address = req.remote_addr;
    res.set_header(kRequestIdHeader, ctx.request_id);
    if (!AuthenticateOrRespond(access_, req, res, ctx.principal)) return;
    const auto param = [&req](const char* name) -> std::optional<std::string> {
      if (!req.has_param(name)) return std::nullopt;
      return req.get_param_value(name);
    };
    Result<ArtifactFile> file = artifacts.Open(ctx, param("name"), param("version"), param("path"));
    // MLflow sends every artifact as an attachment, so that no browser renders it as a page
    // of this server's origin.
    res.set_header("X-Content-Type-Options", "nosniff");
    if (!file.ok()) {
      if (ToMlflowError(file.status().code()).http_status >= 500) {
        LogLine("[error] request " + ctx.request_id +
                " GET /model-versions/get-artifact: " + Printable(file.status().ToString()));
      }
      WriteError(res, file.status());
      return;
    }
    res.status = 200;
    res.set_header("Content-Disposition", AttachmentDisposition(file->filename));
    // cpp-httplib calls a provider until the announced length is sent: the first call copies
    // the whole file, a second one means the file was shorter and fails the response.
    auto copied = std::make_shared<std::atomic<bool>>(false);
    const auto copy = [copied, copy = std::move(file->copy)](httplib::DataSink& sink) {
      if (copied->exchange(true)) return false;
      return copy([&sink](const char* data, size_t n) { return sink.write(data, n); });
    };
    if (file->size.has_value()) {
      res.set_content_provider(
          *file->size, file->content_type,
          [copy](size_t, size_t, httplib::DataSink& sink) { return copy(sink); });
    } else {
      res.set_chunked_content_provider(file->content_type, [copy](size_t, httplib::DataSink& sink) {
        if (!copy(sink)) return false;
        sink.done();
        return true;
      });
    }
  });
}

Status HttpServer::Listen() {
  if (!server_->bind_to_port(options_.host, options_.port)) {
    return Status::Unavailable("cannot listen on " + options_.host + ":" +
                               std::to_string(options_.port) +
                               " (address in use, not local, or not permitted)");
  }
  LogLine("modelwarden: listening on http://" + options_.host + ":" +
          std::to_string(options_.port));
  return ListenAfterBind();
}

int HttpServer::BindToAnyPort(const std::string& host) { return server_->bind_to_any_port(host); }

Status HttpServer::ListenAfterBind() {
  if (!server_->listen_after_bind()) {
    return Status::Unavailable("the HTTP server stopped accepting connections");
  }
  return Status::Ok();
}

bool HttpServer::IsRunning() const { return server_->is_running(); }

void HttpServer::Stop() { server_->stop(); }

}  // namespace modelwarden
