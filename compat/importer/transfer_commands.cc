#include "compat/importer/transfer_commands.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "compat/importer/progress_meter.h"
#include "compat/importer/registry_backup.h"
#include "compat/importer/rename_map.h"
#include "compat/importer/rest_registry_source.h"
#include "enforcement/access/access_control.h"
#include "enforcement/enforcing_governor.h"
#include "enforcement/policy/policy_holder.h"
#include "enforcement/policy/rename_suggestion.h"
#include "registry/clock.h"
#include "registry/registry_importer.h"
#include "registry/sql/mlflow_database_source.h"
#include "registry/store_factory.h"
#include "registry/store_source.h"

namespace modelwarden {
namespace {

constexpr int kExitIncomplete = 1;
constexpr int kExitUnusable = 2;

int Fail(const std::string& what, const Status& status) {
  std::fprintf(stderr, "modelwarden: %s: %s\n", what.c_str(), status.ToString().c_str());
  return kExitUnusable;
}

// `dry_run`: a SQLite file that does not exist yet is not created; the plan is made against an
// empty registry in memory, which is what the file would start as.
Result<Stores> OpenTarget(const ServerOptions& options, bool dry_run = false) {
  StoreOptions store;
  store.uri = options.backend_store_uri;
  if (dry_run && IsNewSqliteFile(store.uri)) store.uri = "sqlite:///:memory:";
  store.pool_size = 2;
  store.pool_wait_timeout_ms = options.pool_wait_timeout_ms;
  store.sqlite_cache_bytes = int64_t{options.sqlite_cache_mb} * 1024 * 1024;
  return OpenStores(store);
}

Result<std::unique_ptr<RegistrySource>> OpenSource(const TransferOptions& t) {
  if (!t.from_db.empty()) return OpenMlflowDatabase({t.from_db, t.workspace});
  if (!t.from_file.empty()) return OpenRegistryBackup(t.from_file);
  RestSourceOptions rest;
  rest.url = t.from_url;
  rest.username = t.source_username;
  rest.password = t.source_password;
  rest.token = t.source_token;
  return OpenRestRegistry(rest);
}

std::string Verb(const ModelReport& report, bool dry_run) {
  if (report.refused) return dry_run ? "would be refused" : "refused";
  if (report.status.code() == ErrorCode::kResourceAlreadyExists) return "conflict";
  if (!report.status.ok()) return "failed";
  const bool create = report.plan.action == ImportAction::kCreate;
  if (dry_run) return create ? "would create" : "would update";
  return create ? "created" : "updated";
}

// One line per model that is or would be written, or is not imported, with the policy's
// findings and the import's notes under it. Models already as in the source are only counted.
void PrintReport(const ModelReport& report, bool dry_run, ProgressMeter& meter) {
  if (report.status.ok() && report.plan.action == ImportAction::kUnchanged) return;
  std::string line = Verb(report, dry_run) + " " + report.name;
  if (report.name != report.source_name) line += " (from '" + report.source_name + "')";
  line += ": " + (report.status.ok() ? report.description : report.status.message());
  meter.Print(line);
  for (const std::string& note : report.notes) meter.Print("  note: " + note);
  for (const std::string& finding : report.findings) meter.Print("  " + finding);
}

// How many models break each rule, for the tally that closes the report: with thousands of
// models the per-model lines scroll away, and a migrating team plans its work rule by rule.
class RuleTally {
 public:
  // `findings` as ModelReport documents them: "[rule] (enforce|warn) <where>: ...".
  void Add(const std::vector<std::string>& findings) {
    std::set<std::string> rules;
    for (const std::string& finding : findings) {
      const size_t end = finding.find(") ");
      if (finding.empty() || finding[0] != '[' || end == std::string::npos) continue;
      const std::string rule = finding.substr(0, end + 1);
      ++findings_[rule];
      if (rules.insert(rule).second) ++models_[rule];
    }
  }

