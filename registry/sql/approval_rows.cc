#include "registry/sql/approval_rows.h"

#include <string>
#include <utility>
#include <vector>

#include "registry/search_filter.h"
#include "registry/sql/dialect.h"

namespace modelwarden {
namespace {

constexpr char kPending[] = "pending";

constexpr char kInsertApproval[] =
    "INSERT INTO approvals (model_name, version, target_stage, alias, archive_existing_versions, "
    "rule_id, status, requested_by, request_comment, creation_time, expiration_time, "
    "version_fingerprint) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)";
// Only a pending approval is decided: a second decision (two approvers at once) finds none.
constexpr char kDecideApproval[] =
    "UPDATE approvals SET status = ?, decided_by = ?, decision_comment = ?, decision_time = ?, "
    "reason = ? WHERE id = ? AND status = 'pending'";
constexpr char kSelectApprovals[] =
    "SELECT id, model_name, version, target_stage, alias, archive_existing_versions, rule_id, "
    "status, requested_by, request_comment, creation_time, expiration_time, "
    "version_fingerprint, decided_by, decision_comment, decision_time, reason FROM approvals "
    "WHERE ";
constexpr char kPendingOfVersion[] =
    "SELECT 1 FROM approvals WHERE model_name = ? AND version = ? AND status = 'pending' AND "
    "expiration_time > ? LIMIT 1";
constexpr char kRenameApprovals[] = "UPDATE approvals SET model_name = ? WHERE model_name = ?";
constexpr char kInvalidateApprovals[] =
    "UPDATE approvals SET status = 'invalidated', reason = 'the registered model was deleted' "
    "WHERE model_name = ? AND status = 'pending'";

SqlValue NullIfEmpty(const std::string& text) { return text.empty() ? SqlValue{} : SqlValue{text}; }

Approval ApprovalFromRow(const SqlRow& row) {
  Approval a;
  a.id = row.Int(0);
  a.move.name = row.Text(1);
  a.move.version = row.Int(2);
  if (!row.IsNull(3)) a.move.stage = StageFromString(row.Text(3));
  a.move.alias = row.Text(4);
  a.move.archive_existing_versions = row.Int(5) != 0;
  a.rule_id = row.Text(6);
  // A status this build does not know is no longer pending: nothing acts on it.
  a.status = ParseApprovalStatus(row.Text(7)).value_or(ApprovalStatus::kInvalidated);
  a.requested_by = row.Text(8);
  a.request_comment = row.Text(9);
  a.creation_timestamp = row.Int(10);
  a.expiration_timestamp = row.Int(11);
  a.version_fingerprint = row.Text(12);
  a.decided_by = row.Text(13);
  a.decision_comment = row.Text(14);
  a.decision_timestamp = row.Int(15);
  a.reason = row.Text(16);
  return a;
}

}  // namespace

Result<int64_t> InsertApprovalRow(SqlConnection& db, const NewApproval& approval) {
  const ApprovalMove& move = approval.move;
  const SqlValue stage = move.stage ? SqlValue{std::string(StageName(*move.stage))} : SqlValue{};
  RETURN_IF_ERROR(
      db.Execute(kInsertApproval,
                 {move.name, move.version, stage, NullIfEmpty(move.alias),
                  int64_t{move.archive_existing_versions ? 1 : 0}, approval.rule_id,
                  approval.requested_by, approval.request_comment, approval.creation_timestamp,
                  approval.expiration_timestamp, approval.version_fingerprint}));
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db.Query(Dialect::Of(db.dialect()).SelectLastInsertId(), {}));
  if (rows.empty()) return Status::Internal("The new approval's id was not returned.");
  return rows[0].Int(0);
}

Status DecideApprovalRow(SqlConnection& db, int64_t id, const ApprovalDecision& decision) {
  ASSIGN_OR_RETURN(
      int64_t changed,
      db.Execute(kDecideApproval, {std::string(ApprovalStatusName(decision.status)),
                                   NullIfEmpty(decision.decided_by), NullIfEmpty(decision.comment),
                                   decision.timestamp, NullIfEmpty(decision.reason), id}));
  if (changed != 1) {
    return Status(ErrorCode::kInvalidState,
                  "Approval " + std::to_string(id) + " was no longer pending when decided.");
  }
  return Status::Ok();
}

Result<std::optional<Approval>> SelectApproval(SqlConnection& db, int64_t id) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db.Query(std::string(kSelectApprovals) + "id = ?", {id}));
  if (rows.empty()) return std::optional<Approval>();
  return std::optional<Approval>(ApprovalFromRow(rows[0]));
}

Result<std::optional<Approval>> SelectPendingApproval(SqlConnection& db, const ApprovalMove& move,
                                                      int64_t now) {
  std::string sql = std::string(kSelectApprovals) +
                    "model_name = ? AND version = ? AND status = ? AND expiration_time > ? AND ";
  std::vector<SqlValue> params = {move.name, move.version, std::string(kPending), now};
  if (move.stage) {
    sql += "target_stage = ? AND archive_existing_versions = ?";
    params.emplace_back(std::string(StageName(*move.stage)));
    params.emplace_back(int64_t{move.archive_existing_versions ? 1 : 0});
  } else {
    sql += "alias = ?";
    params.emplace_back(move.alias);
  }
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql + " ORDER BY id DESC LIMIT 1", params));
  if (rows.empty()) return std::optional<Approval>();
  return std::optional<Approval>(ApprovalFromRow(rows[0]));
}

Result<bool> PendingApprovalNames(SqlConnection& db, const std::string& name, int64_t version,
                                  int64_t now) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(kPendingOfVersion, {name, version, now}));
  return !rows.empty();
}

Result<Page<Approval>> SelectApprovals(SqlConnection& db, const ApprovalQuery& query) {
  std::string sql = std::string(kSelectApprovals) + "1 = 1";
  std::vector<SqlValue> params;
  if (!query.name.empty()) {
    sql += " AND model_name = ?";
    params.emplace_back(query.name);
  }
  if (query.status) {
    sql += " AND status = ?";
    params.emplace_back(std::string(ApprovalStatusName(*query.status)));
  }
  sql += " ORDER BY id DESC LIMIT ? OFFSET ?";
  params.emplace_back(query.max_results + 1);
  params.emplace_back(query.offset);
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
  Page<Approval> page;
  for (const SqlRow& row : rows) page.items.push_back(ApprovalFromRow(row));
  if (static_cast<int64_t>(page.items.size()) > query.max_results) {
    page.items.resize(query.max_results);
    page.next_page_token = EncodePageToken(query.offset + query.max_results);
  }
  return page;
}

Status RenameApprovals(SqlConnection& db, const std::string& name, const std::string& new_name) {
  return db.Execute(kRenameApprovals, {new_name, name}).status();
}

Status InvalidateApprovalsOfModel(SqlConnection& db, const std::string& name) {
  return db.Execute(kInvalidateApprovals, {name}).status();
}

}  // namespace modelwarden
