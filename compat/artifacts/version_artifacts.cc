#include "compat/artifacts/version_artifacts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

#include "compat/artifacts/artifact_path.h"
#include "compat/tracker/upstream.h"
#include "registry/artifact_uri.h"
#include "registry/text.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

constexpr size_t kPieceBytes = 64 * 1024;
constexpr char kProxyRoot[] = "/api/2.0/mlflow-artifacts/artifacts/";

Status FileNotFound(const std::string& path) {
  return Status::NotFound("Failed to download artifacts from path '" + path +
                          "', please ensure that the path is correct.");
}

Result<std::string> Required(const std::optional<std::string>& value, const char* name) {
  if (!value.has_value() || value->empty()) {
    return Status::InvalidArgument("Missing value for required parameter '" + std::string(name) +
                                   "'.");
  }
  return *value;
}

// The canonical absolute path of `path` (symbolic links resolved); nullopt when it does not
// exist.
std::optional<std::string> RealPath(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> real(realpath(path.c_str(), nullptr), &std::free);
  if (real == nullptr) return std::nullopt;
  return std::string(real.get());
}

bool IsInside(const std::string& path, const std::string& directory) {
  return path == directory || StartsWith(path, directory == "/" ? "/" : directory + "/");
}

// Sends `method` for `target` to the tracker and returns the answer's status; with `body`, keeps
// at most the first 64 KiB of the answer there. kTemporarilyUnavailable when no answer came.
Result<int> Ask(UpstreamPool& upstream, const char* method, const std::string& target,
                const httplib::Headers& headers, std::string* body) {
  std::unique_ptr<httplib::Client> client = upstream.Acquire();
  httplib::Request request;
  request.method = method;
  request.path = target;
  request.headers = headers;
  if (body != nullptr) {
    request.content_receiver = [body](const char* data, size_t n, uint64_t, uint64_t) {
      body->append(data, std::min(n, kPieceBytes - std::min(kPieceBytes, body->size())));
      return true;
    };
  }
  const auto started = std::chrono::steady_clock::now();
  httplib::Result answer = client->send(request);
  upstream.Release(std::move(client));
  if (!answer) {
    return Status::Unavailable(DescribeUpstreamFailure(upstream, answer.error(),
                                                       std::chrono::steady_clock::now() - started)
                                   .message);
  }
  return answer->status;
}

