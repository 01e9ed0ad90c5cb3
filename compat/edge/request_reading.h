// How the edge reads a request off the wire, without the socket: Beast's parsers set up with the
// edge's limits, and what the outcome of a read turns into: a RequestHead to go on with, a
// refusal the client is sent (status and message), or a silent close. Connection
// (compat/edge/connection.h) applies these to a socket; the fuzz harnesses (tests/fuzz) to bytes.
// Pure functions; thread-safe.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "compat/edge/http_edge.h"
#include "compat/edge/http_message.h"

namespace modelwarden::edge {

using HeadParser = boost::beast::http::request_parser<boost::beast::http::empty_body>;
using BodyParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// The most a connection's read buffer holds: a head and what follows it in one read. A head
// that does not fit reads as buffer_overflow (431).
inline constexpr size_t kMaxBuffered = kMaxHeaderBytes + 64 * 1024;

// Sets up a fresh head parser: heads of at most kMaxHeaderBytes, and no body limit yet. (Beast
// checks a Content-Length against the body limit while it reads the head, with a default of
// 1 MB: lifted here, so that forwarded uploads stream and the registry's limit is applied (413)
// once the request is classified.)
void LimitHead(HeadParser& parser);
// Sets up the parser that reads the body after the head (built from the head parser): a chunked
// body over the limit reads as body_limit. A Content-Length was read with the head, before this
// limit was set: JudgeAnnouncedBody checks it.
void LimitBody(BodyParser& parser, uint64_t max_body_bytes);

struct ReadVerdict {
  enum class Kind {
    kGo,      // Carry on with the request.
    kClose,   // The client went away or was too slow: close without an answer.
    kRefuse,  // Answer `status` with `message` (kInvalidParameterValue) and close.
  };
  Kind kind = Kind::kGo;
  int status = 0;
  std::string message;
};

// After reading a head ended with `ec`: kGo when a whole head was read.
ReadVerdict JudgeHeadRead(boost::beast::error_code ec);
// The RequestHead of the head `parser` has read, from a client at `remote_address`.
RequestHead HeadOf(const HeadParser& parser, const std::string& remote_address);
// Whether the edge can delimit the body of `head`: only chunked (last) frames a request body
// besides Content-Length; anything else is refused with 501.
ReadVerdict JudgeFraming(const RequestHead& head);
// Before a body is read: 413 when its Content-Length exceeds `max_body_bytes`, so that the
// client reads the refusal instead of uploading.
ReadVerdict JudgeAnnouncedBody(const RequestHead& head, uint64_t max_body_bytes);
// After reading (part of) a body ended with `ec`: kGo when nothing went wrong (the parser says
// whether the body is complete).
ReadVerdict JudgeBodyRead(boost::beast::error_code ec, uint64_t max_body_bytes);

}  // namespace modelwarden::edge
