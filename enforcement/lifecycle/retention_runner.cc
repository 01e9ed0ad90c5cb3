#include "enforcement/lifecycle/retention_runner.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

namespace modelwarden {
namespace {

void AddPage(RetentionSummary& summary, const RetentionPage& page) {
  summary.models += page.models;
  summary.versions += page.versions;
  summary.planned += static_cast<int64_t>(page.changes.size());
  summary.protected_versions += page.protected_versions;
}

// What an outcome of RetireVersions means for the pass; the database's errors end it.
Result<RetentionResult> ResultOf(const UnitOfWork::Outcome& outcome, std::string& message) {
  switch (outcome.status.code()) {
    case ErrorCode::kOk:
      return RetentionResult::kApplied;
    case ErrorCode::kResourceDoesNotExist:
      return RetentionResult::kGone;
    case ErrorCode::kInvalidParameterValue:
    case ErrorCode::kPermissionDenied:
      message = outcome.status.message();
      return RetentionResult::kSkipped;
    default:
      return outcome.status;
  }
}

Retirement RetirementOf(const PlannedChange& change) {
  return Retirement{change.model, change.version, change.action == RetentionAction::kArchive,
                    RetentionMark{change.rule_id, change.reason}};
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

// The page's changes in plan order: a warn rule's are reported as they come; runs of one rule's
// enforced changes go in batches, and what a batch leaves undone (its time ran out) leads the
// next one. The lease is renewed and the stop and the limit are checked before each report and
// each batch.
Status RetentionRunner::ApplyPage(const RetentionOptions& options, const CallContext& ctx,
                                  const RetentionPage& page, int64_t& renewed_at,
                                  RetentionSummary& summary, const OnChange& on_change) {
  const std::vector<PlannedChange>& changes = page.changes;
  const auto budget = std::chrono::milliseconds(options.batch_budget_ms);
  const auto report = [&](const PlannedChange& change, RetentionResult result,
                          std::string message) {
    if (result == RetentionResult::kApplied) {
      ++(change.action == RetentionAction::kArchive ? summary.archived : summary.deleted);
    }
    summary.reported += result == RetentionResult::kReported;
    summary.skipped += result == RetentionResult::kSkipped;
    summary.gone += result == RetentionResult::kGone;
    if (on_change) on_change(RetentionEvent{change, result, std::move(message)});
  };
  size_t next = 0;             // The first change no batch has taken yet.
  std::vector<size_t> undone;  // Taken by the last batch but left undone.
  while (next < changes.size() || !undone.empty()) {
    int64_t room = std::max<int64_t>(options.batch_changes, 1);
    if (options.max_changes > 0) {
      room = std::min(room, options.max_changes - summary.deleted - summary.archived);
      if (room <= 0) {
        summary.stopped_at_limit = true;
        return Status::Ok();
      }
    }
    if (options.stop != nullptr && options.stop->load()) {
      summary.interrupted = true;
      return Status::Ok();
    }
    if (undone.empty() && changes[next].mode != RuleMode::kEnforce) {
      RETURN_IF_ERROR(Renew(options, renewed_at));
      report(changes[next++], RetentionResult::kReported, "");
      continue;
    }
    // A run of one rule's enforced changes: audited under the request id "retention-<rule>".
    std::vector<size_t> batch = std::move(undone);
    undone.clear();
    if (batch.empty()) batch.push_back(next++);
    const std::string& rule = changes[batch.front()].rule_id;
    while (static_cast<int64_t>(batch.size()) < room && next < changes.size() &&
           changes[next].mode == RuleMode::kEnforce && changes[next].rule_id == rule) {
      batch.push_back(next++);
    }
    RETURN_IF_ERROR(Renew(options, renewed_at));
    CallContext batch_ctx = ctx;
    batch_ctx.request_id = "retention-" + rule;
    std::vector<Retirement> retirements;
    for (size_t i : batch) retirements.push_back(RetirementOf(changes[i]));
    ASSIGN_OR_RETURN(std::vector<std::optional<UnitOfWork::Outcome>> outcomes,
                     registry_.RetireVersions(batch_ctx, retirements, budget));
    for (size_t k = 0; k < batch.size(); ++k) {
      if (!outcomes[k]) {
        undone.push_back(batch[k]);
        continue;
      }
      std::string message;
      ASSIGN_OR_RETURN(RetentionResult result, ResultOf(*outcomes[k], message));
      report(changes[batch[k]], result, std::move(message));
    }
  }
  return Status::Ok();
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
    do {
      RETURN_IF_ERROR(Renew(options, renewed_at));
      ASSIGN_OR_RETURN(RetentionPage page, planner_.Plan(after, options.models_per_page));
      AddPage(summary, page);
      RETURN_IF_ERROR(ApplyPage(options, ctx, page, renewed_at, summary, on_change));
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
