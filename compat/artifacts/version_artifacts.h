// VersionArtifacts: the files of a model version, as MLflow's GET /model-versions/get-artifact
// serves them to its web UI (a version page reads MLmodel for the schema). A version's storage
// location (what get-download-uri answers; runs:/ and models:/ followed on the tracker) is read
// - from the tracker's artifact proxy (mlflow-artifacts:/..., or http(s)://<tracker>/api/2.0/
//   mlflow-artifacts/artifacts/...) with modelwarden's own tracker credentials: the caller's
//   right to the file is READ on the model, decided here, not the tracker's grants;
// - from this machine's disk, for a local location (/path, file:///path) below
//   `local_root` (--local-artifact-root), which is how a tracker on the same machine keeps
//   artifacts without an artifact proxy.
// Any other storage (s3://, gs://, ...) is NOT_IMPLEMENTED, with the location in the message.
//
// Thread-safe. Files are copied in pieces of at most 64 KiB; none is held whole.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "registry/registry.h"
#include "registry/status.h"
#include "registry/tracker.h"

namespace modelwarden {

class UpstreamPool;

// One file, opened: its answer head, and how to copy its bytes.
struct ArtifactFile {
  std::string filename;          // The last path segment, for Content-Disposition.
  std::string content_type;      // As MLflow guesses it (compat/artifacts/artifact_path.h).
  std::optional<uint64_t> size;  // Known for local files.
  // Hands the bytes to `write` in order; false when reading failed part-way or `write`
  // returned false (the client went away).
  std::function<bool(const std::function<bool(const char*, size_t)>& write)> copy;
};

class VersionArtifacts {
 public:
  // `tracker` and `upstream` are null without --tracking-upstream; `local_root` is empty when
  // no local artifacts are served. All borrowed.
  VersionArtifacts(Registry& registry, Tracker* tracker, UpstreamPool* upstream,
                   std::string local_root);

  // The file `path` (a query parameter, as sent) of version `version` of model `name`, for
  // the caller. kInvalidParameterValue for a missing parameter, a version that is not an
  // integer, or an unsafe path ("Invalid path"); kResourceDoesNotExist for a missing model,
  // version ("Model Version (name=..., version=...) not found") or file ("Failed to download
  // artifacts from path '...', please ensure that the path is correct."); kPermissionDenied
  // without READ on the model; kNotImplemented for storage modelwarden cannot read;
  // kTemporarilyUnavailable when the tracker cannot be reached.
  Result<ArtifactFile> Open(const CallContext& ctx, const std::optional<std::string>& name,
                            const std::optional<std::string>& version,
                            const std::optional<std::string>& path);

 private:
  // The version's storage location with runs:/ and models:/ resolved on the tracker.
  Result<std::string> Storage(const std::string& location);
  Result<ArtifactFile> OpenProxied(const std::string& root, const std::string& path);
  Result<ArtifactFile> OpenLocal(const std::string& root, const std::string& path);

  Registry& registry_;
  Tracker* const tracker_;
  UpstreamPool* const upstream_;
  const std::string local_root_;
};

}  // namespace modelwarden
