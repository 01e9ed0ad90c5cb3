// UnitOfWork: how every registry write runs (the order is in registry/registry_service.h):
// Governor::Preauthorize and Prepare before the transaction; then, in one ModelStore::Write
// that has locked the model's rows: Governor::Authorize, MLflow's own checks, Governor::Judge,
// the change, the webhook deliveries of its events and its audit entry; Governor::Committed
// after the commit. A refusal commits only its audit entry (and, for a policy denial, the
// deliveries of the policy.denied event); a move that waits for a second person's approval
// commits only the approval request and its audit entry (registry/approval_request.h).
//
// RunBatch runs several such changes in one ModelStore::Write, each through exactly these
// steps on the state the changes before it left, so that a job making many changes (a
// retention pass) pays for one commit per batch instead of one per change.
//
// Thread-safe if the store, the governor and the listener are.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "registry/approval_request.h"
#include "registry/audit_record.h"
#include "registry/change.h"
#include "registry/clock.h"
#include "registry/governor.h"
#include "registry/model_store.h"
#include "registry/registry.h"
#include "registry/webhooks/change_events.h"

namespace modelwarden {

// Told after a unit of work committed webhook deliveries, so that a delivery worker need not
// wait for its next poll. Implementations are thread-safe and return at once.
class OutboxListener {
 public:
  virtual ~OutboxListener() = default;
  virtual void DeliveriesRecorded() = 0;
};

class UnitOfWork {
 public:
  // MLflow's checks of a change on its locked rows: they fill `state` with what the change
  // finds, or fail with MLflow's error (nothing is written then).
  using Check = std::function<Status(ModelRows& rows, ChangeState& state)>;
  // The change itself; returns MLflow's answer.
  template <typename T>
  using Apply = std::function<Result<T>(ModelRows& rows, const ChangeState& state, int64_t now)>;

  // All borrowed; they must outlive this object. `listener` is optional.
  UnitOfWork(ModelStore& store, Governor& governor, const Clock& clock,
             OutboxListener* listener = nullptr)
      : store_(store), governor_(governor), clock_(clock), listener_(listener) {}

  // Runs `change`. `preauthorized`: the caller ran Governor::Preauthorize already (before
  // looking something up for the change).
  template <typename T>
  Result<Written<T>> Run(const CallContext& ctx, const Change& change, const Check& check,
                         const Apply<T>& apply, bool preauthorized = false);

  // One change of a batch, with its checks and its application (answered as Done).
  struct Step {
    Change change;
    Check check;
    Apply<Done> apply;
  };
  // What became of one step: OK with the policy's warnings, or its refusal (403, 400: only
  // its audit entry was written) or its MLflow error (nothing of it was written).
  struct Outcome {
    Status status;
    std::vector<std::string> warnings;
  };

  // Runs `steps` in order in one ModelStore::Write that locks all their models. Each step is
  // the unit of work Run would make of it (Preauthorize and Prepare before the transaction;
  // Authorize, the checks, Judge, the change and its own audit entry inside it), judged on
  // the state the steps before it left; one step's refusal or MLflow error does not stop the
  // others. Once `budget` has passed inside the transaction no further step starts, so that
  // the batch holds its locks for about that long at most (the first step always runs).
  // Answers one entry per step, in order: its outcome, or nullopt for a step left undone
  // (nothing of it written; run it again). An error that is no single step's own answer
  // rolls back the whole batch and is returned: kTemporarilyUnavailable or kInternalError
  // when the database fails, or Authorize's kUnauthenticated (a user deleted meanwhile);
  // nothing of the batch is written then but the refusals Preauthorize recorded.
  Result<std::vector<std::optional<Outcome>>> RunBatch(const CallContext& ctx,
                                                       const std::vector<Step>& steps,
                                                       std::chrono::steady_clock::duration budget);

  // Governor::Preauthorize, with a refusal recorded as the change it refused (a failure to
  // record is logged: the refusal stands either way). Run calls it unless told it ran.
  Status Preauthorize(const CallContext& ctx, const Change& change);

 private:
  // What one change did in its transaction.
  template <typename T>
  struct Attempt {
    Written<T> written;
    Status refusal;  // Access control's or the policy's; only its audit entry was written.
    Status failed;   // The change's own checks failed: nothing of it was written.
    int deliveries = 0;
  };

  // Steps 1-5 of `change` in `txn`, where its models are locked. An error return is the
  // database's (or the governor's) failure; what became of the change is in `attempt`.
  template <typename T>
  Status RunIn(WriteTxn& txn, const CallContext& ctx, const Change& change, const Check& check,
               const Apply<T>& apply, const OutsideFacts& facts, int64_t now, Attempt<T>& attempt);

