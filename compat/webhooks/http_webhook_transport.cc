#include "compat/webhooks/http_webhook_transport.h"

#include <httplib.h>

#include <chrono>

#include "compat/version.h"
#include "registry/webhooks/webhook.h"

namespace modelwarden {
namespace {

std::string SchemeHostPort(const WebhookUrl& url) {
  const bool ipv6 = url.host.find(':') != std::string::npos;
  return url.scheme + "://" + (ipv6 ? "[" + url.host + "]" : url.host) + ":" +
         std::to_string(url.port);
}

}  // namespace

WebhookResponse HttpWebhookTransport::Post(const WebhookRequest& request) {
  WebhookResponse response;
  const Result<WebhookUrl> url = ParseWebhookUrl(request.url);
  if (!url.ok()) {
    response.error = url.status().message();
    return response;
  }
  httplib::Client client(SchemeHostPort(*url));
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(request.timeout);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(request.timeout - seconds);
  client.set_connection_timeout(seconds.count(), micros.count());
  client.set_read_timeout(seconds.count(), micros.count());
  client.set_write_timeout(seconds.count(), micros.count());
  client.set_follow_location(false);
  client.set_keep_alive(false);
  client.set_tcp_nodelay(true);
  client.enable_server_certificate_verification(true);

  httplib::Request req;
  req.method = "POST";
  req.path = url->target;
  req.headers.emplace("User-Agent", std::string("modelwarden/") + kModelwardenVersion);
  for (const auto& [name, value] : request.headers) req.headers.emplace(name, value);
  req.body = request.body;
  std::string body;
  req.content_receiver = [&body](const char* data, size_t length, uint64_t, uint64_t) {
    if (body.size() < kMaxResponseBody) {
      body.append(data, std::min(length, kMaxResponseBody - body.size()));
    }
    return true;
  };
  const httplib::Result result = client.send(req);
  if (!result) {
    response.error = "no response from the receiver (" + httplib::to_string(result.error()) + ")";
    return response;
  }
  response.status = result->status;
  response.body = std::move(body);
  if (result->has_header("Retry-After")) {
    response.retry_after = result->get_header_value("Retry-After");
  }
  return response;
}

}  // namespace modelwarden
