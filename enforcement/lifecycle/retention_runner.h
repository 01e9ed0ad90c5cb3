// RetentionRunner: a retention pass. Plan() lists what the rules would change (a dry run);
// Apply() plans a page of models, makes each enforced change through the registry's governed
// write path (RegistryService::RetireVersions as the system principal "retention": each change
// its own unit of work, judged again on its locked state and audited on its own), then goes on
// with the next page. The changes go in batches, one transaction each, bounded in size and in
// time (RetentionOptions::batch_*), so that a pass pays one commit per batch and never holds
// the database's locks for long. A pass is idempotent: what is gone is not planned again,
// what a unit of work refuses (protected or changed since the plan) is skipped and reported.
//
// With several server processes on one database, Apply() can take the database lease
// "retention" first (registry/lease.h) and renews it as it goes: a pass never runs while
// another process's does, and stops when it cannot renew.
//
// Thread-compatible: one pass at a time per runner (passes of different runners are
// separated by the lease).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "enforcement/lifecycle/retention_planner.h"
#include "registry/lease.h"
#include "registry/registry_service.h"

namespace modelwarden {

inline constexpr char kRetentionLease[] = "retention";
inline constexpr char kRetentionPrincipal[] = "retention";

// What became of one planned change.
enum class RetentionResult {
  kPlanned,   // Plan(): would be made (or reported, for a warn rule).
  kApplied,   // Made.
  kReported,  // A warn rule's: reported, not made.
  kSkipped,   // Refused by its unit of work: protected or changed since the plan (see message).
  kGone,      // The version was deleted meanwhile.
};

struct RetentionEvent {
  const PlannedChange& change;
  RetentionResult result;
  std::string message;  // Why it was skipped.
};

struct RetentionSummary {
  int64_t models = 0;
  int64_t versions = 0;
  int64_t planned = 0;  // Changes planned (enforced and warn).
  int64_t deleted = 0;
  int64_t archived = 0;
  int64_t reported = 0;
  int64_t skipped = 0;
  int64_t gone = 0;
  int64_t protected_versions = 0;
  bool stopped_at_limit = false;  // Apply() stopped at max_changes.
  bool interrupted = false;       // Apply() stopped because options.stop was set.
};

struct RetentionOptions {
  int64_t models_per_page = 500;  // Models planned (and then applied) together.
  int64_t max_changes = 0;        // Apply(): stop after this many changes made; 0: no limit.
  // Apply(): hold the database lease while applying, as `holder` (unique per process).
  bool use_lease = false;
  std::string holder;
  int64_t lease_ttl_ms = 60000;
  // Apply(): checked before each batch; once true, the pass ends there (the server stops).
  const std::atomic<bool>* stop = nullptr;
  // Apply(): at most this many changes in one transaction, and none starts after
  // batch_budget_ms in it: a batch holds SQLite's writer lock (or, on MySQL, its models'
  // rows) for about that long, plus its commit.
  int64_t batch_changes = 200;
  int64_t batch_budget_ms = 15;
};

class RetentionRunner {
 public:
  // Called for each planned change as it is decided, and once per page of models.
  using OnChange = std::function<void(const RetentionEvent&)>;
  using OnPage = std::function<void(const RetentionSummary& so_far)>;

  // All borrowed; they must outlive the runner.
  RetentionRunner(RetentionPlanner& planner, RegistryService& registry, Leases& leases)
      : planner_(planner), registry_(registry), leases_(leases) {}

  Result<RetentionSummary> Plan(const RetentionOptions& options, const OnChange& on_change,
                                const OnPage& on_page = nullptr);
  // kAborted when options.use_lease and another process holds the lease, or loses it
  // during the pass (the changes made until then stay made); the registry's errors when the
  // database fails (kTemporarilyUnavailable, kInternalError).
  Result<RetentionSummary> Apply(const RetentionOptions& options, const OnChange& on_change,
                                 const OnPage& on_page = nullptr);

 private:
  // Applies one page's changes, batch by batch.
  Status ApplyPage(const RetentionOptions& options, const CallContext& ctx,
                   const RetentionPage& page, int64_t& renewed_at, RetentionSummary& summary,
                   const OnChange& on_change);
  Status Renew(const RetentionOptions& options, int64_t& renewed_at);

  RetentionPlanner& planner_;
  RegistryService& registry_;
  Leases& leases_;
};

}  // namespace modelwarden
