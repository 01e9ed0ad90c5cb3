// Upstream: the MLflow tracking server behind --tracking-upstream, and a pool of keep-alive
// cpp-httplib clients to it. A cpp-httplib Client is one connection and not thread-safe, so
// each concurrent request leases its own and gives it back for the next one to reuse.
//
// UpstreamPool is thread-safe.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "registry/status.h"

namespace modelwarden {

struct UpstreamOptions {
  // http(s)://host[:port][/base-path]; user:password@ in it are modelwarden's own credentials
  // for the calls it makes itself (runs/get for gates), never shown or forwarded.
  std::string url;
  // How long to wait for a TCP (and TLS) connection.
  std::chrono::milliseconds connect_timeout{5000};
  // How long to wait for the next byte of an answer (or for the upstream to take more of a
  // request body) before giving up with 504.
  std::chrono::milliseconds read_timeout{60000};
  // Idle keep-alive connections kept for reuse.
  size_t max_idle_connections = 16;
  // How messages name the URL's option and the server, e.g. for `modelwarden import --from`:
  // "--from" and "the source registry".
  std::string flag = "--tracking-upstream";
  std::string role = "the tracking server";
};

class UpstreamPool {
 public:
  // kInvalidParameterValue for a URL that is not http(s)://host[:port][/path].
  static Result<std::unique_ptr<UpstreamPool>> Create(const UpstreamOptions& options);

  // A client connected (or connecting lazily) to the upstream, with the timeouts set.
  std::unique_ptr<httplib::Client> Acquire();
  // Gives a client back for reuse. A client whose request failed has closed its connection
  // and reconnects on its next use.
  void Release(std::unique_ptr<httplib::Client> client);

  const UpstreamOptions& options() const { return options_; }
  // scheme://host:port, without credentials: for messages and logs.
  const std::string& display() const { return display_; }
  // The upstream's base path ("" or "/prefix"), prepended to every forwarded path.
  const std::string& base_path() const { return base_path_; }
  const std::string& host() const { return host_; }
  const std::string& port() const { return port_; }
  bool tls() const { return tls_; }
  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }

 private:
  explicit UpstreamPool(const UpstreamOptions& options) : options_(options) {}

  const UpstreamOptions options_;
  std::string scheme_host_port_;
  std::string host_;
  std::string port_;
  bool tls_ = false;
  std::string display_;
  std::string base_path_;
  std::string user_;
  std::string password_;
  std::mutex mu_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;  // Guarded by mu_.
};

// Why an upstream call got no answer, as a client should see it: 504 when the upstream did not
// answer in time, 502 when it could not be reached or broke the connection. `idle` is how long
// the call had waited since its last progress.
struct UpstreamFailure {
  int http_status = 502;
  std::string message;
};
UpstreamFailure DescribeUpstreamFailure(const UpstreamPool& pool, httplib::Error error,
                                        std::chrono::steady_clock::duration idle);

}  // namespace modelwarden
