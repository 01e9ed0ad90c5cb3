#include "registry/source_resolution.h"

#include <string_view>
#include <vector>

#include "registry/text.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

// "runs:/<run_id>/<path>" -> {run_id, path}; MLflow's RunsArtifactRepository.parse_runs_uri
// also accepts "runs:<run_id>/...", but every client writes "runs:/".
std::optional<std::pair<std::string, std::string>> ParseRunsUri(std::string_view source) {
  if (!StartsWith(source, "runs:/")) return std::nullopt;
  std::string_view rest = source.substr(6);
  while (StartsWith(rest, "/")) rest.remove_prefix(1);
  const size_t slash = rest.find('/');
  std::string run_id(rest.substr(0, slash));
  if (run_id.empty()) return std::nullopt;
  std::string path(slash == std::string_view::npos ? "" : rest.substr(slash + 1));
  while (!path.empty() && path.back() == '/') path.pop_back();
  return std::make_pair(std::move(run_id), std::move(path));
}

// "models:/<model_id>": one path segment without '@' (mlflow/store/artifact/utils/models.py
// _parse_model_uri); models:/<name>/<version> and models:/<name>@<alias> name versions.
std::optional<std::string> LoggedModelIdOf(std::string_view source) {
  if (!StartsWith(source, "models:/")) return std::nullopt;
  std::string_view id = source.substr(8);
  if (id.empty() || id.find('/') != std::string_view::npos ||
      id.find('@') != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(id);
}

// The absolute path of a local URI ("/a/b", "file:///a/b"), lexically normalised; nullopt for
// anything else (relative paths, file://host/...). A file: URI's path is percent-decoded first,
// as MLflow's local_file_uri_to_path (url2pathname, i.e. urllib.parse.unquote) reads it:
// "%2E%2E" is "..".
std::optional<std::string> LocalPath(std::string_view uri) {
  std::string decoded;
  if (StartsWith(uri, "file:")) {
    uri.remove_prefix(StartsWith(uri, "file://") ? 7 : 5);
    if (!StartsWith(uri, "/")) return std::nullopt;
    decoded = Unquote(uri);
    uri = decoded;
  }
  if (!StartsWith(uri, "/")) return std::nullopt;
  std::vector<std::string_view> parts;
  size_t start = 1;
  while (start <= uri.size()) {
    size_t end = uri.find('/', start);
    if (end == std::string_view::npos) end = uri.size();
    const std::string_view part = uri.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string path;
  for (std::string_view part : parts) path += "/" + std::string(part);
  return path.empty() ? "/" : path;
}

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
