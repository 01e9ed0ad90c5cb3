// $.retention: rules that delete or archive old versions. A rule destroys data, so what it
// does is always spelled out: its mode, its action, which models it selects and how many
// versions it keeps; nothing about it has a default that deletes.
#include <set>
#include <string>
#include <utility>

#include "enforcement/policy/policy_loader_sections.h"

namespace modelwarden {
namespace policy_loader {
namespace {

// Non-negative whole numbers a file can hold without overflow in milliseconds.
constexpr int64_t kMaxDays = 100 * 366;
constexpr int64_t kMaxKeep = 1000000;

std::optional<int64_t> ReadCount(PolicyReader& in, const rj::Value& v, const std::string& path,
                                 int64_t max, const char* what) {
  if (!v.IsInt64() || v.GetInt64() < 0 || v.GetInt64() > max) {
    in.Problem(path,
               std::string("a whole number from 0 to ") + std::to_string(max) + " (" + what + ")",
               Describe(v));
    return std::nullopt;
  }
  return v.GetInt64();
}

void ReadModelTag(PolicyReader& in, const rj::Value& t, const std::string& path,
                  RetentionRule& rule) {
  if (!in.CheckObject(t, path, {"key", "value"})) return;
  if (const rj::Value* k = Member(t, "key")) {
    rule.tag_key = in.ReadString(*k, Child(path, "key"), /*non_empty=*/true);
  } else {
    in.Problem(Child(path, "key"), "the registered-model tag a model must have", "nothing");
  }
  if (const rj::Value* value = Member(t, "value")) {
    rule.tag_value = in.ReadString(*value, Child(path, "value"));
  }
}

void ReadStages(PolicyReader& in, const rj::Value& s, const std::string& path,
                RetentionRule& rule) {
  const char* expected =
      "a non-empty array of \"None\" and/or \"Archived\" (versions in Staging and Production "
      "are never touched)";
  if (!s.IsArray() || s.Empty()) {
    in.Problem(path, expected, s.IsArray() ? "[]" : Describe(s));
    return;
  }
  rule.stages.clear();
  std::set<Stage> seen;
  for (rj::SizeType i = 0; i < s.Size(); ++i) {
    std::optional<Stage> stage;
    if (s[i].IsString()) stage = StageFromString(ViewOf(s[i]));
    if (!stage || *stage == Stage::kStaging || *stage == Stage::kProduction) {
      in.Problem(Index(path, i), expected, Describe(s[i]));
    } else if (!seen.insert(*stage).second) {
      in.Problem(Index(path, i), "each stage once", Describe(s[i]));
    } else {
      rule.stages.push_back(*stage);
    }
  }
}

// Like "mode", "action" has no default: a rule says how it destroys.
void ReadAction(PolicyReader& in, const rj::Value* a, const std::string& path,
                RetentionRule& rule) {
  if (a == nullptr) {
    in.Problem(path, "one of \"delete\", \"archive\"", "nothing (a retention rule must say it)");
    return;
  }
  std::optional<int> w = in.ReadWord(*a, path,
                                     {{"delete", static_cast<int>(RetentionAction::kDelete)},
                                      {"archive", static_cast<int>(RetentionAction::kArchive)}},
                                     /*ignore_case=*/false);
  if (w) rule.action = static_cast<RetentionAction>(*w);
}

// What the rule says must hang together.
void CheckRule(PolicyReader& in, const rj::Value& v, const std::string& path,
               const RetentionRule& rule) {
  if (Member(v, "model_pattern") == nullptr && Member(v, "model_tag") == nullptr) {
    in.Problem(path,
               "\"model_pattern\", \"model_tag\" or both (which models the rule cleans up; "
               "\"model_pattern\": \".*\" for every model)",
               "neither");
  }
  if (Member(v, "keep_latest") == nullptr && Member(v, "older_than_days") == nullptr) {
    in.Problem(path,
               "\"keep_latest\", \"older_than_days\" or both (which versions the rule leaves "
               "alone)",
               "neither");
  }
  bool archives_archived = false;
  for (Stage stage : rule.stages) archives_archived |= stage == Stage::kArchived;
  if (rule.action == RetentionAction::kArchive && archives_archived) {
    in.Problem(Child(path, "stages"),
               "only \"None\" for an \"archive\" rule (archiving an Archived version changes "
               "nothing)",
               "\"Archived\"");
  }
}

void ParseRule(PolicyReader& in, const rj::Value& v, const std::string& path, RetentionRule& rule) {
  if (!in.CheckObject(v, path,
                      {"description", "id", "mode", "model_pattern", "model_tag", "include_prompts",
                       "stages", "keep_latest", "older_than_days", "action"})) {
    return;
  }
  in.ReadDescription(v, path);
  if (auto id = in.ReadRuleId(v, path)) rule.id = std::move(*id);
  if (const rj::Value* m = Member(v, "mode")) {
    if (auto mode = in.ReadMode(*m, Child(path, "mode"))) rule.mode = *mode;
  } else {
    in.Problem(Child(path, "mode"), "one of \"off\", \"warn\", \"enforce\"",
               "nothing (a retention rule must say it; \"warn\" only reports)");
  }
  if (const rj::Value* p = Member(v, "model_pattern")) {
    rule.model_pattern = in.ReadPattern(*p, Child(path, "model_pattern"));
  }
  if (const rj::Value* t = Member(v, "model_tag")) {
    ReadModelTag(in, *t, Child(path, "model_tag"), rule);
  }
  if (const rj::Value* p = Member(v, "include_prompts")) {
    if (auto prompts = in.ReadBool(*p, Child(path, "include_prompts"))) {
      rule.include_prompts = *prompts;
    }
  }
  if (const rj::Value* s = Member(v, "stages")) ReadStages(in, *s, Child(path, "stages"), rule);
  if (const rj::Value* k = Member(v, "keep_latest")) {
    rule.keep_latest = ReadCount(in, *k, Child(path, "keep_latest"), kMaxKeep,
                                 "the newest versions per model that stay");
  }
  if (const rj::Value* d = Member(v, "older_than_days")) {
    rule.older_than_days = ReadCount(in, *d, Child(path, "older_than_days"), kMaxDays,
                                     "only versions created longer ago are touched");
  }
  ReadAction(in, Member(v, "action"), Child(path, "action"), rule);
  CheckRule(in, v, path, rule);
}

}  // namespace

void ParseRetention(PolicyReader& in, const rj::Value& v, const std::string& path,
                    std::vector<RetentionRule>& rules) {
  if (!in.CheckObject(v, path, {"description", "rules"})) return;
  in.ReadDescription(v, path);
  const rj::Value* list = Member(v, "rules");
  const std::string rules_path = Child(path, "rules");
  if (list == nullptr || !list->IsArray()) {
    in.Problem(rules_path, "an array of retention rules",
               list == nullptr ? "nothing" : Describe(*list));
    return;
  }
  for (rj::SizeType i = 0; i < list->Size(); ++i) {
    RetentionRule rule;
    ParseRule(in, (*list)[i], Index(rules_path, i), rule);
    rules.push_back(std::move(rule));
  }
}

}  // namespace policy_loader
}  // namespace modelwarden
