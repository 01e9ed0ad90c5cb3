#include "enforcement/access/experiment_access.h"

#include <utility>

namespace modelwarden {
namespace {

const std::string& NoOne() {
  static const std::string* const empty = new std::string();
  return *empty;
}

// Higher wins: the exact experiment (or scorer) first, then longer prefixes; within one, the
// user's own grant. Equal ranks: the higher permission. The rule of ResolvePermission for
// models (permission.h).
std::pair<size_t, int> Specificity(const Grant& grant) {
  const size_t resource = grant.resource_type == ResourceType::kExperimentPrefix
                              ? grant.resource.size()
                              : std::string::npos;
  return {resource, grant.subject_type == SubjectType::kUser ? 1 : 0};
}

// The most specific of the access grants `applies` accepts, or null.
template <typename Applies>
const Grant* MostSpecific(const AccessProfile& profile, const Applies& applies) {
  const Grant* best = nullptr;
  for (const Grant& grant : profile.grants) {
    if (grant.kind != GrantKind::kAccess || !applies(grant)) continue;
    if (best != nullptr) {
      const auto mine = Specificity(grant);
      const auto theirs = Specificity(*best);
      if (mine < theirs) continue;
      if (mine == theirs && grant.permission <= best->permission) continue;
    }
    best = &grant;
  }
  return best;
}

}  // namespace

ExperimentAccess ExperimentAccess::Everything() { return ExperimentAccess(); }

ExperimentAccess ExperimentAccess::ForProfile(std::shared_ptr<const AccessProfile> profile,
                                              Permission default_permission) {
  ExperimentAccess access;
  access.profile_ = std::move(profile);
  access.default_permission_ = default_permission;
  return access;
}

const std::string& ExperimentAccess::username() const {
  return profile_ == nullptr ? NoOne() : profile_->user.username;
}

bool ExperimentAccess::NeedsNames() const {
  if (profile_ == nullptr) return false;
  for (const Grant& grant : profile_->grants) {
    if (grant.kind == GrantKind::kAccess &&
        grant.resource_type == ResourceType::kExperimentPrefix) {
      return true;
    }
  }
  return false;
}

EffectivePermission ExperimentAccess::ForExperiment(const std::string& id,
                                                    const std::string& name) const {
  if (profile_ == nullptr) return {Permission::kManage, "everything allowed"};
  const Grant* best = MostSpecific(*profile_, [&](const Grant& grant) {
    if (grant.resource_type == ResourceType::kExperiment) return grant.resource == id;
    // An unknown name ("") matches no prefix, not even a grant on "" (which the admin API
    // refuses anyway).
    return grant.resource_type == ResourceType::kExperimentPrefix && !name.empty() &&
           name.compare(0, grant.resource.size(), grant.resource) == 0;
  });
  if (best == nullptr) return {default_permission_, "the default permission"};
  return {best->permission, DescribeSource(*best)};
}

// MLflow reads the scorer's own permission and, without one, the default; here a scorer
// without a grant has its experiment's permission, so that granting an experiment grants its
// scorers (the header's rule).
EffectivePermission ExperimentAccess::ForScorer(const std::string& experiment_id,
                                                const std::string& scorer,
                                                const std::string& experiment_name) const {
  if (profile_ == nullptr) return {Permission::kManage, "everything allowed"};
  const std::string resource = ScorerResource(experiment_id, scorer);
  const Grant* best = MostSpecific(*profile_, [&](const Grant& grant) {
    return grant.resource_type == ResourceType::kScorer && grant.resource == resource;
  });
  if (best != nullptr) return {best->permission, DescribeSource(*best)};
  return ForExperiment(experiment_id, experiment_name);
}

}  // namespace modelwarden
