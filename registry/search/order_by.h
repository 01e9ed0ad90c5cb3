// MLflow's order_by clauses for registry searches (mlflow/utils/search_utils.py,
// SqlAlchemyStore), parsed into the complete ORDER BY of a search. Pure functions,
// thread-safe. Every error is kInvalidParameterValue with a message in MLflow's wording.
#pragma once

#include <string>
#include <vector>

#include "registry/search/search_target.h"
#include "registry/status.h"

namespace modelwarden {

enum class OrderColumn { kName, kVersion, kCreationTimestamp, kLastUpdatedTimestamp };

struct OrderKey {
  OrderColumn column = OrderColumn::kName;
  bool ascending = true;
  bool operator==(const OrderKey& o) const {
    return column == o.column && ascending == o.ascending;
  }
};

// The complete ORDER BY of a search: the client's keys, then MLflow's implicit tie-breakers
// (models: name ASC; versions: name ASC, version DESC), with MLflow's defaults when empty
// (versions: last_updated_timestamp DESC). Rejects unknown and duplicate keys.
Result<std::vector<OrderKey>> ParseOrderBy(const std::vector<std::string>& order_by,
                                           SearchTarget target);

// `order` up to the key that makes it total: no two rows tie on the keys up to there (models:
// the name; versions: the name and the version number), so the keys after it change nothing.
std::vector<OrderKey> UpToTotalOrder(std::vector<OrderKey> order, SearchTarget target);

}  // namespace modelwarden
