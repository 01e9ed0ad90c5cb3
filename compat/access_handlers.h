// One function per access endpoint (compat/routes.h kAccessRoutes): MLflow's basic-auth REST
// API (users, registered-model, experiment and scorer permissions) and modelwarden's (groups,
// grants, effective permissions, API tokens). AccessAdmin authorizes each call; `username` fields
// default to the caller (CallContext::principal) where modelwarden's endpoints allow it.
#pragma once

#include <string>

#include "compat/reply.h"
#include "compat/request_reader.h"
#include "enforcement/access/access_admin.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

using AccessHandler = Result<Reply> (*)(const CallContext& ctx, const RequestReader& request,
                                        AccessAdmin& admin);

Result<Reply> HandleCreateUser(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleGetUser(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleUpdateUserPassword(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleUpdateUserAdmin(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleDeleteUser(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleCreateModelPermission(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleGetModelPermission(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleUpdateModelPermission(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleDeleteModelPermission(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleCreateExperimentPermission(const CallContext&, const RequestReader&,
                                               AccessAdmin&);
Result<Reply> HandleGetExperimentPermission(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleUpdateExperimentPermission(const CallContext&, const RequestReader&,
                                               AccessAdmin&);
Result<Reply> HandleDeleteExperimentPermission(const CallContext&, const RequestReader&,
                                               AccessAdmin&);
Result<Reply> HandleCreateScorerPermission(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleGetScorerPermission(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleUpdateScorerPermission(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleDeleteScorerPermission(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleGetCurrentUser(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleListUsers(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleCreateGroup(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleGetGroup(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleListGroups(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleDeleteGroup(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleAddGroupMember(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleRemoveGroupMember(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleCreateGrant(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleUpdateGrant(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleDeleteGrant(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleListGrants(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleGetEffectivePermission(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleCreateToken(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleListTokens(const CallContext&, const RequestReader&, AccessAdmin&);
Result<Reply> HandleRevokeToken(const CallContext&, const RequestReader&, AccessAdmin&);

}  // namespace modelwarden
