// VersionInventory: the live versions of a page of registered models with what protects each
// one (aliases, a pending approval), read on one snapshot: what retention plans on
// (enforcement/lifecycle/retention_planner.h). Plain data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/entities.h"

namespace modelwarden {

struct InventoryVersion {
  int64_t version = 0;
  Stage stage = Stage::kNone;
  int64_t creation_timestamp = 0;
  std::vector<std::string> aliases;  // The aliases pointing at it, sorted.
  bool pending_approval = false;     // A pending approval that has not expired names it.
};

struct InventoryModel {
  std::string name;
  std::vector<Tag> tags;
  std::vector<InventoryVersion> versions;  // Live versions only, newest (highest number) first.
};

}  // namespace modelwarden
