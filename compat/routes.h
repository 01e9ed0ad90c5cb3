// The route table of the MLflow Model Registry REST API: one line per endpoint, the C++ form
// of MLflow's HANDLERS dict (mlflow/server/handlers.py). Every path is served under each of
// kApiPrefixes. Constant data; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "compat/access_handlers.h"
#include "compat/approval_handlers.h"
#include "compat/governance_handlers.h"
#include "compat/model_version_handlers.h"
#include "compat/registered_model_handlers.h"
#include "compat/request_reader.h"
#include "compat/webhooks/webhook_handlers.h"
#include "registry/operation.h"
#include "registry/registry.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

enum class HttpMethod { kGet, kPost, kPatch, kDelete };

// "GET", "POST", "PATCH", "DELETE".
std::string_view HttpMethodName(HttpMethod method);

// Returns the JSON response body (and any policy warnings), or the Status to report as an
// MLflow error.
using Handler = Result<Reply> (*)(const CallContext& ctx, const RequestReader& request,
                                  Registry& registry);

// Every route names its Operation, whose entry in the authorization table
// (enforcement/access_rules.h) says who may call it.
struct Route {
  HttpMethod method;
  std::string_view path;  // Below a prefix, e.g. "/mlflow/registered-models/create".
  Operation operation;
  Handler handler;
};

// MLflow registers each endpoint under /api/2.0 (SDKs) and /ajax-api/2.0 (the web UI).
inline constexpr std::string_view kApiPrefixes[] = {"/api/2.0", "/ajax-api/2.0"};
// MLflow 3's endpoints are under /api/3.0 and /ajax-api/3.0 (its _get_rest_path(version=3)).
inline constexpr std::string_view kApi3Prefixes[] = {"/api/3.0", "/ajax-api/3.0"};

// All 21 Model Registry RPCs; get-latest-versions answers POST and GET, and the alias path
// carries three RPCs told apart by method.
inline constexpr Route kRoutes[] = {
    {HttpMethod::kPost, "/mlflow/registered-models/create", Operation::kCreateRegisteredModel,
     &HandleCreateRegisteredModel},
    {HttpMethod::kGet, "/mlflow/registered-models/get", Operation::kGetRegisteredModel,
     &HandleGetRegisteredModel},
    {HttpMethod::kPatch, "/mlflow/registered-models/update", Operation::kUpdateRegisteredModel,
     &HandleUpdateRegisteredModel},
    {HttpMethod::kPost, "/mlflow/registered-models/rename", Operation::kRenameRegisteredModel,
     &HandleRenameRegisteredModel},
    {HttpMethod::kDelete, "/mlflow/registered-models/delete", Operation::kDeleteRegisteredModel,
     &HandleDeleteRegisteredModel},
    {HttpMethod::kGet, "/mlflow/registered-models/search", Operation::kSearchRegisteredModels,
     &HandleSearchRegisteredModels},
    {HttpMethod::kPost, "/mlflow/registered-models/get-latest-versions",
     Operation::kGetLatestVersions, &HandleGetLatestVersions},
    {HttpMethod::kGet, "/mlflow/registered-models/get-latest-versions",
     Operation::kGetLatestVersions, &HandleGetLatestVersions},
    {HttpMethod::kPost, "/mlflow/registered-models/set-tag", Operation::kSetRegisteredModelTag,
     &HandleSetRegisteredModelTag},
    {HttpMethod::kDelete, "/mlflow/registered-models/delete-tag",
     Operation::kDeleteRegisteredModelTag, &HandleDeleteRegisteredModelTag},
    {HttpMethod::kPost, "/mlflow/registered-models/alias", Operation::kSetRegisteredModelAlias,
     &HandleSetRegisteredModelAlias},
    {HttpMethod::kDelete, "/mlflow/registered-models/alias", Operation::kDeleteRegisteredModelAlias,
     &HandleDeleteRegisteredModelAlias},
    {HttpMethod::kGet, "/mlflow/registered-models/alias", Operation::kGetModelVersionByAlias,
     &HandleGetModelVersionByAlias},
    {HttpMethod::kPost, "/mlflow/model-versions/create", Operation::kCreateModelVersion,
     &HandleCreateModelVersion},
    {HttpMethod::kGet, "/mlflow/model-versions/get", Operation::kGetModelVersion,
     &HandleGetModelVersion},
    {HttpMethod::kPatch, "/mlflow/model-versions/update", Operation::kUpdateModelVersion,
     &HandleUpdateModelVersion},
    {HttpMethod::kPost, "/mlflow/model-versions/transition-stage",
     Operation::kTransitionModelVersionStage, &HandleTransitionModelVersionStage},
    {HttpMethod::kDelete, "/mlflow/model-versions/delete", Operation::kDeleteModelVersion,
     &HandleDeleteModelVersion},
    {HttpMethod::kGet, "/mlflow/model-versions/search", Operation::kSearchModelVersions,
     &HandleSearchModelVersions},
    {HttpMethod::kGet, "/mlflow/model-versions/get-download-uri",
     Operation::kGetModelVersionDownloadUri, &HandleGetModelVersionDownloadUri},
    {HttpMethod::kPost, "/mlflow/model-versions/set-tag", Operation::kSetModelVersionTag,
     &HandleSetModelVersionTag},
    {HttpMethod::kDelete, "/mlflow/model-versions/delete-tag", Operation::kDeleteModelVersionTag,
     &HandleDeleteModelVersionTag},
};

