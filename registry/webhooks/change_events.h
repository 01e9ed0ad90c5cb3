// The webhook events of a registry change, recorded in the change's own unit of work: for every
// event the change makes and every ACTIVE webhook subscribed to it whose model_prefix covers the
// model, one pending delivery (registry/webhooks/webhook_store.h) is inserted in the change's
// transaction. The events are MLflow's, fired where MLflow's handlers fire them
// (mlflow/server/handlers.py: the prompt variants where the request or the stored model is a
// prompt), and modelwarden's: a rename, a model or version deletion, a stage transition, and a
// change the policy denied. Thread-safe (no state); one call per unit of work.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/change.h"
#include "registry/entities.h"
#include "registry/requests.h"
#include "registry/status.h"
#include "registry/webhooks/webhook_payloads.h"
#include "registry/write_txn.h"

namespace modelwarden {

// After `change` was applied in `txn`: `state` is what the change found, `version` the version
// it created or named. Returns how many deliveries were recorded.
Result<int> RecordChangeEvents(WriteTxn& txn, const Change& change, const ChangeState& state,
                               std::optional<int64_t> version, int64_t now);

// A change the policy denied (`checks` are the checks that ran, the failed ones give the rule
// ids; `denial` is what the caller was told): a policy.denied event, recorded with the
// denial's audit entry. Returns how many deliveries were recorded.
Result<int> RecordPolicyDenial(WriteTxn& txn, const CallContext& ctx, const Change& change,
                               const std::vector<AuditCheck>& checks, const Status& denial,
                               int64_t now);

// Records `event` for every subscriber in `subscribers` that is subscribed to it and whose
// model_prefix covers one of event.models. Returns how many deliveries were recorded.
Result<int> RecordEvent(WebhookRows& rows, const std::vector<Subscriber>& subscribers,
                        const OutboxEvent& event, int64_t now);

}  // namespace modelwarden
