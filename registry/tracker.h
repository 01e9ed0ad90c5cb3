// Tracker: the MLflow tracking server that modelwarden sits beside (--tracking-upstream), as the
// registry and the policy need it: a run (its experiment, artifact location and latest
// metrics) and a logged model (MLflow 3's models:/m-... sources). Implemented over HTTP in
// compat/tracker_client.h; absent (a null pointer) when no upstream is configured.
//
// Implementations are thread-safe.
#pragma once

#include <map>
#include <string>

#include "registry/status.h"

namespace modelwarden {

struct TrackedRun {
  std::string run_id;
  std::string experiment_id;
  std::string artifact_uri;               // e.g. mlflow-artifacts:/1/<run_id>/artifacts or s3://...
  std::map<std::string, double> metrics;  // Latest value per key.
};

struct LoggedModel {
  std::string model_id;
  std::string artifact_uri;
  std::string source_run_id;  // Empty when the model was not logged from a run.
};

class Tracker {
 public:
  virtual ~Tracker() = default;

  // GET runs/get. kResourceDoesNotExist when the tracker has no such run;
  // kTemporarilyUnavailable when it cannot be reached or does not answer in time;
  // kPermissionDenied when it refuses modelwarden's credentials; kInternalError for an answer
  // that is not MLflow's.
  virtual Result<TrackedRun> GetRun(const std::string& run_id) = 0;
  // GET logged-models/<id>; the same codes as GetRun.
  virtual Result<LoggedModel> GetLoggedModel(const std::string& model_id) = 0;
  // The run's page in the tracking UI, for a version's run_link.
  virtual std::string RunLink(const TrackedRun& run) const = 0;
};

}  // namespace modelwarden
