// The backup file of `modelwarden export --to FILE.jsonl`, read back by
// `modelwarden import --from-file FILE.jsonl`. JSON Lines (UTF-8, one object per line):
//
//   {"modelwarden_export": 1, "exported_at": 1767225600000, "source": "..."}     first line
//   {"registered_model": {"name": ..., "creation_timestamp": ..., ...}}          a model,
//   {"model_version": {"name": ..., "version": "1", ...}}                        then each of
//   {"model_version": {"name": ..., "version": "3", ...}}                        its versions
//   ...
//   {"end": {"registered_models": 2, "model_versions": 5}}                       last line
//
// Models and versions are MLflow's JSON objects (registry_json.h) with every field a registry
// stores: deleted versions (current_stage "Deleted_Internal") and storage_location too. A
// version line follows its model's line; versions ascend. The end line counts what came
// before it, so a file cut short is refused whole rather than half imported. Importing a
// backup into an empty registry and exporting that again gives the same lines.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "registry/registry_source.h"

namespace modelwarden {

inline constexpr int kBackupFormatVersion = 1;

struct ExportSummary {
  int64_t models = 0;
  int64_t versions = 0;
};

// Writes every model of `source` to `path`: into `path`.tmp, renamed over `path` once complete,
// so that `path` never holds a partial backup. `progress` (optional) is called after each
// model. kInvalidParameterValue when the file cannot be written; the source's errors.
Result<ExportSummary> ExportRegistry(
    RegistrySource& source, const std::string& path, int64_t exported_at,
    const std::function<void(int64_t done, std::optional<int64_t> total)>& progress);

// Opens a backup file as a RegistrySource, after reading it through once: kInvalidParameterValue
// with the line number for a line that is not one of the above (or a version of another model
// than the line before it), a format version this build does not read, or a file without its
// end line or whose end line counts differently; kResourceDoesNotExist when there is no file.
Result<std::unique_ptr<RegistrySource>> OpenRegistryBackup(const std::string& path);

}  // namespace modelwarden
