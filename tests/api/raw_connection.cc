#include "tests/api/raw_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>

namespace modelwarden::testing {

using Clock = std::chrono::steady_clock;

RawConnection::RawConnection(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd_);
    fd_ = -1;
  }
  const int one = 1;
  if (fd_ >= 0) setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::Send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

void RawConnection::FinishSending() {
  if (fd_ >= 0) shutdown(fd_, SHUT_WR);
}

ApiResponse RawConnection::Read(std::chrono::milliseconds timeout, bool head_only) {
  const auto deadline = Clock::now() + timeout;
  ApiResponse response;
  while (true) {
    const size_t end = pending_.find("\r\n\r\n");
    if (end != std::string::npos) {
      const std::string head = pending_.substr(0, end + 2);
      size_t length = 0;
      response = ApiResponse();
      std::sscanf(head.c_str(), "HTTP/1.%*d %d", &response.status);
      for (size_t line = head.find("\r\n") + 2; line < head.size();) {
        const size_t line_end = head.find("\r\n", line);
        const std::string field = head.substr(line, line_end - line);
        const size_t colon = field.find(':');
        std::string name = field.substr(0, colon);
        const size_t value_start = field.find_first_not_of(' ', colon + 1);
        std::string value = value_start == std::string::npos ? "" : field.substr(value_start);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (name == "content-length") length = std::stoul(value);
        if (name == "content-type") response.content_type = value;
        response.headers.emplace_back(std::move(name), std::move(value));
        line = line_end + 2;
      }
      if (head_only) length = 0;
      if (pending_.size() >= end + 4 + length) {
        response.body = pending_.substr(end + 4, length);
        pending_.erase(0, end + 4 + length);
        auto document = std::make_shared<rapidjson::Document>();
        document->Parse(response.body.c_str());
        if (!document->HasParseError()) response.json = std::move(document);
        return response;
      }
    }
    if (!Fill(deadline)) return ApiResponse();
  }
}

bool RawConnection::ClosedWithin(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    pollfd waiting{fd_, POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (poll(&waiting, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) return true;
  }
  return false;
}

bool RawConnection::Fill(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return false;
  pollfd waiting{fd_, POLLIN, 0};
  if (poll(&waiting, 1, static_cast<int>(left.count())) <= 0) return false;
  char buffer[16384];
  const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
  if (n <= 0) return false;
  pending_.append(buffer, static_cast<size_t>(n));
  return true;
}

std::string RawGet(const std::string& target, const std::string& extra) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

std::string RawPost(const std::string& target, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace modelwarden::testing
