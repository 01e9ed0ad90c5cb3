// TransferOptions: what `modelwarden import` and `modelwarden export` can be told beyond the
// store and policy options they share with the server (ServerOptions). Filled by compat/cli.cc
// from flags only; the source registry's credentials come from MLflow's client variables.
// Plain data.
#pragma once

#include <string>

namespace modelwarden {

struct TransferOptions {
  // import: exactly one source.
  std::string from_url;   // An MLflow-compatible registry: http(s)://host:port[/path].
  std::string from_db;    // An MLflow tracking database: sqlite:///mlflow.db, mysql://...
  std::string from_file;  // A backup written by `modelwarden export`.
  // export: the backup file to write.
  std::string to_file;
  // import: plan and report, write nothing.
  bool dry_run = false;
  // import: models that break an enforced rule of the policy are refused (otherwise reported).
  bool enforce = false;
  // import: CSV of old,new model names.
  std::string rename_map;
  // import: where to write a rename map that fits the naming rule (nothing is imported).
  std::string suggest_renames;
  // import --from-db of an MLflow with workspaces (the opendatahub-io fork): which one.
  std::string workspace = "default";
  // import --from: MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD, MLFLOW_TRACKING_TOKEN.
  std::string source_username;
  std::string source_password;
  std::string source_token;
};

}  // namespace modelwarden
