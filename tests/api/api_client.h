// ApiClient: an HTTP client for the MLflow REST API of one server on 127.0.0.1, sending
// requests the way the MLflow Python client does (query strings form-encoded as Python's
// urlencode, bodies as application/json), plus the JSON and error-shape helpers the API tests
// assert with. One ApiClient per thread: cpp-httplib clients are not thread-safe.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace httplib {
class Client;
}  // namespace httplib

namespace modelwarden::testing {

inline constexpr char kApiPrefix[] = "/api/2.0/mlflow";
inline constexpr char kAjaxApiPrefix[] = "/ajax-api/2.0/mlflow";

// Query parameters in order, repeats allowed (order_by=a&order_by=b).
using Query = std::vector<std::pair<std::string, std::string>>;
// Tags as {key, value} pairs.
using TagList = std::vector<std::pair<std::string, std::string>>;

struct ApiResponse {
  int status = 0;     // 0 when no HTTP response arrived; `error` says why.
  std::string error;  // Transport failure, when status == 0.
  std::string content_type;
  std::string body;
  std::shared_ptr<const rapidjson::Document> json;  // Null unless the body parses as JSON.
  std::string warnings;  // The X-Modelwarden-Warnings header (policy warnings), if any.
  std::vector<std::pair<std::string, std::string>> headers;  // Every response header.

  // The first response header called `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;

  // The value at an RFC 6901 JSON pointer ("/model_version/version"), or nullptr.
  const rapidjson::Value* At(const char* pointer) const;
  // The string at `pointer`; nullopt when absent or not a string.
  std::optional<std::string> StringAt(const char* pointer) const;
  // Status and (truncated) body, for failure messages.
  std::string Describe() const;
};

class ApiClient {
 public:
  // With `keep_alive` the client reuses one connection, as MLflow's requests.Session does;
  // otherwise each request has its own.
  explicit ApiClient(int port, std::string prefix = kApiPrefix, bool keep_alive = true);
  ~ApiClient();
  ApiClient(ApiClient&&) noexcept;
  ApiClient& operator=(ApiClient&&) noexcept;

  // `endpoint` is below the prefix, e.g. "/registered-models/get".
  ApiResponse Get(const std::string& endpoint, const Query& query = {});
  ApiResponse Post(const std::string& endpoint, const std::string& body,
                   const std::string& content_type = "application/json");
  ApiResponse Patch(const std::string& endpoint, const std::string& body);
  ApiResponse Delete(const std::string& endpoint, const std::string& body);

  // Any method on a path sent verbatim (no prefix, query included). `content_type` empty:
  // none is set (cpp-httplib then labels a non-empty body text/plain itself).
  ApiResponse Send(const std::string& method, const std::string& path, const std::string& body,
                   const std::string& content_type);

  int port() const { return port_; }

  // Sent with every later request, e.g. ("Authorization", "Basic ..."); an empty value stops
  // sending it.
  void SetHeader(const std::string& name, const std::string& value);

 private:
  int port_;
  std::string prefix_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::unique_ptr<httplib::Client> client_;
};

// Sends `request` byte for byte on a fresh connection to 127.0.0.1:`port` and reads the
// answer until the server closes it; for requests cpp-httplib's client will not produce
// (no Content-Type at all). Include "Connection: close" in `request`.
ApiResponse SendRaw(int port, const std::string& request);

// Python's urllib.parse.urlencode(doseq=True): spaces as '+', everything but [A-Za-z0-9_.~-]
// percent-encoded.
std::string FormEncode(const Query& query);

// `text` as a JSON string literal, quotes included. Bytes are copied as they are (invalid
// UTF-8 stays invalid); control characters, quotes and backslashes are escaped.
std::string JsonString(std::string_view text);
// [{"key": ..., "value": ...}, ...]
std::string TagsJson(const TagList& tags);

// 200, Content-Type application/json, and a body that is a JSON object.
::testing::AssertionResult IsOkJson(const ApiResponse& response);
// `status`, Content-Type application/json, and a body that is exactly
// {"error_code": `error_code`, "message": <string>}.
::testing::AssertionResult IsMlflowError(const ApiResponse& response, int status,
                                         std::string_view error_code);

// The tags of a JSON entity ({"tags": [{"key","value"}]}) at `pointer`, sorted by key.
TagList TagsAt(const ApiResponse& response, const char* pointer);

}  // namespace modelwarden::testing
