// The "runs" section of the policy: the run a new model version comes from exists on the
// tracking server (and, with require_run, that there is one).
#pragma once

#include <string>
#include <vector>

#include "enforcement/check.h"
#include "enforcement/policy.h"
#include "registry/tracker.h"

namespace modelwarden {

// `run_id` is the version's run (its run_id, or the run of a runs:/ source), empty when none.
// A tracker that cannot be asked fails the check (fail closed). `tracker` may be null only when
// the section is off (the policy loader refuses it otherwise).
std::vector<CheckResult> CheckSourceRun(const RunPolicy& runs, const std::string& run_id,
                                        bool is_prompt, Tracker* tracker);

}  // namespace modelwarden
