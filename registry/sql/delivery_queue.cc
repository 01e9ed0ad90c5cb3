#include "registry/sql/delivery_queue.h"

#include <map>
#include <string>

#include "registry/sql/model_tables.h"
#include "registry/sql/webhook_rows.h"

namespace modelwarden {
namespace {

constexpr char kActiveWebhooks[] =
    "SELECT webhook_id, receiver_failures, paused_until FROM webhooks WHERE deleted_time IS NULL "
    "AND status = 'ACTIVE' ORDER BY webhook_id";
constexpr char kDueOfWebhooks[] =
    "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_time <= ? AND "
    "lease_until <= ? AND webhook_id IN (";
constexpr char kProbeOfWebhook[] =
    "SELECT id FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending' AND "
    "next_attempt_time <= ? AND lease_until <= ? ORDER BY next_attempt_time, id LIMIT 1";
// Takes the right to probe a failing receiver: only the claim that moves paused_until from the
// value it read gets it.
constexpr char kTakeProbe[] =
    "UPDATE webhooks SET paused_until = ? WHERE webhook_id = ? AND paused_until = ?";
constexpr char kLease[] =
    "UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ? WHERE status = 'pending' "
    "AND lease_until <= ? AND id IN (";
constexpr char kLeased[] =
    "SELECT d.delivery_id, d.webhook_id, d.entity, d.action, d.model_name, d.body, "
    "d.creation_time, d.attempts, w.url, w.secret, w.receiver_failures FROM webhook_deliveries d "
    "JOIN webhooks w ON "
    "w.webhook_id = d.webhook_id WHERE d.lease_owner = ? AND d.id IN (";
constexpr char kInsertAttempt[] =
    "INSERT INTO webhook_delivery_attempts (delivery_id, attempt, time, duration_ms, "
    "http_status, error) VALUES (?, ?, ?, ?, ?, ?)";
constexpr char kUpdateDelivery[] =
    "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_time = ?, "
    "last_attempt_time = ?, last_http_status = ?, last_error = ?, finished_time = ?, lease_owner "
    "= '', lease_until = 0 WHERE delivery_id = ? AND lease_owner = ?";
constexpr char kReceiverFailed[] =
    "UPDATE webhooks SET receiver_failures = receiver_failures + 1, paused_until = ? WHERE "
    "webhook_id = ?";
constexpr char kReceiverAnswered[] =
    "UPDATE webhooks SET receiver_failures = 0, paused_until = 0 WHERE webhook_id = ? AND "
    "(receiver_failures <> 0 OR paused_until <> 0)";
constexpr char kExpire[] =
    "UPDATE webhook_deliveries SET status = 'failed', finished_time = ?, last_error = CASE WHEN "
    "last_error = '' THEN ? ELSE last_error END, lease_owner = '', lease_until = 0 WHERE status "
    "= 'pending' AND creation_time < ? AND lease_until <= ?";
constexpr char kPurgeAttempts[] =
    "DELETE FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT delivery_id FROM "
    "webhook_deliveries WHERE status <> 'pending' AND finished_time < ?)";
constexpr char kPurgeDeliveries[] =
    "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND finished_time < ?";

SqlValue NullableInt(const std::optional<int>& value) {
  if (!value) return SqlValue{};
  return SqlValue{int64_t{*value}};
}

std::string Ids(const std::vector<int64_t>& ids, std::vector<SqlValue>& params) {
  for (int64_t id : ids) params.emplace_back(id);
  return Placeholders(ids.size()) + ")";
}

}  // namespace

Result<std::vector<ClaimedDelivery>> ClaimDueDeliveries(SqlConnection& db,
                                                        const ClaimRequest& request) {
  std::vector<ClaimedDelivery> claimed;
  const int64_t now = request.now;
  ASSIGN_OR_RETURN(std::vector<SqlRow> webhooks, db.Query(kActiveWebhooks, {}));
  std::vector<int64_t> ids;
  std::vector<SqlValue> healthy;
  for (const SqlRow& row : webhooks) {
    const int64_t failures = row.Int(1);
    const int64_t paused_until = row.Int(2);
    if (failures == 0 && paused_until <= now) {
      healthy.emplace_back(row.Text(0));
      continue;
    }
    if (paused_until > now || static_cast<int>(ids.size()) >= request.max_deliveries) continue;
    // A receiver that failed gets one delivery at a time until one succeeds.
    ASSIGN_OR_RETURN(std::vector<SqlRow> probe, db.Query(kProbeOfWebhook, {row.Text(0), now, now}));
    if (probe.empty()) continue;
    ASSIGN_OR_RETURN(int64_t taken,
                     db.Execute(kTakeProbe, {now + request.lease_ms, row.Text(0), paused_until}));
    if (taken == 1) ids.push_back(probe[0].Int(0));
  }
  const int64_t room = request.max_deliveries - static_cast<int64_t>(ids.size());
  if (!healthy.empty() && room > 0) {
    std::vector<SqlValue> params = {now, now};
    const size_t count = healthy.size();
    params.insert(params.end(), healthy.begin(), healthy.end());
    params.emplace_back(room);
    ASSIGN_OR_RETURN(std::vector<SqlRow> due,
                     db.Query(std::string(kDueOfWebhooks) + Placeholders(count) +
                                  ") ORDER BY next_attempt_time, id LIMIT ?",
                              params));
    for (const SqlRow& row : due) ids.push_back(row.Int(0));
  }
  if (ids.empty()) return claimed;
  std::vector<SqlValue> lease = {request.owner, now + request.lease_ms, now};
  RETURN_IF_ERROR(db.Execute(kLease + Ids(ids, lease), lease));
  std::vector<SqlValue> select = {request.owner};
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(kLeased + Ids(ids, select), select));
  for (const SqlRow& row : rows) {
    ClaimedDelivery c;
    c.delivery.delivery_id = row.Text(0);
    c.delivery.webhook_id = row.Text(1);
    c.delivery.event = EventFromWords(row.Text(2), row.Text(3)).value_or(WebhookEvent{});
    c.delivery.model_name = row.Text(4);
    c.delivery.body = row.Text(5);
    c.delivery.creation_timestamp = row.Int(6);
    c.delivery.attempts = static_cast<int>(row.Int(7));
    c.url = row.Text(8);
    if (!row.IsNull(9)) c.sealed_secret = row.Text(9);
    c.receiver_failures = static_cast<int>(row.Int(10));
    c.lease = request.owner;
    claimed.push_back(std::move(c));
  }
  return claimed;
}

