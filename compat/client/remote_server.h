// RemoteServer: the command line's client of a running modelwarden (`modelwarden check`,
// `modelwarden approvals`), over cpp-httplib. It authenticates as MLflow's clients do, from
// MLflow's environment variables: MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (HTTP
// Basic), else MLFLOW_TRACKING_TOKEN (Bearer); MLFLOW_TRACKING_INSECURE_TLS=true skips the
// certificate check and MLFLOW_TRACKING_SERVER_CERT_PATH names a CA bundle for https.
//
// Not thread-safe: one command, one thread.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "registry/status.h"

namespace httplib {
class Client;
}  // namespace httplib

namespace modelwarden {

struct RemoteCredentials {
  std::string username;
  std::string password;
  std::string token;
  bool insecure_tls = false;
  std::string ca_cert_path;
};

struct RemoteResponse {
  int status = 0;
  std::string body;
  std::string warnings;  // The X-Modelwarden-Warnings header: the policy's warnings.
};

class RemoteServer {
 public:
  // `url` is http(s)://host[:port][/base-path]. kInvalidParameterValue for anything else.
  static Result<std::unique_ptr<RemoteServer>> Create(const std::string& url,
                                                      RemoteCredentials credentials);
  ~RemoteServer();

  // `path` below the base path, e.g. "/api/2.0/modelwarden/approvals/get"; `query` is
  // form-encoded. kTemporarilyUnavailable naming the server when no answer came.
  Result<RemoteResponse> Get(const std::string& path,
                             const std::vector<std::pair<std::string, std::string>>& query);
  Result<RemoteResponse> Post(const std::string& path, const std::string& json_body);

  // scheme://host:port/base, for messages.
  const std::string& display() const { return display_; }

 private:
  RemoteServer() = default;

  std::unique_ptr<httplib::Client> client_;
  std::string base_path_;
  std::string display_;
};

// Every byte but RFC 3986's unreserved characters as %XX.
std::string UrlEncode(const std::string& text);

}  // namespace modelwarden
