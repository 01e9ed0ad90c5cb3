// RequestReader: typed, validated access to the fields of one MLflow REST request, whether
// they came as a query string or as a JSON body. It mirrors MLflow's _get_request_message
// (mlflow/server/handlers.py):
//   - GET with a non-empty query string: fields come from the query parameters; repeated
//     keys give list fields (order_by, stages). A GET without one reads its body, and so does
//     HEAD (Flask's request.method is "HEAD" there, not "GET").
//   - Anything else: the body is parsed as JSON whatever the Content-Type; an absent,
//     unparseable or non-object body reads as {}; a JSON string body is decoded once more
//     (old clients double-encode); a null field is absent. Unknown fields are ignored.
//   - POST and PUT must carry Content-Type application/json (parameters allowed).
// Every failure is kInvalidParameterValue with MLflow's wording. Immutable after Create, so
// concurrent reads are safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/entities.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

// Query parameters as the HTTP library decodes them (form decoding done, repeats kept).
using QueryParams = std::multimap<std::string, std::string>;
// A JSON object's string and integer members, integers as their decimal text.
using ScalarMap = std::map<std::string, std::string>;

class RequestReader {
 public:
  // `content_type` is nullopt when the header is absent. Fails only for a POST/PUT whose
  // Content-Type is missing or not application/json.
  static Result<RequestReader> Create(std::string_view method, const QueryParams& query,
                                      const std::optional<std::string>& content_type,
                                      std::string_view body);

  RequestReader(RequestReader&&) noexcept;
  RequestReader& operator=(RequestReader&&) noexcept;
  ~RequestReader();

  // Present and non-empty: "Missing value for required parameter 'X'. ..." otherwise.
  Result<std::string> RequiredString(std::string_view field) const;
  // nullopt when absent; "" when sent empty.
  Result<std::optional<std::string>> OptionalString(std::string_view field) const;
  // The string, or `fallback` when absent (protobuf's default for an unset field).
  Result<std::string> StringOr(std::string_view field, std::string_view fallback) const;
  // A JSON integer or a string holding one (protobuf's int64 JSON mapping).
  Result<std::optional<int64_t>> OptionalInt64(std::string_view field) const;
  // A JSON true/false; in a query string "true"/"false" in any case.
  Result<std::optional<bool>> OptionalBool(std::string_view field) const;
  // A JSON array of strings, or every value of a repeated query key; empty when absent.
  Result<std::vector<std::string>> StringList(std::string_view field) const;
  // A JSON array of {"key": ..., "value": ...}; a missing key or value reads as "".
  Result<std::vector<Tag>> Tags(std::string_view field) const;
  // A JSON string, or an integer as its decimal text (protobuf's JSON reads an enum field as
  // its name or its number); nullopt when absent.
  Result<std::optional<std::string>> OptionalScalar(std::string_view field) const;
  // A JSON object (ScalarMap: other members are left out); nullopt when absent.
  Result<std::optional<ScalarMap>> Object(std::string_view field) const;
  // A JSON array of objects; nullopt when absent.
  Result<std::optional<std::vector<ScalarMap>>> ObjectList(std::string_view field) const;

 private:
  struct Source;
  explicit RequestReader(std::unique_ptr<const Source> source);

  std::unique_ptr<const Source> source_;
};

// filter, max_results, order_by and page_token of a search request. max_results stays unset
// when absent: the service applies MLflow's default and limit for the endpoint.
Result<SearchQuery> ReadSearchQuery(const RequestReader& request);

// Case-insensitive stage name ("staging" -> kStaging), else MLflow's
// "Invalid Model Version stage: <s>. Value must be one of None, Staging, Production, Archived."
Result<Stage> ParseStage(std::string_view stage);

}  // namespace modelwarden
