#include "compat/client/remote_server.h"

#include <httplib.h>

#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr time_t kConnectTimeoutSeconds = 10;
constexpr time_t kReadTimeoutSeconds = 120;  // MLflow's MLFLOW_HTTP_REQUEST_TIMEOUT default.

Result<RemoteResponse> Answer(const httplib::Result& res, const std::string& display) {
  if (!res) {
    return Status::Unavailable("no answer from " + display + ": " +
                               httplib::to_string(res.error()));
  }
  return RemoteResponse{res->status, res->body, res->get_header_value("X-Modelwarden-Warnings")};
}

}  // namespace

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%' + HexEncodeUpper(std::string_view(&c, 1));
    }
  }
  return out;
}

Result<std::unique_ptr<RemoteServer>> RemoteServer::Create(const std::string& url,
                                                           RemoteCredentials credentials) {
  const auto bad = [&] {
    return Status::InvalidArgument("--server must be http(s)://host[:port][/path], got '" + url +
                                   "'");
  };
  const bool https = StartsWith(url, "https://");
  if (!https && !StartsWith(url, "http://")) return bad();
  const std::string rest = url.substr(https ? 8 : 7);
  const size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  if (authority.empty() || authority.find('@') != std::string::npos ||
      rest.find_first_of("?#") != std::string::npos) {
    return bad();
  }
  std::unique_ptr<RemoteServer> server(new RemoteServer());
  server->base_path_ = slash == std::string::npos ? "" : rest.substr(slash);
  while (!server->base_path_.empty() && server->base_path_.back() == '/') {
    server->base_path_.pop_back();
  }
  const std::string origin = (https ? "https://" : "http://") + authority;
  server->display_ = origin + server->base_path_;
  server->client_ = std::make_unique<httplib::Client>(origin);
  if (!server->client_->is_valid()) return bad();
  server->client_->set_url_encode(false);  // Query values are encoded here, once.
  server->client_->set_connection_timeout(kConnectTimeoutSeconds, 0);
  server->client_->set_read_timeout(kReadTimeoutSeconds, 0);
  if (!credentials.username.empty() && !credentials.password.empty()) {
    server->client_->set_basic_auth(credentials.username, credentials.password);
  } else if (!credentials.token.empty()) {
    server->client_->set_bearer_token_auth(credentials.token);
  }
  if (credentials.insecure_tls) server->client_->enable_server_certificate_verification(false);
  if (!credentials.ca_cert_path.empty()) {
    server->client_->set_ca_cert_path(credentials.ca_cert_path.c_str());
  }
  return server;
}

RemoteServer::~RemoteServer() = default;

Result<RemoteResponse> RemoteServer::Get(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& query) {
  std::string target = base_path_ + path;
  for (size_t i = 0; i < query.size(); ++i) {
    target += (i == 0 ? "?" : "&") + UrlEncode(query[i].first) + "=" + UrlEncode(query[i].second);
  }
  return Answer(client_->Get(target, {{"Accept", "application/json"}}), display_);
}

Result<RemoteResponse> RemoteServer::Post(const std::string& path, const std::string& json_body) {
  return Answer(client_->Post(base_path_ + path, {{"Accept", "application/json"}}, json_body,
                              "application/json"),
                display_);
}

}  // namespace modelwarden
