// Handlers of modelwarden's own endpoints (beyond MLflow's API), served under
// /api/2.0/modelwarden/...: the dry-run promotion check, model cards and the audit log.
#pragma once

#include <string>

#include "compat/reply.h"
#include "compat/request_reader.h"
#include "enforcement/governance.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

// GET model-versions/check?name=&version=&stage= (or &alias=): every check's result.
Result<Reply> HandleCheckPromotion(const CallContext& ctx, const RequestReader& request,
                                   Governance& governance);
// GET model-versions/card?name=&version=.
Result<Reply> HandleGetModelCard(const CallContext& ctx, const RequestReader& request,
                                 Governance& governance);
// POST model-versions/card {name, version, markdown}.
Result<Reply> HandleSetModelCard(const CallContext& ctx, const RequestReader& request,
                                 Governance& governance);
// GET audit-events/search?model_name=&principal=&operation=&since=&until=&max_results=
// &page_token=; newest first.
Result<Reply> HandleSearchAuditEvents(const CallContext& ctx, const RequestReader& request,
                                      Governance& governance);

}  // namespace modelwarden
