// How a new model version's source and run are resolved against the tracking server, the way
// MLflow's _create_model_version and SqlAlchemyStore.create_model_version do it
// (mlflow/server/handlers.py, mlflow/store/model_registry/sqlalchemy_store.py):
// - models:/<model_id> (MLflow 3's logged models): the storage location is the logged model's
//   artifact location, and run_id defaults to the run it was logged from;
// - runs:/<run_id>/<path>: the storage location is <the run's artifact_uri>/<path> (what
//   MLflow's RunsArtifactRepository resolves it to), and run_id defaults to the URI's run;
// - a local path is accepted only inside the local artifact directory of the run named by
//   run_id;
// - anything else is validated as without a tracker (registry/validation.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "registry/status.h"
#include "registry/tracker.h"

namespace modelwarden {

struct ResolvedSource {
  std::string storage_location;
  std::string run_id;             // The request's, or the one the source names.
  std::optional<TrackedRun> run;  // When it was fetched on the way.
};

// kInvalidParameterValue for a source that names a run or logged model the tracker does not
// have, or an invalid source; kTemporarilyUnavailable (and the tracker's other codes) when the
// tracker could not answer.
Result<ResolvedSource> ResolveSource(Tracker& tracker, const std::string& source,
                                     const std::string& run_id);

// The run a runs:/<run_id>/... source names; empty for other sources.
std::string RunIdOfSource(const std::string& source);

// A models:/ source as MLflow's _parse_model_uri reads it (mlflow/store/artifact/utils/
// models.py).
struct ModelsSource {
  enum class Kind {
    kNone,         // Not a models:/ URI.
    kVersion,      // models:/<name>/<version>: copied from a registered version.
    kLoggedModel,  // models:/<model_id>: an MLflow 3 logged model (the tracker's).
    kUnsupported,  // models:/<name>@<alias>, /<stage>, /latest or malformed: refused.
  };
  Kind kind = Kind::kNone;
  std::string name;
  int64_t version = 0;
  std::string problem;  // kUnsupported: why.
};
ModelsSource ParseModelsSource(std::string_view source);

// MLflow 3.6's refusal of a models:/ source it cannot resolve
// (SqlAlchemyStore.create_model_version), as the 400 INVALID_PARAMETER_VALUE of its upstream
// fix rather than 3.6's 500: "Unable to fetch model from model URI source artifact location
// '<source>'.Error: <problem>".
Status UnresolvableModelsSource(std::string_view source, std::string_view problem);

}  // namespace modelwarden
