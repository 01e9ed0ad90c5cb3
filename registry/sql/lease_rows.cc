#include "registry/sql/lease_rows.h"

#include <vector>

namespace modelwarden {
namespace {

constexpr char kUpdateLease[] = "UPDATE leases SET holder = ?, expiration_time = ? WHERE name = ?";
constexpr char kInsertLease[] =
    "INSERT INTO leases (name, holder, expiration_time) VALUES (?, ?, ?)";
constexpr char kReleaseLease[] =
    "UPDATE leases SET holder = '', expiration_time = 0 WHERE name = ? AND holder = ?";

}  // namespace

// The row is locked (MySQL: FOR UPDATE; SQLite: the writer lock) before it is judged, so two
// processes asking at once are served one after the other and only one finds it free.
Result<bool> AcquireLeaseRow(SqlConnection& db, const Dialect& dialect, const std::string& name,
                             const std::string& holder, int64_t ttl_ms) {
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   db.Query(std::string("SELECT holder, expiration_time, ") + dialect.NowMillis() +
                                " FROM leases WHERE name = ?" + dialect.ForUpdate(),
                            {name}));
  if (rows.empty()) {
    ASSIGN_OR_RETURN(std::vector<SqlRow> now,
                     db.Query(std::string("SELECT ") + dialect.NowMillis(), {}));
    const Status inserted =
        db.Execute(kInsertLease, {name, holder, now[0].Int(0) + ttl_ms}).status();
    // Another process inserted it first: theirs.
    if (inserted.code() == ErrorCode::kResourceAlreadyExists) return false;
    RETURN_IF_ERROR(inserted);
    return true;
  }
  const std::string current = rows[0].Text(0);
  const int64_t expires = rows[0].Int(1);
  const int64_t now = rows[0].Int(2);
  if (!current.empty() && current != holder && expires > now) return false;
  RETURN_IF_ERROR(db.Execute(kUpdateLease, {holder, now + ttl_ms, name}));
  return true;
}

Status ReleaseLeaseRow(SqlConnection& db, const std::string& name, const std::string& holder) {
  return db.Execute(kReleaseLease, {name, holder}).status();
}

}  // namespace modelwarden
