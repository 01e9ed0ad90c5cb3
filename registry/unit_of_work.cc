#include "registry/unit_of_work.h"

#include <string>

namespace modelwarden {

Result<std::vector<std::optional<UnitOfWork::Outcome>>> UnitOfWork::RunBatch(
    const CallContext& ctx, const std::vector<Step>& steps,
    std::chrono::steady_clock::duration budget) {
  using Steady = std::chrono::steady_clock;
  std::vector<std::optional<Outcome>> outcomes(steps.size());
  // Before the transaction, as Run: what refuses early or fails to prepare never enters it.
  std::vector<OutsideFacts> facts(steps.size());
  std::vector<size_t> ready;  // The steps the transaction runs, in order.
  std::vector<std::string> models;
  for (size_t i = 0; i < steps.size(); ++i) {
    Status early = Preauthorize(ctx, steps[i].change);
    if (early.ok()) {
      Result<OutsideFacts> prepared = governor_.Prepare(ctx, steps[i].change);
      if (prepared.ok()) {
        facts[i] = std::move(*prepared);
      } else {
        early = prepared.status();
      }
    }
    if (!early.ok()) {
      outcomes[i] = Outcome{early, {}};
      continue;
    }
    ready.push_back(i);
    for (std::string& name : LockedModels(steps[i].change)) models.push_back(std::move(name));
  }
  if (ready.empty()) return outcomes;
  const int64_t now = clock_.NowMillis();
  std::vector<Attempt<Done>> attempts;
  RETURN_IF_ERROR(store_.Write(models, [&](WriteTxn& txn) -> Status {
    // Assigned anew on every run: the store runs the body again after a transient conflict.
    attempts.clear();
    const Steady::time_point started = Steady::now();
    for (size_t i : ready) {
      if (!attempts.empty() && Steady::now() - started >= budget) break;
      attempts.emplace_back();
      const Step& step = steps[i];
      RETURN_IF_ERROR(
          RunIn(txn, ctx, step.change, step.check, step.apply, facts[i], now, attempts.back()));
    }
    return Status::Ok();
  }));
  int deliveries = 0;
  for (size_t k = 0; k < attempts.size(); ++k) {
    Attempt<Done>& attempt = attempts[k];
    Outcome& outcome = outcomes[ready[k]].emplace();
    deliveries += attempt.deliveries;
    if (!attempt.refusal.ok()) {
      outcome.status = attempt.refusal;
    } else if (!attempt.failed.ok()) {
      outcome.status = attempt.failed;
    } else {
      outcome.warnings = std::move(attempt.written.warnings);
      governor_.Committed(steps[ready[k]].change);
    }
  }
  if (deliveries > 0 && listener_ != nullptr) listener_->DeliveriesRecorded();
  return outcomes;
}

}  // namespace modelwarden
