// The searches the benchmark times (scripts/bench --sequential), as the store renders them, and
// their query plans as the database describes them: shared by the plan tests
// (search_plan_test.cc) and the tool that prints the plans of a benchmark database
// (explain_searches.cc).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "registry/model_store.h"
#include "registry/sql/model_search.h"
#include "registry/sql/sql_connection.h"
#include "registry/status.h"

namespace modelwarden::testing {

// A search as a client sends it, parsed as RegistryService parses it.
struct NamedSearch {
  std::string name;
  SearchTarget target = SearchTarget::kRegisteredModels;
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = 100;
};

// The store's search for `search`; with `after`, the statement of a page after the first.
StoreSearch ParsedSearch(const NamedSearch& search, std::vector<SortValue> after = {});
// The statement the store runs to find the page.
SearchStatement StatementOf(SqlConnection& connection, const StoreSearch& search,
                            SearchTarget target);

// The searches of the benchmark's sequential mode, over its data set (scripts/bench.d/seed.py);
// `model` names one model, `run_id` one version's run.
std::vector<NamedSearch> BenchSearches(const std::string& model, const std::string& run_id);

// The plan of `statement`, one line per step: SQLite's EXPLAIN QUERY PLAN details, or MySQL's
// EXPLAIN rows as "table type key rows=N extra (select_type)".
Result<std::string> Explain(SqlConnection& connection, const SearchStatement& statement);

// A connection of its own to the database behind a backend-store URI (sqlite:///path, mysql://).
Result<std::unique_ptr<SqlConnection>> OpenConnection(const std::string& uri);

}  // namespace modelwarden::testing
