#include "registry/model_snapshot.h"

#include <algorithm>
#include <tuple>

namespace modelwarden {
namespace {

std::vector<Tag> Sorted(std::vector<Tag> tags) {
  std::sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) {
    return std::tie(a.key, a.value) < std::tie(b.key, b.value);
  });
  return tags;
}

std::vector<ModelVersionAlias> Sorted(std::vector<ModelVersionAlias> aliases) {
  std::sort(aliases.begin(), aliases.end(),
            [](const ModelVersionAlias& a, const ModelVersionAlias& b) {
              return std::tie(a.alias, a.version) < std::tie(b.alias, b.version);
            });
  return aliases;
}

}  // namespace

bool SameVersion(const VersionSnapshot& a, const VersionSnapshot& b) {
  const ModelVersion& x = a.version;
  const ModelVersion& y = b.version;
  if (a.deleted != b.deleted) return false;
  if (!a.deleted && x.current_stage != y.current_stage) return false;
  return x.name == y.name && x.version == y.version &&
         x.creation_timestamp == y.creation_timestamp &&
         x.last_updated_timestamp == y.last_updated_timestamp && x.user_id == y.user_id &&
         x.description == y.description && x.source == y.source && x.run_id == y.run_id &&
         x.run_link == y.run_link && x.status == y.status && x.status_message == y.status_message &&
         x.storage_location == y.storage_location && Sorted(x.tags) == Sorted(y.tags);
}

bool SameModelFields(const RegisteredModel& a, const RegisteredModel& b) {
  return a.name == b.name && a.creation_timestamp == b.creation_timestamp &&
         a.last_updated_timestamp == b.last_updated_timestamp && a.description == b.description &&
         Sorted(a.tags) == Sorted(b.tags) && Sorted(a.aliases) == Sorted(b.aliases);
}

std::vector<int64_t> VersionNumbers(const ModelSnapshot& snapshot) {
  std::vector<int64_t> numbers;
  numbers.reserve(snapshot.versions.size());
  for (const VersionSnapshot& v : snapshot.versions) numbers.push_back(v.version.version);
  return numbers;
}

}  // namespace modelwarden
