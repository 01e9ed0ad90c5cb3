// ExperimentDirectory: which experiment a run, logged model, trace or dataset belongs to, and
// experiments' names and ids, asked of the tracker (TrackerCalls) and cached: what belongs to
// which experiment never changes in MLflow, so those answers are kept for minutes; names can
// change (a rename), so they are kept for seconds: a prefix grant sees a renamed experiment by
// its new name within name_ttl. Forwarded calls are authorized on these answers
// (compat/tracker/forwarded_authorizer.h).
//
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "compat/tracker/tracker_calls.h"
#include "enforcement/access/access_control.h"
#include "enforcement/access/experiment_access.h"
#include "registry/status.h"

namespace modelwarden {

struct DirectoryOptions {
  std::chrono::milliseconds ownership_ttl{10 * 60 * 1000};  // Run/model/trace -> experiment.
  std::chrono::milliseconds name_ttl{10 * 1000};            // Experiment id <-> name, datasets.
  size_t max_entries = 100000;                              // Per cache; then it starts over.
};

class ExperimentDirectory final : public ExperimentNames {
 public:
  // `calls` is borrowed and must outlive the directory.
  explicit ExperimentDirectory(TrackerCalls& calls, DirectoryOptions options = {});

  using Blocking = AccessControl::Blocking;

  // Each: the tracker's error (kResourceDoesNotExist for an unknown id, as MLflow words it)
  // or kTemporarilyUnavailable when it cannot be asked; with Blocking::kNever, kWouldBlock
  // when the answer is not cached.
  Result<std::string> ExperimentOfRun(const std::string& run_id,
                                      Blocking blocking = Blocking::kAllowed);
  Result<std::string> ExperimentOfLoggedModel(const std::string& model_id,
                                              Blocking blocking = Blocking::kAllowed);
  Result<std::string> ExperimentOfTrace(const std::string& trace_id,
                                        Blocking blocking = Blocking::kAllowed);
  Result<std::string> ExperimentIdByName(const std::string& name,
                                         Blocking blocking = Blocking::kAllowed);
  Result<std::vector<std::string>> ExperimentsOfDataset(const std::string& dataset_id,
                                                        Blocking blocking = Blocking::kAllowed);
  Result<std::string> NameOf(const std::string& experiment_id) override {
    return NameOf(experiment_id, Blocking::kAllowed);
  }
  Result<std::string> NameOf(const std::string& experiment_id, Blocking blocking);

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::vector<std::string> values;
    Clock::time_point expires;
  };
  using Cache = std::unordered_map<std::string, Entry>;

  // The cached answer for `key`, else `fetch`'s (cached for `ttl` when it succeeds).
  template <class Fetch>
  Result<std::vector<std::string>> Cached(Cache& cache, const std::string& key,
                                          std::chrono::milliseconds ttl, Blocking blocking,
                                          Fetch fetch);

  TrackerCalls& calls_;
  const DirectoryOptions options_;
  std::mutex mu_;
  Cache runs_;      // Guarded by mu_.
  Cache models_;    // Guarded by mu_.
  Cache traces_;    // Guarded by mu_.
  Cache names_;     // Id -> name; guarded by mu_.
  Cache ids_;       // Name -> id; guarded by mu_.
  Cache datasets_;  // Guarded by mu_.
};

}  // namespace modelwarden