// modelwarden's own endpoints, below the same prefixes ("/api/2.0/modelwarden/...").
using GovernanceHandler = Result<Reply> (*)(const CallContext& ctx, const RequestReader& request,
                                            Governance& governance);

struct GovernanceRoute {
  HttpMethod method;
  std::string_view path;
  Operation operation;
  GovernanceHandler handler;
};

inline constexpr GovernanceRoute kGovernanceRoutes[] = {
    {HttpMethod::kGet, "/modelwarden/model-versions/check", Operation::kCheckPromotion,
     &HandleCheckPromotion},
    {HttpMethod::kGet, "/modelwarden/model-versions/card", Operation::kGetModelCard,
     &HandleGetModelCard},
    {HttpMethod::kPost, "/modelwarden/model-versions/card", Operation::kSetModelCard,
     &HandleSetModelCard},
    {HttpMethod::kGet, "/modelwarden/audit-events/search", Operation::kSearchAuditEvents,
     &HandleSearchAuditEvents},
};

// modelwarden's four-eyes approvals (compat/approval_handlers.h), below the same prefixes.
struct ApprovalRoute {
  HttpMethod method;
  std::string_view path;
  Operation operation;
  ApprovalHandler handler;
};

inline constexpr ApprovalRoute kApprovalRoutes[] = {
    {HttpMethod::kPost, "/modelwarden/approvals/create", Operation::kCreateApproval,
     &HandleCreateApproval},
    {HttpMethod::kGet, "/modelwarden/approvals/get", Operation::kGetApproval, &HandleGetApproval},
    {HttpMethod::kGet, "/modelwarden/approvals/list", Operation::kListApprovals,
     &HandleListApprovals},
    {HttpMethod::kPost, "/modelwarden/approvals/approve", Operation::kApprove, &HandleApprove},
    {HttpMethod::kPost, "/modelwarden/approvals/reject", Operation::kReject, &HandleReject},
    {HttpMethod::kPost, "/modelwarden/approvals/cancel", Operation::kCancelApproval,
     &HandleCancelApproval},
};

// MLflow's basic-auth REST API (mlflow/server/auth/routes.py) and modelwarden's access
// endpoints; served only when authentication is on (otherwise 404, as MLflow without
// --app-name basic-auth).
struct AccessRoute {
  HttpMethod method;
  std::string_view path;
  Operation operation;
  AccessHandler handler;
  int api_version = 2;  // 3: under kApi3Prefixes instead of kApiPrefixes.
};

