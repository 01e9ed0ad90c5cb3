// libFuzzer harness: what a forwarded /graphql request reads (compat/tracker/graphql_reads.h),
// the one hand-written parser a client's text reaches on the forwarded path. An answer for every
// document, never a crash, and no unbounded recursion.
//
// Input: the GraphQL document, then optionally a NUL byte and the variables (a JSON object).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "compat/tracker/graphql_reads.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view query = input.substr(0, nul);
  const std::string_view variables =
      nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  (void)modelwarden::ReadGraphqlRequest(query, variables);
  return 0;
}
