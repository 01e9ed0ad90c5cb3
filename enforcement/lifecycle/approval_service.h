// ApprovalService: the Approvals of a modelwarden server. A request is the move's own unit of
// work (RegistryService::RequestApproval, or any transition or alias the policy holds); a
// decision is a unit of work of its own over the model's rows: it locks the model, authorizes
// the decider on their grants as the transaction reads them, checks the approval (pending, not
// expired, the version unchanged, four eyes), and for an approval judges the move by the
// policy as it is now and makes it, recording the approval's new status and the audit entries
// (the decision's, and the move's) together. A refused decision commits only its audit entry
// and what it found (an approval expired, invalidated, or failed with the policy's reasons).
//
// Thread-safe.
#pragma once

#include "enforcement/access/access_control.h"
#include "enforcement/lifecycle/approvals.h"
#include "registry/auth_store.h"
#include "registry/clock.h"
#include "registry/governor.h"
#include "registry/model_store.h"
#include "registry/registry_service.h"

namespace modelwarden {

class ApprovalService final : public Approvals {
 public:
  // All borrowed; they must outlive this object. `governor` judges an approved move (the
  // registry's); `auth` lists who may approve.
  ApprovalService(RegistryService& registry, ModelStore& store, Governor& governor,
                  AccessControl& access, AuthStore& auth, const Clock& clock)
      : registry_(registry),
        store_(store),
        governor_(governor),
        access_(access),
        auth_(auth),
        clock_(clock) {}

  Result<Approval> Create(const CallContext& ctx, const ApprovalMove& move,
                          const std::string& comment) override;
  Result<ApprovalView> Get(const CallContext& ctx, int64_t id) override;
  Result<Page<ApprovalView>> List(const CallContext& ctx, const ApprovalQuery& query) override;
  Result<Written<Approval>> Approve(const CallContext& ctx, int64_t id,
                                    const std::string& comment) override;
  Result<Approval> Reject(const CallContext& ctx, int64_t id, const std::string& comment) override;
  Result<Approval> Cancel(const CallContext& ctx, int64_t id, const std::string& comment) override;

 private:
  enum class Decision { kApprove, kReject, kCancel };

  Result<Written<Approval>> Decide(const CallContext& ctx, int64_t id, Decision decision,
                                   const std::string& comment);
  // The approval as stored; kResourceDoesNotExist.
  Result<Approval> Read(int64_t id);
  // Its status now, reading its version in `reader`.
  Result<ApprovalView> View(Approval approval, ModelReader& reader, int64_t now);
  Result<std::vector<std::string>> Approvers(const Approval& approval);

  RegistryService& registry_;
  ModelStore& store_;
  Governor& governor_;
  AccessControl& access_;
  AuthStore& auth_;
  const Clock& clock_;
};

}  // namespace modelwarden
