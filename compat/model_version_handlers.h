// One function per model-version endpoint of the MLflow REST API (model_registry.proto).
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

Result<Reply> HandleCreateModelVersion(const CallContext& ctx, const RequestReader& request,
                                       Registry& registry);
Result<Reply> HandleGetModelVersion(const CallContext& ctx, const RequestReader& request,
                                    Registry& registry);
Result<Reply> HandleUpdateModelVersion(const CallContext& ctx, const RequestReader& request,
                                       Registry& registry);
Result<Reply> HandleTransitionModelVersionStage(const CallContext& ctx,
                                                const RequestReader& request, Registry& registry);
Result<Reply> HandleDeleteModelVersion(const CallContext& ctx, const RequestReader& request,
                                       Registry& registry);
Result<Reply> HandleSearchModelVersions(const CallContext& ctx, const RequestReader& request,
                                        Registry& registry);
Result<Reply> HandleGetModelVersionDownloadUri(const CallContext& ctx, const RequestReader& request,
                                               Registry& registry);
Result<Reply> HandleSetModelVersionTag(const CallContext& ctx, const RequestReader& request,
                                       Registry& registry);
Result<Reply> HandleDeleteModelVersionTag(const CallContext& ctx, const RequestReader& request,
                                          Registry& registry);

}  // namespace modelwarden
