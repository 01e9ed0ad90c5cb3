// The file path a client names inside a model version's artifacts (GET
// /model-versions/get-artifact?path=...), checked as MLflow's validate_path_is_safe checks it,
// and the Content-Type MLflow's _guess_mime_type gives the file.
#pragma once

#include <string>
#include <string_view>

#include "registry/status.h"

namespace modelwarden {

// The path, percent-decoded until it stops changing (MLflow's _decode), if it stays inside the
// version's directory: relative, '/'-separated, without a ".." or empty segment, '#', '\\', a
// drive letter or a NUL byte. Otherwise kInvalidParameterValue "Invalid path", MLflow's answer.
Result<std::string> SafeArtifactPath(std::string_view path);

// text/plain for MLflow's text extensions (and MLmodel, MLproject), a few common types by
// extension, otherwise application/octet-stream.
std::string MimeTypeOf(std::string_view filename);

}  // namespace modelwarden
