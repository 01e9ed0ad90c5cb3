// Model cards: markdown documents attached to a model version, and the sections a lifecycle
// stage requires of them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "enforcement/policy/check.h"
#include "enforcement/policy/policy.h"

namespace modelwarden {

// The titles of the markdown headings (#, ##, ...) that have some non-blank text under them
// before the next heading, trimmed, in document order.
std::vector<std::string> FilledSections(std::string_view markdown);

// The sections of `required` (compared case-insensitively) that `markdown` lacks.
std::vector<std::string> MissingSections(std::string_view markdown,
                                         const std::vector<std::string>& required);

struct ModelCard {
  std::string markdown;
  std::string origin;  // "card" (the modelwarden.model_card tag), "description" or "none".
};

// The card the policy will judge: the card tag, or the description when the policy accepts it
// and it covers more of `required`.
ModelCard FindModelCard(const ModelVersion& version, const ModelCardPolicy& policy,
                        const std::vector<std::string>& required);

// Sections required before `stage` (Staging's, plus Production's for Production, plus the
// high-risk extras when the model's risk tag says so).
std::vector<std::string> RequiredSections(const ModelCardPolicy& policy, Stage stage,
                                          const RegisteredModel& model);

std::vector<CheckResult> CheckModelCard(const ModelCardPolicy& policy, Stage stage,
                                        const RegisteredModel& model, const ModelVersion& version);

}  // namespace modelwarden
