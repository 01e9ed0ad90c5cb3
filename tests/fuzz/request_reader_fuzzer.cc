// libFuzzer harness: what a request's fields turn into (compat/request_reader.h). The input is
// a JSON body (POST, PATCH, DELETE) or a query string (GET), read through every accessor the
// handlers use on the field names MLflow's requests carry: an MLflow error or a value, never a
// crash.
//
// Input: the first byte picks the method (and so body or query string); the rest is the text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "compat/edge/query_string.h"
#include "compat/request_reader.h"

namespace {

using namespace modelwarden;

constexpr std::string_view kMethods[] = {"POST", "GET", "PATCH", "DELETE", "HEAD", "PUT"};
constexpr std::string_view kFields[] = {
    "name",
    "version",
    "tags",
    "filter",
    "max_results",
    "order_by",
    "stage",
    "page_token",
    "source",
    "run_id",
    "description",
    "aliases",
    "alias",
    "key",
    "value",
    "new_name",
    "archive_existing_versions",
    "run_link",
    "deployment_job_id",
    "model_id",
    "stages",
    "events",
    "",
};

void ReadEveryWay(const RequestReader& reader) {
  for (std::string_view field : kFields) {
    (void)reader.RequiredString(field);
    (void)reader.OptionalString(field);
    (void)reader.StringOr(field, "fallback");
    (void)reader.OptionalInt64(field);
    (void)reader.OptionalBool(field);
    (void)reader.StringList(field);
    (void)reader.Tags(field);
    (void)reader.Object(field);
    (void)reader.ObjectList(field);
    Result<std::optional<std::string>> scalar = reader.OptionalScalar(field);
    if (scalar.ok() && scalar.value()) (void)ParseStage(*scalar.value());
  }
  (void)ReadSearchQuery(reader);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view method = kMethods[data[0] % std::size(kMethods)];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::optional<std::string> json = std::string("application/json");
  // GET reads its query string; with an empty one, its body (as MLflow's server does).
  const bool as_query = method == "GET" && (data[0] & 0x80) == 0;
  Result<RequestReader> reader =
      as_query ? RequestReader::Create(method, ParseQueryString(text), json, "")
               : RequestReader::Create(method, {}, json, text);
  if (reader.ok()) ReadEveryWay(reader.value());
  return 0;
}
