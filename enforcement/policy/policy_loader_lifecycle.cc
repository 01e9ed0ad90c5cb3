// $.lifecycle: which stage transitions are allowed, and which aliases stand for a stage.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "enforcement/policy/policy_loader_sections.h"
#include "enforcement/policy/policy_util.h"
#include "registry/validation.h"

namespace modelwarden {
namespace policy_loader {
namespace {

// MLflow's alias rules (mlflow/utils/validation.py, _validate_model_alias_name and
// _validate_model_alias_name_reserved): ^[\w\-]+$, at most 255, not "latest" nor v<digits>.
std::optional<std::string> AliasNameProblem(std::string_view alias) {
  if (alias.empty()) return "an alias name, got an empty name";
  for (char c : alias) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) {
      return "an alias name of letters, digits, \"_\" and \"-\", got " + Quote(alias);
    }
  }
  if (alias.size() > 255) return "an alias name of at most 255 characters, got a longer one";
  if (IsLatestAlias(alias)) {
    return "an alias MLflow lets clients set, got the reserved alias " + Quote(alias) +
           " (it always resolves to the newest version)";
  }
  if (IsVersionAlias(alias)) {
    return "an alias MLflow lets clients set, got the reserved alias " + Quote(alias) +
           " (v<digits> names a version number)";
  }
  return std::nullopt;
}

// $.lifecycle.allowed_transitions: {"<from stage>": ["<to stage>", ...], ...}
void ReadTransitions(PolicyReader& in, const rj::Value& t, const std::string& path,
                     LifecyclePolicy& lifecycle) {
  if (!t.IsObject()) {
    in.Problem(path, "an object from stage to the stages it may move to", Describe(t));
    return;
  }
  std::map<Stage, std::string> seen;  // Stage -> key path, to report "None" and "none".
  for (auto it = t.MemberBegin(); it != t.MemberEnd(); ++it) {
    const std::string key_path = Child(path, ViewOf(it->name));
    std::optional<Stage> from = StageFromString(ViewOf(it->name));
    if (!from) {
      in.Problem(key_path, "a stage name (\"None\", \"Staging\", \"Production\", \"Archived\")",
                 "key " + Quote(ViewOf(it->name)));
      continue;
    }
    if (auto [prev, inserted] = seen.emplace(*from, key_path); !inserted) {
      in.Problem(key_path, "each stage once (stage names are case-insensitive)",
                 "a second entry for " + std::string(StageName(*from)) + " after " + prev->second);
      continue;
    }
    std::vector<Stage>& targets = lifecycle.allowed_transitions[*from];
    if (!it->value.IsArray()) {
      in.Problem(key_path, "an array of stage names (empty: the stage may not be left)",
                 Describe(it->value));
      continue;
    }
    for (rj::SizeType i = 0; i < it->value.Size(); ++i) {
      if (auto to = in.ReadStage(it->value[i], Index(key_path, i), /*promotion_only=*/false)) {
        targets.push_back(*to);
      }
    }
  }
}

// $.lifecycle.alias_stages: {"<alias>": "Staging" or "Production", ...}
void ReadAliasStages(PolicyReader& in, const rj::Value& a, const std::string& path,
                     LifecyclePolicy& lifecycle) {
  if (!a.IsObject()) {
    in.Problem(path, "an object from alias to \"Staging\" or \"Production\"", Describe(a));
    return;
  }
  std::set<std::string_view> seen;
  for (auto it = a.MemberBegin(); it != a.MemberEnd(); ++it) {
    const std::string_view alias = ViewOf(it->name);
    const std::string key_path = Child(path, alias);
    if (!seen.insert(alias).second) {
      in.Problem(key_path, "each alias once", "a duplicate key " + Quote(alias));
      continue;
    }
    if (std::optional<std::string> problem = AliasNameProblem(alias)) {
      in.ProblemExpecting(key_path, *problem);
      continue;
    }
    if (auto stage = in.ReadStage(it->value, key_path, /*promotion_only=*/true)) {
      lifecycle.alias_stages[std::string(alias)] = *stage;
    }
  }
}

}  // namespace

void ParseLifecycle(PolicyReader& in, const rj::Value& v, const std::string& path,
                    LifecyclePolicy& lifecycle) {
  if (!in.CheckObject(v, path, {"description", "mode", "allowed_transitions", "alias_stages"})) {
    return;
  }
  in.ReadDescription(v, path);
  lifecycle.mode = RuleMode::kEnforce;  // A lifecycle section that is present is meant to apply.
  if (const rj::Value* m = Member(v, "mode")) {
    if (auto mode = in.ReadMode(*m, Child(path, "mode"))) lifecycle.mode = *mode;
  }
  if (const rj::Value* t = Member(v, "allowed_transitions")) {
    ReadTransitions(in, *t, Child(path, "allowed_transitions"), lifecycle);
  }
  if (const rj::Value* a = Member(v, "alias_stages")) {
    ReadAliasStages(in, *a, Child(path, "alias_stages"), lifecycle);
  }
}

}  // namespace policy_loader
}  // namespace modelwarden
