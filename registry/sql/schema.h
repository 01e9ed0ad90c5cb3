// The database schema as numbered migrations, each a list of single statements per dialect,
// applied at start-up and recorded in the schema_version table. Migrating is safe when several
// servers start at once against one database: SQLite serialises on its write lock, MySQL on a named
// lock.
#pragma once

#include "registry/sql/sql_connection.h"

namespace modelwarden {

// The newest migration this build knows.
int LatestSchemaVersion();

// Applies every migration newer than the database's version, each in its own transaction
// where the dialect allows. kInvalidState when the database is newer than this build.
Status MigrateSchema(SqlConnection& connection);
// Applies the migrations up to `version` only, e.g. for tests that need a registry of an older
// build to migrate.
Status MigrateSchemaTo(SqlConnection& connection, int version);

}  // namespace modelwarden
