// RegistrySource: a registry `modelwarden import` reads models from, one complete model at a
// time: an MLflow tracking database read directly (registry/sql/mlflow_database_source.h), an
// MLflow-compatible REST API (compat/importer/rest_registry_source.h), a backup file written by
// `modelwarden export` (compat/importer/registry_jsonl.h), or a modelwarden store
// (registry/store_source.h, what export reads).
//
// Not thread-safe: one reader drives it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "registry/model_snapshot.h"
#include "registry/status.h"

namespace modelwarden {

class RegistrySource {
 public:
  virtual ~RegistrySource() = default;

  // What the source is, for messages and the audit log, never with a credential, e.g.
  // "MLflow database sqlite:///mlflow.db (alembic revision 1b5f0d9ad7c1, MLflow 3.x)".
  virtual std::string Describe() const = 0;
  // How many models the source holds in all, when known before reading them (for progress).
  virtual std::optional<int64_t> ModelCount() const = 0;
  // The next models, at most `max`, each complete: its tags, aliases and every version the
  // source holds (deleted ones where the source keeps them) with their tags. Empty once every
  // model was returned. kInvalidParameterValue when the source holds something that is not a
  // registry (a malformed file); kTemporarilyUnavailable when it cannot be reached.
  virtual Result<std::vector<ModelSnapshot>> Next(size_t max) = 0;
  // What reading the source found worth telling: rows it could not place, parts it skipped,
  // values it had to fill in. Complete once Next returned empty.
  virtual std::vector<std::string> Notes() const { return {}; }
};

// A source whose models were all read up front (an MLflow database, a REST API), handed out in
// batches.
class LoadedRegistrySource final : public RegistrySource {
 public:
  LoadedRegistrySource(std::string description, std::vector<ModelSnapshot> models,
                       std::vector<std::string> notes)
      : description_(std::move(description)),
        models_(std::move(models)),
        notes_(std::move(notes)) {}

  std::string Describe() const override { return description_; }
  std::optional<int64_t> ModelCount() const override {
    return static_cast<int64_t>(models_.size());
  }
  Result<std::vector<ModelSnapshot>> Next(size_t max) override {
    const size_t end = std::min(models_.size(), next_ + max);
    std::vector<ModelSnapshot> batch(std::make_move_iterator(models_.begin() + next_),
                                     std::make_move_iterator(models_.begin() + end));
    next_ = end;
    return batch;
  }
  std::vector<std::string> Notes() const override { return notes_; }

 private:
  const std::string description_;
  std::vector<ModelSnapshot> models_;
  const std::vector<std::string> notes_;
  size_t next_ = 0;
};

}  // namespace modelwarden
