#include "registry/registry_importer.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include "registry/text.h"
#include "registry/validation.h"

namespace modelwarden {

struct RegistryImporter::Pending {
  ModelReport report;
  ImportModelChange change;
  std::optional<ModelSnapshot> target;  // The model as this registry held it when planned.
};

namespace {

bool Writes(const ImportPlan& plan) {
  return plan.action == ImportAction::kCreate || plan.action == ImportAction::kUpdate;
}

Status CheckLength(std::string_view text, size_t max, const std::string& what) {
  if (CountCodePoints(text) <= max) return Status::Ok();
  return Status::InvalidArgument(what + " is longer than " + std::to_string(max) +
                                 " characters, which this registry does not store");
}

Status CheckTags(const std::vector<Tag>& tags, const std::string& where) {
  for (const Tag& tag : tags) {
    RETURN_IF_ERROR(CheckLength(tag.key, kMaxTagKeyLength,
                                "the key of tag '" + tag.key.substr(0, 40) + "' of " + where));
  }
  return Status::Ok();
}

// The source's model as it will be written here under `name`: versions in order with the
// model's name, each tag key once (the last value wins, as repeated upserts would), and no
// alias of a version that is deleted or absent (modelwarden removes the aliases of a version
// when it is deleted; MLflow 3.6 leaves them dangling). What was dropped goes to `notes`.
Status PrepareModel(ModelSnapshot& model, const std::string& name,
                    std::vector<std::string>& notes) {
  RETURN_IF_ERROR(ValidateModelName(name));
  model.model.name = name;
  model.model.latest_versions.clear();
  model.model.tags = LastValuePerKey(model.model.tags);
  RETURN_IF_ERROR(CheckTags(model.model.tags, "the model"));
  std::sort(model.versions.begin(), model.versions.end(),
            [](const VersionSnapshot& a, const VersionSnapshot& b) {
              return a.version.version < b.version.version;
            });
  std::set<int64_t> live;
  int64_t previous = 0;
  for (VersionSnapshot& v : model.versions) {
    const int64_t number = v.version.version;
    if (number < 1 || number > INT32_MAX) {
      return Status::InvalidArgument("version number " + std::to_string(number) +
                                     " is not between 1 and 2147483647");
    }
    if (number == previous) {
      return Status::InvalidArgument("version " + std::to_string(number) + " appears twice");
    }
    previous = number;
    v.version.name = name;
    v.version.aliases.clear();
    v.version.tags = LastValuePerKey(v.version.tags);
    RETURN_IF_ERROR(CheckTags(v.version.tags, "version " + std::to_string(number)));
    if (!v.deleted) live.insert(number);
  }
  std::vector<ModelVersionAlias> aliases;
  std::set<std::string> seen;
  for (auto it = model.model.aliases.rbegin(); it != model.model.aliases.rend(); ++it) {
    if (!seen.insert(it->alias).second) continue;  // The last one given wins.
    RETURN_IF_ERROR(CheckLength(it->alias, kMaxAliasLength, "alias '" + it->alias + "'"));
    if (live.count(it->version) == 0) {
      notes.push_back("alias '" + it->alias + "' -> version " + std::to_string(it->version) +
                      " dropped: the version is deleted or absent");
      continue;
    }
    aliases.push_back(*it);
  }
  std::reverse(aliases.begin(), aliases.end());
  model.model.aliases = std::move(aliases);
  return Status::Ok();
}

// The rows the plan says differ, written as the source holds them.
Status WriteModel(ModelRows& rows, const ModelSnapshot& model, const ImportPlan& plan) {
  if (plan.model_changed) RETURN_IF_ERROR(rows.PutModel(model.model));
  std::set<int64_t> written(plan.new_versions.begin(), plan.new_versions.end());
  written.insert(plan.changed_versions.begin(), plan.changed_versions.end());
  for (const VersionSnapshot& v : model.versions) {
    if (written.count(v.version.version) != 0) RETURN_IF_ERROR(rows.PutVersion(v));
  }
  if (plan.aliases_changed)
    RETURN_IF_ERROR(rows.ReplaceAliases(model.model.name, model.model.aliases));
  return Status::Ok();
}

void Count(const ModelReport& report, ImportSummary& summary) {
  ++summary.models;
  if (!report.findings.empty()) ++summary.models_with_findings;
  if (report.refused) {
    ++summary.refused;
    return;
  }
  if (report.status.code() == ErrorCode::kResourceAlreadyExists) {
    ++summary.conflicts;
    return;
  }
  if (!report.status.ok()) {
    ++summary.failed;
    return;
  }
  switch (report.plan.action) {
    case ImportAction::kCreate:
      ++summary.created;
      break;
    case ImportAction::kUpdate:
      ++summary.updated;
      break;
    case ImportAction::kUnchanged:
      ++summary.unchanged;
      break;
    case ImportAction::kConflict:
      ++summary.conflicts;
      break;
  }
  summary.versions_written +=
      static_cast<int64_t>(report.plan.new_versions.size() + report.plan.changed_versions.size());
}

}  // namespace

Result<ImportSummary> RegistryImporter::Run(const CallContext& ctx, RegistrySource& source,
                                            const ImportOptions& options, const Listener& on_model,
                                            const Progress& progress) {
  options_ = options;
  source_ = source.Describe();
  ImportSummary summary;
  std::set<std::string> names_here;
  std::set<std::string> renames_used;
  int64_t done = 0;
  const std::optional<int64_t> total = source.ModelCount();
  while (true) {
    ASSIGN_OR_RETURN(std::vector<ModelSnapshot> models,
                     source.Next(std::max<size_t>(1, options.batch_size)));
    if (models.empty()) break;
    std::vector<Pending> batch;
    batch.reserve(models.size());
    for (ModelSnapshot& model : models) {
      Pending pending;
      pending.report.source_name = model.model.name;
      std::string name = model.model.name;
      if (auto it = options.renames.find(name); it != options.renames.end()) {
        name = it->second;
        renames_used.insert(it->first);
      }
      pending.report.name = name;
      pending.report.status = PrepareModel(model, name, pending.report.notes);
      if (pending.report.status.ok() && !names_here.insert(name).second) {
        pending.report.status = Status::InvalidArgument(
            "another model of the source is imported under this name too; give one of them "
            "another name with --rename-map");
      }
      pending.change = ImportModelChange{std::move(model), source_, options.enforce};
      batch.push_back(std::move(pending));
    }
    RETURN_IF_ERROR(PlanBatch(batch));
    if (options.dry_run) RETURN_IF_ERROR(JudgeBatch(ctx, batch));
    for (Pending& pending : batch) {
      if (!options.dry_run && pending.report.status.ok() && Writes(pending.report.plan)) {
        const Status applied = Apply(ctx, pending);
        // The database is gone: every next model would fail the same way. What was imported
        // stays; a second run resumes.
        if (applied.code() == ErrorCode::kTemporarilyUnavailable) return applied;
      }
      Count(pending.report, summary);
      if (on_model) on_model(pending.report);
      if (progress) progress(++done, total);
    }
  }
  for (const auto& [from, to] : options.renames) {
    if (renames_used.count(from) == 0) summary.unused_renames.push_back(from);
  }
  return summary;
}

// One read of this registry for the whole batch: most models of a second run are unchanged and
// need no write transaction at all.
Status RegistryImporter::PlanBatch(std::vector<Pending>& batch) {
  std::vector<std::string> names;
  for (const Pending& pending : batch) {
    if (pending.report.status.ok()) names.push_back(pending.report.name);
  }
  std::vector<ModelSnapshot> found;
  RETURN_IF_ERROR(store_.Read([&](ModelReader& reader) -> Status {
    ASSIGN_OR_RETURN(found, reader.FindSnapshots(names));
    return Status::Ok();
  }));
  std::map<std::string, ModelSnapshot*> by_name;
  for (ModelSnapshot& snapshot : found) by_name[snapshot.model.name] = &snapshot;
  for (Pending& pending : batch) {
    if (!pending.report.status.ok()) continue;
    auto it = by_name.find(pending.report.name);
    if (it != by_name.end()) pending.target = *it->second;
    ModelReport& report = pending.report;
    report.plan = PlanImport(pending.change.snapshot, pending.target);
    report.description = DescribePlan(report.plan, pending.change.snapshot);
    if (report.plan.action == ImportAction::kConflict) {
      report.status = Status::AlreadyExists(report.plan.conflict);
    }
  }
  return Status::Ok();
}

// What the policy would say, on the state the plan was made on; nothing is written.
Status RegistryImporter::JudgeBatch(const CallContext& ctx, std::vector<Pending>& batch) {
  std::vector<std::pair<Pending*, OutsideFacts>> judged;
  for (Pending& pending : batch) {
    if (!pending.report.status.ok() || !Writes(pending.report.plan)) continue;
    ASSIGN_OR_RETURN(OutsideFacts facts, governor_.Prepare(ctx, pending.change));
    judged.emplace_back(&pending, std::move(facts));
  }
  if (judged.empty()) return Status::Ok();
  return store_.Read([&](ModelReader& reader) -> Status {
    for (auto& [pending, facts] : judged) {
      ChangeState state;
      state.snapshot = pending->target;
      if (pending->target) state.model = pending->target->model;
      ASSIGN_OR_RETURN(Verdict verdict,
                       governor_.Judge(ctx, pending->change, state, facts, reader));
      pending->report.findings = std::move(verdict.warnings);
      if (!verdict.denial.ok()) {
        pending->report.status = verdict.denial;
        pending->report.refused = true;
      }
    }
    return Status::Ok();
  });
}

// One unit of work: the model is planned again on its locked rows, so what is written is
// decided on exactly the state it is written to.
Status RegistryImporter::Apply(const CallContext& ctx, Pending& pending) {
  ImportPlan plan;
  const ModelSnapshot& model = pending.change.snapshot;
  Result<Written<ImportPlan>> written = unit_.Run<ImportPlan>(
      ctx, pending.change,
      [&](ModelRows& rows, ChangeState& state) -> Status {
        ASSIGN_OR_RETURN(std::vector<ModelSnapshot> found, rows.FindSnapshots({model.model.name}));
        state.model.reset();
        state.snapshot.reset();
        if (!found.empty()) {
          state.model = found.front().model;
          state.snapshot = std::move(found.front());
        }
        plan = PlanImport(model, state.snapshot);
        if (plan.action == ImportAction::kConflict) return Status::AlreadyExists(plan.conflict);
        return Status::Ok();
      },
      [&](ModelRows& rows, const ChangeState&, int64_t) -> Result<ImportPlan> {
        RETURN_IF_ERROR(WriteModel(rows, model, plan));
        return plan;
      });
  ModelReport& report = pending.report;
  if (!written.ok()) {
    report.status = written.status();
    // The policy's refusal is the one kInvalidParameterValue a prepared model can meet here.
    report.refused = written.status().code() == ErrorCode::kInvalidParameterValue;
    return written.status();
  }
  report.plan = std::move(written->value);
  report.description = DescribePlan(report.plan, model);
  report.findings = std::move(written->warnings);
  return Status::Ok();
}

}  // namespace modelwarden
