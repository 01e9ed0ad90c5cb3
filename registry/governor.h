// Governor: what decides whether a change may be made, called by RegistryService at fixed
// points of every unit of work (registry/registry_service.h). Enforcement implements it with
// access control and the policy (enforcement/enforcing_governor.h); PermitAll lets everything
// through, which is plain MLflow.
//
// The order, for every write: Preauthorize and Prepare (before the transaction); then, in the
// transaction and after the model's rows are locked: Authorize, MLflow's own checks (the
// service), Judge, the change, its audit entry; Committed after the commit. A denial commits
// only its audit entry.
//
// Implementations are thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "registry/auth_store.h"
#include "registry/change.h"
#include "registry/entities.h"
#include "registry/model_rows.h"
#include "registry/operation.h"
#include "registry/requests.h"
#include "registry/status.h"
#include "registry/tracker.h"

namespace modelwarden {

// What a change's checks need from outside the database, fetched before its transaction so
// that no transaction waits on the network: the tracker's runs, by run id (a failed lookup
// is kept as its Status).
struct OutsideFacts {
  std::map<std::string, Result<TrackedRun>> runs;
};

// The policy's answer to one change.
struct Verdict {
  Status denial;                      // OK: the change may be made.
  std::vector<AuditCheck> checks;     // Every check that ran, for the audit log.
  std::vector<std::string> warnings;  // Failed checks in warn mode, for the caller.
};

class Governor {
 public:
  virtual ~Governor() = default;

  // Before anything is looked up for the change (the tracker, the database): refuses a caller
  // who may not ask for `change` at all, on cached grants (a refusal is confirmed on fresh
  // ones; the unit of work records it). Only refuses early: what allows the change is
  // Authorize. kPermissionDenied.
  virtual Status Preauthorize(const CallContext& ctx, const Change& change) = 0;
  // Before the unit of work: what the change's checks will need from outside the database.
  virtual Result<OutsideFacts> Prepare(const CallContext& ctx, const Change& change) = 0;
  // In the unit of work, first: may the caller make `change`, on their grants as `auth` reads
  // them now, and on what `reader` says of the locked model where that matters (a rename
  // carries the model's promotions to its new name)? kPermissionDenied; kUnauthenticated for
  // a user deleted meanwhile.
  virtual Status Authorize(const CallContext& ctx, const Change& change, AuthStore& auth,
                           ModelReader& reader) = 0;
  // In the unit of work, on the state `change` found (MLflow's own checks passed): the policy's
  // verdict. `reader` reads more of the locked state (e.g. the version an alias points at). An
  // error (the database failing) is returned as such, not as a verdict.
  virtual Result<Verdict> Judge(const CallContext& ctx, const Change& change,
                                const ChangeState& state, const OutsideFacts& facts,
                                ModelReader& reader) = 0;
  // After the change committed (e.g. to drop caches of grants the change moved).
  virtual void Committed(const Change& change) = 0;

  // May the caller run the read `operation` on the model `name`? On cached grants; a refusal
  // is confirmed on fresh ones and recorded. kPermissionDenied.
  virtual Status AuthorizeRead(const CallContext& ctx, Operation operation,
                               const std::string& name) = 0;
  // What the caller's searches are limited to; nullopt when they may read everything.
  virtual Result<std::optional<ReadScope>> SearchScope(const CallContext& ctx) = 0;
};

// Lets everything through and checks nothing: plain MLflow. Tests derive from it to hook one
// step.
class PermitAll : public Governor {
 public:
  Status Preauthorize(const CallContext&, const Change&) override { return Status::Ok(); }
  Result<OutsideFacts> Prepare(const CallContext&, const Change&) override {
    return OutsideFacts{};
  }
  Status Authorize(const CallContext&, const Change&, AuthStore&, ModelReader&) override {
    return Status::Ok();
  }
  Result<Verdict> Judge(const CallContext&, const Change&, const ChangeState&, const OutsideFacts&,
                        ModelReader&) override {
    return Verdict{};
  }
  void Committed(const Change&) override {}
  Status AuthorizeRead(const CallContext&, Operation, const std::string&) override {
    return Status::Ok();
  }
  Result<std::optional<ReadScope>> SearchScope(const CallContext&) override {
    return std::optional<ReadScope>();
  }
};

}  // namespace modelwarden
