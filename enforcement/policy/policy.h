// Policy: the platform admins' rules as plain data, loaded from one JSON file
// (policy_loader.h) and evaluated on every registry change (enforcing_registry.h).
// Immutable once loaded; shared read-only between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/entities.h"
#include "registry/regex.h"

namespace modelwarden {

// What a failed check does: off (not evaluated), warn (allowed, recorded, returned in the
// X-Modelwarden-Warnings header), enforce (denied with INVALID_PARAMETER_VALUE).
enum class RuleMode { kOff, kWarn, kEnforce };

// The lifecycle points a requirement attaches to. Registration = creating a registered model
// or a model version (and renaming, for naming rules); Staging/Production = moving a version
// into that stage, or setting an alias the lifecycle maps to it.
enum class Checkpoint { kRegistration, kStaging, kProduction };

// A regular expression with the text it was compiled from (for messages and reports).
struct Pattern {
  std::string text;
  Regex regex;  // RE2 syntax; must match the WHOLE value (Regex::FullMatch).
};

struct NamingPolicy {
  RuleMode mode = RuleMode::kOff;
  std::optional<Pattern> pattern;  // e.g. ^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$
  size_t min_length = 1;
  size_t max_length = 256;
  std::vector<std::string> reserved_prefixes;  // e.g. "mlflow.", "tmp."
  std::string hint;                            // Shown in the denial, e.g. "<project>.<model>".
  // Prompts (tag mlflow.prompt.is_prompt = "true") follow MLflow's own naming: the pattern is
  // not applied to them; '/', reserved prefixes and lengths still are.
  bool exempt_prompts = true;
};

enum class MetadataTarget { kModelTag, kVersionTag, kModelDescription, kVersionDescription };

// One mandatory piece of metadata, e.g. model tag "owner" before Production.
struct MetadataRequirement {
  std::string id;  // Rule id shown in messages: [owner-tag] ...
  RuleMode mode = RuleMode::kEnforce;
  MetadataTarget target = MetadataTarget::kModelTag;
  std::string key;                          // Tags only.
  std::vector<Checkpoint> applies_at;       // Non-empty.
  std::vector<std::string> allowed_values;  // Empty: any value.
  std::optional<Pattern> pattern;           // Value must match.
  std::optional<double> min;                // Value must parse as a number >= min.
  std::optional<double> max;                // ... and <= max.
  std::string hint;                         // How to fix it.
};

// Sections a model card must have before a stage. A card is markdown: the version's card
// (tag modelwarden.model_card, set through the card endpoint) or, when accept_description is
// true, the version description if that has the sections.
struct ModelCardPolicy {
  RuleMode mode = RuleMode::kOff;
  std::vector<std::string> staging_sections;     // Heading titles, compared case-insensitively.
  std::vector<std::string> production_sections;  // Checked in addition to staging_sections.
  bool accept_description = true;
  // More sections when the registered model's `tag_key` tag has one of `values`
  // (e.g. risk_level in {high, critical}).
  struct RiskRule {
    std::string tag_key;
    std::vector<std::string> values;
    std::vector<std::string> extra_sections;
  };
  std::optional<RiskRule> high_risk;
};

struct LifecyclePolicy {
  RuleMode mode = RuleMode::kOff;
  // from -> the stages it may move to. Empty map: any transition. A stage missing from a
  // non-empty map may not be left.
  std::map<Stage, std::vector<Stage>> allowed_transitions;
  // Aliases that stand for a stage: setting `champion` runs the Production checks.
  std::map<std::string, Stage> alias_stages;
};

enum class GateComparator { kGreaterEqual, kGreater, kLessEqual, kLess, kEqual };

// Gate metrics with this prefix are read from the version's run on the tracking server
// (run.metrics.val_auc: the latest value of the run's metric val_auc), not from its tags.
inline constexpr std::string_view kRunMetricsPrefix = "run.metrics.";

inline bool ReadsRunMetric(const std::string& metric) {
  return metric.compare(0, kRunMetricsPrefix.size(), kRunMetricsPrefix) == 0;
}

// A promotion quality gate on a numeric metric read from the version's tags or its run.
struct QualityGate {
  std::string id;
  RuleMode mode = RuleMode::kEnforce;
  Stage stage = Stage::kProduction;  // Staging or Production.
  // Version tag key, e.g. "metrics.auc", or run.metrics.<key> (needs a tracking upstream).
  std::string metric;
  // Threshold gate: metric <op> threshold.
  std::optional<GateComparator> comparator;
  double threshold = 0;
  // Regression gate: not worse than the version currently holding the stage (or the alias
  // being set) by more than max_regression (absolute).
  std::optional<double> max_regression;
  bool higher_is_better = true;
};

// The run a new version comes from (its run_id, or the run of a runs:/ source), checked on
// the tracking server at registration. Needs a tracking upstream.
struct RunPolicy {
  RuleMode mode = RuleMode::kOff;
  // Every version that is not a prompt must name a run; otherwise a version without one passes.
  bool require_run = false;
};

// A four-eyes rule: moving a version of a matching model into one of `stages` (or setting an
// alias the lifecycle maps to one) waits until a second person with PROMOTE approves it.
struct ApprovalRule {
  std::string id;
  RuleMode mode = RuleMode::kEnforce;    // warn: the move is made, with a warning.
  std::vector<Stage> stages;             // Staging and/or Production.
  bool aliases = true;                   // Aliases that stand for one of `stages` too.
  std::optional<Pattern> model_pattern;  // The whole model name must match; unset: every model.
};

struct ApprovalsPolicy {
  int64_t expires_after_hours = 72;  // An undecided approval expires after this long.
  std::vector<ApprovalRule> rules;
};

enum class RetentionAction { kDelete, kArchive };

// A retention rule: of the versions of the models it selects that are in `stages`, the newest
// `keep_latest` stay; the others are deleted (soft, as MLflow) or archived once older than
// `older_than_days`. Never touched whatever the rule: versions holding an alias, in Staging or
// Production, named by a pending approval, or created in the last hour.
struct RetentionRule {
  std::string id;
  RuleMode mode = RuleMode::kEnforce;  // warn: reported by plan and apply, never changed.
  // Which models: the name matches (whole name) and/or the model has the tag (with the value,
  // when one is given). At least one of the two.
  std::optional<Pattern> model_pattern;
  std::optional<std::string> tag_key;
  std::optional<std::string> tag_value;
  bool include_prompts = false;                // Prompts (tag mlflow.prompt.is_prompt) are skipped.
  std::vector<Stage> stages = {Stage::kNone};  // None and/or Archived.
  std::optional<int64_t> keep_latest;          // At least one of these two.
  std::optional<int64_t> older_than_days;
  RetentionAction action = RetentionAction::kDelete;
};

struct Policy {
  std::string source;  // The file it came from, for messages.
  NamingPolicy naming;
  std::vector<MetadataRequirement> requirements;
  ModelCardPolicy model_card;
  LifecyclePolicy lifecycle;
  std::vector<QualityGate> gates;
  RunPolicy runs;
  ApprovalsPolicy approvals;
  std::vector<RetentionRule> retention;  // In file order: the first rule that acts on a version.
};

// The version tag that holds a model card.
inline constexpr char kModelCardTagKey[] = "modelwarden.model_card";

}  // namespace modelwarden
