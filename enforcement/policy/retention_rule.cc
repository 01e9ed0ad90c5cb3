#include "enforcement/policy/retention_rule.h"

#include <algorithm>

#include "enforcement/policy/policy_util.h"
#include "registry/approval.h"

namespace modelwarden {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

std::string StagesText(const std::vector<Stage>& stages) {
  std::string out;
  for (size_t i = 0; i < stages.size(); ++i) {
    out += (i == 0 ? "" : (i + 1 == stages.size() ? " or " : ", ")) +
           std::string(StageName(stages[i]));
  }
  return out;
}

}  // namespace

std::string_view RetentionActionName(RetentionAction action) {
  return action == RetentionAction::kArchive ? "archive" : "delete";
}

std::string_view RetentionActionDone(RetentionAction action) {
  return action == RetentionAction::kArchive ? "archived" : "deleted";
}

bool RetentionSelects(const RetentionRule& rule, const std::string& name,
                      const std::vector<Tag>& tags) {
  if (rule.mode == RuleMode::kOff) return false;
  if (!rule.include_prompts && IsPrompt(tags)) return false;
  if (rule.model_pattern && !rule.model_pattern->regex.FullMatch(name)) return false;
  if (rule.tag_key) {
    const std::string* value = FindTag(tags, *rule.tag_key);
    if (value == nullptr || (rule.tag_value && *value != *rule.tag_value)) return false;
  }
  return true;
}

std::optional<std::string> RetentionProtection(Stage stage, const std::vector<std::string>& aliases,
                                               bool pending_approval, int64_t creation_timestamp,
                                               int64_t now) {
  if (!aliases.empty()) {
    std::string list;
    for (const std::string& alias : aliases) list += (list.empty() ? "" : ", ") + alias;
    return std::string(aliases.size() == 1 ? "holds alias " : "holds aliases ") + list;
  }
  if (stage == Stage::kStaging || stage == Stage::kProduction) {
    return "is in " + std::string(StageName(stage));
  }
  if (pending_approval) return std::string("is named by a pending approval");
  if (creation_timestamp > now - kRetentionGraceMs) {
    return std::string("was created less than an hour ago");
  }
  return std::nullopt;
}

std::optional<std::string> RetentionReason(const RetentionRule& rule, const RetentionFacts& facts,
                                           int64_t now) {
  if (std::find(rule.stages.begin(), rule.stages.end(), facts.stage) == rule.stages.end()) {
    return std::nullopt;
  }
  if (rule.keep_latest && facts.newer_in_stages < *rule.keep_latest) return std::nullopt;
  const int64_t age_days = (now - facts.creation_timestamp) / kDayMs;
  if (rule.older_than_days && facts.creation_timestamp > now - *rule.older_than_days * kDayMs) {
    return std::nullopt;
  }
  std::string reason;
  if (rule.keep_latest) {
    reason = std::to_string(facts.newer_in_stages) + " newer version" +
             (facts.newer_in_stages == 1 ? "" : "s") + " in " + StagesText(rule.stages) +
             " (keeps " + std::to_string(*rule.keep_latest) + "); ";
  }
  return reason + "created " + FormatUtc(facts.creation_timestamp) + ", " +
         std::to_string(age_days) + " day" + (age_days == 1 ? "" : "s") + " ago" +
         (rule.older_than_days ? " (older than " + std::to_string(*rule.older_than_days) + ")"
                               : "");
}

}  // namespace modelwarden