Status RecordDeliveryAttempts(SqlConnection& db, const std::vector<AttemptRecord>& records) {
  // The webhook rows last, in one order: every transaction that touches both tables locks
  // deliveries first.
  std::map<std::string, const AttemptRecord*> receivers;
  for (const AttemptRecord& r : records) {
    const DeliveryAttempt& a = r.attempt;
    const SqlValue http_status = NullableInt(a.http_status);
    RETURN_IF_ERROR(db.Execute(kInsertAttempt, {r.delivery_id, int64_t{a.attempt}, a.timestamp,
                                                a.duration_ms, http_status, a.error}));
    const bool finished = r.status != DeliveryStatus::kPending;
    RETURN_IF_ERROR(db.Execute(
        kUpdateDelivery,
        {std::string(DeliveryStatusName(r.status)), int64_t{a.attempt},
         finished ? a.timestamp : r.next_attempt_timestamp, a.timestamp, http_status, a.error,
         finished ? SqlValue{a.timestamp} : SqlValue{}, r.delivery_id, r.lease}));
    // The latest outcome of each receiver decides.
    const AttemptRecord*& latest = receivers[r.webhook_id];
    if (latest == nullptr || latest->attempt.timestamp <= a.timestamp) latest = &r;
  }
  for (const auto& [webhook_id, record] : receivers) {
    if (record->receiver_failed) {
      RETURN_IF_ERROR(db.Execute(kReceiverFailed, {record->webhook_paused_until, webhook_id}));
    } else {
      RETURN_IF_ERROR(db.Execute(kReceiverAnswered, {webhook_id}));
    }
  }
  return Status::Ok();
}

Result<MaintenanceCounts> ExpireAndPurgeDeliveries(SqlConnection& db, int64_t now,
                                                   int64_t expire_before, int64_t purge_before) {
  MaintenanceCounts counts;
  ASSIGN_OR_RETURN(counts.expired,
                   db.Execute(kExpire, {now, std::string("not delivered within the retry window"),
                                        expire_before, now}));
  RETURN_IF_ERROR(db.Execute(kPurgeAttempts, {purge_before}));
  ASSIGN_OR_RETURN(counts.purged, db.Execute(kPurgeDeliveries, {purge_before}));
  return counts;
}

}  // namespace modelwarden
