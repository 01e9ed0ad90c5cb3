// Which of MLflow's two registry searches a filter string or order_by clause belongs to: they
// accept different attributes, keys and defaults.
#pragma once

namespace modelwarden {

enum class SearchTarget { kRegisteredModels, kModelVersions };

}  // namespace modelwarden
