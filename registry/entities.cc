#include "registry/entities.h"

#include <cctype>

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

}  // namespace modelwarden
