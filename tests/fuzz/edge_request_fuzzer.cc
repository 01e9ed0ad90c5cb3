// libFuzzer harness: a client's bytes through what the edge does with them before any store is
// touched. Beast's request parser set up as Connection sets it up (compat/edge/request_reading.h)
// reads the bytes in pieces as a socket would deliver them, pipelined requests one after the
// other; each head becomes a RequestHead (or a refusal, or a close), is routed on MLflow's route
// table, and its body is read within the body limit; then the request is read as a handler reads
// it: query string, RequestReader, a search's fields.
//
// Input: the first byte picks the size of the pieces (1 to 256 bytes); the rest is the stream.
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/system/system_error.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "compat/edge/query_string.h"
#include "compat/edge/request_reading.h"
#include "compat/request_reader.h"
#include "compat/route_table.h"
#include "compat/routes.h"
#include "tests/compat/piece_stream.h"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace modelwarden;
using namespace modelwarden::edge;

// Small, so that the fuzzer reaches the 413s; the code path is the one of any limit.
constexpr uint64_t kMaxBodyBytes = 4096;
constexpr int kMaxRequests = 16;

const RouteTable& Routes() {
  static const RouteTable* const table = [] {
    auto* routes = new RouteTable();
    int index = 0;
    for (const Route& route : kRoutes) {
      for (std::string_view prefix : kApiPrefixes) {
        routes->Add(HttpMethodName(route.method), std::string(prefix) + std::string(route.path),
                    index);
      }
      ++index;
    }
    for (const WebhookRoute& route : kWebhookRoutes) {
      for (std::string_view prefix : kApiPrefixes) {
        routes->Add(HttpMethodName(route.method), std::string(prefix) + std::string(route.path),
                    index);
      }
      ++index;
    }
    return routes;
  }();
  return *table;
}

// What a handler does with a request: its fields as MLflow's handlers read them.
void ReadAsAHandlerWould(const RequestHead& head, const std::string& body) {
  const RouteTable::Match match = Routes().Find(head.method, head.path);
  if (match.kind == RouteTable::Match::Kind::kFound && match.call < 0) std::abort();
  const std::string* type = FindHeader(head.headers, "Content-Type");
  const std::optional<std::string> content_type =
      type != nullptr ? std::optional<std::string>(*type) : std::nullopt;
  Result<RequestReader> reader =
      RequestReader::Create(head.method, ParseQueryString(head.query), content_type, body);
  if (!reader.ok()) return;
  (void)ReadSearchQuery(reader.value());
  (void)reader.value().RequiredString("name");
  (void)reader.value().Tags("tags");
  (void)reader.value().OptionalInt64("version");
}

// One request off the stream; false when the connection ends (closed or refused).
bool ReadOneRequest(PieceStream& stream, beast::flat_buffer& buffer) {
  std::optional<HeadParser> head_parser;
  head_parser.emplace();
  LimitHead(*head_parser);
  beast::error_code ec;
  http::read_header(stream, buffer, *head_parser, ec);
  ReadVerdict verdict = JudgeHeadRead(ec);
  if (verdict.kind != ReadVerdict::Kind::kGo) return false;
  const RequestHead head = HeadOf(*head_parser, "127.0.0.1");
  verdict = JudgeFraming(head);
  if (verdict.kind != ReadVerdict::Kind::kGo) return false;
  if (!head.chunked && head.content_length.value_or(0) == 0) {
    ReadAsAHandlerWould(head, "");
    return head.keep_alive;
  }
  if (JudgeAnnouncedBody(head, kMaxBodyBytes).kind != ReadVerdict::Kind::kGo) return false;
  BodyParser body_parser(std::move(*head_parser));
  LimitBody(body_parser, kMaxBodyBytes);
  while (!body_parser.is_done()) {
    http::read_some(stream, buffer, body_parser, ec);
    verdict = JudgeBodyRead(ec, kMaxBodyBytes);
    if (verdict.kind != ReadVerdict::Kind::kGo) return false;
  }
  const std::string& body = body_parser.get().body();
  if (body.size() > kMaxBodyBytes) std::abort();  // The limit must hold.
  if (head.content_length && body.size() != *head.content_length) std::abort();
  ReadAsAHandlerWould(head, body);
  return head.keep_alive;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = static_cast<size_t>(data[0]) + 1;
  PieceStream stream(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), piece);
  beast::flat_buffer buffer(kMaxBuffered);
  for (int i = 0; i < kMaxRequests && ReadOneRequest(stream, buffer); ++i) {
  }
  return 0;
}
