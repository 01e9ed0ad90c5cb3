// MLflow's input invariants (mlflow/utils/validation.py, the model registry handlers and the
// SQL store), as pure functions. Thread-safe. Every failure is kInvalidParameterValue with
// MLflow's wording.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "registry/status.h"

namespace modelwarden {

inline constexpr size_t kMaxTagKeyLength = 250;
inline constexpr size_t kMaxTagValueLength = 100000;
inline constexpr size_t kMaxAliasLength = 255;
inline constexpr size_t kMaxModelNameLength = 256;

// MLflow's INVALID_PARAMETER_VALUE for a required field that is absent or empty:
// "Missing value for required parameter '<field>'. See the API docs ...".
Status MissingParameterError(std::string_view field);

// Non-empty, at most kMaxModelNameLength bytes, no control characters. `parameter` names the
// field in the message.
Status ValidateModelName(std::string_view name, std::string_view parameter = "name");
// Regex ^[/\w.\- :]*$, path-normalised (no "a//b", "./a", "../a", trailing "/"), <= 250.
Status ValidateTagKey(std::string_view key);
Status ValidateTagValue(std::string_view value);
// Non-empty, ^[\w\-]*$, <= 255.
Status ValidateAliasName(std::string_view alias);
// The reserved alias "latest", in any case: it names the newest live version.
bool IsLatestAlias(std::string_view alias);
// The reserved aliases v<digits> (any case of v): they name version numbers.
bool IsVersionAlias(std::string_view alias);
// Also rejects the reserved "latest" (any case) and v<digits>; used when setting.
Status ValidateAliasForSet(std::string_view alias);
// Python int() semantics: surrounding whitespace and a sign allowed ("01", " 1 " pass).
// "Parameter 'version' must be an integer, got '<v>'."
Result<int64_t> ParseVersion(std::string_view version);
// Non-local sources: no ".." segment, NUL or non-normalised path after repeated URL-decoding.
// Local paths (no scheme, or file:) are rejected: modelwarden has no run to contain them yet.
Status ValidateModelVersionSource(std::string_view source);

}  // namespace modelwarden
