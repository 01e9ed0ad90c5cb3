// The registry of an MLflow-compatible server read over its REST API, as a RegistrySource
// (`modelwarden import --from URL`): MLflow 2.x and 3.x servers, Databricks-style paths under a
// base path, and other modelwarden servers. Credentials as MLflow's client takes them:
// MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (HTTP Basic), else MLFLOW_TRACKING_TOKEN
// (Bearer), else user:password@ in the URL.
//
// Everything is read when the source is opened: every registered model and every version
// (GET registered-models/search and model-versions/search, once without a filter and once for
// prompts, which MLflow 3 leaves out of unfiltered searches), and the download URI of each
// version whose source is a runs:/ or models:/ URI (the only ones MLflow stores a separate
// storage location for).
//
// What MLflow's API does not show cannot be imported from it: deleted versions. A gap in a
// model's numbers is a deleted version, and is imported as one (with the timestamps of the
// version after it), so the numbers stay what they were; versions deleted after the highest
// live one leave no trace in the API, and the next version created here takes the number after
// the highest live one. `import --from-db` reads them from MLflow's database instead.
//
// Not thread-safe (a RegistrySource).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "registry/registry_source.h"

namespace modelwarden {

struct RestSourceOptions {
  std::string url;  // http(s)://[user:password@]host[:port][/base-path]
  std::string username;
  std::string password;
  std::string token;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds read_timeout{120000};
  // Page sizes, MLflow's maxima for the Python client's calls.
  int models_per_page = 1000;
  int versions_per_page = 10000;
};

// Reads the whole registry. kInvalidParameterValue for a bad URL or an answer that is not an
// MLflow registry's; kUnauthenticated/kPermissionDenied when the server refuses the
// credentials; kTemporarilyUnavailable when it cannot be reached (after retrying).
Result<std::unique_ptr<RegistrySource>> OpenRestRegistry(const RestSourceOptions& options);

}  // namespace modelwarden
