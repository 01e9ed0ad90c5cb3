// `modelwarden retention plan|apply`: what the policy's retention rules would change (every
// version with its rule and reason) and making those changes, printed for a person or a log:
// one line per change on `out`; on `err`, a progress bar when it is a terminal, else one plain
// line per page of models. Exit status: 0 done, 1 the store or the lease refused.
// Thread-compatible.
#pragma once

#include <cstdio>

#include "enforcement/lifecycle/retention_runner.h"

namespace modelwarden {

int RunRetentionPlan(RetentionRunner& runner, const RetentionOptions& options, std::FILE* out,
                     std::FILE* err);
// `terminal`: draw a progress bar on `err` (the total is planned first).
int RunRetentionApply(RetentionRunner& runner, const RetentionOptions& options, std::FILE* out,
                      std::FILE* err, bool terminal);

}  // namespace modelwarden
