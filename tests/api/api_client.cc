#include "tests/api/api_client.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace modelwarden::testing {
namespace {

// Bounds on every request, so a hung server fails a test instead of blocking it.
constexpr time_t kConnectTimeoutSeconds = 5;
constexpr time_t kIoTimeoutSeconds = 60;
constexpr size_t kDescribeBodyBytes = 600;

std::string MediaType(const std::string& content_type) {
  std::string media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  return media;
}

ApiResponse MakeResponse(int status, std::string content_type, std::string body) {
  ApiResponse response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  auto document = std::make_shared<rapidjson::Document>();
  // Iterative, so a hostile echo cannot exhaust the test's stack either.
  document->Parse<rapidjson::kParseIterativeFlag>(response.body.data(), response.body.size());
  if (!document->HasParseError()) response.json = std::move(document);
  return response;
}

ApiResponse FromResult(const httplib::Result& result) {
  if (!result) {
    ApiResponse failed;
    failed.error = httplib::to_string(result.error());
    return failed;
  }
  ApiResponse response =
      MakeResponse(result->status, result->get_header_value("Content-Type"), result->body);
  response.warnings = result->get_header_value("X-Modelwarden-Warnings");
  for (const auto& [name, value] : result->headers) response.headers.emplace_back(name, value);
  return response;
}

}  // namespace

const rapidjson::Value* ApiResponse::At(const char* pointer) const {
  if (json == nullptr) return nullptr;
  return rapidjson::Pointer(pointer).Get(*json);
}

std::optional<std::string> ApiResponse::StringAt(const char* pointer) const {
  const rapidjson::Value* value = At(pointer);
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<std::string> ApiResponse::Header(std::string_view name) const {
  const auto lower = [](std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
  };
  for (const auto& [key, value] : headers) {
    if (lower(key) == lower(name)) return value;
  }
  return std::nullopt;
}

std::string ApiResponse::Describe() const {
  if (status == 0) return "no response (" + error + ")";
  std::string text = std::to_string(status) + " [" + content_type + "] ";
  if (body.size() > kDescribeBodyBytes) return text + body.substr(0, kDescribeBodyBytes) + "...";
  return text + body;
}

ApiClient::ApiClient(int port, std::string prefix, bool keep_alive)
    : port_(port),
      prefix_(std::move(prefix)),
      client_(std::make_unique<httplib::Client>("127.0.0.1", port)) {
  client_->set_keep_alive(keep_alive);
  client_->set_tcp_nodelay(true);
  // Paths and queries are encoded here, exactly as the Python client encodes them.
  client_->set_url_encode(false);
  client_->set_connection_timeout(kConnectTimeoutSeconds);
  client_->set_read_timeout(kIoTimeoutSeconds);
  client_->set_write_timeout(kIoTimeoutSeconds);
}

ApiClient::~ApiClient() = default;
ApiClient::ApiClient(ApiClient&&) noexcept = default;
ApiClient& ApiClient::operator=(ApiClient&&) noexcept = default;

ApiResponse ApiClient::Get(const std::string& endpoint, const Query& query) {
  std::string path = prefix_ + endpoint;
  if (!query.empty()) path += "?" + FormEncode(query);
  return Send("GET", path, "", "");
}

ApiResponse ApiClient::Post(const std::string& endpoint, const std::string& body,
                            const std::string& content_type) {
  return Send("POST", prefix_ + endpoint, body, content_type);
}

ApiResponse ApiClient::Patch(const std::string& endpoint, const std::string& body) {
  return Send("PATCH", prefix_ + endpoint, body, "application/json");
}

ApiResponse ApiClient::Delete(const std::string& endpoint, const std::string& body) {
  return Send("DELETE", prefix_ + endpoint, body, "application/json");
}

void ApiClient::SetHeader(const std::string& name, const std::string& value) {
  headers_.erase(std::remove_if(headers_.begin(), headers_.end(),
                                [&](const auto& header) { return header.first == name; }),
                 headers_.end());
  if (!value.empty()) headers_.emplace_back(name, value);
}

ApiResponse ApiClient::Send(const std::string& method, const std::string& path,
                            const std::string& body, const std::string& content_type) {
  httplib::Request request;
  request.method = method;
  request.path = path;
  request.body = body;
  for (const auto& [name, value] : headers_) request.set_header(name, value);
  if (!content_type.empty()) request.set_header("Content-Type", content_type);
  return FromResult(client_->send(request));
}

ApiResponse SendRaw(int port, const std::string& request) {
  ApiResponse failed;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    failed.error = "socket() failed";
    return failed;
  }
  timeval timeout{kIoTimeoutSeconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    failed.error = "connect() failed";
    return failed;
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buffer[4096];
  ssize_t n;
  while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) answer.append(buffer, n);
  close(fd);

  const size_t header_end = answer.find("\r\n\r\n");
  int status = 0;
  if (header_end == std::string::npos ||
      std::sscanf(answer.c_str(), "HTTP/1.%*d %d", &status) != 1) {
    failed.error = "no HTTP response: '" + answer.substr(0, 200) + "'";
    return failed;
  }
  std::string content_type;
  const std::string headers = answer.substr(0, header_end);
  size_t line_start = headers.find("\r\n");
  while (line_start != std::string::npos) {
    line_start += 2;
    const size_t line_end = headers.find("\r\n", line_start);
    const std::string line = headers.substr(line_start, line_end - line_start);
    const size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (colon != std::string::npos && name == "content-type") {
      content_type = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    line_start = line_end;
  }
  return MakeResponse(status, content_type, answer.substr(header_end + 4));
}

std::string FormEncode(const Query& query) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto encode = [](const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
      if (std::isalnum(c) || c == '_' || c == '.' || c == '~' || c == '-') {
        out += static_cast<char>(c);
      } else if (c == ' ') {
        out += '+';
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
      }
    }
    return out;
  };
  std::string encoded;
  for (const auto& [name, value] : query) {
    if (!encoded.empty()) encoded += '&';
    encoded += encode(name) + "=" + encode(value);
  }
  return encoded;
}

