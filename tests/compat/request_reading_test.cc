// How the edge reads a request off the wire (compat/edge/request_reading.h), on bytes instead of
// a socket: heads become RequestHeads, and every way a head or a body can be wrong becomes the
// refusal the client is sent, or a silent close.
#include "compat/edge/request_reading.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/system/system_error.hpp>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "tests/compat/piece_stream.h"

namespace modelwarden::edge {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr uint64_t kMaxBody = 100;

struct Read {
  ReadVerdict verdict;
  RequestHead head;
  std::string body;
};

// Reads one request as Connection does: the head, its framing, then the body within kMaxBody.
Read ReadRequest(std::string_view bytes, size_t piece = 7) {
  Read read;
  PieceStream stream(bytes, piece);
  beast::flat_buffer buffer(kMaxBuffered);
  HeadParser head_parser;
  LimitHead(head_parser);
  beast::error_code ec;
  http::read_header(stream, buffer, head_parser, ec);
  read.verdict = JudgeHeadRead(ec);
  if (read.verdict.kind != ReadVerdict::Kind::kGo) return read;
  read.head = HeadOf(head_parser, "10.0.0.1");
  read.verdict = JudgeFraming(read.head);
  if (read.verdict.kind != ReadVerdict::Kind::kGo || head_parser.is_done()) return read;
  read.verdict = JudgeAnnouncedBody(read.head, kMaxBody);
  if (read.verdict.kind != ReadVerdict::Kind::kGo) return read;
  BodyParser body_parser(std::move(head_parser));
  LimitBody(body_parser, kMaxBody);
  while (!body_parser.is_done()) {
    http::read_some(stream, buffer, body_parser, ec);
    read.verdict = JudgeBodyRead(ec, kMaxBody);
    if (read.verdict.kind != ReadVerdict::Kind::kGo) return read;
  }
  read.body = body_parser.get().body();
  return read;
}

TEST(RequestReadingTest, AHeadBecomesARequestHead) {
  const Read read = ReadRequest(
      "GET /api/2.0/mlflow/registered-models/get%20x?name=a+b&x=%41 HTTP/1.0\r\n"
      "Host: h\r\nX-One: 1\r\nx-one: 2\r\n\r\n");
  ASSERT_EQ(read.verdict.kind, ReadVerdict::Kind::kGo) << read.verdict.message;
  EXPECT_EQ(read.head.method, "GET");
  EXPECT_EQ(read.head.path, "/api/2.0/mlflow/registered-models/get x");
  EXPECT_EQ(read.head.query, "name=a+b&x=%41");
  EXPECT_EQ(read.head.version, 10u);
  EXPECT_FALSE(read.head.keep_alive);
  EXPECT_EQ(read.head.remote_address, "10.0.0.1");
  EXPECT_EQ(CountHeader(read.head.headers, "X-One"), 2u);
  EXPECT_FALSE(read.head.content_length.has_value());
}

TEST(RequestReadingTest, ContentLengthAndChunkedBodiesAreReadWhole) {
  Read read = ReadRequest("POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
  ASSERT_EQ(read.verdict.kind, ReadVerdict::Kind::kGo) << read.verdict.message;
  EXPECT_EQ(read.head.content_length, 5u);
  EXPECT_EQ(read.body, "hello");
  read = ReadRequest(
      "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n");
  ASSERT_EQ(read.verdict.kind, ReadVerdict::Kind::kGo) << read.verdict.message;
  EXPECT_TRUE(read.head.chunked);
  EXPECT_EQ(read.body, "abcde");
}

// Found by tests/fuzz/edge_request_fuzzer: Boost 1.74's chunk parser asserted, wrongly, on a last
// chunk whose CRLFs come a byte at a time (compat/edge/boost_assertions.cc); the sanitized build
// keeps Boost's assertions on.
TEST(RequestReadingTest, ALastChunkSentAByteAtATimeIsRead) {
  for (const char* body : {"0\r\n\r\n", "0\r\nX-Trailer: t\r\n\r\n", "2\r\nab\r\n0\r\n\r\n"}) {
    const Read read =
        ReadRequest(std::string("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") + body, 1);
    ASSERT_EQ(read.verdict.kind, ReadVerdict::Kind::kGo) << body << ": " << read.verdict.message;
    EXPECT_EQ(read.body, body[0] == '2' ? "ab" : "") << body;
  }
}

TEST(RequestReadingTest, BadHeadsAreRefusedWithTheirStatus) {
  EXPECT_EQ(ReadRequest("GET / HTTP/1.1\r\nX: " + std::string(kMaxHeaderBytes, 'a') + "\r\n\r\n")
                .verdict.status,
            431);
  EXPECT_EQ(ReadRequest("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n")
                .verdict.status,
            400);
  EXPECT_EQ(ReadRequest("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").verdict.status, 400);
  EXPECT_EQ(ReadRequest("GET /\x01 HTTP/1.1\r\n\r\n").verdict.status, 400);
  const Read gzip = ReadRequest("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n");
  EXPECT_EQ(gzip.verdict.kind, ReadVerdict::Kind::kRefuse);
  EXPECT_EQ(gzip.verdict.status, 501);
  EXPECT_NE(gzip.verdict.message.find("gzip"), std::string::npos);
}

TEST(RequestReadingTest, BodiesOverTheLimitAre413WhateverTheirFraming) {
  const std::string chunk(kMaxBody + 1, 'x');
  char size[16];
  std::snprintf(size, sizeof(size), "%zx", chunk.size());
  const Read read = ReadRequest("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                std::string(size) + "\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(read.verdict.kind, ReadVerdict::Kind::kRefuse);
  EXPECT_EQ(read.verdict.status, 413);
  EXPECT_EQ(ReadRequest("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n" + chunk).verdict.status,
            413);
}

// Closed before a request began: nothing to answer. Closed part-way (only its sending half,
// perhaps): a 400 the client may still read.
TEST(RequestReadingTest, AClientThatGoesAwayIsClosedOrToldWhatItCut) {
  EXPECT_EQ(ReadRequest("").verdict.kind, ReadVerdict::Kind::kClose);
  EXPECT_EQ(ReadRequest("GET / HTTP/1.1\r\nHost:").verdict.status, 400);
  EXPECT_EQ(ReadRequest("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc").verdict.status, 400);
}

}  // namespace
}  // namespace modelwarden::edge
