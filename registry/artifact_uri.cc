#include "registry/artifact_uri.h"

#include <vector>

#include "registry/text.h"

namespace modelwarden {

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

std::optional<std::string> LoggedModelIdOf(std::string_view source) {
  if (!StartsWith(source, "models:/")) return std::nullopt;
  std::string_view id = source.substr(8);
  if (id.empty() || id.find('/') != std::string_view::npos ||
      id.find('@') != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(id);
}

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

std::optional<std::string> ProxiedArtifactPath(std::string_view uri) {
  std::string_view path;
  if (StartsWith(uri, "mlflow-artifacts:")) {
    path = uri.substr(17);
    if (StartsWith(path, "//")) {
      // mlflow-artifacts://<host>/<path>: the host is the tracker's, which is ours to ask.
      const size_t slash = path.find('/', 2);
      path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
  } else if (StartsWith(uri, "http://") || StartsWith(uri, "https://")) {
    const size_t authority = uri.find("//") + 2;
    const size_t slash = uri.find('/', authority);
    if (slash == std::string_view::npos) return std::nullopt;
    path = uri.substr(slash);
    constexpr std::string_view kProxyRoot = "/api/2.0/mlflow-artifacts/artifacts";
    if (!StartsWith(path, kProxyRoot)) return std::nullopt;
    path.remove_prefix(kProxyRoot.size());
    if (!path.empty() && path.front() != '/') return std::nullopt;
  } else {
    return std::nullopt;
  }
  while (StartsWith(path, "/")) path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

}  // namespace modelwarden