  // Enforced rules first, then by the number of models, most first.
  void Print() const {
    if (models_.empty()) return;
    std::vector<std::pair<std::string, int64_t>> rows(models_.begin(), models_.end());
    auto enforced = [](const std::string& rule) {
      return rule.find("(enforce)") != std::string::npos;
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
      if (enforced(a.first) != enforced(b.first)) return enforced(a.first);
      return a.second > b.second;
    });
    std::printf("the policy's findings by rule:\n");
    for (const auto& [rule, models] : rows) {
      std::printf("  %s: %lld %s, %lld %s\n", rule.c_str(), static_cast<long long>(models),
                  models == 1 ? "model" : "models", static_cast<long long>(findings_.at(rule)),
                  findings_.at(rule) == 1 ? "finding" : "findings");
    }
  }

 private:
  std::map<std::string, int64_t> models_;
  std::map<std::string, int64_t> findings_;
};

void PrintSummary(const ImportSummary& s, bool dry_run, double seconds) {
  const char* would = dry_run ? "would be " : "";
  std::printf(
      "%lld models read: %lld %screated, %lld %supdated, %lld already as in the source, %lld "
      "conflicts, %lld %srefused, %lld failed; %lld versions %swritten",
      static_cast<long long>(s.models), static_cast<long long>(s.created), would,
      static_cast<long long>(s.updated), would, static_cast<long long>(s.unchanged),
      static_cast<long long>(s.conflicts), static_cast<long long>(s.refused), would,
      static_cast<long long>(s.failed), static_cast<long long>(s.versions_written), would);
  if (s.models_with_findings > 0) {
    std::printf("; the policy reports on %lld models",
                static_cast<long long>(s.models_with_findings));
  }
  std::printf(" (%.1f s)\n", seconds);
  for (const std::string& name : s.unused_renames) {
    std::printf("note: the rename map names '%s', which the source does not have\n", name.c_str());
  }
}

// --suggest-renames: reads the source, writes old,new for every name the naming rule refuses.
int SuggestRenames(RegistrySource& source, const Policy& policy, ModelStore& store,
                   const std::string& path) {
  std::vector<ModelSnapshot> models;
  while (true) {
    Result<std::vector<ModelSnapshot>> batch = source.Next(1000);
    if (!batch.ok()) return Fail("cannot read " + source.Describe(), batch.status());
    if (batch->empty()) break;
    for (ModelSnapshot& m : *batch) models.push_back(std::move(m));
  }
  std::set<std::string> taken;
  for (const ModelSnapshot& m : models) taken.insert(m.model.name);
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> unsolved;
  for (const ModelSnapshot& m : models) {
    const bool prompt = IsPrompt(m.model.tags);
    if (FitsNamingRule(policy.naming, m.model.name, prompt)) continue;
    std::optional<std::string> name =
        SuggestName(policy.naming, m.model.name, prompt, [&](const std::string& candidate) {
          if (taken.count(candidate) != 0) return true;
          bool exists = false;
          store.Read([&](ModelReader& reader) -> Status {
            ASSIGN_OR_RETURN(exists, reader.ModelExists(candidate));
            return Status::Ok();
          });
          return exists;
        });
    if (!name) {
      unsolved.push_back(m.model.name);
      continue;
    }
    taken.insert(*name);
    pairs.emplace_back(m.model.name, *name);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << FormatRenameMap(pairs);
  if (!out.flush()) return Fail("cannot write " + path, Status::InvalidArgument("write failed"));
  std::printf("%zu of %zu names do not fit the naming rule; %zu suggestions written to %s\n",
              pairs.size() + unsolved.size(), models.size(), pairs.size(), path.c_str());
  for (const std::string& name : unsolved) {
    std::printf("no suggestion for '%s': add a line for it by hand\n", name.c_str());
  }
  return 0;
}

}  // namespace

int RunImport(const ServerOptions& options, const TransferOptions& transfer) {
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<PolicyHolder> policy = std::make_unique<PolicyHolder>();
  if (!options.policy_file.empty()) {
    // A policy with run checks loads; with no tracker to ask, those checks fail and say so.
    PolicyLoadOptions load;
    load.tracker_configured = true;
    auto loaded = PolicyHolder::Load(options.policy_file, load);
    if (!loaded.ok()) return Fail("bad policy", loaded.status());
    policy = std::move(*loaded);
  }
  ImportOptions import;
  if (!transfer.rename_map.empty()) {
    Result<std::map<std::string, std::string>> renames = ReadRenameMap(transfer.rename_map);
    if (!renames.ok()) return Fail("bad rename map", renames.status());
    import.renames = std::move(*renames);
  }
  import.dry_run = transfer.dry_run;
  import.enforce = transfer.enforce;
  Result<Stores> stores =
      OpenTarget(options, transfer.dry_run || !transfer.suggest_renames.empty());
  if (!stores.ok()) {
    return Fail("cannot open backend store " + MaskStoreUri(options.backend_store_uri),
                stores.status());
  }
  std::fprintf(stderr, "modelwarden import: reading the source...\n");
  Result<std::unique_ptr<RegistrySource>> source = OpenSource(transfer);
  if (!source.ok()) return Fail("cannot read the source", source.status());
  std::fprintf(stderr, "modelwarden import: %s into %s%s\n", (*source)->Describe().c_str(),
               MaskStoreUri(options.backend_store_uri).c_str(),
               transfer.dry_run ? " (dry run: nothing is written)" : "");
  if (!transfer.suggest_renames.empty()) {
    return SuggestRenames(**source, *policy->Current(), *stores->models, transfer.suggest_renames);
  }

  SystemClock clock;
  AccessControl access(*stores->auth, clock, AuthOptions{}, stores->models.get());
  EnforcingGovernor governor(*policy, access, *stores->models);
  RegistryImporter importer(*stores->models, governor, clock);
  CallContext ctx;
  ctx.request_id = "import-" + std::to_string(clock.NowMillis());
  ctx.principal = Principal::System("import");
  ctx.client_address = "cli";
  ProgressMeter meter("models", stderr, ProgressMeter::IsTerminal(stderr));
  RuleTally tally;
  Result<ImportSummary> summary = importer.Run(
      ctx, **source, import,
      [&](const ModelReport& report) {
        PrintReport(report, transfer.dry_run, meter);
        tally.Add(report.findings);
      },
      [&](int64_t done, std::optional<int64_t> total) { meter.Update(done, total); });
  meter.Clear();
  for (const std::string& note : (*source)->Notes()) std::printf("note: %s\n", note.c_str());
  if (!summary.ok()) {
    std::fprintf(stderr,
                 "modelwarden: the import stopped: %s\nThe models listed above are imported "
                 "whole; run the same command again to import the rest.\n",
                 summary.status().ToString().c_str());
    return kExitUnusable;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  tally.Print();
  PrintSummary(*summary, transfer.dry_run, seconds);
  const bool complete = summary->conflicts + summary->refused + summary->failed == 0;
  return complete ? 0 : kExitIncomplete;
}

int RunExport(const ServerOptions& options, const TransferOptions& transfer) {
  const auto started = std::chrono::steady_clock::now();
  Result<Stores> stores = OpenTarget(options);
  if (!stores.ok()) {
    return Fail("cannot open backend store " + MaskStoreUri(options.backend_store_uri),
                stores.status());
  }
  Result<std::unique_ptr<RegistrySource>> source =
      OpenStoreSource(*stores->models, "modelwarden " + MaskStoreUri(options.backend_store_uri));
  if (!source.ok()) return Fail("cannot read the store", source.status());
  SystemClock clock;
  ProgressMeter meter("models", stderr, ProgressMeter::IsTerminal(stderr));
  Result<ExportSummary> summary = ExportRegistry(
      **source, transfer.to_file, clock.NowMillis(),
      [&](int64_t done, std::optional<int64_t> total) { meter.Update(done, total); });
  meter.Clear();
  if (!summary.ok()) return Fail("export failed", summary.status());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%lld models and %lld versions exported to %s (%.1f s)\n",
              static_cast<long long>(summary->models), static_cast<long long>(summary->versions),
              transfer.to_file.c_str(), seconds);
  return 0;
}

}  // namespace modelwarden