std::string JsonString(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string TagsJson(const TagList& tags) {
  std::string json = "[";
  for (const auto& [key, value] : tags) {
    if (json.size() > 1) json += ",";
    json += "{\"key\":" + JsonString(key) + ",\"value\":" + JsonString(value) + "}";
  }
  return json + "]";
}

::testing::AssertionResult IsOkJson(const ApiResponse& response) {
  if (response.status != 200 || MediaType(response.content_type) != "application/json" ||
      response.json == nullptr || !response.json->IsObject()) {
    return ::testing::AssertionFailure()
           << "expected 200 with a JSON object, got " << response.Describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsMlflowError(const ApiResponse& response, int status,
                                         std::string_view error_code) {
  const auto failure = [&] {
    return ::testing::AssertionFailure()
           << "expected " << status << " {\"error_code\": \"" << error_code
           << "\", \"message\": ...}, got " << response.Describe();
  };
  if (response.status != status || MediaType(response.content_type) != "application/json" ||
      response.json == nullptr || !response.json->IsObject() || response.json->MemberCount() != 2) {
    return failure();
  }
  const std::optional<std::string> code = response.StringAt("/error_code");
  const std::optional<std::string> message = response.StringAt("/message");
  if (!code.has_value() || *code != error_code || !message.has_value()) return failure();
  return ::testing::AssertionSuccess();
}

TagList TagsAt(const ApiResponse& response, const char* pointer) {
  TagList tags;
  const rapidjson::Value* array = response.At(pointer);
  if (array == nullptr || !array->IsArray()) return tags;
  for (const auto& tag : array->GetArray()) {
    if (!tag.IsObject() || !tag.HasMember("key") || !tag.HasMember("value") ||
        !tag["key"].IsString() || !tag["value"].IsString()) {
      continue;
    }
    tags.emplace_back(tag["key"].GetString(), tag["value"].GetString());
  }
  std::sort(tags.begin(), tags.end());
  return tags;
}

}  // namespace modelwarden::testing
