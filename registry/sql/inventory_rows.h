// What retention plans on (registry/version_inventory.h), read from the registry's tables in
// five range scans per page of models, on a connection inside a read transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/entities.h"
#include "registry/sql/sql_connection.h"
#include "registry/status.h"
#include "registry/version_inventory.h"

namespace modelwarden {

Result<std::vector<InventoryModel>> SelectInventory(SqlConnection& db, const std::string& after,
                                                    int64_t max_models, int64_t now);

// How many live versions of `name` above `version` are in one of `stages`.
Result<int64_t> CountNewerVersionsIn(SqlConnection& db, const std::string& name, int64_t version,
                                     const std::vector<Stage>& stages);

}  // namespace modelwarden