inline constexpr AccessRoute kAccessRoutes[] = {
    {HttpMethod::kPost, "/mlflow/users/create", Operation::kCreateUser, &HandleCreateUser},
    {HttpMethod::kGet, "/mlflow/users/get", Operation::kGetUser, &HandleGetUser},
    {HttpMethod::kPatch, "/mlflow/users/update-password", Operation::kUpdateUserPassword,
     &HandleUpdateUserPassword},
    {HttpMethod::kPatch, "/mlflow/users/update-admin", Operation::kUpdateUserAdmin,
     &HandleUpdateUserAdmin},
    {HttpMethod::kDelete, "/mlflow/users/delete", Operation::kDeleteUser, &HandleDeleteUser},
    {HttpMethod::kPost, "/mlflow/registered-models/permissions/create",
     Operation::kCreateModelPermission, &HandleCreateModelPermission},
    {HttpMethod::kGet, "/mlflow/registered-models/permissions/get", Operation::kGetModelPermission,
     &HandleGetModelPermission},
    {HttpMethod::kPatch, "/mlflow/registered-models/permissions/update",
     Operation::kUpdateModelPermission, &HandleUpdateModelPermission},
    {HttpMethod::kDelete, "/mlflow/registered-models/permissions/delete",
     Operation::kDeleteModelPermission, &HandleDeleteModelPermission},
    {HttpMethod::kPost, "/mlflow/experiments/permissions/create",
     Operation::kCreateExperimentPermission, &HandleCreateExperimentPermission},
    {HttpMethod::kGet, "/mlflow/experiments/permissions/get", Operation::kGetExperimentPermission,
     &HandleGetExperimentPermission},
    {HttpMethod::kPatch, "/mlflow/experiments/permissions/update",
     Operation::kUpdateExperimentPermission, &HandleUpdateExperimentPermission},
    {HttpMethod::kDelete, "/mlflow/experiments/permissions/delete",
     Operation::kDeleteExperimentPermission, &HandleDeleteExperimentPermission},
    {HttpMethod::kPost, "/mlflow/scorers/permissions/create", Operation::kCreateScorerPermission,
     &HandleCreateScorerPermission, 3},
    {HttpMethod::kGet, "/mlflow/scorers/permissions/get", Operation::kGetScorerPermission,
     &HandleGetScorerPermission, 3},
    {HttpMethod::kPatch, "/mlflow/scorers/permissions/update", Operation::kUpdateScorerPermission,
     &HandleUpdateScorerPermission, 3},
    {HttpMethod::kDelete, "/mlflow/scorers/permissions/delete", Operation::kDeleteScorerPermission,
     &HandleDeleteScorerPermission, 3},
    {HttpMethod::kGet, "/modelwarden/users/current", Operation::kGetCurrentUser,
     &HandleGetCurrentUser},
    {HttpMethod::kGet, "/modelwarden/users/list", Operation::kListUsers, &HandleListUsers},
    {HttpMethod::kPost, "/modelwarden/groups/create", Operation::kCreateGroup, &HandleCreateGroup},
    {HttpMethod::kGet, "/modelwarden/groups/get", Operation::kGetGroup, &HandleGetGroup},
    {HttpMethod::kGet, "/modelwarden/groups/list", Operation::kListGroups, &HandleListGroups},
    {HttpMethod::kDelete, "/modelwarden/groups/delete", Operation::kDeleteGroup,
     &HandleDeleteGroup},
    {HttpMethod::kPost, "/modelwarden/groups/add-member", Operation::kAddGroupMember,
     &HandleAddGroupMember},
    {HttpMethod::kPost, "/modelwarden/groups/remove-member", Operation::kRemoveGroupMember,
     &HandleRemoveGroupMember},
    {HttpMethod::kPost, "/modelwarden/grants/create", Operation::kCreateGrant, &HandleCreateGrant},
    {HttpMethod::kPatch, "/modelwarden/grants/update", Operation::kUpdateGrant, &HandleUpdateGrant},
    {HttpMethod::kDelete, "/modelwarden/grants/delete", Operation::kDeleteGrant,
     &HandleDeleteGrant},
    {HttpMethod::kGet, "/modelwarden/grants/list", Operation::kListGrants, &HandleListGrants},
    {HttpMethod::kGet, "/modelwarden/permissions/effective", Operation::kGetEffectivePermission,
     &HandleGetEffectivePermission},
    {HttpMethod::kPost, "/modelwarden/tokens/create", Operation::kCreateToken, &HandleCreateToken},
    {HttpMethod::kGet, "/modelwarden/tokens/list", Operation::kListTokens, &HandleListTokens},
    {HttpMethod::kPost, "/modelwarden/tokens/revoke", Operation::kRevokeToken, &HandleRevokeToken},
};

