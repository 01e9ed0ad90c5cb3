#include "enforcement/lifecycle/retention_runner.h"

#include <chrono>
#include <utility>

namespace modelwarden {
namespace {

void AddPage(RetentionSummary& summary, const RetentionPage& page) {
  summary.models += page.models;
  summary.versions += page.versions;
  summary.planned += static_cast<int64_t>(page.changes.size());
  summary.protected_versions += page.protected_versions;
}

}  // namespace

Result<RetentionSummary> RetentionRunner::Plan(const RetentionOptions& options,
                                               const OnChange& on_change, const OnPage& on_page) {
  RetentionSummary summary;
  std::string after;
  do {
    ASSIGN_OR_RETURN(RetentionPage page, planner_.Plan(after, options.models_per_page));
    AddPage(summary, page);
    for (const PlannedChange& change : page.changes) {
      if (on_change) on_change(RetentionEvent{change, RetentionResult::kPlanned, ""});
    }
    if (on_page) on_page(summary);
    after = page.last_model;
  } while (!after.empty());
  return summary;
}

// Renewed well before it expires, so that no unit of work runs on a lease another process
// may already have taken. Measured on this process's steady clock: the lease itself is timed
// by the database's.
Status RetentionRunner::Renew(const RetentionOptions& options, int64_t& renewed_at) {
  if (!options.use_lease) return Status::Ok();
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count() +
                      1;  // Never 0, which means "not yet taken".
  if (renewed_at != 0 && now - renewed_at < options.lease_ttl_ms / 4) return Status::Ok();
  ASSIGN_OR_RETURN(bool held,
                   leases_.AcquireLease(kRetentionLease, options.holder, options.lease_ttl_ms));
  if (!held) {
    return Status(ErrorCode::kAborted,
                  renewed_at == 0
                      ? "Another server is running retention (it holds the lease); try later."
                      : "The retention lease was lost (another server took it after it "
                        "expired); this pass stopped.");
  }
  renewed_at = now;
  return Status::Ok();
}

Result<RetentionResult> RetentionRunner::Make(const CallContext& ctx, const PlannedChange& change,
                                              std::string& message) {
  if (change.mode != RuleMode::kEnforce) return RetentionResult::kReported;
  Retirement retirement{change.model, change.version, change.action == RetentionAction::kArchive,
                        RetentionMark{change.rule_id, change.reason}};
  Result<Written<Done>> made = registry_.RetireVersion(ctx, retirement);
  switch (made.status().code()) {
    case ErrorCode::kOk:
      return RetentionResult::kApplied;
    case ErrorCode::kResourceDoesNotExist:
      return RetentionResult::kGone;
    case ErrorCode::kInvalidParameterValue:
    case ErrorCode::kPermissionDenied:
      message = made.status().message();
      return RetentionResult::kSkipped;
    default:
      return made.status();
  }
}

Result<RetentionSummary> RetentionRunner::Apply(const RetentionOptions& options,
                                                const OnChange& on_change, const OnPage& on_page) {
  RetentionSummary summary;
  int64_t renewed_at = 0;
  RETURN_IF_ERROR(Renew(options, renewed_at));
  CallContext ctx;
  ctx.principal = Principal::System(kRetentionPrincipal);
  ctx.client_address = "";
  const auto pass = [&]() -> Status {
    std::string after;
    int64_t made = 0;
    do {
      RETURN_IF_ERROR(Renew(options, renewed_at));
      ASSIGN_OR_RETURN(RetentionPage page, planner_.Plan(after, options.models_per_page));
      AddPage(summary, page);
      for (const PlannedChange& change : page.changes) {
        if (options.max_changes > 0 && made >= options.max_changes) {
          summary.stopped_at_limit = true;
          break;
        }
        if (options.stop != nullptr && options.stop->load()) {
          summary.interrupted = true;
          break;
        }
        RETURN_IF_ERROR(Renew(options, renewed_at));
        ctx.request_id = "retention-" + change.rule_id;
        std::string message;
        ASSIGN_OR_RETURN(RetentionResult result, Make(ctx, change, message));
        if (result == RetentionResult::kApplied) {
          ++made;
          ++(change.action == RetentionAction::kArchive ? summary.archived : summary.deleted);
        }
        summary.reported += result == RetentionResult::kReported;
        summary.skipped += result == RetentionResult::kSkipped;
        summary.gone += result == RetentionResult::kGone;
        if (on_change) on_change(RetentionEvent{change, result, message});
      }
      if (on_page) on_page(summary);
      after = summary.stopped_at_limit || summary.interrupted ? "" : page.last_model;
    } while (!after.empty());
    return Status::Ok();
  };
  const Status status = pass();
  if (options.use_lease) {
    const Status released = leases_.ReleaseLease(kRetentionLease, options.holder);
    if (status.ok()) RETURN_IF_ERROR(released);
  }
  RETURN_IF_ERROR(status);
  return summary;
}

}  // namespace modelwarden
