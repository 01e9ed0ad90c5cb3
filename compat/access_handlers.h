// One function per access endpoint (compat/routes.h kAccessRoutes): MLflow's basic-auth REST
// API (users, registered-model permissions) and modelwarden's (groups, grants, effective
// permissions, API tokens). The caller has been authorized already; `username` fields default
// to the caller (CallContext::principal) where modelwarden's endpoints allow it.
#pragma once

#include <string>

#include "compat/request_reader.h"
#include "enforcement/access_admin.h"
#include "enforcement/access_control.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

using AccessHandler = Result<std::string> (*)(const CallContext& ctx, const RequestReader& request,
                                              AccessAdmin& admin, AccessControl& access);

Result<std::string> HandleCreateUser(const CallContext&, const RequestReader&, AccessAdmin&,
                                     AccessControl&);
Result<std::string> HandleGetUser(const CallContext&, const RequestReader&, AccessAdmin&,
                                  AccessControl&);
Result<std::string> HandleUpdateUserPassword(const CallContext&, const RequestReader&, AccessAdmin&,
                                             AccessControl&);
Result<std::string> HandleUpdateUserAdmin(const CallContext&, const RequestReader&, AccessAdmin&,
                                          AccessControl&);
Result<std::string> HandleDeleteUser(const CallContext&, const RequestReader&, AccessAdmin&,
                                     AccessControl&);
Result<std::string> HandleCreateModelPermission(const CallContext&, const RequestReader&,
                                                AccessAdmin&, AccessControl&);
Result<std::string> HandleGetModelPermission(const CallContext&, const RequestReader&, AccessAdmin&,
                                             AccessControl&);
Result<std::string> HandleUpdateModelPermission(const CallContext&, const RequestReader&,
                                                AccessAdmin&, AccessControl&);
Result<std::string> HandleDeleteModelPermission(const CallContext&, const RequestReader&,
                                                AccessAdmin&, AccessControl&);
Result<std::string> HandleGetCurrentUser(const CallContext&, const RequestReader&, AccessAdmin&,
                                         AccessControl&);
Result<std::string> HandleListUsers(const CallContext&, const RequestReader&, AccessAdmin&,
                                    AccessControl&);
Result<std::string> HandleCreateGroup(const CallContext&, const RequestReader&, AccessAdmin&,
                                      AccessControl&);
Result<std::string> HandleGetGroup(const CallContext&, const RequestReader&, AccessAdmin&,
                                   AccessControl&);
Result<std::string> HandleListGroups(const CallContext&, const RequestReader&, AccessAdmin&,
                                     AccessControl&);
Result<std::string> HandleDeleteGroup(const CallContext&, const RequestReader&, AccessAdmin&,
                                      AccessControl&);
Result<std::string> HandleAddGroupMember(const CallContext&, const RequestReader&, AccessAdmin&,
                                         AccessControl&);
Result<std::string> HandleRemoveGroupMember(const CallContext&, const RequestReader&, AccessAdmin&,
                                            AccessControl&);
Result<std::string> HandleCreateGrant(const CallContext&, const RequestReader&, AccessAdmin&,
                                      AccessControl&);
Result<std::string> HandleUpdateGrant(const CallContext&, const RequestReader&, AccessAdmin&,
                                      AccessControl&);
Result<std::string> HandleDeleteGrant(const CallContext&, const RequestReader&, AccessAdmin&,
                                      AccessControl&);
Result<std::string> HandleListGrants(const CallContext&, const RequestReader&, AccessAdmin&,
                                     AccessControl&);
Result<std::string> HandleGetEffectivePermission(const CallContext&, const RequestReader&,
                                                 AccessAdmin&, AccessControl&);
Result<std::string> HandleCreateToken(const CallContext&, const RequestReader&, AccessAdmin&,
                                      AccessControl&);
Result<std::string> HandleListTokens(const CallContext&, const RequestReader&, AccessAdmin&,
                                     AccessControl&);
Result<std::string> HandleRevokeToken(const CallContext&, const RequestReader&, AccessAdmin&,
                                      AccessControl&);

// The fields AccessControl::Authorize reads, from any request.
AccessRequest ReadAccessRequest(Operation operation, const RequestReader& request);

}  // namespace modelwarden
