#include "registry/approval.h"

#include <algorithm>
#include <ctime>
#include <vector>

#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr ApprovalStatus kAllStatuses[] = {ApprovalStatus::kPending,    ApprovalStatus::kApproved,
                                           ApprovalStatus::kRejected,   ApprovalStatus::kCancelled,
                                           ApprovalStatus::kFailed,     ApprovalStatus::kExpired,
                                           ApprovalStatus::kInvalidated};

// Each field with its length first, so that no two different versions serialise alike.
void AppendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out.append(field.data(), field.size());
  out += ';';
}

}  // namespace

std::string_view ApprovalStatusName(ApprovalStatus status) {
  switch (status) {
    case ApprovalStatus::kPending:
      return "pending";
    case ApprovalStatus::kApproved:
      return "approved";
    case ApprovalStatus::kRejected:
      return "rejected";
    case ApprovalStatus::kCancelled:
      return "cancelled";
    case ApprovalStatus::kFailed:
      return "failed";
    case ApprovalStatus::kExpired:
      return "expired";
    case ApprovalStatus::kInvalidated:
      return "invalidated";
  }
  return "pending";
}

std::optional<ApprovalStatus> ParseApprovalStatus(std::string_view name) {
  for (ApprovalStatus status : kAllStatuses) {
    if (ApprovalStatusName(status) == name) return status;
  }
  return std::nullopt;
}

std::string DescribeMove(const ApprovalMove& move) {
  const std::string version = "version " + std::to_string(move.version);
  if (move.stage) {
    return "moving '" + move.name + "' " + version + " to " + std::string(StageName(*move.stage)) +
           (move.archive_existing_versions ? " (archiving the versions there)" : "");
  }
  return "setting alias '" + move.alias + "' of '" + move.name + "' to " + version;
}

std::string VersionFingerprint(const ModelVersion& version) {
  std::string text;
  AppendField(text, std::to_string(version.creation_timestamp));
  AppendField(text, version.source);
  AppendField(text, version.run_id.value_or(""));
  AppendField(text, version.description ? "d" + *version.description : "-");
  std::vector<Tag> tags = version.tags;
  std::sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) { return a.key < b.key; });
  for (const Tag& tag : tags) {
    AppendField(text, tag.key);
    AppendField(text, tag.value);
  }
  return Sha256Hex(text);
}

ApprovalStatus EffectiveStatus(const Approval& approval, int64_t now) {
  if (approval.status == ApprovalStatus::kPending && now >= approval.expiration_timestamp) {
    return ApprovalStatus::kExpired;
  }
  return approval.status;
}

std::string FormatUtc(int64_t millis) {
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace modelwarden
