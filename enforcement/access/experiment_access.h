// ExperimentAccess: what one caller may do with the tracker's experiments (and the runs, logged
// models, traces, artifacts and scorers in them), decided on their access profile as MLflow's
// basic-auth decides it: a grant on the experiment, else the configured default permission.
// As for models, grants may also name an experiment-name prefix and may go to groups: the most
// specific grant decides (the exact experiment before any prefix, a longer prefix before a
// shorter one; at equal specificity the user's own grant before their groups', then the highest
// of the groups'). A scorer grant (MLflow's scorer permissions) decides for that scorer; without
// one, the scorer has its experiment's permission. Only grants on experiments, experiment-name
// prefixes and scorers count (registry/auth_entities.h ResourceType): never grants on models.
//
// A value: a snapshot of one profile (AccessControl::ExperimentAccessFor). Thread-compatible.
#pragma once

#include <memory>
#include <string>

#include "enforcement/access/permission.h"
#include "registry/auth_entities.h"
#include "registry/status.h"

namespace modelwarden {

// Where the caller's permission on experiments comes from.
class ExperimentAccess {
 public:
  // Everything allowed: authentication off, an admin, a system principal.
  static ExperimentAccess Everything();
  // The grants of `profile` with `default_permission` where none applies.
  static ExperimentAccess ForProfile(std::shared_ptr<const AccessProfile> profile,
                                     Permission default_permission);

  bool sees_everything() const { return profile_ == nullptr; }
  // The user it decides for ("" for Everything()).
  const std::string& username() const;

  // Whether a grant on an experiment-name prefix may decide for some experiment: only then is
  // an experiment's name needed (ForExperiment's `name`).
  bool NeedsNames() const;

  // The permission on experiment `id` whose name is `name` ("" when unknown: prefix grants do
  // not apply then). kManage for Everything().
  EffectivePermission ForExperiment(const std::string& id, const std::string& name) const;
  // The permission on the scorer `scorer` of experiment `experiment_id` (named `experiment_name`).
  EffectivePermission ForScorer(const std::string& experiment_id, const std::string& scorer,
                                const std::string& experiment_name) const;

 private:
  std::shared_ptr<const AccessProfile> profile_;  // Null: everything.
  Permission default_permission_ = Permission::kManage;
};

// The name of an experiment on the tracker, for prefix grants. Implemented over the tracker
// (compat/tracker), cached briefly; AccessAdmin::SetExperimentNames takes one for the
// experiment permission endpoints. Thread-safe.
class ExperimentNames {
 public:
  virtual ~ExperimentNames() = default;
  // kResourceDoesNotExist when the tracker has no such experiment; kTemporarilyUnavailable when
  // it cannot be asked.
  virtual Result<std::string> NameOf(const std::string& experiment_id) = 0;
};

}  // namespace modelwarden
