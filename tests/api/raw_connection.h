// RawConnection: a client socket to a server on 127.0.0.1 that sends bytes exactly as given, for
// what an HTTP client library will not do: stay idle, send a head a byte at a time, pipeline
// requests, read a HEAD answer. Not thread-safe: one thread per connection.
#pragma once

#include <chrono>
#include <string>

#include "tests/api/api_client.h"

namespace modelwarden::testing {

class RawConnection {
 public:
  // Connects at once; ok() says whether it did.
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }

  // All of `bytes`, or false when the connection failed.
  bool Send(const std::string& bytes);

  // Half-closes the connection: the server reads the end of the stream after what was sent.
  void FinishSending();

  // The next response (head and Content-Length body; `head_only` for the answer to a HEAD), or
  // status 0 when none came within `timeout` or the connection closed first.
  ApiResponse Read(std::chrono::milliseconds timeout, bool head_only = false);

  // True when the server closes the connection within `timeout` (end of stream or reset).
  bool ClosedWithin(std::chrono::milliseconds timeout);

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string pending_;  // Received, not yet returned by Read.
};

// "GET `target` HTTP/1.1" with a Host field and `extra` fields ("Name: value\r\n" each).
std::string RawGet(const std::string& target, const std::string& extra = "");
// A JSON POST of `body` with its Content-Length.
std::string RawPost(const std::string& target, const std::string& body);

}  // namespace modelwarden::testing