std::string LastSegment(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

VersionArtifacts::VersionArtifacts(Registry& registry, Tracker* tracker, UpstreamPool* upstream,
                                   std::string local_root)
    : registry_(registry),
      tracker_(tracker),
      upstream_(upstream),
      local_root_(std::move(local_root)) {}

Result<ArtifactFile> VersionArtifacts::Open(const CallContext& ctx,
                                            const std::optional<std::string>& name,
                                            const std::optional<std::string>& version,
                                            const std::optional<std::string>& path) {
  ASSIGN_OR_RETURN(const std::string model, Required(name, "name"));
  ASSIGN_OR_RETURN(const std::string version_text, Required(version, "version"));
  ASSIGN_OR_RETURN(const int64_t number, ParseVersion(version_text));
  ASSIGN_OR_RETURN(const std::string requested, Required(path, "path"));
  ASSIGN_OR_RETURN(const std::string relative, SafeArtifactPath(requested));
  ASSIGN_OR_RETURN(const std::string location,
                   registry_.GetModelVersionDownloadUri(ctx, model, number));
  ASSIGN_OR_RETURN(const std::string storage, Storage(location));
  if (std::optional<std::string> proxied = ProxiedArtifactPath(storage)) {
    return OpenProxied(*proxied, relative);
  }
  if (std::optional<std::string> local = LocalPath(storage)) return OpenLocal(*local, relative);
  return Status(ErrorCode::kNotImplemented,
                "modelwarden cannot read artifacts stored at '" + storage +
                    "': it reads them from the tracking server's artifact proxy "
                    "(mlflow-artifacts:) or below --local-artifact-root.");
}

Result<std::string> VersionArtifacts::Storage(const std::string& location) {
  const auto no_tracker = [&] {
    return Status(ErrorCode::kNotImplemented,
                  "The artifacts of this version are at '" + location +
                      "', which only a tracking server can resolve; start modelwarden with "
                      "--tracking-upstream.");
  };
  if (std::optional<std::pair<std::string, std::string>> runs = ParseRunsUri(location)) {
    if (tracker_ == nullptr) return no_tracker();
    ASSIGN_OR_RETURN(const TrackedRun run, tracker_->GetRun(runs->first));
    return runs->second.empty() ? run.artifact_uri : run.artifact_uri + "/" + runs->second;
  }
  if (std::optional<std::string> model_id = LoggedModelIdOf(location)) {
    if (tracker_ == nullptr) return no_tracker();
    ASSIGN_OR_RETURN(const LoggedModel model, tracker_->GetLoggedModel(*model_id));
    return model.artifact_uri;
  }
  return location;
}

Result<ArtifactFile> VersionArtifacts::OpenProxied(const std::string& root,
                                                   const std::string& path) {
  if (upstream_ == nullptr) {
    return Status(ErrorCode::kNotImplemented,
                  "The artifacts of this version are on a tracking server's artifact proxy; "
                  "start modelwarden with --tracking-upstream to read them.");
  }
  const std::string target =
      upstream_->base_path() + kProxyRoot + Quote(root.empty() ? path : root + "/" + path, "/");
  httplib::Headers headers;
  if (!upstream_->user().empty() || !upstream_->password().empty()) {
    headers.insert(
        httplib::make_basic_authentication_header(upstream_->user(), upstream_->password()));
  }
  // The tracker's download answers with no Content-Length (MLflow streams it); a HEAD tells
  // whether the file is there before the answer's status is committed.
  ASSIGN_OR_RETURN(const int status, Ask(*upstream_, "HEAD", target, headers, nullptr));
  if (status != 200) {
    // MLflow's artifact proxy answers a missing file with 500 and the OSError's text, not 404:
    // read the error to tell a missing file from a failing tracker.
    std::string error;
    ASSIGN_OR_RETURN(const int again, Ask(*upstream_, "GET", target, headers, &error));
    if (again == 200) return Status::Unavailable("the tracking server changed its answer");
    if (again == 404 || again == 400 ||
        error.find("No such file or directory") != std::string::npos) {
      return FileNotFound(path);
    }
    return Status::Internal("the tracking server " + upstream_->display() + " answered HTTP " +
                            std::to_string(again) + " for the version artifact '" + path + "'");
  }
  ArtifactFile file;
  file.filename = LastSegment(path);
  file.content_type = MimeTypeOf(file.filename);
  UpstreamPool* upstream = upstream_;
  file.copy = [upstream, target, headers](const std::function<bool(const char*, size_t)>& write) {
    std::unique_ptr<httplib::Client> client = upstream->Acquire();
    bool written = true;
    httplib::Result got = client->Get(
        target, headers, [](const httplib::Response& r) { return r.status == 200; },
        [&](const char* data, size_t n) {
          for (size_t at = 0; at < n && written; at += kPieceBytes) {
            written = write(data + at, std::min(kPieceBytes, n - at));
          }
          return written;
        });
    upstream->Release(std::move(client));
    return got && got->status == 200 && written;
  };
  return file;
}

Result<ArtifactFile> VersionArtifacts::OpenLocal(const std::string& root, const std::string& path) {
  const std::optional<std::string> allowed =
      local_root_.empty() ? std::nullopt : RealPath(local_root_);
  const std::optional<std::string> directory = RealPath(root);
  if (!allowed.has_value() || (directory.has_value() && !IsInside(*directory, *allowed))) {
    return Status(ErrorCode::kNotImplemented,
                  "The artifacts of this version are in a local directory that modelwarden "
                  "does not serve (see --local-artifact-root).");
  }
  if (!directory.has_value()) return FileNotFound(path);
  const std::optional<std::string> file_path = RealPath(*directory + "/" + path);
  if (!file_path.has_value()) return FileNotFound(path);
  // A symbolic link inside the version's directory may not lead out of it.
  if (!IsInside(*file_path, *directory)) return Status::InvalidArgument("Invalid path");
  const int fd = open(file_path->c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileNotFound(path);
  auto descriptor = std::shared_ptr<int>(new int(fd), [](int* f) {
    close(*f);
    delete f;
  });
  // What was opened, not what the path named a moment ago: a link swapped in between the check
  // and the open must not lead out either.
  const std::optional<std::string> opened = RealPath("/proc/self/fd/" + std::to_string(fd));
  if (!opened.has_value() || !IsInside(*opened, *directory)) {
    return Status::InvalidArgument("Invalid path");
  }
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) return FileNotFound(path);
  ArtifactFile file;
  file.filename = LastSegment(path);
  file.content_type = MimeTypeOf(file.filename);
  file.size = static_cast<uint64_t>(info.st_size);
  file.copy = [descriptor](const std::function<bool(const char*, size_t)>& write) {
    std::vector<char> piece(kPieceBytes);
    while (true) {
      const ssize_t n = read(*descriptor, piece.data(), piece.size());
      if (n < 0) return false;
      if (n == 0) return true;
      if (!write(piece.data(), static_cast<size_t>(n))) return false;
    }
  };
  return file;
}

}  // namespace modelwarden
