#include "registry/import_plan.h"

#include <map>

namespace modelwarden {
namespace {

std::string Plural(size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string NumberList(const std::vector<int64_t>& numbers) {
  constexpr size_t kShown = 10;
  std::string out;
  for (size_t i = 0; i < numbers.size() && i < kShown; ++i) {
    out += (i == 0 ? "" : ", ") + std::to_string(numbers[i]);
  }
  if (numbers.size() > kShown) out += " and " + std::to_string(numbers.size() - kShown) + " more";
  return out;
}

std::string Versions(const std::vector<int64_t>& numbers) {
  return (numbers.size() == 1 ? "version " : "versions ") + NumberList(numbers);
}

}  // namespace

std::string_view ImportActionName(ImportAction action) {
  switch (action) {
    case ImportAction::kCreate:
      return "create";
    case ImportAction::kUpdate:
      return "update";
    case ImportAction::kUnchanged:
      return "unchanged";
    case ImportAction::kConflict:
      return "conflict";
  }
  return "unchanged";
}

// A model's creation time and its versions' creation times say whose history it is: an import
// keeps them, so a model imported before matches them, and one created here does not.
ImportPlan PlanImport(const ModelSnapshot& source, const std::optional<ModelSnapshot>& target) {
  ImportPlan plan;
  if (!target) {
    plan.action = ImportAction::kCreate;
    plan.model_changed = true;
    plan.aliases_changed = !source.model.aliases.empty();
    for (const VersionSnapshot& v : source.versions) plan.new_versions.push_back(v.version.version);
    return plan;
  }
  if (target->model.creation_timestamp != source.model.creation_timestamp) {
    plan.action = ImportAction::kConflict;
    plan.conflict = "another model of this name is here (created at " +
                    std::to_string(target->model.creation_timestamp) + ", the source's at " +
                    std::to_string(source.model.creation_timestamp) +
                    "); import it under another name with --rename-map";
    return plan;
  }
  std::map<int64_t, const VersionSnapshot*> here;
  for (const VersionSnapshot& v : target->versions) here[v.version.version] = &v;
  for (const VersionSnapshot& v : source.versions) {
    auto it = here.find(v.version.version);
    if (it == here.end()) {
      plan.new_versions.push_back(v.version.version);
      continue;
    }
    const VersionSnapshot& mine = *it->second;
    here.erase(it);
    if (!v.deleted && !mine.deleted &&
        mine.version.creation_timestamp != v.version.creation_timestamp) {
      plan = ImportPlan{};
      plan.action = ImportAction::kConflict;
      plan.conflict = "version " + std::to_string(v.version.version) + " here was created at " +
                      std::to_string(mine.version.creation_timestamp) + ", the source's at " +
                      std::to_string(v.version.creation_timestamp) +
                      ": another history; import it under another name with --rename-map";
      return plan;
    }
    if (!SameVersion(v, mine)) plan.changed_versions.push_back(v.version.version);
  }
  for (const auto& [number, v] : here) plan.kept_versions.push_back(number);
  RegisteredModel mine = target->model;
  mine.aliases = source.model.aliases;
  plan.model_changed = !SameModelFields(source.model, mine);
  mine = source.model;
  mine.aliases = target->model.aliases;
  plan.aliases_changed = !SameModelFields(source.model, mine);
  const bool same = !plan.model_changed && !plan.aliases_changed && plan.new_versions.empty() &&
                    plan.changed_versions.empty();
  plan.action = same ? ImportAction::kUnchanged : ImportAction::kUpdate;
  return plan;
}

std::string DescribePlan(const ImportPlan& plan, const ModelSnapshot& source) {
  switch (plan.action) {
    case ImportAction::kConflict:
      return plan.conflict;
    case ImportAction::kUnchanged:
      return "as in the source";
    case ImportAction::kCreate: {
      size_t deleted = 0;
      for (const VersionSnapshot& v : source.versions) deleted += v.deleted ? 1 : 0;
      std::string out = Plural(source.versions.size(), "version");
      if (deleted > 0) out += " (" + std::to_string(deleted) + " deleted)";
      out += ", " + Plural(source.model.tags.size(), "tag");
      const size_t aliases = source.model.aliases.size();
      return out + ", " + std::to_string(aliases) + (aliases == 1 ? " alias" : " aliases");
    }
    case ImportAction::kUpdate:
      break;
  }
  std::vector<std::string> parts;
  if (!plan.new_versions.empty()) parts.push_back(Versions(plan.new_versions) + " new");
  if (!plan.changed_versions.empty()) parts.push_back(Versions(plan.changed_versions) + " changed");
  if (plan.model_changed) parts.push_back("model fields changed");
  if (plan.aliases_changed) parts.push_back("aliases changed");
  if (!plan.kept_versions.empty()) {
    parts.push_back(Versions(plan.kept_versions) + " only here, kept");
  }
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

}  // namespace modelwarden
