// ReadGraphqlRequest: what a request to MLflow's /graphql reads, so that ForwardedAuthorizer can
// check it like the REST calls it stands for. MLflow's schema (mlflow/server/graphql) has a few
// root fields, each reading runs or experiments named in its `input` argument; the MLflow UI's
// run and experiment pages use them. A request is read by a small GraphQL parser (operations,
// variables, aliases, arguments, directives, nested selections); whatever it cannot attribute
// to runs and experiments (fragments, subscriptions, an unknown root field, the tracker's own
// registry through mlflowSearchModelVersions) is for admins only.
//
// Pure function; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/status.h"

namespace modelwarden {

struct GraphqlReads {
  std::vector<std::string> runs;         // Each needs READ on its experiment.
  std::vector<std::string> experiments;  // Each needs READ.
};

// `query` and `variables` (a JSON object, or "" for none) as the request carries them: the JSON
// body of a POST, the query string of a GET. Every operation of the document is checked, so
// operationName does not matter.
// kPermissionDenied for what only admins may ask; kInvalidParameterValue for a document that is
// not GraphQL or variables that are not a JSON object.
Result<GraphqlReads> ReadGraphqlRequest(std::string_view query, std::string_view variables);

}  // namespace modelwarden
