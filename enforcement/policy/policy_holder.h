// PolicyHolder: the policy in force, replaceable while the server runs (SIGHUP or a changed
// file). A bad file never replaces a good policy: Reload keeps the previous one and says why.
// Thread-safe; Current() is cheap (a shared_ptr copy under a mutex).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "enforcement/policy/policy.h"
#include "enforcement/policy/policy_loader.h"
#include "registry/status.h"

namespace modelwarden {

class PolicyHolder {
 public:
  // No file: an empty policy (every rule off) that never reloads.
  PolicyHolder();
  // Loads `path`; the error of a bad file is returned by Load, not thrown.
  static Result<std::unique_ptr<PolicyHolder>> Load(const std::string& path,
                                                    const PolicyLoadOptions& options = {});

  std::shared_ptr<const Policy> Current() const;
  const std::string& path() const { return path_; }

  // Reads the file again. On error the current policy stays and the error is returned.
  Status Reload();
  // Reload() when the file's modification time or size changed since the last load: true when
  // a new policy is in force, false when nothing changed, the error of a bad new file.
  Result<bool> ReloadIfChanged();

 private:
  PolicyHolder(std::string path, const PolicyLoadOptions& options);
  std::string Fingerprint() const;

  const std::string path_;
  const PolicyLoadOptions options_;
  std::mutex reload_mu_;  // Serialises Reload: a SIGHUP and the file poller may race.
  mutable std::mutex mu_;
  std::shared_ptr<const Policy> current_;  // Guarded by mu_.
  std::string fingerprint_;                // Guarded by mu_.
};

}  // namespace modelwarden
