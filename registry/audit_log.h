// AuditLog: the record of every change made and every attempt denied. A change's entry is
// written in the change's own transaction (WriteTxn::AppendAudit), so an acknowledged change
// always has its entry; Append records an entry on its own (a denied read). What enforcement
// and the governance endpoints need of the store, and nothing more.
//
// Thread-safe; each call is one transaction. kTemporarilyUnavailable or kInternalError.
#pragma once

#include "registry/entities.h"
#include "registry/status.h"

namespace modelwarden {

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  virtual Status AppendAuditEvent(const AuditEvent& event) = 0;
  // Newest first.
  virtual Result<Page<AuditEvent>> SearchAuditEvents(const AuditQuery& query) = 0;
};

}  // namespace modelwarden
