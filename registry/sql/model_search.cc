#include "registry/sql/model_search.h"

#include <string>
#include <vector>

#include "registry/sql/model_tables.h"
#include "registry/sql/read_scope_sql.h"

namespace modelwarden {
namespace {

std::string Compare(const std::string& column, Comparator comparator) {
  switch (comparator) {
    case Comparator::kEqual:
      return column + " = ?";
    case Comparator::kNotEqual:
      return column + " <> ?";
    // Case-sensitive on both dialects: SQLite runs with case_sensitive_like, MySQL compares
    // with a binary collation.
    case Comparator::kLike:
      return column + " LIKE ?";
    case Comparator::kILike:
      return "LOWER(" + column + ") LIKE LOWER(?)";
    case Comparator::kLess:
      return column + " < ?";
    case Comparator::kLessEqual:
      return column + " <= ?";
    case Comparator::kGreater:
      return column + " > ?";
    case Comparator::kGreaterEqual:
      return column + " >= ?";
    case Comparator::kIn:
      break;  // Rendered by the caller.
  }
  return column + " = ?";
}

std::string VersionAttributeColumn(FilterAttribute attribute) {
  switch (attribute) {
    case FilterAttribute::kName:
      return "mv.name";
    case FilterAttribute::kRunId:
      return "mv.run_id";
    case FilterAttribute::kSourcePath:
      return "mv.source";
    case FilterAttribute::kVersionNumber:
      return "mv.version";
  }
  return "mv.name";
}

std::string OrderBy(const std::vector<OrderKey>& order, const std::string& table) {
  std::string sql;
  for (const OrderKey& key : order) {
    sql += sql.empty() ? " ORDER BY " : ", ";
    switch (key.column) {
      case OrderColumn::kName:
        sql += table + ".name";
        break;
      case OrderColumn::kVersion:
        sql += table + ".version";
        break;
      case OrderColumn::kCreationTimestamp:
        sql += table + ".creation_time";
        break;
      case OrderColumn::kLastUpdatedTimestamp:
        sql += table + ".last_updated_time";
        break;
    }
    sql += key.ascending ? " ASC" : " DESC";
  }
  return sql;
}

// The order, the page (one row more than asked, to know whether another page follows) and
// the caller's read scope.
void FinishQuery(const StoreSearch& search, const std::string& table, const Dialect& dialect,
                 std::string& sql, std::vector<SqlValue>& params) {
  if (search.read_scope.has_value()) {
    sql += ReadableBy(*search.read_scope, table + ".name", dialect, params);
  }
  sql += OrderBy(search.order, table) + " LIMIT ? OFFSET ?";
  params.emplace_back(search.max_results + 1);
  params.emplace_back(search.offset);
}

}  // namespace

Result<Page<RegisteredModel>> SearchModels(SqlConnection& db, const Dialect& dialect,
                                           const StoreSearch& search) {
  std::string sql = "SELECT rm.name FROM registered_models rm WHERE 1 = 1";
  std::vector<SqlValue> params;
  for (const FilterClause& clause : search.filter.clauses) {
    if (clause.kind == FilterKind::kAttribute) {
      sql += " AND " + Compare("rm.name", clause.comparator);
      params.emplace_back(clause.value);
    } else {
      sql +=
          " AND EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.name = rm.name AND "
          "t.`key` = ? AND " +
          Compare("t.value", clause.comparator) + ")";
      params.emplace_back(clause.tag_key);
      params.emplace_back(clause.value);
    }
  }
  if (search.filter.exclude_prompts) {
    sql +=
        " AND NOT EXISTS (SELECT 1 FROM registered_model_tags p WHERE p.name = rm.name AND "
        "p.`key` = ? AND p.value = 'true')";
    params.emplace_back(std::string(kIsPromptTagKey));
  }
  FinishQuery(search, "rm", dialect, sql, params);

  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
  std::vector<std::string> names;
  for (const SqlRow& row : rows) names.push_back(row.Text(0));
  Page<RegisteredModel> page;
  if (static_cast<int64_t>(names.size()) > search.max_results) {
    names.resize(search.max_results);
    page.next_page_token = EncodePageToken(search.offset + search.max_results);
  }
  ASSIGN_OR_RETURN(page.items, LoadModels(db, names));
  return page;
}

Result<Page<ModelVersion>> SearchVersions(SqlConnection& db, const Dialect& dialect,
                                          const StoreSearch& search) {
  std::string sql = std::string("SELECT ") + kVersionColumns +
                    " FROM model_versions mv WHERE mv.current_stage <> ?";
  std::vector<SqlValue> params = {std::string(kDeletedStage)};
  for (const FilterClause& clause : search.filter.clauses) {
    if (clause.kind == FilterKind::kTag) {
      sql +=
          " AND EXISTS (SELECT 1 FROM model_version_tags t WHERE t.name = mv.name AND "
          "t.version = mv.version AND t.`key` = ? AND " +
          Compare("t.value", clause.comparator) + ")";
      params.emplace_back(clause.tag_key);
      params.emplace_back(clause.value);
      continue;
    }
    const std::string column = VersionAttributeColumn(clause.attribute);
    if (clause.comparator == Comparator::kIn) {
      if (clause.values.empty()) {
        sql += " AND 1 = 0";
        continue;
      }
      sql += " AND " + column + " IN (" + Placeholders(clause.values.size()) + ")";
      for (const std::string& value : clause.values) params.emplace_back(value);
    } else if (clause.attribute == FilterAttribute::kVersionNumber) {
      sql += " AND " + Compare(column, clause.comparator);
      params.emplace_back(clause.number);
    } else {
      sql += " AND " + Compare(column, clause.comparator);
      params.emplace_back(clause.value);
    }
  }
  if (search.filter.exclude_prompts) {
    // MLflow excludes every version of a model any of whose versions is tagged as a prompt
    // (sqlalchemy_store._update_query_to_exclude_prompts).
    sql +=
        " AND NOT EXISTS (SELECT 1 FROM model_version_tags p WHERE p.name = mv.name AND "
        "p.`key` = ? AND p.value = 'true')";
    params.emplace_back(std::string(kIsPromptTagKey));
  }
  FinishQuery(search, "mv", dialect, sql, params);

  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(sql, params));
  Page<ModelVersion> page;
  for (const SqlRow& row : rows) page.items.push_back(VersionFromRow(row));
  if (static_cast<int64_t>(page.items.size()) > search.max_results) {
    page.items.resize(search.max_results);
    page.next_page_token = EncodePageToken(search.offset + search.max_results);
  }
  RETURN_IF_ERROR(AttachVersionTags(db, page.items));
  return page;
}

}  // namespace modelwarden
