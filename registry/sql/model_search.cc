#include "registry/sql/model_search.h"

#include <cstddef>
#include <functional>
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

// True when the clause limits the rows to one short range of an index: a name (= or LIKE
// with a literal prefix, which both dialects read as a range of the name index) or a run id.
// Such a range, sorted, costs less than walking an order's index past the rows it rejects.
bool LimitsToARange(const FilterClause& clause) {
  if (clause.kind != FilterKind::kAttribute) return false;
  if (clause.attribute == FilterAttribute::kRunId) {
    return clause.comparator == Comparator::kEqual || clause.comparator == Comparator::kIn;
  }
  if (clause.attribute != FilterAttribute::kName) return false;
  if (clause.comparator == Comparator::kEqual) return true;
  return clause.comparator == Comparator::kLike && !clause.value.empty() &&
         clause.value[0] != '%' && clause.value[0] != '_';
}

bool AnyLimitsToARange(const SearchFilter& filter) {
  for (const FilterClause& clause : filter.clauses) {
    if (LimitsToARange(clause)) return true;
  }
  return false;
}

void Bind(const SortValue& value, std::vector<SqlValue>& params) {
  if (const auto* number = std::get_if<int64_t>(&value)) {
    params.emplace_back(*number);
  } else {
    params.emplace_back(std::get<std::string>(value));
  }
}

// " AND <the row comes after the sort key `after` in `order`>". The first key's bound is
// written on its own as well (k0 >= v0), so that a walk of the order's index starts there
// instead of at the beginning.
std::string AfterKey(const std::vector<OrderKey>& order, const std::vector<SortValue>& after,
                     const std::function<std::string(OrderColumn)>& column,
                     std::vector<SqlValue>& params) {
  const auto beyond = [&](size_t i) {
    return column(order[i].column) + (order[i].ascending ? " > ?" : " < ?");
  };
  // Rows past the key on keys i.., given equal values on the keys before i.
  std::function<std::string(size_t)> rest = [&](size_t i) {
    std::string sql = beyond(i);
    Bind(after[i], params);
    if (i + 1 == order.size()) return sql;
    sql = "(" + sql + " OR (" + column(order[i].column) + " = ?";
    Bind(after[i], params);
    return sql + " AND " + rest(i + 1) + "))";
  };
  if (order.size() == 1) return " AND " + rest(0);
  std::string sql =
      " AND " + column(order[0].column) + (order[0].ascending ? " >= ?" : " <= ?") + " AND (";
  Bind(after[0], params);
  sql += beyond(0) + " OR ";
  Bind(after[0], params);
  return sql + rest(1) + ")";
}

// The keyset or offset, the order and the page (one row more than asked, to know whether
// another page follows).
void FinishStatement(const StoreSearch& search,
                     const std::function<std::string(OrderColumn)>& column, SearchStatement& st) {
  if (!search.after.empty()) st.sql += AfterKey(search.order, search.after, column, st.params);
  for (size_t i = 0; i < search.order.size(); ++i) {
    st.sql += i == 0 ? " ORDER BY " : ", ";
    st.sql += column(search.order[i].column) + (search.order[i].ascending ? " ASC" : " DESC");
  }
  st.sql += " LIMIT ?";
  st.params.emplace_back(search.max_results + 1);
  if (search.after.empty()) {
    st.sql += " OFFSET ?";
    st.params.emplace_back(search.offset);
  }
}

// The next page's token: it resumes after the page's last row, whose sort key is `last_key`.
std::string NextToken(const StoreSearch& search, const std::vector<SortValue>& last_key) {
  PageToken token;
  token.offset = search.offset + search.max_results;
  token.search = search.fingerprint;
  token.after = last_key;
  return EncodePageToken(token);
}

// A statement's tables and its conditions, kept apart until the end: a join's parameters come
// before those of the WHERE clause.
struct Parts {
  std::string from;
  std::vector<SqlValue> from_params;
  std::string where;  // " AND ..." conditions.
  std::vector<SqlValue> where_params;
};

// Leaves out the rows of models tagged as prompts in `tags` (the models' or their versions'
// tag table), one probe of the tag index per row (of `index` when named), in the form each
// dialect's planner keeps as such (Dialect::AntiJoinIsLeftJoin).
void ExcludePrompts(const Dialect& dialect, const std::string& tags, const std::string& index,
                    const std::string& name, Parts& parts) {
  const std::string match = "p.name = " + name + " AND p.`key` = ? AND p.value = 'true'";
  const std::string table = tags + " p" + (index.empty() ? "" : dialect.ForceIndex(index));
  if (dialect.AntiJoinIsLeftJoin()) {
    parts.from += " LEFT JOIN " + table + " ON " + match;
    parts.from_params.emplace_back(std::string(kIsPromptTagKey));
    parts.where += " AND p.name IS NULL";
  } else {
    parts.where += " AND NOT EXISTS (SELECT 1 FROM " + table + " WHERE " + match + ")";
    parts.where_params.emplace_back(std::string(kIsPromptTagKey));
  }
}

