// Page tokens as MLflow writes them (SearchUtils.create_page_token / parse_start_offset_from_
// page_token in mlflow/utils/search_utils.py): base64 of json.dumps({"offset": N}).
//
// Deliberate difference from MLflow: a token must hold a non-negative integer offset; MLflow
// also takes numeric strings and floats, and rejects offset 0 (which it never issues).
#include "registry/search/page_token.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "registry/decimal.h"
#include "registry/python_repr.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Accepts exactly the JSON object {"offset": <non-negative integer>} with optional JSON
// whitespace; anything else (other keys, strings, fractions, exponents) is rejected.
std::optional<int64_t> ParseOffsetJson(std::string_view json) {
  size_t i = 0;
  auto skip = [&] {
    while (i < json.size() && IsJsonSpace(json[i])) ++i;
  };
  auto expect = [&](std::string_view token) {
    skip();
    if (json.substr(i, token.size()) != token) return false;
    i += token.size();
    return true;
  };
  if (!expect("{") || !expect("\"offset\"") || !expect(":")) return std::nullopt;
  skip();
  const size_t start = i;
  while (i < json.size() && IsAsciiDigit(json[i])) ++i;
  const std::string_view digits = json.substr(start, i - start);
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  const std::optional<int64_t> offset = ParseDecimalInt64(digits);
  if (!offset || !expect("}")) return std::nullopt;
  skip();
  if (i != json.size()) return std::nullopt;
  return offset;
}

}  // namespace

std::string EncodePageToken(int64_t offset) {
  // json.dumps({"offset": offset}) puts a space after the colon.
  return EncodeBase64("{\"offset\": " + std::to_string(offset) + "}");
}

Result<int64_t> DecodePageToken(std::string_view token) {
  if (token.empty()) return int64_t{0};
  // MLflow decodes with base64.b64decode, which is lenient.
  const std::optional<std::string> decoded = DecodeBase64LikePython(token);
  if (!decoded) return Status::InvalidArgument("Invalid page token, could not base64-decode");
  const std::optional<int64_t> offset = ParseOffsetJson(*decoded);
  if (!offset) {
    return Status::InvalidArgument("Invalid page token, decoded value=" + PyBytesRepr(*decoded));
  }
  return *offset;
}

}  // namespace modelwarden
