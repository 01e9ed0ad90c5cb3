#include "registry/sql/audit_rows.h"

#include <string>
#include <vector>

#include "registry/search_filter.h"

namespace modelwarden {
namespace {

constexpr char kInsertAudit[] =
    "INSERT INTO audit_events (timestamp, request_id, principal, client_address, operation, "
    "model_name, version, outcome, before_state, after_state, checks) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kSelectAudit[] =
    "SELECT id, timestamp, request_id, principal, client_address, operation, model_name, "
    "version, outcome, before_state, after_state, checks FROM audit_events WHERE 1 = 1";

std::string Escape(const std::string& field) {
  std::string out;
  for (char c : field) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Unescape(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\' || i + 1 == field.size()) {
      out += field[i];
      continue;
    }
    const char next = field[i + 1];
    if (next == '\\' || next == 't' || next == 'n' || next == 'r') {
      out += next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : '\\';
      ++i;
    } else {
      out += field[i];  // Not an escape: kept as written.
    }
  }
  return out;
}

AuditEvent AuditFromRow(const SqlRow& row) {
  AuditEvent e;
  e.id = row.Int(0);
  e.timestamp = row.Int(1);
  e.request_id = row.Text(2);
  e.principal = row.Text(3);
  e.client_address = row.Text(4);
  e.operation = row.Text(5);
  e.model_name = row.Text(6);
  if (!row.IsNull(7)) e.version = row.Int(7);
  e.outcome = ParseAuditOutcome(row.Text(8)).value_or(AuditOutcome::kDenied);
  e.before = row.Text(9);
  e.after = row.Text(10);
  e.checks = DecodeAuditChecks(row.Text(11));
  return e;
}

}  // namespace

std::string EncodeAuditChecks(const std::vector<AuditCheck>& checks) {
  std::string out;
  for (const AuditCheck& c : checks) {
    out += Escape(c.rule_id) + '\t' + std::string(CheckOutcomeName(c.result)) + '\t' +
           Escape(c.message) + '\n';
  }
  return out;
}

std::vector<AuditCheck> DecodeAuditChecks(const std::string& text) {
  std::vector<AuditCheck> checks;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    const size_t first = line.find('\t');
    const size_t second = first == std::string::npos ? first : line.find('\t', first + 1);
    if (second != std::string::npos) {
      checks.push_back({Unescape(line.substr(0, first)),
                        ParseCheckOutcome(line.substr(first + 1, second - first - 1))
                            .value_or(CheckOutcome::kFailed),
                        Unescape(line.substr(second + 1))});
    }
    start = end + 1;
  }
  return checks;
}

Status InsertAuditEvent(SqlConnection& db, const AuditEvent& e) {
  SqlValue version;
  if (e.version) version = *e.version;
  return db
      .Execute(kInsertAudit, {e.timestamp, e.request_id, e.principal, e.client_address, e.operation,
                              e.model_name, version, std::string(AuditOutcomeName(e.outcome)),
                              e.before, e.after, EncodeAuditChecks(e.checks)})
      .status();
}

Result<Page<AuditEvent>> SelectAuditEvents(SqlConnection& db, const AuditQuery& query) {
  std::string sql = kSelectAudit;
  std::vector<SqlValue> params;
  const auto filter = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    sql += std::string(" AND ") + column + " = ?";
    params.emplace_back(value);
  };
  filter("model_name", query.model_name);
  filter("principal", query.principal);
  filter("operation", query.operation);
  if (query.since) {
    sql += " AND timestamp >= ?";
    params.emplace_back(*query.since);
  }
  if (query.until) {
    sql += " AND timestamp < ?";
    params.emplace_back(*query.until);
  }
  if (query.since_name_taken && !query.model_name.empty()) {
    // The newest entry of a change that gave a model this name: its creation (recorded under
    // the name) or a rename onto it (recorded under the old name, "name=<new>" after).
    sql +=
        " AND id >= COALESCE((SELECT MAX(n.id) FROM audit_events n WHERE n.outcome <> 'denied' "
        "AND ((n.operation = 'CreateRegisteredModel' AND n.model_name = ?) OR (n.operation = "
        "'RenameRegisteredModel' AND n.after_state = ?))), 0)";
    params.emplace_back(query.model_name);
    params.emplace_back("name=" + query.model_name);
  }
  sql += " ORDER BY id DESC LIMIT ? OFFSET ?";
  params.emplace_back(query.max_results + 1);
  params.emplace_back(query.offset);
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
  Page<AuditEvent> page;
  for (const SqlRow& row : rows) page.items.push_back(AuditFromRow(row));
  if (static_cast<int64_t>(page.items.size()) > query.max_results) {
    page.items.resize(query.max_results);
    page.next_page_token = EncodePageToken(query.offset + query.max_results);
  }
  return page;
}

}  // namespace modelwarden