SearchStatement Assemble(const std::string& select, Parts& parts) {
  SearchStatement st;
  st.sql = select + " FROM " + parts.from + " WHERE 1 = 1" + parts.where;
  st.params = std::move(parts.from_params);
  for (SqlValue& value : parts.where_params) st.params.push_back(std::move(value));
  return st;
}

// The index of registered_models that yields rows ordered by last_updated_time and then the
// name in these directions, walked forwards or backwards.
std::string LastUpdatedIndex(const std::vector<OrderKey>& order) {
  const bool same_direction = order.size() < 2 || order[0].ascending == order[1].ascending;
  return same_direction ? "registered_models_last_updated" : "registered_models_last_updated_desc";
}

}  // namespace

// Ordered by name with a tag equality, the rows come from the tag index (key, value, name), in
// name order; otherwise from registered_models, by name or through an index on
// (last_updated_time, name). A model's tag rows exist exactly as long as the model (they are
// written, renamed and deleted with it in its unit of work), so a tag row stands for its
// model. The walked index is named for the planner (Dialect::ForceIndex), except where a
// name range is sorted instead.
SearchStatement ModelSearchStatement(const Dialect& dialect, const StoreSearch& search) {
  const std::vector<FilterClause>& clauses = search.filter.clauses;
  const bool by_name = search.order.front().column == OrderColumn::kName;
  size_t driver = clauses.size();
  for (size_t i = 0; by_name && i < clauses.size(); ++i) {
    if (clauses[i].kind == FilterKind::kTag && clauses[i].comparator == Comparator::kEqual) {
      driver = i;
      break;
    }
  }
  const bool from_tags = driver < clauses.size();
  const std::string name = from_tags ? "t0.name" : "rm.name";
  const bool sort_range = !by_name && AnyLimitsToARange(search.filter);
  const auto column = [&](OrderColumn c) {
    if (c == OrderColumn::kName) return name;
    return sort_range ? dialect.Unindexed("rm.last_updated_time") : "rm.last_updated_time";
  };

  Parts parts;
  if (from_tags) {
    parts.from =
        "registered_model_tags t0" + dialect.ForceIndex("registered_model_tags_key_value_name");
    parts.where = " AND t0.`key` = ? AND t0.value = ?";
    parts.where_params = {clauses[driver].tag_key, clauses[driver].value};
  } else if (!by_name && !sort_range) {
    parts.from = "registered_models rm" + dialect.ForceIndex(LastUpdatedIndex(search.order));
  } else {
    parts.from = "registered_models rm";
  }
  if (search.filter.exclude_prompts) {
    // MySQL probes the primary key (name, key), which holds the row; SQLite's primary key
    // index does not hold the value, its (key, value, name) does.
    ExcludePrompts(dialect, "registered_model_tags",
                   dialect.AntiJoinIsLeftJoin() ? "" : "registered_model_tags_key_value_name", name,
                   parts);
  }
  for (size_t i = 0; i < clauses.size(); ++i) {
    const FilterClause& clause = clauses[i];
    if (i == driver) continue;
    if (clause.kind == FilterKind::kAttribute) {
      parts.where += " AND " + Compare(name, clause.comparator);
    } else {
      parts.where += " AND EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.name = " + name +
                     " AND t.`key` = ? AND " + Compare("t.value", clause.comparator) + ")";
      parts.where_params.emplace_back(clause.tag_key);
    }
    parts.where_params.emplace_back(clause.value);
  }
  if (search.read_scope.has_value()) {
    parts.where += ReadableBy(*search.read_scope, name, dialect, parts.where_params);
  }
  SearchStatement st =
      Assemble("SELECT " + name + (by_name ? "" : ", rm.last_updated_time"), parts);
  FinishStatement(search, column, st);
  return st;
}