// MLflow's webhook API (mlflow/protos/webhooks.proto WebhookService; its {webhook_id} is a path
// segment) and modelwarden's view of the same webhooks, with their deliveries. A literal path
// comes before a placeholder that could match it.
struct WebhookRoute {
  HttpMethod method;
  std::string_view path;
  Operation operation;
  WebhookHandler handler;
};

inline constexpr WebhookRoute kWebhookRoutes[] = {
    {HttpMethod::kPost, "/mlflow/webhooks", Operation::kCreateWebhook, &HandleCreateWebhook},
    {HttpMethod::kGet, "/mlflow/webhooks", Operation::kListWebhooks, &HandleListWebhooks},
    {HttpMethod::kGet, "/mlflow/webhooks/{webhook_id}", Operation::kGetWebhook, &HandleGetWebhook},
    {HttpMethod::kPatch, "/mlflow/webhooks/{webhook_id}", Operation::kUpdateWebhook,
     &HandleUpdateWebhook},
    {HttpMethod::kDelete, "/mlflow/webhooks/{webhook_id}", Operation::kDeleteWebhook,
     &HandleDeleteWebhook},
    {HttpMethod::kPost, "/mlflow/webhooks/{webhook_id}/test", Operation::kTestWebhook,
     &HandleTestWebhook},
    {HttpMethod::kGet, "/modelwarden/webhooks/deliveries", Operation::kListWebhookDeliveries,
     &HandleListWebhookDeliveries},
    {HttpMethod::kGet, "/modelwarden/webhooks/deliveries/{delivery_id}",
     Operation::kGetWebhookDelivery, &HandleGetWebhookDelivery},
    {HttpMethod::kPost, "/modelwarden/webhooks/deliveries/{delivery_id}/redeliver",
     Operation::kRedeliverWebhookDelivery, &HandleRedeliverWebhookDelivery},
    {HttpMethod::kPost, "/modelwarden/webhooks", Operation::kCreateWebhook,
     &HandleCreateWebhookFull},
    {HttpMethod::kGet, "/modelwarden/webhooks", Operation::kListWebhooks, &HandleListWebhooksFull},
    {HttpMethod::kGet, "/modelwarden/webhooks/{webhook_id}", Operation::kGetWebhook,
     &HandleGetWebhookFull},
    {HttpMethod::kPatch, "/modelwarden/webhooks/{webhook_id}", Operation::kUpdateWebhook,
     &HandleUpdateWebhookFull},
    {HttpMethod::kDelete, "/modelwarden/webhooks/{webhook_id}", Operation::kDeleteWebhook,
     &HandleDeleteWebhookFull},
    {HttpMethod::kPost, "/modelwarden/webhooks/{webhook_id}/test", Operation::kTestWebhook,
     &HandleTestWebhookFull},
};

}  // namespace modelwarden
