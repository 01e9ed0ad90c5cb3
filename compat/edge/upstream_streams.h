// UpstreamStreams: one shard's idle keep-alive connections to the upstream of the relay
// (compat/edge/relay.cc), plain or TLS, kept for reuse. A connection the upstream closed while
// it waited is dropped when taken. Used on its shard's thread only.
#pragma once

#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <vector>

namespace modelwarden::edge {

using PlainUpstream = boost::beast::tcp_stream;
using TlsUpstream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

class UpstreamStreams {
 public:
  // Idle connections kept per shard and kind.
  static constexpr size_t kMaxIdle = 16;

  // An idle connection that still looks open, or null.
  template <class Stream>
  std::unique_ptr<Stream> Take() {
    auto& idle = Idle<Stream>();
    while (!idle.empty()) {
      std::unique_ptr<Stream> stream = std::move(idle.back());
      idle.pop_back();
      if (StillOpen(boost::beast::get_lowest_layer(*stream).socket().native_handle())) {
        return stream;
      }
    }
    return nullptr;
  }

  template <class Stream>
  void Give(std::unique_ptr<Stream> stream) {
    auto& idle = Idle<Stream>();
    if (idle.size() < kMaxIdle) idle.push_back(std::move(stream));
  }

 private:
  template <class Stream>
  std::vector<std::unique_ptr<Stream>>& Idle();

  // No byte and no end of stream waiting: the upstream has not closed (or written to) it.
  static bool StillOpen(int fd) {
    char byte;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  std::vector<std::unique_ptr<PlainUpstream>> plain_;
  std::vector<std::unique_ptr<TlsUpstream>> tls_;
};

template <>
inline std::vector<std::unique_ptr<PlainUpstream>>& UpstreamStreams::Idle<PlainUpstream>() {
  return plain_;
}
template <>
inline std::vector<std::unique_ptr<TlsUpstream>>& UpstreamStreams::Idle<TlsUpstream>() {
  return tls_;
}

}  // namespace modelwarden::edge
