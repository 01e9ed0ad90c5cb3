// MLflow's search grammar (mlflow/utils/search_utils.py) in one include: filter strings
// (registry/search/filter_parser.h), order_by clauses (registry/search/order_by.h) and page
// tokens (registry/search/page_token.h). Pure functions, thread-safe. Every error is
// kInvalidParameterValue with a message in MLflow's wording.
#pragma once

#include "registry/search/filter_parser.h"  // IWYU pragma: export
#include "registry/search/order_by.h"       // IWYU pragma: export
#include "registry/search/page_token.h"     // IWYU pragma: export
#include "registry/search/search_target.h"  // IWYU pragma: export
