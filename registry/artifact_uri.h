// The artifact URIs a model version's source and storage location are written in, parsed as
// MLflow's artifact repositories read them: runs:/<run_id>/<path>, models:/<model_id>,
// mlflow-artifacts:/<path> (the tracker's artifact proxy) and local paths.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace modelwarden {

// "runs:/<run_id>/<path>" -> {run_id, path} (path without trailing '/'); MLflow's
// RunsArtifactRepository.parse_runs_uri also accepts "runs:<run_id>/...", but every client
// writes "runs:/".
std::optional<std::pair<std::string, std::string>> ParseRunsUri(std::string_view source);

// "models:/<model_id>": one path segment without '@' (mlflow/store/artifact/utils/models.py
// _parse_model_uri); models:/<name>/<version> and models:/<name>@<alias> name versions.
std::optional<std::string> LoggedModelIdOf(std::string_view source);

// The absolute path of a local URI ("/a/b", "file:///a/b"), lexically normalised; nullopt for
// anything else (relative paths, file://host/...). A file: URI's path is percent-decoded first,
// as MLflow's local_file_uri_to_path (url2pathname, i.e. urllib.parse.unquote) reads it:
// "%2E%2E" is "..".
std::optional<std::string> LocalPath(std::string_view uri);

// The path below the tracker's artifact proxy (/api/2.0/mlflow-artifacts/artifacts/) that a
// proxied artifact URI names, without leading or trailing '/', as MLflow's
// _get_proxied_run_artifact_destination_path reads it: mlflow-artifacts:/<path>,
// mlflow-artifacts://<host>/<path>, or http(s)://<host>/api/2.0/mlflow-artifacts/artifacts/<path>.
// nullopt for any other URI.
std::optional<std::string> ProxiedArtifactPath(std::string_view uri);

}  // namespace modelwarden
