// TrackerClient: the Tracker (registry/tracker.h) over MLflow's tracking REST API on the
// --tracking-upstream server: GET /api/2.0/mlflow/runs/get and
// GET /api/2.0/mlflow/logged-models/<id>, with modelwarden's own credentials from the upstream
// URL, if any (never a client's). Its connections are its own, so proxied traffic cannot
// starve the policy's reads. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "compat/tracker/upstream.h"
#include "registry/tracker.h"

namespace modelwarden {

class TrackerClient final : public Tracker {
 public:
  // `run_link_base` is where users open the tracking UI (e.g. http://mlflow.example.com); a
  // run's link is <run_link_base>/#/experiments/<experiment_id>/runs/<run_id>, the MLflow UI's
  // route for a run page.
  TrackerClient(std::unique_ptr<UpstreamPool> pool, std::string run_link_base);

  Result<TrackedRun> GetRun(const std::string& run_id) override;
  Result<LoggedModel> GetLoggedModel(const std::string& model_id) override;
  std::string RunLink(const TrackedRun& run) const override;

 private:
  // GETs `path` (below the upstream base) and returns the body of a 200.
  Result<std::string> Get(const std::string& path, const std::string& what);

  const std::unique_ptr<UpstreamPool> pool_;
  const std::string run_link_base_;
};

}  // namespace modelwarden
