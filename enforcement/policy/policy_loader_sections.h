// The policy file's sections, each read into its part of a Policy (internal to the
// policy_loader*.cc files). Each parser records every problem it finds in `in` and fills what
// it could read; one file per section: policy_loader_<section>.cc.
#pragma once

#include <string>

#include "enforcement/policy/policy.h"
#include "enforcement/policy/policy_loader_json.h"

namespace modelwarden {
namespace policy_loader {

// $.naming
void ParseNaming(PolicyReader& in, const rj::Value& v, const std::string& path,
                 NamingPolicy& naming);
// One element of $.requirements
void ParseRequirement(PolicyReader& in, const rj::Value& v, const std::string& path,
                      MetadataRequirement& req);
// $.model_card
void ParseModelCard(PolicyReader& in, const rj::Value& v, const std::string& path,
                    ModelCardPolicy& card);
// $.lifecycle
void ParseLifecycle(PolicyReader& in, const rj::Value& v, const std::string& path,
                    LifecyclePolicy& lifecycle);
// One element of $.gates
void ParseGate(PolicyReader& in, const rj::Value& v, const std::string& path, QualityGate& gate);
// $.runs
void ParseRuns(PolicyReader& in, const rj::Value& v, const std::string& path, RunPolicy& runs);
// $.approvals
void ParseApprovals(PolicyReader& in, const rj::Value& v, const std::string& path,
                    ApprovalsPolicy& approvals);
// $.retention
void ParseRetention(PolicyReader& in, const rj::Value& v, const std::string& path,
                    std::vector<RetentionRule>& rules);

}  // namespace policy_loader
}  // namespace modelwarden
