#include "compat/edge/request_reading.h"

#include <boost/asio/error.hpp>
#include <limits>

#include "compat/utf8.h"
#include "registry/text.h"

namespace modelwarden::edge {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

ReadVerdict Refusal(int status, std::string message) {
  ReadVerdict verdict;
  verdict.kind = ReadVerdict::Kind::kRefuse;
  verdict.status = status;
  verdict.message = std::move(message);
  return verdict;
}

ReadVerdict BodyTooLarge(uint64_t max_body_bytes) {
  return Refusal(413,
                 "Request body exceeds the limit of " + std::to_string(max_body_bytes) + " bytes.");
}

// The client closed, reset, or was too slow: nobody reads an answer.
bool ClientGone(beast::error_code ec) {
  return ec == beast::error::timeout || ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::operation_aborted;
}

}  // namespace

void LimitHead(HeadParser& parser) {
  parser.header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
}

void LimitBody(BodyParser& parser, uint64_t max_body_bytes) { parser.body_limit(max_body_bytes); }

ReadVerdict JudgeHeadRead(beast::error_code ec) {
  if (ClientGone(ec)) return ReadVerdict{ReadVerdict::Kind::kClose, 0, ""};
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return Refusal(431, "Request header fields are too large (at most " +
                            std::to_string(kMaxHeaderBytes) + " bytes).");
  }
  if (ec == http::error::bad_content_length) {
    return Refusal(400, "Invalid or conflicting Content-Length headers.");
  }
  if (ec) {
    return Refusal(400, "Bad Request: the request could not be parsed (" + ec.message() + ").");
  }
  return ReadVerdict();
}

RequestHead HeadOf(const HeadParser& parser, const std::string& remote_address) {
  const auto& message = parser.get();
  RequestHead head;
  head.method = std::string(message.method_string());
  head.target = std::string(message.target());
  const size_t question = head.target.find('?');
  // werkzeug routes on the percent-decoded path; '+' is a plus sign in a path.
  head.path = Unquote(std::string_view(head.target).substr(0, question));
  if (question != std::string::npos) head.query = head.target.substr(question + 1);
  head.version = message.version();
  for (const auto& field : message) {
    head.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  head.remote_address = remote_address;
  head.keep_alive = message.keep_alive();
  head.chunked = message.chunked();
  if (parser.content_length()) head.content_length = *parser.content_length();
  return head;
}

ReadVerdict JudgeFraming(const RequestHead& head) {
  const std::string* encoding = FindHeader(head.headers, "Transfer-Encoding");
  if (encoding != nullptr && !head.chunked) {
    return Refusal(501, "Transfer-Encoding '" + Printable(*encoding) + "' is not supported.");
  }
  return ReadVerdict();
}

ReadVerdict JudgeAnnouncedBody(const RequestHead& head, uint64_t max_body_bytes) {
  if (head.content_length.value_or(0) > max_body_bytes) return BodyTooLarge(max_body_bytes);
  return ReadVerdict();
}

ReadVerdict JudgeBodyRead(beast::error_code ec, uint64_t max_body_bytes) {
  if (ec == http::error::body_limit) return BodyTooLarge(max_body_bytes);
  if (ClientGone(ec)) return ReadVerdict{ReadVerdict::Kind::kClose, 0, ""};
  if (ec) {
    return Refusal(400, "Bad Request: the request body could not be read (" + ec.message() + ").");
  }
  return ReadVerdict();
}

}  // namespace modelwarden::edge
