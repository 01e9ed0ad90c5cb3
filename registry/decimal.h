// Decimal integers as MLflow's Python code reads them with int(): shared by the search grammar
// (version_number, page tokens) and version parameters. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace modelwarden {

// [+-]?[0-9]+ (ASCII digits only) into an int64; nullopt for anything else or on overflow.
std::optional<int64_t> ParseDecimalInt64(std::string_view text);

}  // namespace modelwarden
