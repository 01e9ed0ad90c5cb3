#include "registry/source_resolution.h"

#include <string_view>
#include <vector>

#include "registry/artifact_uri.h"
#include "registry/text.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

bool IsLocal(std::string_view source) {
  return !StartsWith(source, "runs:") && !StartsWith(source, "models:") &&
         (source.find(':') == std::string_view::npos || StartsWith(source, "file:"));
}

Status NotOnTracker(const std::string& source, const Status& status) {
  if (status.code() != ErrorCode::kResourceDoesNotExist) return status;
  return Status::InvalidArgument("Unable to resolve model version source '" + source +
                                 "': " + status.message());
}

}  // namespace

std::string RunIdOfSource(const std::string& source) {
  auto parsed = ParseRunsUri(source);
  return parsed ? parsed->first : "";
}

Result<ResolvedSource> ResolveSource(Tracker& tracker, const std::string& source,
                                     const std::string& run_id) {
  ResolvedSource resolved;
  resolved.storage_location = source;
  resolved.run_id = run_id;
  if (auto runs = ParseRunsUri(source)) {
    RETURN_IF_ERROR(ValidateModelVersionSource(source));
    if (resolved.run_id.empty()) resolved.run_id = runs->first;
    Result<TrackedRun> run = tracker.GetRun(runs->first);
    if (!run.ok()) return NotOnTracker(source, run.status());
    resolved.storage_location =
        runs->second.empty() ? run->artifact_uri : run->artifact_uri + "/" + runs->second;
    if (resolved.run_id == run->run_id) resolved.run = std::move(*run);
    return resolved;
  }
  if (auto model_id = LoggedModelIdOf(source)) {
    RETURN_IF_ERROR(ValidateModelVersionSource(source));
    Result<LoggedModel> model = tracker.GetLoggedModel(*model_id);
    if (!model.ok()) return NotOnTracker(source, model.status());
    resolved.storage_location = model->artifact_uri;
    if (resolved.run_id.empty()) resolved.run_id = model->source_run_id;
    return resolved;
  }
  if (IsLocal(source) && !run_id.empty()) {
    Result<TrackedRun> run = tracker.GetRun(run_id);
    if (!run.ok()) return NotOnTracker(source, run.status());
    const std::optional<std::string> path = LocalPath(source);
    const std::optional<std::string> root = LocalPath(run->artifact_uri);
    if (path && root && (*path == *root || StartsWith(*path, *root == "/" ? "/" : *root + "/"))) {
      resolved.run = std::move(*run);
      return resolved;
    }
  }
  RETURN_IF_ERROR(ValidateModelVersionSource(source));
  return resolved;
}

}  // namespace modelwarden
