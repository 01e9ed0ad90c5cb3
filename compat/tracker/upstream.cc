#include "compat/tracker/upstream.h"

#include <regex>

#include "registry/store_factory.h"
#include "registry/text.h"

namespace modelwarden {

Result<std::unique_ptr<UpstreamPool>> UpstreamPool::Create(const UpstreamOptions& options) {
  static const std::regex kUrl(
      R"(^(https?)://(?:([^:@/]*)(?::([^@/]*))?@)?([^:/?#@]+|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?(/[^?#]*)?$)");
  std::smatch m;
  if (!std::regex_match(options.url, m, kUrl)) {
    return Status::InvalidArgument(options.flag + " must be http(s)://host[:port][/path], got '" +
                                   MaskStoreUri(options.url) + "'");
  }
  std::unique_ptr<UpstreamPool> pool(new UpstreamPool(options));
  const std::string scheme = m[1];
  const std::string host = m[4];
  const std::string port = m[5].matched ? m[5].str() : (scheme == "https" ? "443" : "80");
  if (std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return Status::InvalidArgument(options.flag + " has an invalid port: '" + port + "'");
  }
  pool->scheme_host_port_ = scheme + "://" + host + ":" + port;
  // A bracketed IPv6 literal is resolved without its brackets.
  pool->host_ = host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  pool->port_ = port;
  pool->tls_ = scheme == "https";
  pool->display_ = pool->scheme_host_port_;
  pool->base_path_ = m[6].matched ? m[6].str() : "";
  while (!pool->base_path_.empty() && pool->base_path_.back() == '/') pool->base_path_.pop_back();
  pool->display_ += pool->base_path_;
  pool->user_ = Unquote(m[2].str());
  pool->password_ = Unquote(m[3].str());
  return pool;
}

std::unique_ptr<httplib::Client> UpstreamPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<httplib::Client> client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
  }
  auto client = std::make_unique<httplib::Client>(scheme_host_port_);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  // Bodies pass through as the upstream encoded them, and paths as the client wrote them.
  client->set_decompress(false);
  client->set_url_encode(false);
  client->set_follow_location(false);
  const auto seconds = [](std::chrono::milliseconds ms) {
    return std::make_pair(static_cast<time_t>(ms.count() / 1000),
                          static_cast<time_t>((ms.count() % 1000) * 1000));
  };
  const auto [connect_s, connect_us] = seconds(options_.connect_timeout);
  const auto [read_s, read_us] = seconds(options_.read_timeout);
  client->set_connection_timeout(connect_s, connect_us);
  client->set_read_timeout(read_s, read_us);
  client->set_write_timeout(read_s, read_us);
  return client;
}

void UpstreamPool::Release(std::unique_ptr<httplib::Client> client) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(client));
}

UpstreamFailure DescribeUpstreamFailure(const UpstreamPool& pool, httplib::Error error,
                                        std::chrono::steady_clock::duration idle) {
  const UpstreamOptions& options = pool.options();
  // cpp-httplib reports a timeout like any other failure to connect or read; the time the call
  // spent waiting tells them apart. The margin covers the poll granularity.
  const auto margin = std::chrono::milliseconds(50);
  const auto seconds = [](std::chrono::milliseconds ms) {
    return std::to_string(static_cast<double>(ms.count()) / 1000.0).substr(0, 5) + " s";
  };
  UpstreamFailure failure;
  const std::string upstream = options.role + " " + pool.display();
  switch (error) {
    case httplib::Error::Connection:
      if (idle + margin >= options.connect_timeout) {
        failure.http_status = 504;
        failure.message = upstream + " did not accept a connection within " +
                          seconds(options.connect_timeout) + ".";
      } else {
        failure.message = upstream + " is unreachable (connection refused or no route).";
      }
      break;
    case httplib::Error::Read:
    case httplib::Error::Write:
      if (idle + margin >= options.read_timeout) {
        failure.http_status = 504;
        failure.message =
            upstream + " did not answer within " + seconds(options.read_timeout) + ".";
      } else {
        failure.message = upstream + " closed the connection without a complete answer.";
      }
      break;
    default:
      failure.message = upstream + " could not be reached: " + httplib::to_string(error) + ".";
  }
  return failure;
}

}  // namespace modelwarden
