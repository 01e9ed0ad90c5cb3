// WriteTxn: one unit of work, as ModelStore::Write hands it to its body. Everything the body
// does goes into one database transaction that already holds the locks of the models it
// named: reads that decide the change, the change itself, its audit entry and its outbox rows
// (the webhook deliveries of its events) commit together or not at all.
//
// Not thread-safe: used by the thread that runs the body, only while the body runs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "registry/auth_store.h"
#include "registry/entities.h"
#include "registry/model_rows.h"
#include "registry/status.h"
#include "registry/webhooks/webhook_store.h"

namespace modelwarden {

class WriteTxn {
 public:
  virtual ~WriteTxn() = default;

  // The registry's rows, read and written in this transaction.
  virtual ModelRows& models() = 0;
  // Users, groups, grants and tokens, read and written in this transaction (the same
  // operations as the AuthStore that commits each call on its own).
  virtual AuthStore& auth() = 0;
  // The change's audit entry (or a denial's), committed with it.
  virtual Status AppendAudit(const AuditEvent& event) = 0;
  // Webhooks and their outbox, read and written in this transaction.
  virtual WebhookRows& webhooks() = 0;
};

// Where units of work run (ModelStore). Thread-safe.
class WriteTransactions {
 public:
  virtual ~WriteTransactions() = default;

  // Runs `body` in one write transaction that has first locked the rows of `models` (MySQL:
  // SELECT ... FOR UPDATE, in a fixed order so that two units of work never wait on each
  // other in a cycle; SQLite: the database's writer lock). Commits when `body` returns OK,
  // rolls back otherwise and returns its Status. When the database reports a transient
  // conflict (deadlock, busy) before the commit, `body` runs again from the start on a fresh
  // transaction: it must keep no state across runs but what it assigns anew each time.
  virtual Status Write(const std::vector<std::string>& models,
                       const std::function<Status(WriteTxn&)>& body) = 0;
};

}  // namespace modelwarden
