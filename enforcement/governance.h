// Governance: what modelwarden offers beyond MLflow's API (served under
// /api/2.0/modelwarden/...): a dry-run of the promotion checks, model cards, and the audit log.
// Each call is authorized for its caller like the registry's own. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "enforcement/policy/check.h"
#include "registry/entities.h"
#include "registry/registry.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

// Where a version is being promoted: a stage, or an alias (which the lifecycle may map to a
// stage).
struct PromotionTarget {
  std::optional<Stage> stage;
  std::string alias;
};

struct PromotionReport {
  std::string name;
  int64_t version = 0;
  std::optional<Stage> stage;  // The stage whose checks ran; unset for an unmapped alias.
  std::string alias;
  bool allowed = true;
  std::vector<CheckResult> checks;
  // Set when an enforced four-eyes rule holds the move: made by a client, it would wait for a
  // second person's approval (the checks above are judged again then).
  std::string approval_rule;
};

struct ModelCardView {
  std::string name;
  int64_t version = 0;
  std::string markdown;
  std::string origin;  // "card", "description" or "none".
  std::vector<std::string> sections;
};

class Governance {
 public:
  virtual ~Governance() = default;

  // Every check that promoting the version to `target` would run, with its result; writes
  // nothing. kResourceDoesNotExist for an unknown model or version.
  virtual Result<PromotionReport> CheckPromotion(const CallContext& ctx, const std::string& name,
                                                 int64_t version,
                                                 const PromotionTarget& target) = 0;
  // The card the policy judges (the card tag, else the description). kResourceDoesNotExist.
  virtual Result<ModelCardView> GetModelCard(const CallContext& ctx, const std::string& name,
                                             int64_t version) = 0;
  // Stores `markdown` as the version's card (tag modelwarden.model_card): a governed write.
  virtual Result<Written<Done>> SetModelCard(const CallContext& ctx, const std::string& name,
                                             int64_t version, const std::string& markdown) = 0;
  virtual Result<Page<AuditEvent>> SearchAuditLog(const CallContext& ctx,
                                                  const AuditQuery& query) = 0;
};

}  // namespace modelwarden
