// Handlers of the four-eyes approval endpoints (compat/routes.h kApprovalRoutes), served under
// /api/2.0/modelwarden/approvals/...:
//   POST create   {name, version, stage | alias, archive_existing_versions?, comment?}
//   GET  get      ?id=
//   GET  list     ?name=&status=&max_results=&page_token=
//   POST approve  {id, comment?}    POST reject {id, comment?}    POST cancel {id, comment?}
// Each answers {"approval": {...}} (list: {"approvals": [...]}); Approvals authorizes.
#pragma once

#include "compat/reply.h"
#include "compat/request_reader.h"
#include "enforcement/lifecycle/approvals.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

using ApprovalHandler = Result<Reply> (*)(const CallContext& ctx, const RequestReader& request,
                                          Approvals& approvals);

Result<Reply> HandleCreateApproval(const CallContext&, const RequestReader&, Approvals&);
Result<Reply> HandleGetApproval(const CallContext&, const RequestReader&, Approvals&);
Result<Reply> HandleListApprovals(const CallContext&, const RequestReader&, Approvals&);
Result<Reply> HandleApprove(const CallContext&, const RequestReader&, Approvals&);
Result<Reply> HandleReject(const CallContext&, const RequestReader&, Approvals&);
Result<Reply> HandleCancelApproval(const CallContext&, const RequestReader&, Approvals&);

}  // namespace modelwarden
