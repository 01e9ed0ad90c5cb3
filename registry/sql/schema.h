// The database schema as numbered migrations, each a list of single statements per dialect,
// applied at start-up and recorded in the schema_version table. Migrating is safe when several
// servers start at once against one database: SQLite serialises on its write lock, MySQL on a named
// lock.
#pragma once

#include <vector>

#include "registry/sql/sql_connection.h"

namespace modelwarden {

// The newest migration this build knows.
int LatestSchemaVersion();

// The numbers of every migration this build knows, ascending (not necessarily contiguous:
// numbers are handed out per branch of development).
std::vector<int> SchemaVersions();

// Applies every migration the database has not recorded, in order, each in its own transaction
// where the dialect allows. kInvalidState when the database is newer than this build, or is
// another program's (RefuseForeignDatabase).
Status MigrateSchema(SqlConnection& connection);
// Applies the migrations up to `version` only, e.g. for tests that need a registry of an older
// build to migrate.
Status MigrateSchemaTo(SqlConnection& connection, int version);

// kInvalidState, naming `modelwarden import --from-db`, when the database is an MLflow tracking
// database (it has alembic_version or registered_models, and no schema_version); OK for an
// empty database or a modelwarden one. Reads only.
Status RefuseForeignDatabase(SqlConnection& connection);

}  // namespace modelwarden
