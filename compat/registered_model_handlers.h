// One function per registered-model endpoint of the MLflow REST API (model_registry.proto).
// Each reads its fields as mlflow/server/handlers.py does, calls the Registry and returns the
// JSON response body, or the Status to report. Stateless; thread-safe if the Registry is.
#pragma once

#include <string>

#include "compat/reply.h"
#include "compat/request_reader.h"
#include "registry/registry.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

Result<Reply> HandleCreateRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry);
Result<Reply> HandleGetRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                       Registry& registry);
Result<Reply> HandleUpdateRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry);
Result<Reply> HandleRenameRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry);
Result<Reply> HandleDeleteRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry);
Result<Reply> HandleSearchRegisteredModels(const CallContext& ctx, const RequestReader& request,
                                           Registry& registry);
Result<Reply> HandleGetLatestVersions(const CallContext& ctx, const RequestReader& request,
                                      Registry& registry);
Result<Reply> HandleSetRegisteredModelTag(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry);
Result<Reply> HandleDeleteRegisteredModelTag(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry);
Result<Reply> HandleSetRegisteredModelAlias(const CallContext& ctx, const RequestReader& request,
                                            Registry& registry);
Result<Reply> HandleDeleteRegisteredModelAlias(const CallContext& ctx, const RequestReader& request,
                                               Registry& registry);
Result<Reply> HandleGetModelVersionByAlias(const CallContext& ctx, const RequestReader& request,
                                           Registry& registry);

}  // namespace modelwarden
