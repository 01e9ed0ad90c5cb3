// PieceStream: a Beast SyncReadStream over bytes in memory that hands them out at most `piece`
// bytes per read, as a socket may, then end of file. For reading requests the way the edge
// reads them without a socket (request_reading_test, the edge fuzzer). Not thread-safe.
#pragma once

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/system/system_error.hpp>
#include <cstddef>
#include <string_view>

namespace modelwarden::edge {

class PieceStream {
 public:
  PieceStream(std::string_view data, size_t piece) : data_(data), piece_(piece) {}

  template <class Buffers>
  size_t read_some(const Buffers& buffers, boost::beast::error_code& ec) {
    ec = {};
    if (data_.empty()) {
      ec = boost::asio::error::eof;
      return 0;
    }
    const size_t n = boost::asio::buffer_copy(
        buffers, boost::asio::buffer(data_.data(), std::min(piece_, data_.size())));
    data_.remove_prefix(n);
    return n;
  }
  template <class Buffers>
  size_t read_some(const Buffers& buffers) {
    boost::beast::error_code ec;
    const size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  std::string_view data_;
  const size_t piece_;
};

}  // namespace modelwarden::edge
