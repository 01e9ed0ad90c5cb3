// The registry's searches as SQL: a parsed StoreSearch (filter clauses, order, page, the
// caller's read scope) rendered with every value bound, run on one read transaction's
// connection, and its page loaded.
//
// A page costs about the same wherever it is and whatever the registry holds: each statement
// walks an index in the order asked for and stops after the page (a model search ordered by
// name with a tag equality walks the tag index (key, value, name); one ordered by
// last_updated_timestamp the index (last_updated_time, name)), page tokens resume after the
// previous page's last row instead of counting rows again, and the page's rows are loaded
// in a fixed number of statements (model_tables.h).
#pragma once

#include <string>
#include <vector>

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

// The statement that finds a search's page (one row more than the page), as SearchModels and
// SearchVersions run it: for tests of its plan (EXPLAIN).
struct SearchStatement {
  std::string sql;
  std::vector<SqlValue> params;
};
SearchStatement ModelSearchStatement(const Dialect& dialect, const StoreSearch& search);
SearchStatement VersionSearchStatement(const Dialect& dialect, const StoreSearch& search);

}  // namespace modelwarden
