#include "registry/entities.h"

#include <algorithm>
#include <unordered_map>

#include "registry/text.h"

namespace modelwarden {

std::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kNone:
      return "None";
    case Stage::kStaging:
      return "Staging";
    case Stage::kProduction:
      return "Production";
    case Stage::kArchived:
      return "Archived";
  }
  return "None";
}

std::optional<Stage> StageFromString(std::string_view name) {
  for (Stage stage : kAllStages) {
    if (EqualsIgnoreAsciiCase(name, StageName(stage))) return stage;
  }
  return std::nullopt;
}

std::string_view VersionStatusName(VersionStatus status) {
  switch (status) {
    case VersionStatus::kPendingRegistration:
      return "PENDING_REGISTRATION";
    case VersionStatus::kFailedRegistration:
      return "FAILED_REGISTRATION";
    case VersionStatus::kReady:
      return "READY";
  }
  return "READY";
}

std::optional<VersionStatus> VersionStatusFromString(std::string_view name) {
  for (VersionStatus status : {VersionStatus::kPendingRegistration,
                               VersionStatus::kFailedRegistration, VersionStatus::kReady}) {
    if (name == VersionStatusName(status)) return status;
  }
  return std::nullopt;
}

std::vector<Tag> LastValuePerKey(const std::vector<Tag>& tags) {
  std::vector<Tag> out;
  std::unordered_map<std::string, size_t> position;
  for (const Tag& tag : tags) {
    auto [it, added] = position.emplace(tag.key, out.size());
    if (added) {
      out.push_back(tag);
    } else {
      out[it->second].value = tag.value;
    }
  }
  return out;
}

bool IsPrompt(const std::vector<Tag>& tags) {
  return std::any_of(tags.begin(), tags.end(),
                     [](const Tag& t) { return t.key == kIsPromptTagKey && t.value == "true"; });
}

bool HasPromptTagKey(const std::vector<Tag>& tags) {
  return std::any_of(tags.begin(), tags.end(),
                     [](const Tag& t) { return t.key == kIsPromptTagKey; });
}

std::string_view CheckOutcomeName(CheckOutcome outcome) {
  switch (outcome) {
    case CheckOutcome::kPassed:
      return "passed";
    case CheckOutcome::kFailed:
      return "failed";
    case CheckOutcome::kWarned:
      return "warned";
  }
  return "failed";
}

std::optional<CheckOutcome> ParseCheckOutcome(std::string_view name) {
  for (CheckOutcome o : {CheckOutcome::kPassed, CheckOutcome::kFailed, CheckOutcome::kWarned}) {
    if (CheckOutcomeName(o) == name) return o;
  }
  return std::nullopt;
}

std::string_view AuditOutcomeName(AuditOutcome outcome) {
  switch (outcome) {
    case AuditOutcome::kAllowed:
      return "allowed";
    case AuditOutcome::kWarned:
      return "warned";
    case AuditOutcome::kPending:
      return "pending";
    case AuditOutcome::kDenied:
      return "denied";
  }
  return "denied";
}

std::optional<AuditOutcome> ParseAuditOutcome(std::string_view name) {
  for (AuditOutcome o : {AuditOutcome::kAllowed, AuditOutcome::kWarned, AuditOutcome::kDenied,
                         AuditOutcome::kPending}) {
    if (AuditOutcomeName(o) == name) return o;
  }
  return std::nullopt;
}

}  // namespace modelwarden
