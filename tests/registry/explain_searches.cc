// Prints the query plan of each of the benchmark's searches (search_plans.h) on a database, as
// this checkout's store renders them: the first page, and a page resumed by a token's sort key.
// For scripts/bench --explain.
//
//   MODELWARDEN_BACKEND_STORE_URI=sqlite:////path/registry.db explain_searches MODEL RUN_ID

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/registry/search_plans.h"

namespace modelwarden::testing {
namespace {

// A sort key in the middle of the benchmark's data: a name of project 17, a time in 2025.
std::vector<SortValue> MiddleKey(const StoreSearch& search) {
  std::vector<SortValue> after;
  for (const OrderKey& key : search.order) {
    switch (key.column) {
      case OrderColumn::kName:
        after.emplace_back(std::string("proj-17.model-50"));
        break;
      case OrderColumn::kVersion:
        after.emplace_back(int64_t{5});
        break;
      case OrderColumn::kCreationTimestamp:
      case OrderColumn::kLastUpdatedTimestamp:
        after.emplace_back(int64_t{1'745'000'000'000});
        break;
    }
  }
  return after;
}

int Main(int argc, char** argv) {
  const char* uri = std::getenv("MODELWARDEN_BACKEND_STORE_URI");
  if (argc != 3 || uri == nullptr) {
    std::fprintf(stderr,
                 "usage: MODELWARDEN_BACKEND_STORE_URI=URI explain_searches MODEL RUN_ID\n");
    return 2;
  }
  Result<std::unique_ptr<SqlConnection>> connection = OpenConnection(uri);
  if (!connection.ok()) {
    std::fprintf(stderr, "%s\n", connection.status().ToString().c_str());
    return 1;
  }
  SqlConnection& db = **connection;
  for (const NamedSearch& search : BenchSearches(argv[1], argv[2])) {
    const StoreSearch first = ParsedSearch(search);
    for (const StoreSearch& page : {first, ParsedSearch(search, MiddleKey(first))}) {
      const SearchStatement statement = StatementOf(db, page, search.target);
      Result<std::string> plan = Explain(db, statement);
      std::printf("%s, %s: filter %s%s\n  %s\n", search.name.c_str(),
                  page.after.empty() ? "first page" : "next page", search.filter.c_str(),
                  search.order_by.empty() ? "" : (", order_by " + search.order_by[0]).c_str(),
                  statement.sql.c_str());
      if (!plan.ok()) {
        std::printf("  %s\n\n", plan.status().ToString().c_str());
        continue;
      }
      std::string indented = "  | " + *plan;
      for (size_t at = indented.find('\n'); at != std::string::npos && at + 1 < indented.size();
           at = indented.find('\n', at + 1)) {
        indented.insert(at + 1, "  | ");
      }
      std::printf("%s\n", indented.c_str());
    }
  }
  return 0;
}

}  // namespace
}  // namespace modelwarden::testing

int main(int argc, char** argv) { return modelwarden::testing::Main(argc, argv); }
