// UnitOfWork: how every registry write runs (the order is in registry/registry_service.h):
// Governor::Preauthorize and Prepare before the transaction; then, in one ModelStore::Write
// that has locked the model's rows: Governor::Authorize, MLflow's own checks, Governor::Judge,
// the change, the webhook deliveries of its events and its audit entry; Governor::Committed
// after the commit. A refusal commits only its audit entry (and, for a policy denial, the
// deliveries of the policy.denied event). Thread-safe if the store, the governor and the
// listener are.
#pragma once

#include <cstdio>
#include <functional>
#include <optional>
#include <utility>

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

  // Governor::Preauthorize, with a refusal recorded as the change it refused (a failure to
  // record is logged: the refusal stands either way). Run calls it unless told it ran.
  Status Preauthorize(const CallContext& ctx, const Change& change);

 private:
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
Result<Written<T>> UnitOfWork::Run(const CallContext& ctx, const Change& change, const Check& check,
                                   const Apply<T>& apply, bool preauthorized) {
  if (!preauthorized) RETURN_IF_ERROR(Preauthorize(ctx, change));
  ASSIGN_OR_RETURN(const OutsideFacts facts, governor_.Prepare(ctx, change));
  const int64_t now = clock_.NowMillis();
  Written<T> written;
  Status refusal;
  int deliveries = 0;
  RETURN_IF_ERROR(store_.Write(LockedModels(change), [&](WriteTxn& txn) -> Status {
    refusal = Status::Ok();
    deliveries = 0;
    ChangeState state;
    const Status allowed = governor_.Authorize(ctx, change, txn.auth(), txn.models());
    if (allowed.code() == ErrorCode::kPermissionDenied) {
      refusal = allowed;
      return txn.AppendAudit(Refused(ctx, change, allowed, now));
    }
    RETURN_IF_ERROR(allowed);
    RETURN_IF_ERROR(check(txn.models(), state));
    ASSIGN_OR_RETURN(Verdict verdict, governor_.Judge(ctx, change, state, facts, txn.models()));
    AuditEvent event = DescribeChange(ctx, change, state);
    event.timestamp = now;
    event.checks = std::move(verdict.checks);
    if (!verdict.denial.ok()) {
      refusal = verdict.denial;
      event.outcome = AuditOutcome::kDenied;
      ASSIGN_OR_RETURN(deliveries,
                       RecordPolicyDenial(txn, ctx, change, event.checks, verdict.denial, now));
      return txn.AppendAudit(event);
    }
    ASSIGN_OR_RETURN(written.value, apply(txn.models(), state, now));
    written.warnings = std::move(verdict.warnings);
    event.outcome = written.warnings.empty() ? AuditOutcome::kAllowed : AuditOutcome::kWarned;
    const std::optional<int64_t> number = VersionIn(written.value);
    if (number) event.version = number;
    ASSIGN_OR_RETURN(deliveries, RecordChangeEvents(txn, change, state, number, now));
    return txn.AppendAudit(event);
  }));
  if (deliveries > 0 && listener_ != nullptr) listener_->DeliveriesRecorded();
  if (!refusal.ok()) return refusal;
  governor_.Committed(change);
  return written;
}

}  // namespace modelwarden
