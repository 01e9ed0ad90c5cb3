// Leases: named jobs that one server process at a time may run (retention), when several
// processes share one database. A lease is a row taken and renewed in its own transaction, for
// a time measured on the database's clock, so the processes' own clocks need not agree. A
// holder that stops renewing loses it when it expires; every holder must check the answer of
// each renewal before acting on.
//
// Thread-safe; each call is one transaction. kTemporarilyUnavailable or kInternalError.
#pragma once

#include <cstdint>
#include <string>

#include "registry/status.h"

namespace modelwarden {

class Leases {
 public:
  virtual ~Leases() = default;

  // Takes the lease `name` for `holder`, or renews it, for `ttl_ms` from now: true when it is
  // free, expired or already `holder`'s; false when someone else holds it.
  virtual Result<bool> AcquireLease(const std::string& name, const std::string& holder,
                                    int64_t ttl_ms) = 0;
  // Gives the lease up if `holder` has it; nothing otherwise.
  virtual Status ReleaseLease(const std::string& name, const std::string& holder) = 0;
};

}  // namespace modelwarden