  // Whether an error means the database failed (the transaction cannot go on) rather than
  // that one change may not be made.
  static bool DatabaseFailed(const Status& status) {
    return status.code() == ErrorCode::kTemporarilyUnavailable ||
           status.code() == ErrorCode::kInternalError;
  }

  // The version number an answer carries into the audit log, if any.
  static std::optional<int64_t> VersionIn(const ModelVersion& version) { return version.version; }
  template <typename T>
  static std::optional<int64_t> VersionIn(const T&) {
    return std::nullopt;
  }

  // The audit entry of a change access control refused.
  static AuditEvent Refused(const CallContext& ctx, const Change& change, const Status& refusal,
                            int64_t now) {
    AuditEvent event = DescribeChange(ctx, change, ChangeState{});
    event.timestamp = now;
    event.outcome = AuditOutcome::kDenied;
    event.checks.push_back({"access", CheckOutcome::kFailed, refusal.message()});
    return event;
  }

  ModelStore& store_;
  Governor& governor_;
  const Clock& clock_;
  OutboxListener* const listener_;
};

inline Status UnitOfWork::Preauthorize(const CallContext& ctx, const Change& change) {
  const Status allowed = governor_.Preauthorize(ctx, change);
  if (allowed.code() == ErrorCode::kPermissionDenied) {
    const Status recorded =
        store_.AppendAuditEvent(Refused(ctx, change, allowed, clock_.NowMillis()));
    if (!recorded.ok()) {
      std::fprintf(stderr, "[error] request %s: access denial not recorded in the audit log: %s\n",
                   ctx.request_id.c_str(), recorded.ToString().c_str());
    }
  }
  return allowed;
}

template <typename T>
Status UnitOfWork::RunIn(WriteTxn& txn, const CallContext& ctx, const Change& change,
                         const Check& check, const Apply<T>& apply, const OutsideFacts& facts,
                         int64_t now, Attempt<T>& attempt) {
  attempt = Attempt<T>{};
  ChangeState state;
  const Status allowed = governor_.Authorize(ctx, change, txn.auth(), txn.models());
  if (allowed.code() == ErrorCode::kPermissionDenied) {
    attempt.refusal = allowed;
    return txn.AppendAudit(Refused(ctx, change, allowed, now));
  }
  RETURN_IF_ERROR(allowed);
  const Status checked = check(txn.models(), state);
  if (!checked.ok()) {
    if (DatabaseFailed(checked)) return checked;
    attempt.failed = checked;
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(Verdict verdict, governor_.Judge(ctx, change, state, facts, txn.models()));
  AuditEvent event = DescribeChange(ctx, change, state);
  event.timestamp = now;
  event.checks = std::move(verdict.checks);
  if (!verdict.denial.ok()) {
    attempt.refusal = verdict.denial;
    event.outcome = AuditOutcome::kDenied;
    ASSIGN_OR_RETURN(attempt.deliveries,
                     RecordPolicyDenial(txn, ctx, change, event.checks, verdict.denial, now));
    return txn.AppendAudit(event);
  }
  if (std::optional<ApprovalDemand> demand = ApprovalDemandOf(change, verdict)) {
    return DeferForApproval(ctx, change, state, *demand, now, txn, event, attempt.refusal);
  }
  ASSIGN_OR_RETURN(attempt.written.value, apply(txn.models(), state, now));
  attempt.written.warnings = std::move(verdict.warnings);
  event.outcome = attempt.written.warnings.empty() ? AuditOutcome::kAllowed : AuditOutcome::kWarned;
  const std::optional<int64_t> number = VersionIn(attempt.written.value);
  if (number) event.version = number;
  ASSIGN_OR_RETURN(attempt.deliveries, RecordChangeEvents(txn, change, state, number, now));
  return txn.AppendAudit(event);
}

template <typename T>
Result<Written<T>> UnitOfWork::Run(const CallContext& ctx, const Change& change, const Check& check,
                                   const Apply<T>& apply, bool preauthorized) {
  if (!preauthorized) RETURN_IF_ERROR(Preauthorize(ctx, change));
  ASSIGN_OR_RETURN(const OutsideFacts facts, governor_.Prepare(ctx, change));
  const int64_t now = clock_.NowMillis();
  Attempt<T> attempt;
  RETURN_IF_ERROR(store_.Write(LockedModels(change), [&](WriteTxn& txn) -> Status {
    RETURN_IF_ERROR(RunIn(txn, ctx, change, check, apply, facts, now, attempt));
    return attempt.failed;  // A change its checks refuse writes nothing.
  }));
  if (attempt.deliveries > 0 && listener_ != nullptr) listener_->DeliveriesRecorded();
  if (!attempt.refusal.ok()) return attempt.refusal;
  governor_.Committed(change);
  return std::move(attempt.written);
}

}  // namespace modelwarden
