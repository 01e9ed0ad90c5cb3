// RegistryImporter: `modelwarden import`. Brings every model of another registry (a
// RegistrySource) into this one exactly as the source holds it: names, descriptions, tags,
// versions under their own numbers (deleted ones as deleted rows, so gaps stay gaps and the
// next new version continues after the old maximum), stages, aliases, sources, runs, users,
// statuses and timestamps.
//
// Each model is one unit of work (registry/unit_of_work.h) by the system principal "import":
// its rows are locked, the model as this registry holds it is read and compared with the
// source's (registry/import_plan.h), the policy judges the model as it will be
// (Governor::Judge), and the rows that differ are written with the audit entry that records
// the source; all in one transaction. So a crash leaves every model either imported whole or
// untouched, and a second run writes only what is new or changed. The policy reports what the
// imported models break (the audit entry's checks, ModelReport::findings) and refuses them only
// with `enforce`.
//
// A dry run reads and plans the same way and asks the policy, but writes nothing.
//
// Thread-compatible: one Run at a time per importer. The store and governor are shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "registry/clock.h"
#include "registry/governor.h"
#include "registry/import_plan.h"
#include "registry/model_store.h"
#include "registry/registry_source.h"
#include "registry/requests.h"
#include "registry/unit_of_work.h"

namespace modelwarden {

struct ImportOptions {
  // Source name -> the name the model gets here; names not in the map are kept.
  std::map<std::string, std::string> renames;
  bool dry_run = false;
  // The policy's enforced rules refuse a model that breaks them (otherwise they only report).
  bool enforce = false;
  // Models read from the source, planned and compared at a time.
  size_t batch_size = 200;
};

// What became of one model of the source.
struct ModelReport {
  std::string source_name;
  std::string name;  // Its name here.
  ImportPlan plan;
  std::string description;         // DescribePlan's words.
  std::vector<std::string> notes;  // What the import had to adjust, e.g. an alias dropped.
  // The policy's findings on the model as imported, one line each:
  // "[rule] (enforce|warn) <where>: <message>. Fix: <fix>".
  std::vector<std::string> findings;
  // OK when imported (or, in a dry run, importable); else why not: kInvalidParameterValue for a
  // name or value this registry does not accept or a policy refusal (`refused`),
  // kResourceAlreadyExists for a conflict, or the database's error.
  Status status;
  bool refused = false;  // The policy refused it (`enforce`).
};

struct ImportSummary {
  int64_t models = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t conflicts = 0;
  int64_t refused = 0;
  int64_t failed = 0;                       // Not imported for another reason (bad name, database).
  int64_t versions_written = 0;             // New and changed versions.
  int64_t models_with_findings = 0;         // Models the policy had something to say about.
  std::vector<std::string> unused_renames;  // Rename-map entries no source model had.
};

class RegistryImporter {
 public:
  // All borrowed; they must outlive the importer.
  RegistryImporter(ModelStore& store, Governor& governor, const Clock& clock)
      : store_(store), governor_(governor), unit_(store, governor, clock) {}

  // Called once per model of the source, in the source's order.
  using Listener = std::function<void(const ModelReport&)>;
  // Called after each model: models done, and in all when the source knows.
  using Progress = std::function<void(int64_t done, std::optional<int64_t> total)>;

  // Imports every model of `source` as `ctx` (Principal::System("import")). Returns the
  // summary when the source was read to its end (models that failed are counted, not
  // returned); the source's error when it could not be read (the models before it are
  // imported); kTemporarilyUnavailable when the database stayed unreachable.
  Result<ImportSummary> Run(const CallContext& ctx, RegistrySource& source,
                            const ImportOptions& options, const Listener& on_model,
                            const Progress& progress);

 private:
  struct Pending;

  Status PlanBatch(std::vector<Pending>& batch);
  Status JudgeBatch(const CallContext& ctx, std::vector<Pending>& batch);
  Status Apply(const CallContext& ctx, Pending& pending);

  ModelStore& store_;
  Governor& governor_;
  UnitOfWork unit_;
  ImportOptions options_;
  std::string source_;
};

}  // namespace modelwarden
