// TrackerCalls: requests modelwarden itself sends the --tracking-upstream server, with its own
// credentials (from the upstream URL, never a client's): the lookups that decide a forwarded
// call (compat/tracker/experiment_directory.h) and the calls it serves itself on a client's
// behalf (compat/tracker/governed_tracking_calls.h). Its connections are its own, so relayed
// traffic cannot starve them.
//
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "compat/tracker/upstream.h"
#include "registry/status.h"

namespace modelwarden {

struct TrackerAnswer {
  int status = 0;
  std::string content_type;
  std::string body;
};

class TrackerCalls {
 public:
  explicit TrackerCalls(std::unique_ptr<UpstreamPool> pool) : pool_(std::move(pool)) {}

  // Sends `method` on `target` (path and query, below the upstream's base path) with `body` of
  // `content_type` ("" for none). Any answer is returned as it came; kTemporarilyUnavailable
  // (with the 502/504 wording of compat/tracker/upstream.h) when none came.
  Result<TrackerAnswer> Send(const std::string& method, const std::string& target,
                             const std::string& content_type, const std::string& body);

  // GET `target` for a JSON answer: its body on 200, else the tracker's MLflow error as a
  // Status (its error_code and message; kResourceDoesNotExist for a 404 without one).
  Result<std::string> GetJson(const std::string& target);

  const UpstreamPool& pool() const { return *pool_; }

 private:
  const std::unique_ptr<UpstreamPool> pool_;
};

// The Status an MLflow error answer stands for: its error_code and message when it is one, else
// by its HTTP status.
Status StatusOfTrackerAnswer(const TrackerAnswer& answer, const std::string& display);

}  // namespace modelwarden
