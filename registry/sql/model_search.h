// The registry's searches as SQL: a parsed StoreSearch (filter clauses, order, page, the
// caller's read scope) rendered with every value bound, run on one read transaction's
// connection, and its page loaded.
#pragma once

#include "registry/entities.h"
#include "registry/model_store.h"
#include "registry/sql/dialect.h"
#include "registry/sql/sql_connection.h"
#include "registry/status.h"

namespace modelwarden {

// Models with tags, aliases and latest_versions; next_page_token only when more exist.
Result<Page<RegisteredModel>> SearchModels(SqlConnection& db, const Dialect& dialect,
                                           const StoreSearch& search);
// Live versions with tags (no aliases, as MLflow).
Result<Page<ModelVersion>> SearchVersions(SqlConnection& db, const Dialect& dialect,
                                          const StoreSearch& search);

}  // namespace modelwarden
