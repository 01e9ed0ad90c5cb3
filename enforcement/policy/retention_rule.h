// Retention rules: whether a rule of the policy deletes or archives one version, and why. The
// same functions decide for the plan (enforcement/lifecycle/retention_planner.h) and, again
// on the locked state, for the unit of work that makes the change (the governor), so that a
// plan lists exactly what applying it changes. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enforcement/policy/policy.h"
#include "registry/entities.h"

namespace modelwarden {

// Versions created this recently are never touched (their registration may still be going on).
inline constexpr int64_t kRetentionGraceMs = 3600 * 1000;

// "delete", "archive".
std::string_view RetentionActionName(RetentionAction action);
// "deleted", "archived".
std::string_view RetentionActionDone(RetentionAction action);

// Whether `rule` covers the model `name` with `tags`: its name pattern, its tag, and prompts
// only when the rule includes them.
bool RetentionSelects(const RetentionRule& rule, const std::string& name,
                      const std::vector<Tag>& tags);

// What protects a version from every rule, e.g. "holds alias champion", "is in Production",
// "is named by a pending approval", "was created less than an hour ago"; nullopt when nothing.
std::optional<std::string> RetentionProtection(Stage stage, const std::vector<std::string>& aliases,
                                               bool pending_approval, int64_t creation_timestamp,
                                               int64_t now);

// The facts a rule reads of one version.
struct RetentionFacts {
  Stage stage = Stage::kNone;
  int64_t creation_timestamp = 0;
  // Live versions of the model with a higher number in one of the rule's stages.
  int64_t newer_in_stages = 0;
};

// Why `rule` changes the version, e.g. "3 newer versions in None; created
// 2025-01-02T10:00:00Z, 95 days ago", or nullopt when the rule keeps it (another stage, among
// the newest keep_latest, or not older than older_than_days). Protections are not looked at.
std::optional<std::string> RetentionReason(const RetentionRule& rule, const RetentionFacts& facts,
                                           int64_t now);

}  // namespace modelwarden
