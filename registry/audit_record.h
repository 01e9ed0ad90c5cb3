// How a change is described in the audit log: who asked, for what, on which model and version,
// what the target looked like before and what the change asks for after (e.g. "stage=Staging"
// then "stage=Production"). Pure functions; thread-safe.
#pragma once

#include "registry/change.h"
#include "registry/entities.h"
#include "registry/requests.h"

namespace modelwarden {

// The entry of `change` as it finds `state` (empty when the change was refused before its
// state was read). Outcome, checks and timestamp are left to the caller; so is the version
// number of a version being created.
AuditEvent DescribeChange(const CallContext& ctx, const Change& change, const ChangeState& state);

}  // namespace modelwarden
