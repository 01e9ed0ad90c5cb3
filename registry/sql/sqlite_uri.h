// SQLite database URIs as MLflow (SQLAlchemy) spells them. Pure function; thread-safe.
#pragma once

#include <string>

#include "registry/status.h"

namespace modelwarden {

// The file a sqlite:// URI names: sqlite:///relative.db -> "relative.db",
// sqlite:////absolute.db -> "/absolute.db", sqlite:// and sqlite:///:memory: -> ":memory:".
// A query (?...) is ignored. kInvalidParameterValue for anything else.
Result<std::string> SqlitePathOfUri(const std::string& uri);

}  // namespace modelwarden
