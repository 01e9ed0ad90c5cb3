#include "registry/sql/read_scope_sql.h"

#include "registry/sql/model_tables.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

// The `live` form: the grants of the scope's user and their groups, read in the query. The
// most specific access grant decides (a model grant before any prefix grant, a longer prefix
// before a shorter one, the user's own before their groups', then the highest), else the
// default: the rule of ResolvePermission (enforcement/permission.cc), which tests compare
// with this SQL. It is one MAX over a rank whose digits are, from the top, specificity,
// user or group, and level: the winner's level is the last digit (no sort per row).
std::string LiveReadableBy(const ReadScope& scope, const std::string& column,
                           const Dialect& dialect, std::vector<SqlValue>& params) {
  params.emplace_back(scope.user_id);
  params.emplace_back(scope.user_id);
  params.emplace_back(int64_t{scope.default_readable ? 1 : 0});
  return " AND COALESCE((SELECT MAX((CASE WHEN g.resource_type = 'model' THEN 1000000 ELSE "
         "LENGTH(g.resource) END) * 100 + (CASE WHEN g.subject_type = 'user' THEN 10 ELSE 0 "
         "END) + (CASE g.permission WHEN 'MANAGE' THEN 3 WHEN 'EDIT' THEN 2 WHEN 'READ' THEN 1 "
         "ELSE 0 END)) FROM auth_grants g WHERE g.kind = 'access' AND ((g.subject_type = 'user' "
         "AND g.subject_id = ?) OR (g.subject_type = 'group' AND g.subject_id IN (SELECT "
         "m.group_id FROM auth_group_members m WHERE m.user_id = ?))) AND ((g.resource_type = "
         "'model' AND g.resource = " +
         column + ") OR (g.resource_type = 'prefix' AND " +
         dialect.StartsWithColumn(column, "g.resource") + "))) % 10, ?) > 0";
}

}  // namespace

// The scope's rules as one CASE. Prefix lengths are counted in characters, as substr/LEFT
// count.
std::string ReadableBy(const ReadScope& scope, const std::string& column, const Dialect& dialect,
                       std::vector<SqlValue>& params) {
  if (scope.live) return LiveReadableBy(scope, column, dialect, params);
  if (scope.hidden_names.empty() && scope.visible_names.empty() && scope.prefixes.empty()) {
    return scope.default_readable ? "" : " AND 1 = 0";
  }
  std::string sql = " AND (CASE";
  const auto names = [&](const std::vector<std::string>& list, const char* result) {
    if (list.empty()) return;
    sql += " WHEN " + column + " IN (" + Placeholders(list.size()) + ") THEN " + result;
    for (const std::string& name : list) params.emplace_back(name);
  };
  names(scope.hidden_names, "0");
  names(scope.visible_names, "1");
  for (const ReadScope::Prefix& rule : scope.prefixes) {
    sql += " WHEN " + dialect.StartsWith(column) + (rule.readable ? " THEN 1" : " THEN 0");
    params.emplace_back(static_cast<int64_t>(CountCodePoints(rule.prefix)));
    params.emplace_back(rule.prefix);
  }
  sql += scope.default_readable ? " ELSE 1 END) = 1" : " ELSE 0 END) = 1";
  return sql;
}

}  // namespace modelwarden
