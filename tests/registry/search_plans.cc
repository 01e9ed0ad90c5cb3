#include "tests/registry/search_plans.h"

#include <utility>

#include "registry/search_filter.h"
#include "registry/sql/dialect.h"
#include "registry/sql/sqlite_connection.h"
#include "registry/text.h"
#ifdef MODELWARDEN_HAVE_MYSQL
#include "registry/sql/mysql_connection.h"
#include "registry/sql/mysql_uri.h"
#endif

namespace modelwarden::testing {
namespace {

// What MlflowClient.search_registered_models adds to every filter.
constexpr char kNotPrompt[] = "tag.`mlflow.prompt.is_prompt` != 'true'";

}  // namespace

StoreSearch ParsedSearch(const NamedSearch& search, std::vector<SortValue> after) {
  StoreSearch parsed;
  Result<SearchFilter> filter = ParseSearchFilter(search.filter, search.target);
  Result<std::vector<OrderKey>> order = ParseOrderBy(search.order_by, search.target);
  if (filter.ok()) parsed.filter = std::move(*filter);
  if (order.ok()) parsed.order = UpToTotalOrder(std::move(*order), search.target);
  parsed.max_results = search.max_results;
  parsed.fingerprint = SearchFingerprint(search.target, search.filter, search.order_by);
  parsed.after = std::move(after);
  return parsed;
}

SearchStatement StatementOf(SqlConnection& connection, const StoreSearch& search,
                            SearchTarget target) {
  const Dialect& dialect = Dialect::Of(connection.dialect());
  return target == SearchTarget::kRegisteredModels ? ModelSearchStatement(dialect, search)
                                                   : VersionSearchStatement(dialect, search);
}

std::vector<NamedSearch> BenchSearches(const std::string& model, const std::string& run_id) {
  constexpr SearchTarget kModels = SearchTarget::kRegisteredModels;
  constexpr SearchTarget kVersions = SearchTarget::kModelVersions;
  const std::string and_not_prompt = std::string(" AND ") + kNotPrompt;
  return {
      {"models-default", kModels, kNotPrompt, {}, 100},
      {"models-name-like", kModels, "name LIKE 'proj-17.%'" + and_not_prompt, {}, 100},
      {"models-tag", kModels, "tags.team = 'risk'" + and_not_prompt, {}, 100},
      {"models-last-updated", kModels, kNotPrompt, {"last_updated_timestamp DESC"}, 100},
      {"models-last-updated-asc", kModels, kNotPrompt, {"last_updated_timestamp ASC"}, 100},
      {"models-prompts", kModels, "tags.`mlflow.prompt.is_prompt` = 'true'", {}, 1000},
      {"versions-of-model", kVersions, "name = '" + model + "'", {}, 10000},
      {"versions-run-id", kVersions, "run_id = '" + run_id + "'", {}, 10000},
      {"versions-tag",
       kVersions,
       "tags.framework = 'xgboost' AND name LIKE 'proj-17.%'",
       {},
       10000},
      {"versions-tag-page", kVersions, "tags.validation_status = 'approved'", {}, 100},
  };
}

Result<std::string> Explain(SqlConnection& connection, const SearchStatement& statement) {
  const bool mysql = connection.dialect() == SqlDialect::kMysql;
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                   connection.Query((mysql ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + statement.sql,
                                    statement.params));
  std::string plan;
  for (const SqlRow& row : rows) {
    if (mysql) {
      // id, select_type, table, type, possible_keys, key, key_len, ref, rows, Extra
      plan += row.Text(2) + " " + row.Text(3) + " " + (row.IsNull(5) ? "-" : row.Text(5)) +
              " rows=" + row.Text(8) + " " + row.Text(9) + " (" + row.Text(1) + ")\n";
    } else {
      plan += row.Text(3) + "\n";  // id, parent, notused, detail
    }
  }
  return plan;
}

Result<std::unique_ptr<SqlConnection>> OpenConnection(const std::string& uri) {
  if (StartsWith(uri, "sqlite:///")) {
    SqliteOptions options;
    options.path = uri.substr(std::string("sqlite:///").size());
    return OpenSqliteConnection(options);
  }
#ifdef MODELWARDEN_HAVE_MYSQL
  ASSIGN_OR_RETURN(MysqlConnectionOptions options, ParseMysqlUri(uri));
  return OpenMysqlConnection(options);
#else
  return Status::InvalidArgument("not a SQLite URI: " + uri);
#endif
}

}  // namespace modelwarden::testing
