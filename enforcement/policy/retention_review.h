// The review of one retention change in its unit of work: the rule that planned it must still
// be enforced, still select the model, still find the version beyond what it keeps, and
// nothing may protect the version now (an alias set, an approval requested since the plan).
// The same decision as the plan's (retention_rule.h), on the locked state.
#pragma once

#include <cstdint>
#include <vector>

#include "enforcement/policy/check.h"
#include "enforcement/policy/policy.h"
#include "registry/change.h"
#include "registry/model_rows.h"

namespace modelwarden {

// One check under the rule's id: passed with the reason, or failed saying what changed.
Result<std::vector<CheckResult>> ReviewRetention(const Policy& policy, const RetentionMark& mark,
                                                 RetentionAction action,
                                                 const RegisteredModel& model,
                                                 const ModelVersion& version, ModelReader& reader,
                                                 int64_t now);

}  // namespace modelwarden
