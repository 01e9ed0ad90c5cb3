// `modelwarden approvals list|get|create|approve|reject|cancel`: the four-eyes approvals of a
// running server (/api/2.0/modelwarden/approvals/...), as the user whose credentials MLflow's
// environment variables hold. Exits 0 when the server did it, 1 when it refused (the reason is
// printed), 2 for a usage, connection or authentication error. Thread-compatible.
#pragma once

#include <cstdio>

#include "compat/client/client_command.h"

namespace modelwarden {

int RunApprovals(const ClientCommand& command, std::FILE* out, std::FILE* err);

}  // namespace modelwarden
