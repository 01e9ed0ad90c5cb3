#include "registry/source_resolution.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include "registry/artifact_uri.h"
#include "registry/decimal.h"
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

ModelsSource ParseModelsSource(std::string_view source) {
  ModelsSource parsed;
  // urlparse: the scheme is case-insensitive; "//netloc" is not part of the path; the path
  // ends at '?'.
  const size_t colon = source.find(':');
  if (colon == std::string_view::npos || AsciiLower(source.substr(0, colon)) != "models") {
    return parsed;
  }
  std::string_view path = source.substr(colon + 1);
  if (StartsWith(path, "//")) {
    const size_t end = path.find_first_of("/?", 2);
    path = end == std::string_view::npos ? std::string_view() : path.substr(end);
  }
  path = path.substr(0, path.find('?'));
  const auto unsupported = [&](std::string problem) {
    parsed.kind = ModelsSource::Kind::kUnsupported;
    parsed.problem = std::move(problem);
    return parsed;
  };
  const std::string improper =
      "Not a proper models:/ URI: " + std::string(source) +
      ". Models URIs must be of the form 'models:/model_name/suffix' or "
      "'models:/model_name@alias' where suffix is a model version, stage, or the string "
      "'latest' and where alias is a registered model alias. Only one of suffix or alias can "
      "be defined at a time.";
  if (!StartsWith(path, "/") || path.size() <= 1) return unsupported(improper);
  while (StartsWith(path, "/")) path.remove_prefix(1);
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() > 2 || Trim(parts[0]).empty()) return unsupported(improper);
  if (parts.size() == 2) {
    const std::string_view suffix = parts[1];
    if (Trim(suffix).empty()) return unsupported(improper);
    if (!std::all_of(suffix.begin(), suffix.end(), IsAsciiDigit)) {
      return unsupported(
          "a models:/ source must name a version number (models:/<name>/"
          "<version>), not a stage or 'latest'");
    }
    const std::optional<int64_t> number = ParseDecimalInt64(suffix);
    parsed.kind = ModelsSource::Kind::kVersion;
    parsed.name = std::string(parts[0]);
    parsed.version = number.value_or(-1);  // Too large a number names no version.
    return parsed;
  }
  if (path.find('@') != std::string_view::npos) {
    return unsupported(
        "a models:/ source must name a version number (models:/<name>/"
        "<version>), not an alias");
  }
  parsed.kind = ModelsSource::Kind::kLoggedModel;
  parsed.name = std::string(parts[0]);
  return parsed;
}

Status UnresolvableModelsSource(std::string_view source, std::string_view problem) {
  return Status::InvalidArgument("Unable to fetch model from model URI source artifact location '" +
                                 std::string(source) + "'.Error: " + std::string(problem));
}

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
