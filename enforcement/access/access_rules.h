// The one authorization table: what the caller must hold for each Operation
// (registry/operation.h). RequiredAccess is an exhaustive switch, so -Wswitch flags an
// operation without an entry, and a test walks the route table. Constant; thread-safe.
#pragma once

#include "registry/operation.h"

namespace modelwarden {

// What the caller must hold. Admins (and modelwarden's own system principals) pass every
// requirement.
enum class Requirement {
  kAuthenticated,     // Any authenticated user (searches are then limited to what they may read).
  kReadModel,         // READ on the model.
  kUpdateModel,       // EDIT on the model.
  kDeleteModel,       // MANAGE on the model (MLflow's can_delete).
  kManageModel,       // MANAGE on the model.
  kRegisterModel,     // Authenticated; EDIT on the name too when registration needs a grant.
  kRenameModel,       // EDIT on the model; on the new name too when registration needs a grant.
  kSelf,              // The user the request names is the caller (none named: the caller).
  kAuditLog,          // READ on the model when one is named, else admin (audit log, approvals).
  kPromoteModel,      // READ and a PROMOTE grant on the model: deciding on a move another asked.
  kManageGrant,       // MANAGE on the model (experiment, scorer) for an access grant on one
                      // model (experiment, scorer); admin otherwise.
  kManageExperiment,  // MANAGE on the experiment, or on the scorer when one is named.
  kWebhooks,  // A WEBHOOKS grant covering the webhook's model_prefix (AccessRequest::model).
  kAdmin,
};

struct AccessRule {
  Requirement requirement;
  // Moving a version into Staging/Production (by a transition, or an alias the policy maps
  // to one) also needs a PROMOTE grant.
  bool promotes = false;
};

AccessRule RequiredAccess(Operation operation);

}  // namespace modelwarden
