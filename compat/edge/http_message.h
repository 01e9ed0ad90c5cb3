// The HTTP messages the edge hands to the MLflow surface and takes back: plain structs with no
// Boost type in them, so that routing and handlers do not depend on the HTTP library. Plain
// data; not synchronised.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace modelwarden {

// Header fields in the order they came, names as sent (compare them case-insensitively).
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The value of the first field called `name` (ASCII case-insensitive), or nullptr.
const std::string* FindHeader(const HeaderList& headers, std::string_view name);
// How many fields are called `name`.
size_t CountHeader(const HeaderList& headers, std::string_view name);

// A request as far as the edge has read it before its body.
struct RequestHead {
  std::string method;     // As sent, e.g. "GET".
  std::string target;     // As sent: path and query, still percent-encoded.
  std::string path;       // The target's path, percent-decoded ('+' stays '+'), as werkzeug routes.
  std::string query;      // The target's query string as sent (after '?'); "" when there is none.
  unsigned version = 11;  // 10 for HTTP/1.0, 11 for HTTP/1.1.
  HeaderList headers;
  std::string remote_address;  // The client's IP address.
  bool keep_alive = true;      // What the client asked for (Connection, HTTP version).
  bool chunked = false;        // Transfer-Encoding: chunked.
  std::optional<uint64_t> content_length;
};

struct Request {
  RequestHead head;
  std::string body;                      // Whole, within the body limit.
  std::vector<std::string> path_values;  // Disposition::path_values of its route.
};

// Where a streamed body's bytes go: false when they cannot be sent (the client went away).
using ByteSink = std::function<bool(const char* data, size_t size)>;

struct Response {
  int status = 200;
  std::string content_type;  // Empty: no Content-Type field.
  std::string body;
  HeaderList headers;  // Besides Content-Type, Content-Length and Connection.
  bool close = false;  // Close the connection after this response.
  // A body too large to hold (e.g. a file): when set, `body` is not sent; instead the worker
  // that served the request calls `stream` after the head is on its way, and `stream` hands the
  // bytes to the sink in order, returning false if it failed part-way (the connection is then
  // closed before the body's end, so the client sees it cut off). Not called for HEAD.
  std::function<bool(const ByteSink& sink)> stream;
  // The number of bytes `stream` hands over, sent as Content-Length; unknown: chunked (HTTP/1.0:
  // the connection's end ends the body).
  std::optional<uint64_t> stream_size;
};

}  // namespace modelwarden
