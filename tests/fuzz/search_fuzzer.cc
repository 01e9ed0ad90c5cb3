// libFuzzer harness: a search's client-written text (registry/search): the filter string, the
// order_by clauses and the page token, for both kinds of search. Each gives an MLflow error or a
// value; a token that decodes re-encodes to one that decodes to the same.
//
// Input: the first byte picks what is parsed and for which search; the rest is the text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "registry/search/filter_parser.h"
#include "registry/search/order_by.h"
#include "registry/search/page_token.h"

namespace {

using namespace modelwarden;

bool SameToken(const PageToken& a, const PageToken& b) {
  return a.offset == b.offset && a.search == b.search && a.after == b.after;
}

void PageTokens(std::string_view text) {
  Result<PageToken> token = DecodeSearchPageToken(text);
  if (token.ok()) {
    Result<PageToken> again = DecodeSearchPageToken(EncodePageToken(token.value()));
    if (!again.ok() || !SameToken(token.value(), again.value())) std::abort();
  }
  Result<int64_t> offset = DecodePageToken(text);
  if (offset.ok()) {
    Result<int64_t> again = DecodePageToken(EncodePageToken(offset.value()));
    if (!again.ok() || again.value() != offset.value()) std::abort();
  }
}

// Clauses separated by newlines, as a client's repeated order_by values.
std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const SearchTarget target =
      (data[0] & 1) != 0 ? SearchTarget::kModelVersions : SearchTarget::kRegisteredModels;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch ((data[0] >> 1) % 3) {
    case 0:
      (void)ParseSearchFilter(text, target);
      break;
    case 1: {
      const std::vector<std::string> clauses = Lines(text);
      Result<std::vector<OrderKey>> order = ParseOrderBy(clauses, target);
      if (order.ok()) (void)UpToTotalOrder(order.value(), target);
      (void)SearchFingerprint(target, text, clauses);
      break;
    }
    default:
      PageTokens(text);
  }
  return 0;
}
