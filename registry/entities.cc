#include "registry/entities.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

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
    std::string_view canonical = StageName(stage);
    if (canonical.size() != name.size()) continue;
    bool equal = true;
    for (size_t i = 0; i < name.size() && equal; ++i) {
      equal = std::tolower(static_cast<unsigned char>(name[i])) ==
              std::tolower(static_cast<unsigned char>(canonical[i]));
    }
    if (equal) return stage;
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

}  // namespace modelwarden
