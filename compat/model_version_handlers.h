// One function per model-version endpoint of the MLflow REST API (model_registry.proto).
// Each reads its fields as mlflow/server/handlers.py does, calls the Registry and returns the
// JSON response body, or the Status to report. Stateless; thread-safe if the Registry is.
#pragma once

#include <string>

#include "compat/request_reader.h"
#include "registry/registry.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

Result<std::string> HandleCreateModelVersion(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry);
Result<std::string> HandleGetModelVersion(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry);
Result<std::string> HandleUpdateModelVersion(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry);
Result<std::string> HandleTransitionModelVersionStage(const CallContext& ctx,
                                                      const RequestReader& request,
                                                      Registry& registry);
Result<std::string> HandleDeleteModelVersion(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry);
Result<std::string> HandleSearchModelVersions(const CallContext& ctx, const RequestReader& request,
                                              Registry& registry);
Result<std::string> HandleGetModelVersionDownloadUri(const CallContext& ctx,
                                                     const RequestReader& request,
                                                     Registry& registry);
Result<std::string> HandleSetModelVersionTag(const CallContext& ctx, const RequestReader& request,
                                             Registry& registry);
Result<std::string> HandleDeleteModelVersionTag(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry);

}  // namespace modelwarden
