// Search page tokens. MLflow writes base64(json.dumps({"offset": N})); clients treat tokens as
// opaque and send them back verbatim. modelwarden's search tokens keep that offset and add the
// sort key of the last row the page returned, with a fingerprint of the search that wrote it:
// the same search then resumes after that row (keyset), so a page costs the same wherever it
// is, and rows added or removed meanwhile shift nothing. A token of another search, or one of
// MLflow's, is read as its offset, as MLflow reads it. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "registry/search/search_target.h"
#include "registry/status.h"

namespace modelwarden {

// One value of a row's sort key: a name, or a number (a version or a time).
using SortValue = std::variant<int64_t, std::string>;

struct PageToken {
  int64_t offset = 0;            // Rows before the page, as MLflow counts them.
  std::string search;            // SearchFingerprint of the search; empty in MLflow's tokens.
  std::vector<SortValue> after;  // Sort key of the row before the page; empty in MLflow's.
};

// The most values a token's sort key may hold (a version search's four order keys).
inline constexpr size_t kMaxSortValues = 4;

// MLflow's token for `offset`: base64 of {"offset": N} exactly as json.dumps writes it.
std::string EncodePageToken(int64_t offset);
// MLflow's token when `token` has no sort key; otherwise {"offset": N, "search": "...",
// "after": [...]}, which MLflow's own parser still reads as offset N.
std::string EncodePageToken(const PageToken& token);

// An offset-only token (the audit log's). Empty token: offset 0. kInvalidParameterValue, in
// MLflow's wording, for anything that is not a token EncodePageToken(offset) could have written
// (base64 is read as leniently as Python does).
Result<int64_t> DecodePageToken(std::string_view token);
// A search's token: MLflow's form or modelwarden's. Empty token: offset 0.
// kInvalidParameterValue as DecodePageToken, also for a sort key of more than kMaxSortValues.
Result<PageToken> DecodeSearchPageToken(std::string_view token);

// Identifies a search by what the client sent: equal filters and order_by lists give equal
// fingerprints (16 hex digits), whatever the page size.
std::string SearchFingerprint(SearchTarget target, std::string_view filter,
                              const std::vector<std::string>& order_by);

}  // namespace modelwarden
