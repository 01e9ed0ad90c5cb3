// The "runs" section of the policy: the run a new model version comes from exists on the
// tracking server (and, with require_run, that there is one).
#pragma once

#include <string>
#include <vector>

#include "enforcement/policy/check.h"
#include "enforcement/policy/policy.h"
#include "registry/tracker.h"

namespace modelwarden {

// `run_id` is the version's run (its run_id, or the run of a runs:/ source), empty when none;
// `run` is what the tracker answered for it, null when it was not asked. A run the tracker
// could not be asked about fails the check (fail closed).
std::vector<CheckResult> CheckSourceRun(const RunPolicy& runs, const std::string& run_id,
                                        bool is_prompt, const Result<TrackedRun>* run);

}  // namespace modelwarden
