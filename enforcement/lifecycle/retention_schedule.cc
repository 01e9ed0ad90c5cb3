#include "enforcement/lifecycle/retention_schedule.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace modelwarden {

RetentionSchedule::RetentionSchedule(RetentionRunner& runner, const PolicyHolder& policy,
                                     std::chrono::milliseconds interval, RetentionOptions options,
                                     Log log)
    : runner_(runner),
      policy_(policy),
      interval_(interval),
      options_(std::move(options)),
      log_(std::move(log)) {
  options_.use_lease = true;
  options_.stop = &stop_pass_;
}

RetentionSchedule::~RetentionSchedule() { Stop(); }

void RetentionSchedule::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  stop_pass_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void RetentionSchedule::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_pass_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RetentionSchedule::Loop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
    RunPass();
  }
}

void RetentionSchedule::RunPass() {
  const auto policy = policy_.Current();
  const bool any = std::any_of(policy->retention.begin(), policy->retention.end(),
                               [](const RetentionRule& r) { return r.mode != RuleMode::kOff; });
  if (!any) return;
  const auto started = std::chrono::steady_clock::now();
  Result<RetentionSummary> done = runner_.Apply(options_, nullptr);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!done.ok()) {
    log_("retention: pass not run or stopped: " + done.status().message());
    return;
  }
  char line[256];
  std::snprintf(line, sizeof(line),
                "retention: pass as %s: %lld deleted, %lld archived, %lld reported (warn), %lld "
                "skipped, %lld gone; %lld models, %lld versions in %.1f s",
                options_.holder.c_str(), static_cast<long long>(done->deleted),
                static_cast<long long>(done->archived), static_cast<long long>(done->reported),
                static_cast<long long>(done->skipped), static_cast<long long>(done->gone),
                static_cast<long long>(done->models), static_cast<long long>(done->versions),
                seconds);
  log_(line);
}

}  // namespace modelwarden
