// The audit log's table: how an AuditEvent is written and read back, on a connection that is
// inside a transaction (the change's own, for its entry).
#pragma once

#include "registry/entities.h"
#include "registry/sql/sql_connection.h"
#include "registry/status.h"

namespace modelwarden {

Status InsertAuditEvent(SqlConnection& db, const AuditEvent& event);
// Newest first.
Result<Page<AuditEvent>> SelectAuditEvents(SqlConnection& db, const AuditQuery& query);

// The checks column: one check per line, its rule id, result and message separated by tabs,
// with tab, newline and backslash inside a field written as \t, \n and \\. Decoding is the
// inverse (and reads rows written before the escapes existed the same as they were written).
std::string EncodeAuditChecks(const std::vector<AuditCheck>& checks);
std::vector<AuditCheck> DecodeAuditChecks(const std::string& text);

}  // namespace modelwarden
