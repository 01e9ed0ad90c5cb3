// The model registry of an MLflow tracking database, read directly and read-only, as a
// RegistrySource (`modelwarden import --from-db URI`). SQLite files are opened with
// SQLITE_OPEN_READONLY; MySQL/MariaDB is read in a READ ONLY transaction with a consistent
// snapshot. Everything is read in that one transaction when the source is opened (five
// statements, one per table), so the import sees one moment of the registry and holds no lock
// on MLflow's database while it writes.
//
// The schema is recognised from the database's alembic revision (alembic_version.version_num),
// one of MLflow's migrations in mlflow/store/db_migrations/versions: the registry tables exist
// from 2b4d017a5e9b (MLflow 1.4); registered_model_tags from 728d730b5ebd, model_version_tags
// from 27a6a02d2cf1, model_versions.run_link from 84291f40a231, registered_model_aliases from
// 3500859a5d39 (MLflow 2.3), model_versions.storage_location from acf3f17fdcc7 (MLflow 2.9); the
// opendatahub-io fork's 1b5f0d9ad7c1 (MLflow 3.6) adds a workspace column to every registry
// table. The columns found must be those the revision implies. A revision this build does not
// know (a newer MLflow) is read by the columns it has, and Describe() says so.
//
// Not thread-safe (a RegistrySource).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "registry/registry_source.h"
#include "registry/sql/sql_connection.h"

namespace modelwarden {

struct MlflowDatabaseOptions {
  std::string uri;  // sqlite:///mlflow.db, sqlite:////abs/mlflow.db, mysql://user:pw@host/db
  // With the fork's workspaces: the workspace whose models are read.
  std::string workspace = "default";
};

// What the registry tables of one MLflow database look like.
struct MlflowSchema {
  std::string revision;  // alembic_version.version_num.
  bool known_revision = false;
  std::string release;  // "MLflow 3.x", "MLflow 2.x or earlier".
  bool model_tags = false;
  bool version_tags = false;
  bool run_link = false;
  bool aliases = false;
  bool storage_location = false;
  bool workspace = false;
};

// The schema of the database `db` is connected to. kInvalidParameterValue when it is not an
// MLflow tracking database with a model registry (a modelwarden database, an MLflow database
// from before the registry, tables that do not match their revision), naming what to do.
Result<MlflowSchema> RecogniseMlflowSchema(SqlConnection& db);

// Opens the database read-only and reads its registry. kInvalidParameterValue for a bad URI or
// a database RecogniseMlflowSchema refuses; kResourceDoesNotExist for a SQLite file that does
// not exist; kTemporarilyUnavailable when the database cannot be reached; kNotImplemented for
// mysql:// in a build without Connector/C++.
Result<std::unique_ptr<RegistrySource>> OpenMlflowDatabase(const MlflowDatabaseOptions& options);

}  // namespace modelwarden
