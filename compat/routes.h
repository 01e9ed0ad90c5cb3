// The route table of the MLflow Model Registry REST API: one line per endpoint, the C++ form
// of MLflow's HANDLERS dict (mlflow/server/handlers.py). Every path is served under each of
// kApiPrefixes. Constant data; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "compat/governance_handlers.h"
#include "compat/model_version_handlers.h"
#include "compat/registered_model_handlers.h"
#include "compat/request_reader.h"
#include "registry/registry.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

enum class HttpMethod { kGet, kPost, kPatch, kDelete };

// "GET", "POST", "PATCH", "DELETE".
std::string_view HttpMethodName(HttpMethod method);

// Returns the JSON response body, or the Status to report as an MLflow error.
using Handler = Result<std::string> (*)(const CallContext& ctx, const RequestReader& request,
                                        Registry& registry);

struct Route {
  HttpMethod method;
  std::string_view path;  // Below a prefix, e.g. "/mlflow/registered-models/create".
  Handler handler;
};

// MLflow registers each endpoint under /api/2.0 (SDKs) and /ajax-api/2.0 (the web UI).
inline constexpr std::string_view kApiPrefixes[] = {"/api/2.0", "/ajax-api/2.0"};

// All 21 Model Registry RPCs; get-latest-versions answers POST and GET, and the alias path
// carries three RPCs told apart by method.
inline constexpr Route kRoutes[] = {
    {HttpMethod::kPost, "/mlflow/registered-models/create", &HandleCreateRegisteredModel},
    {HttpMethod::kGet, "/mlflow/registered-models/get", &HandleGetRegisteredModel},
    {HttpMethod::kPatch, "/mlflow/registered-models/update", &HandleUpdateRegisteredModel},
    {HttpMethod::kPost, "/mlflow/registered-models/rename", &HandleRenameRegisteredModel},
    {HttpMethod::kDelete, "/mlflow/registered-models/delete", &HandleDeleteRegisteredModel},
    {HttpMethod::kGet, "/mlflow/registered-models/search", &HandleSearchRegisteredModels},
    {HttpMethod::kPost, "/mlflow/registered-models/get-latest-versions", &HandleGetLatestVersions},
    {HttpMethod::kGet, "/mlflow/registered-models/get-latest-versions", &HandleGetLatestVersions},
    {HttpMethod::kPost, "/mlflow/registered-models/set-tag", &HandleSetRegisteredModelTag},
    {HttpMethod::kDelete, "/mlflow/registered-models/delete-tag", &HandleDeleteRegisteredModelTag},
    {HttpMethod::kPost, "/mlflow/registered-models/alias", &HandleSetRegisteredModelAlias},
    {HttpMethod::kDelete, "/mlflow/registered-models/alias", &HandleDeleteRegisteredModelAlias},
    {HttpMethod::kGet, "/mlflow/registered-models/alias", &HandleGetModelVersionByAlias},
    {HttpMethod::kPost, "/mlflow/model-versions/create", &HandleCreateModelVersion},
    {HttpMethod::kGet, "/mlflow/model-versions/get", &HandleGetModelVersion},
    {HttpMethod::kPatch, "/mlflow/model-versions/update", &HandleUpdateModelVersion},
    {HttpMethod::kPost, "/mlflow/model-versions/transition-stage",
     &HandleTransitionModelVersionStage},
    {HttpMethod::kDelete, "/mlflow/model-versions/delete", &HandleDeleteModelVersion},
    {HttpMethod::kGet, "/mlflow/model-versions/search", &HandleSearchModelVersions},
    {HttpMethod::kGet, "/mlflow/model-versions/get-download-uri",
     &HandleGetModelVersionDownloadUri},
    {HttpMethod::kPost, "/mlflow/model-versions/set-tag", &HandleSetModelVersionTag},
    {HttpMethod::kDelete, "/mlflow/model-versions/delete-tag", &HandleDeleteModelVersionTag},
};

// modelwarden's own endpoints, below the same prefixes ("/api/2.0/modelwarden/...").
using GovernanceHandler = Result<std::string> (*)(const CallContext& ctx,
                                                  const RequestReader& request,
                                                  Governance& governance);

struct GovernanceRoute {
  HttpMethod method;
  std::string_view path;
  GovernanceHandler handler;
};

inline constexpr GovernanceRoute kGovernanceRoutes[] = {
    {HttpMethod::kGet, "/modelwarden/model-versions/check", &HandleCheckPromotion},
    {HttpMethod::kGet, "/modelwarden/model-versions/card", &HandleGetModelCard},
    {HttpMethod::kPost, "/modelwarden/model-versions/card", &HandleSetModelCard},
    {HttpMethod::kGet, "/modelwarden/audit-events/search", &HandleSearchAuditEvents},
};

}  // namespace modelwarden
