// MLflow's order_by keys for registry searches (SearchModelUtils /
// SearchModelVersionUtils.parse_order_by_for_search_registered_models in
// mlflow/utils/search_utils.py, and SqlAlchemyStore's defaults and tie-breakers).
//
// Deliberate differences from MLflow:
//  * Version order_by keys prefixed "tag." are rejected (MLflow silently treats "tag.name"
//    as "name").
//  * A lone "`name`" is accepted for models too (MLflow only strips the backticks when a
//    direction follows).
#include "registry/search/order_by.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "registry/python_repr.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr size_t kNpos = std::string_view::npos;

std::string PyListRepr(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += PyRepr(items[i]);
  }
  out += "]";
  return out;
}

Status CouldNotParseOrderBy(std::string_view clause) {
  return Status::InvalidArgument("Invalid order_by clause " + PyRepr(clause) +
                                 ". Could not be parsed.");
}

// "`key`" or "\"key\"" -> "key"; anything else as it is.
std::string_view StripKeyQuotes(std::string_view key) {
  if (key.size() >= 2 && (key.front() == '`' || key.front() == '"') && key.back() == key.front()) {
    key.remove_prefix(1);
    key.remove_suffix(1);
  }
  return key;
}

// "<key> [ASC|DESC]" with the key optionally in backticks or double quotes.
Status SplitOrderClause(std::string_view clause, std::string* key, bool* ascending) {
  const std::string_view s = Trim(clause);
  if (s.empty()) return CouldNotParseOrderBy(clause);
  size_t i = 0;
  if (s[0] == '`' || s[0] == '"') {
    const size_t close = s.find(s[0], 1);
    if (close == kNpos) return CouldNotParseOrderBy(clause);
    i = close + 1;
    if (i < s.size() && !IsAsciiSpace(s[i])) return CouldNotParseOrderBy(clause);
  } else {
    while (i < s.size() && !IsAsciiSpace(s[i])) ++i;
  }
  *key = std::string(StripKeyQuotes(s.substr(0, i)));
  const std::string_view rest = Trim(s.substr(i));
  *ascending = true;
  if (rest.empty()) return Status::Ok();
  for (char c : rest) {
    if (IsAsciiSpace(c)) return CouldNotParseOrderBy(clause);
  }
  const std::string direction = AsciiLower(rest);
  if (direction == "asc") return Status::Ok();
  if (direction == "desc") {
    *ascending = false;
    return Status::Ok();
  }
  return Status::InvalidArgument("Invalid ordering key in order_by clause " + PyRepr(clause) + ".");
}

Result<OrderColumn> ModelOrderColumn(const std::string& key) {
  if (key == "name") return OrderColumn::kName;
  if (key == "timestamp" || key == "last_updated_timestamp") {
    return OrderColumn::kLastUpdatedTimestamp;
  }
  return Status::InvalidArgument("Invalid order by key " + PyRepr(key) +
                                 " specified. Valid keys are '{'name', 'timestamp'}'");
}

Result<OrderColumn> VersionOrderColumn(std::string key) {
  const size_t dot = key.find('.');
  if (dot != std::string::npos) {
    const std::string entity = key.substr(0, dot);
    if (entity == "tag" || entity == "tags") {
      return Status::InvalidArgument("Invalid order_by entity: tag");
    }
    if (entity != "attribute") {
      return Status::InvalidArgument("Invalid entity type " + PyRepr(entity) +
                                     ". Valid entity types are ('attribute', 'tag', 'tags')");
    }
    key = std::string(StripKeyQuotes(std::string_view(key).substr(dot + 1)));
  }
  if (key == "name") return OrderColumn::kName;
  if (key == "version_number") return OrderColumn::kVersion;
  if (key == "creation_timestamp") return OrderColumn::kCreationTimestamp;
  if (key == "last_updated_timestamp") return OrderColumn::kLastUpdatedTimestamp;
  return Status::InvalidArgument(
      "Invalid attribute key " + PyRepr(key) +
      " specified. Valid keys are '{'name', 'version_number', 'creation_timestamp', "
      "'last_updated_timestamp'}'");
}

}  // namespace

Result<std::vector<OrderKey>> ParseOrderBy(const std::vector<std::string>& order_by,
                                           SearchTarget target) {
  const bool versions = target == SearchTarget::kModelVersions;
  if (order_by.empty() && versions) {
    // SqlAlchemyStore.search_model_versions' default, already complete.
    return std::vector<OrderKey>{{OrderColumn::kLastUpdatedTimestamp, false},
                                 {OrderColumn::kName, true},
                                 {OrderColumn::kVersion, false}};
  }
  std::vector<OrderKey> keys;
  for (const std::string& clause : order_by) {
    std::string key;
    bool ascending = true;
    if (Status s = SplitOrderClause(clause, &key, &ascending); !s.ok()) return s;
    Result<OrderColumn> column = versions ? VersionOrderColumn(key) : ModelOrderColumn(key);
    if (!column.ok()) return column.status();
    for (const OrderKey& seen : keys) {
      if (seen.column == *column) {
        return Status::InvalidArgument("`order_by` contains duplicate fields: " +
                                       PyListRepr(order_by));
      }
    }
    keys.push_back({*column, ascending});
  }
  auto has = [&keys](OrderColumn column) {
    for (const OrderKey& k : keys) {
      if (k.column == column) return true;
    }
    return false;
  };
  if (!has(OrderColumn::kName)) keys.push_back({OrderColumn::kName, true});
  if (versions && !has(OrderColumn::kVersion)) keys.push_back({OrderColumn::kVersion, false});
  return keys;
}

std::vector<OrderKey> UpToTotalOrder(std::vector<OrderKey> order, SearchTarget target) {
  bool name = false;
  bool version = target == SearchTarget::kRegisteredModels;  // A model name is unique alone.
  for (size_t i = 0; i < order.size(); ++i) {
    name |= order[i].column == OrderColumn::kName;
    version |= order[i].column == OrderColumn::kVersion;
    if (name && version) {
      order.resize(i + 1);
      break;
    }
  }
  return order;
}

}  // namespace modelwarden