SearchStatement VersionSearchStatement(const Dialect& dialect, const StoreSearch& search) {
  const bool sort_range =
      search.order.front().column != OrderColumn::kName && AnyLimitsToARange(search.filter);
  const auto column = [&](OrderColumn c) -> std::string {
    switch (c) {
      case OrderColumn::kName:
        return "mv.name";
      case OrderColumn::kVersion:
        return "mv.version";
      case OrderColumn::kCreationTimestamp:
        return "mv.creation_time";
      case OrderColumn::kLastUpdatedTimestamp:
        return sort_range ? dialect.Unindexed("mv.last_updated_time") : "mv.last_updated_time";
    }
    return "mv.name";
  };

  Parts parts;
  parts.from = "model_versions mv";
  parts.where = " AND mv.current_stage <> ?";
  parts.where_params.emplace_back(std::string(kDeletedStage));
  for (const FilterClause& clause : search.filter.clauses) {
    if (clause.kind == FilterKind::kTag) {
      parts.where +=
          " AND EXISTS (SELECT 1 FROM model_version_tags t WHERE t.name = mv.name AND "
          "t.version = mv.version AND t.`key` = ? AND " +
          Compare("t.value", clause.comparator) + ")";
      parts.where_params.emplace_back(clause.tag_key);
      parts.where_params.emplace_back(clause.value);
      continue;
    }
    const std::string attribute = VersionAttributeColumn(clause.attribute);
    if (clause.comparator == Comparator::kIn) {
      if (clause.values.empty()) {
        parts.where += " AND 1 = 0";
        continue;
      }
      parts.where += " AND " + attribute + " IN (" + Placeholders(clause.values.size()) + ")";
      for (const std::string& value : clause.values) parts.where_params.emplace_back(value);
    } else if (clause.attribute == FilterAttribute::kVersionNumber) {
      parts.where += " AND " + Compare(attribute, clause.comparator);
      parts.where_params.emplace_back(clause.number);
    } else {
      parts.where += " AND " + Compare(attribute, clause.comparator);
      parts.where_params.emplace_back(clause.value);
    }
  }
  // MLflow excludes every version of a model any of whose versions is tagged as a prompt
  // (sqlalchemy_store._update_query_to_exclude_prompts).
  if (search.filter.exclude_prompts) {
    ExcludePrompts(dialect, "model_version_tags", "model_version_tags_name_key", "mv.name", parts);
  }
  if (search.read_scope.has_value()) {
    parts.where += ReadableBy(*search.read_scope, "mv.name", dialect, parts.where_params);
  }
  SearchStatement st = Assemble(std::string("SELECT ") + kVersionColumns, parts);
  FinishStatement(search, column, st);
  return st;
}

Result<Page<RegisteredModel>> SearchModels(SqlConnection& db, const Dialect& dialect,
                                           const StoreSearch& search) {
  const SearchStatement st = ModelSearchStatement(dialect, search);
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(st.sql, st.params));
  Page<RegisteredModel> page;
  if (static_cast<int64_t>(rows.size()) > search.max_results) {
    rows.erase(rows.begin() + search.max_results, rows.end());
    const SqlRow& last = rows.back();
    std::vector<SortValue> key;
    for (const OrderKey& order : search.order) {
      if (order.column == OrderColumn::kName) {
        key.emplace_back(last.Text(0));
      } else {
        key.emplace_back(last.Int(1));
      }
    }
    page.next_page_token = NextToken(search, key);
  }
  std::vector<std::string> names;
  names.reserve(rows.size());
  for (const SqlRow& row : rows) names.push_back(row.Text(0));
  ASSIGN_OR_RETURN(page.items, LoadModels(db, names));
  return page;
}

Result<Page<ModelVersion>> SearchVersions(SqlConnection& db, const Dialect& dialect,
                                          const StoreSearch& search) {
  const SearchStatement st = VersionSearchStatement(dialect, search);
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db.Query(st.sql, st.params));
  Page<ModelVersion> page;
  for (const SqlRow& row : rows) page.items.push_back(VersionFromRow(row));
  if (static_cast<int64_t>(page.items.size()) > search.max_results) {
    page.items.resize(search.max_results);
    const ModelVersion& last = page.items.back();
    std::vector<SortValue> key;
    for (const OrderKey& order : search.order) {
      switch (order.column) {
        case OrderColumn::kName:
          key.emplace_back(last.name);
          break;
        case OrderColumn::kVersion:
          key.emplace_back(last.version);
          break;
        case OrderColumn::kCreationTimestamp:
          key.emplace_back(last.creation_timestamp);
          break;
        case OrderColumn::kLastUpdatedTimestamp:
          key.emplace_back(last.last_updated_timestamp);
          break;
      }
    }
    page.next_page_token = NextToken(search, key);
  }
  RETURN_IF_ERROR(AttachVersionTags(db, page.items));
  return page;
}

}  // namespace modelwarden
