#include "registry/sql/sqlite_uri.h"

#include "registry/text.h"

namespace modelwarden {

Result<std::string> SqlitePathOfUri(const std::string& uri) {
  if (!StartsWith(uri, "sqlite://")) {
    return Status::InvalidArgument("Invalid SQLite URI '" + uri + "': expected sqlite:///...");
  }
  const std::string rest = uri.substr(std::string("sqlite://").size());
  if (rest.empty() || rest == "/:memory:") return std::string(":memory:");
  if (rest[0] != '/') {
    return Status::InvalidArgument("Invalid SQLite URI '" + uri +
                                   "': expected sqlite:///relative/path.db or "
                                   "sqlite:////absolute/path.db");
  }
  std::string path = rest.substr(1);
  const size_t query = path.find('?');
  if (query != std::string::npos) path.resize(query);
  return path;
}

}  // namespace modelwarden
