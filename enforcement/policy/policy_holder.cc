#include "enforcement/policy/policy_holder.h"

#include <sys/stat.h>

namespace modelwarden {

PolicyHolder::PolicyHolder() : current_(std::make_shared<const Policy>()) {}

PolicyHolder::PolicyHolder(std::string path, const PolicyLoadOptions& options)
    : path_(std::move(path)), options_(options) {}

Result<std::unique_ptr<PolicyHolder>> PolicyHolder::Load(const std::string& path,
                                                         const PolicyLoadOptions& options) {
  std::unique_ptr<PolicyHolder> holder(new PolicyHolder(path, options));
  RETURN_IF_ERROR(holder->Reload());
  return holder;
}

std::shared_ptr<const Policy> PolicyHolder::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

std::string PolicyHolder::Fingerprint() const {
  struct stat info {};
  if (stat(path_.c_str(), &info) != 0) return "";
  return std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec) + ":" +
         std::to_string(info.st_size);
}

Status PolicyHolder::Reload() {
  if (path_.empty()) return Status::Ok();
  std::lock_guard<std::mutex> reloading(reload_mu_);
  const std::string fingerprint = Fingerprint();
  Result<Policy> loaded = LoadPolicyFile(path_, options_);
  std::lock_guard<std::mutex> lock(mu_);
  // Remember the fingerprint even on failure, so a bad file is reported once, not every poll.
  fingerprint_ = fingerprint;
  if (!loaded.ok()) return loaded.status();
  current_ = std::make_shared<const Policy>(std::move(*loaded));
  return Status::Ok();
}

Result<bool> PolicyHolder::ReloadIfChanged() {
  if (path_.empty()) return false;
  // stat() may block on a slow file system: never while holding mu_, which every request takes.
  const std::string fingerprint = Fingerprint();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (fingerprint == fingerprint_) return false;
  }
  RETURN_IF_ERROR(Reload());
  return true;
}

}  // namespace modelwarden
