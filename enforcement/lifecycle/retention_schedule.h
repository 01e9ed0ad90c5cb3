// RetentionSchedule: a server's retention passes, one every interval on a thread of its own
// (`modelwarden server --retention-interval-minutes`). Each pass takes the database lease first
// (RetentionRunner with use_lease), so with several server processes on one database only one
// acts at a time; the others find the lease held and skip that pass. One log line per pass.
//
// Thread-safe: Start and Stop may be called from any thread; Stop ends a pass under way after
// its current change and waits for it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "enforcement/lifecycle/retention_runner.h"
#include "enforcement/policy/policy_holder.h"

namespace modelwarden {

class RetentionSchedule {
 public:
  using Log = std::function<void(const std::string& line)>;

  // `runner` and `policy` are borrowed and must outlive the schedule. `options.holder` names
  // this process in the lease; use_lease is forced on.
  RetentionSchedule(RetentionRunner& runner, const PolicyHolder& policy,
                    std::chrono::milliseconds interval, RetentionOptions options, Log log);
  ~RetentionSchedule();

  RetentionSchedule(const RetentionSchedule&) = delete;
  RetentionSchedule& operator=(const RetentionSchedule&) = delete;

  // The first pass runs one interval after Start.
  void Start();
  void Stop();

 private:
  void Loop();
  void RunPass();

  RetentionRunner& runner_;
  const PolicyHolder& policy_;
  const std::chrono::milliseconds interval_;
  RetentionOptions options_;
  const Log log_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // Guarded by mu_.
  std::atomic<bool> stop_pass_{false};
  std::thread thread_;
};

}  // namespace modelwarden
