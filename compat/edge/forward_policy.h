// ForwardPolicy: what the edge's relay (compat/edge/relay.cc, StartRelay in connection.h) needs to
// know to forward a request to an upstream HTTP server: where it is, how headers are rewritten each
// way, how many forwards may run at once, and what a client is told when the upstream fails. The
// relay does the I/O; the policy (compat/tracker/tracking_proxy.h) holds the rules. Implementations
// must be thread-safe: every I/O thread calls them.
#pragma once

#include <chrono>
#include <string>

#include "compat/edge/http_message.h"

namespace modelwarden {

struct UpstreamAddress {
  std::string host;
  std::string port;
  bool tls = false;
  std::string base_path;  // "" or "/prefix", put before every forwarded target.
  std::string display;    // scheme://host:port[/prefix], without credentials.
};

// Why a forward got no answer from the upstream.
enum class UpstreamFailureKind {
  kUnreachable,     // Connection refused, no route, name not resolved.
  kTlsFailed,       // The TLS handshake failed: an unverified certificate, no common protocol.
  kConnectTimeout,  // No connection within connect_timeout().
  kReadTimeout,     // The upstream sent nothing (or took nothing) for read_timeout().
  kBroken,          // The upstream closed the connection before a complete answer head.
};

class ForwardPolicy {
 public:
  virtual ~ForwardPolicy() = default;

  virtual const UpstreamAddress& upstream() const = 0;
  virtual std::chrono::milliseconds connect_timeout() const = 0;
  virtual std::chrono::milliseconds read_timeout() const = 0;

  // Takes one of the in-flight places; false when all are taken (the edge then answers
  // Busy()). Every true is matched by one Leave().
  virtual bool Enter() = 0;
  virtual void Leave() = 0;
  virtual Response Busy() const = 0;

  // The fields to send upstream for `head` (without Host, Content-Length, Transfer-Encoding:
  // the relay sets those).
  virtual HeaderList UpstreamHeaders(const RequestHead& head) const = 0;
  // The fields to send the client for the upstream's answer fields (without Content-Length,
  // Transfer-Encoding and Connection: the relay sets those).
  virtual HeaderList ClientHeaders(const HeaderList& upstream_headers) const = 0;
  // The error the client gets, with a log line written.
  virtual Response Failure(const RequestHead& head, UpstreamFailureKind kind) const = 0;
};

}  // namespace modelwarden
