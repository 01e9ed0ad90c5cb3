// MLflow's filter strings (mlflow/utils/search_utils.py), parsed once into a small AST: a list
// of ANDed comparisons on model attributes and tags. Pure functions, thread-safe. Every error
// is kInvalidParameterValue with a message in MLflow's wording.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registry/search/search_target.h"
#include "registry/status.h"

namespace modelwarden {

enum class FilterKind { kAttribute, kTag };

enum class Comparator {
  kEqual,
  kNotEqual,
  kLike,
  kILike,
  kIn,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual
};

// Model attributes a filter may name. kSourcePath and kRunId and kVersionNumber exist only for
// model versions.
enum class FilterAttribute { kName, kRunId, kSourcePath, kVersionNumber };

struct FilterClause {
  FilterKind kind = FilterKind::kAttribute;
  FilterAttribute attribute = FilterAttribute::kName;  // kAttribute only.
  std::string tag_key;                                 // kTag only, unquoted.
  Comparator comparator = Comparator::kEqual;
  std::string value;                // Unquoted string; for kVersionNumber the integer's digits.
  int64_t number = 0;               // kVersionNumber only.
  std::vector<std::string> values;  // kIn only (run_id), already filtered as MLflow does.
};

struct SearchFilter {
  std::vector<FilterClause> clauses;  // ANDed.
  // True unless the filter asks for prompts (tag mlflow.prompt.is_prompt = 'true' or
  // != 'false'). When true, clauses on that tag have been removed: the store excludes every
  // model (or every version of a model) tagged as a prompt instead.
  bool exclude_prompts = true;
};

// Parses `filter` for the given search. An empty or blank filter matches everything.
Result<SearchFilter> ParseSearchFilter(std::string_view filter, SearchTarget target);

}  // namespace modelwarden
