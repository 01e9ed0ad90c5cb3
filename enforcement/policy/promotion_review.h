// The review of one promotion: a version moving into Staging or Production, or taking an alias
// the lifecycle maps to one, judged against the policy on one consistent state. Shared by the
// unit of work (enforcement/enforcing_governor.h) and the dry run (governance_service.h), so
// the dry run answers exactly what the move would.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "enforcement/policy/check.h"
#include "enforcement/policy/policy.h"
#include "registry/governor.h"
#include "registry/model_rows.h"

namespace modelwarden {

struct Promotion {
  const RegisteredModel* model = nullptr;
  const ModelVersion* candidate = nullptr;
  Stage stage = Stage::kProduction;
  std::string alias;  // Set when the move is an alias being set (no stage transition).
};

// The runs whose metrics the review will read (the candidate's and, for regression gates, the
// incumbent's), on the state `reader` sees: what to fetch from the tracker before the unit of
// work. Empty when no gate reads run.metrics.
Result<std::vector<std::string>> RunsToReview(const Policy& policy, const Promotion& promotion,
                                              ModelReader& reader);

// Every check of the promotion: the lifecycle transition (stage moves only), the metadata
// and model card the stage requires, and the quality gates (regression gates against the
// version holding the stage or alias now). Run metrics come from `facts`; a run missing there
// (the state changed since RunsToReview) fails its gates closed.
Result<std::vector<CheckResult>> ReviewPromotion(const Policy& policy, const Promotion& promotion,
                                                 ModelReader& reader, const OutsideFacts& facts);

// The stage an alias stands for while the lifecycle rule is on; nullopt otherwise.
std::optional<Stage> AliasStage(const Policy& policy, const std::string& alias);

}  // namespace modelwarden
