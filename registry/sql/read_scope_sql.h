// The SQL form of a ReadScope (registry/requests.h): the condition that limits a search to the
// models its caller may read, with every value bound.
#pragma once

#include <string>
#include <vector>

#include "registry/requests.h"
#include "registry/sql/dialect.h"
#include "registry/sql/sql_connection.h"

namespace modelwarden {

// " AND <the scope lets the caller read `column`>", appending its parameters to `params`; ""
// when the scope hides nothing.
std::string ReadableBy(const ReadScope& scope, const std::string& column, const Dialect& dialect,
                       std::vector<SqlValue>& params);

}  // namespace modelwarden
