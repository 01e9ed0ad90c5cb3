// EnforcingGovernor: the Governor of a modelwarden server. It authorizes every change for its
// caller (AccessControl) and judges it against the policy in force: naming on create and
// rename; mandatory metadata at registration; lifecycle, metadata, model card and quality
// gates when a version enters Staging or Production or takes an alias mapped to them; the
// "runs" section on new versions; four-eyes approval rules on moves (the move then waits for
// a second person, registry/approval_request.h); a retention rule's change, again on the
// locked state. A denial lists every failed enforced check at once; failed checks in warn mode
// come back as warnings. With an empty policy and authentication off it allows everything:
// plain MLflow (plus the audit log, which the service writes).
//
// Thread-safe.
#pragma once

#include "enforcement/access/access_control.h"
#include "enforcement/policy/policy_holder.h"
#include "registry/clock.h"
#include "registry/governor.h"
#include "registry/model_rows.h"
#include "registry/tracker.h"

namespace modelwarden {

class EnforcingGovernor final : public Governor {
 public:
  // All borrowed; they must outlive this object. `snapshots` reads the state a change's run
  // lookups are planned on; `tracker` (optional) is the tracking server the "runs" section and
  // run.metrics gates read; `clock` (optional, the system's by default) tells retention rules
  // the time.
  EnforcingGovernor(const PolicyHolder& policy, AccessControl& access, ModelSnapshots& snapshots,
                    Tracker* tracker = nullptr, const Clock* clock = nullptr)
      : policy_(policy),
        access_(access),
        snapshots_(snapshots),
        tracker_(tracker),
        clock_(clock != nullptr ? *clock : system_clock_) {}

  Status Preauthorize(const CallContext& ctx, const Change& change) override;
  Result<OutsideFacts> Prepare(const CallContext& ctx, const Change& change) override;
  Status Authorize(const CallContext& ctx, const Change& change, AuthStore& auth,
                   ModelReader& reader) override;
  Result<Verdict> Judge(const CallContext& ctx, const Change& change, const ChangeState& state,
                        const OutsideFacts& facts, ModelReader& reader) override;
  void Committed(const Change& change) override;
  Status AuthorizeRead(const CallContext& ctx, Operation operation,
                       const std::string& name) override;
  Result<std::optional<ReadScope>> SearchScope(const CallContext& ctx) override;

 private:
  AccessRequest AccessRequestFor(const Change& change) const;
  // The highest stage the model holds a version in, or an alias stands for: what a rename
  // carries to the new name.
  Result<std::optional<Stage>> StageCarried(const std::string& name, ModelReader& reader) const;
  // The tracker's answer for each run, looked up once.
  OutsideFacts LookUp(const std::vector<std::string>& run_ids) const;

  const PolicyHolder& policy_;
  AccessControl& access_;
  ModelSnapshots& snapshots_;
  Tracker* const tracker_;
  const SystemClock system_clock_;
  const Clock& clock_;
};

}  // namespace modelwarden
