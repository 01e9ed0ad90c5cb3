// GovernanceService: the Governance endpoints over the registry's snapshots and audit log. The
// dry run plans and reviews a promotion exactly as the unit of work would (the governor's
// Prepare, then promotion_review.h on one snapshot) and writes nothing.
//
// Thread-safe.
#pragma once

#include "enforcement/access/access_control.h"
#include "enforcement/governance.h"
#include "enforcement/policy/policy_holder.h"
#include "registry/audit_log.h"
#include "registry/governor.h"
#include "registry/model_rows.h"
#include "registry/registry.h"

namespace modelwarden {

class GovernanceService final : public Governance {
 public:
  // All borrowed; they must outlive this object. `governor` prepares the dry run's lookups;
  // `registry` makes the card writes.
  GovernanceService(const PolicyHolder& policy, AccessControl& access, Governor& governor,
                    ModelSnapshots& snapshots, AuditLog& audit_log, Registry& registry)
      : policy_(policy),
        access_(access),
        governor_(governor),
        snapshots_(snapshots),
        audit_log_(audit_log),
        registry_(registry) {}

  Result<PromotionReport> CheckPromotion(const CallContext& ctx, const std::string& name,
                                         int64_t version, const PromotionTarget& target) override;
  Result<ModelCardView> GetModelCard(const CallContext& ctx, const std::string& name,
                                     int64_t version) override;
  Result<Written<Done>> SetModelCard(const CallContext& ctx, const std::string& name,
                                     int64_t version, const std::string& markdown) override;
  Result<Page<AuditEvent>> SearchAuditLog(const CallContext& ctx, const AuditQuery& query) override;

 private:
  Status AuthorizeRead(const CallContext& ctx, Operation operation, const std::string& name);

  const PolicyHolder& policy_;
  AccessControl& access_;
  Governor& governor_;
  ModelSnapshots& snapshots_;
  AuditLog& audit_log_;
  Registry& registry_;
};

}  // namespace modelwarden
