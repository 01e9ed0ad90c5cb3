// One function per registered-model endpoint of the MLflow REST API (model_registry.proto).
// Each reads its fields as mlflow/server/handlers.py does, calls the Registry and returns the
// JSON response body, or the Status to report. Stateless; thread-safe if the Registry is.
#pragma once

#include <string>

#include "compat/request_reader.h"
#include "registry/registry.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

Result<std::string> HandleCreateRegisteredModel(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry);
Result<std::string> HandleGetRegisteredModel(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry);
Result<std::string> HandleUpdateRegisteredModel(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry);
Result<std::string> HandleRenameRegisteredModel(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry);
Result<std::string> HandleDeleteRegisteredModel(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry);
Result<std::string> HandleSearchRegisteredModels(const CallContext& ctx,
                                                 const RequestReader& request, Registry& registry);
Result<std::string> HandleGetLatestVersions(const CallContext& ctx, const RequestReader& request,
                                            Registry& registry);
Result<std::string> HandleSetRegisteredModelTag(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry);
Result<std::string> HandleDeleteRegisteredModelTag(const CallContext& ctx,
                                                   const RequestReader& request,
                                                   Registry& registry);
Result<std::string> HandleSetRegisteredModelAlias(const CallContext& ctx,
                                                  const RequestReader& request, Registry& registry);
Result<std::string> HandleDeleteRegisteredModelAlias(const CallContext& ctx,
                                                     const RequestReader& request,
                                                     Registry& registry);
Result<std::string> HandleGetModelVersionByAlias(const CallContext& ctx,
                                                 const RequestReader& request, Registry& registry);

}  // namespace modelwarden
