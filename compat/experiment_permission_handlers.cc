// MLflow's experiment permission endpoints and MLflow 3.6's scorer permission endpoints
// (mlflow/server/auth/__init__.py): the request's fields, AccessAdmin's answer, MLflow's JSON.

#include <optional>
#include <string>

#include "compat/access_handlers.h"
#include "compat/access_json.h"
#include "enforcement/access/permission.h"

namespace modelwarden {
namespace {

constexpr char kEmptyResponse[] = "{}";

// The fields MLflow's handlers read with _get_request_param, in its order.
struct PermissionFields {
  std::string experiment_id;
  std::string scorer_name;  // Scorer endpoints only.
  std::string username;
  Permission permission = Permission::kRead;  // create and update only.
};

Result<PermissionFields> ReadFields(const RequestReader& request, bool scorer,
                                    bool with_permission) {
  PermissionFields fields;
  ASSIGN_OR_RETURN(fields.experiment_id, request.RequiredString("experiment_id"));
  if (scorer) {
    ASSIGN_OR_RETURN(fields.scorer_name, request.RequiredString("scorer_name"));
  }
  ASSIGN_OR_RETURN(fields.username, request.RequiredString("username"));
  if (with_permission) {
    ASSIGN_OR_RETURN(std::string permission, request.RequiredString("permission"));
    const std::optional<Permission> parsed = ParsePermission(permission);
    if (!parsed) return Status::InvalidArgument(InvalidPermissionMessage(permission));
    fields.permission = *parsed;
  }
  return fields;
}

}  // namespace

Result<Reply> HandleCreateExperimentPermission(const CallContext& ctx, const RequestReader& request,
                                               AccessAdmin& admin) {
  ASSIGN_OR_RETURN(PermissionFields f, ReadFields(request, false, true));
  ASSIGN_OR_RETURN(Grant created, admin.CreateExperimentPermission(ctx, f.experiment_id, f.username,
                                                                   f.permission));
  return Reply{ExperimentPermissionResponse(created)};
}

Result<Reply> HandleGetExperimentPermission(const CallContext& ctx, const RequestReader& request,
                                            AccessAdmin& admin) {
  ASSIGN_OR_RETURN(PermissionFields f, ReadFields(request, false, false));
  ASSIGN_OR_RETURN(Grant grant, admin.GetExperimentPermission(ctx, f.experiment_id, f.username));
  return Reply{ExperimentPermissionResponse(grant)};
}

Result<Reply> HandleUpdateExperimentPermission(const CallContext& ctx, const RequestReader& request,
                                               AccessAdmin& admin) {
  ASSIGN_OR_RETURN(PermissionFields f, ReadFields(request, false, true));
  RETURN_IF_ERROR(admin.UpdateExperimentPermission(ctx, f.experiment_id, f.username, f.permission));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleDeleteExperimentPermission(const CallContext& ctx, const RequestReader& request,
                                               AccessAdmin& admin) {
  ASSIGN_OR_RETURN(PermissionFields f, ReadFields(request, false, false));
  RETURN_IF_ERROR(admin.DeleteExperimentPermission(ctx, f.experiment_id, f.username));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleCreateScorerPermission(const CallContext& ctx, const RequestReader& request,
                                           AccessAdmin& admin) {
  ASSIGN_OR_RETURN(PermissionFields f, ReadFields(request, true, true));
  ASSIGN_OR_RETURN(Grant created, admin.CreateScorerPermission(ctx, f.experiment_id, f.scorer_name,
                                                               f.username, f.permission));
  return Reply{ScorerPermissionResponse(created)};
}

Result<Reply> HandleGetScorerPermission(const CallContext& ctx, const RequestReader& request,
                                        AccessAdmin& admin) {
  ASSIGN_OR_RETURN(PermissionFields f, ReadFields(request, true, false));
  ASSIGN_OR_RETURN(Grant grant,
                   admin.GetScorerPermission(ctx, f.experiment_id, f.scorer_name, f.username));
  return Reply{ScorerPermissionResponse(grant)};
}

Result<Reply> HandleUpdateScorerPermission(const CallContext& ctx, const RequestReader& request,
                                           AccessAdmin& admin) {
  ASSIGN_OR_RETURN(PermissionFields f, ReadFields(request, true, true));
  RETURN_IF_ERROR(
      admin.UpdateScorerPermission(ctx, f.experiment_id, f.scorer_name, f.username, f.permission));
  return Reply{kEmptyResponse};
}

Result<Reply> HandleDeleteScorerPermission(const CallContext& ctx, const RequestReader& request,
                                           AccessAdmin& admin) {
  ASSIGN_OR_RETURN(PermissionFields f, ReadFields(request, true, false));
  RETURN_IF_ERROR(admin.DeleteScorerPermission(ctx, f.experiment_id, f.scorer_name, f.username));
  return Reply{kEmptyResponse};
}

}  // namespace modelwarden
