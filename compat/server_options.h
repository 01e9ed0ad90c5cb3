// ServerOptions: everything `modelwarden server` can be told, with its defaults. Filled by
// compat/cli.cc from flags > environment > config file > these defaults. Plain data.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <thread>

namespace modelwarden {

// Workers run the registry's blocking work (database, password checks); open connections cost
// none. Requests mostly wait on the database, so a worker per database connection, max(32,
// 4 x cores), keeps the cores busy while some wait. Idle workers cost little; the connection
// pool opens lazily.
inline int DefaultWorkerCount() {
  return std::max(32, 4 * static_cast<int>(std::thread::hardware_concurrency()));
}

struct ServerOptions {
  // Interface to listen on. Loopback by default, as `mlflow server`.
  std::string host = "127.0.0.1";
  // TCP port. Same default as `mlflow server --port`.
  int port = 5000;
  // MLflow backend store URI: sqlite:///relative.db, sqlite:////absolute.db,
  // mysql://user:password@host:port/database (see registry/store_factory.h).
  std::string backend_store_uri = "sqlite:///modelwarden.db";
  // Worker threads that run requests on the registry (the HTTP edge's I/O threads own the
  // connections); also the size of the database connection pool.
  int workers = DefaultWorkerCount();
  // Open client connections at most; one more is answered 503 and closed. Lowered at start-up
  // to what the open-files limit allows.
  int max_connections = 10000;
  // A request head (line and fields) must arrive within this long of its first byte, and a body
  // must not stall longer than this between two reads (slowloris); else the connection closes.
  int header_timeout_ms = 10000;
  // A keep-alive connection with no request for this long is closed.
  int idle_timeout_ms = 60000;
  // Larger request bodies are refused with 413 before any handler runs.
  size_t max_request_body_bytes = 16 * 1024 * 1024;
  // One line per request on stderr (client, method, path, status, microseconds); never
  // bodies or query strings. Off by default.
  bool access_log = false;
  // How long a request waits for a free database connection before answering 503
  // TEMPORARILY_UNAVAILABLE.
  int pool_wait_timeout_ms = 5000;
  // Memory for SQLite's page caches, shared by all of the server's connections (MiB).
  int sqlite_cache_mb = 64;
  // The policy file (enforcement/POLICY.md). Empty: no rules, plain MLflow behaviour (changes
  // are still audited). Reloaded on SIGHUP and when the file changes; a bad file is refused at
  // start-up and, on reload, leaves the previous policy in force.
  std::string policy_file;
  // MLflow's MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX: new versions' sources must
  // contain a match. Empty: no such check.
  std::string source_validation_regex;

  // Authentication and permissions (enforcement/access_control.h). Off: anyone may do
  // anything, as `mlflow server` without --app-name basic-auth.
  bool auth = false;
  // READ, EDIT, MANAGE or NO_PERMISSIONS: a user's permission on a model no grant covers
  // (MLflow's default_permission).
  std::string auth_default_permission = "READ";
  // Registering a name (or renaming to it) needs EDIT on it, e.g. through a prefix grant.
  // Off: any authenticated user may register any name, as MLflow.
  bool auth_registration_needs_grant = false;
  // How long verified credentials and users' grants are reused before being re-read.
  int auth_cache_seconds = 5;
  // PBKDF2 iterations for new password hashes.
  int auth_password_iterations = 600000;
  // Created as admin at start-up if no user of that name exists; its password comes from
  // the file or from MODELWARDEN_AUTH_ADMIN_PASSWORD, never from a flag or a default.
  std::string auth_admin_username;
  std::string auth_admin_password_file;
  std::string auth_admin_password;  // From the environment only; never printed.
  // The MLflow tracking server modelwarden sits beside, http(s)://host:port: every path that
  // is not the registry is forwarded to it, and runs are read from it (run_link, runs:/ and
  // models:/ sources, the policy's run checks and run.metrics gates). Empty: registry only.
  std::string tracking_upstream;
  // How long to wait for a connection to the tracking server, then 504.
  int tracking_upstream_connect_timeout_ms = 5000;
  // How long to wait for the tracking server's next byte, then 504.
  int tracking_upstream_timeout_ms = 60000;
  // Where users open the tracking UI, for the run_link of new versions. Empty: the upstream.
  std::string tracking_ui_url;
  // Minutes between the server's retention passes (the policy's retention rules); 0: none.
  // With several servers on one database only one runs a pass at a time (a database lease).
  int retention_interval_minutes = 0;
  // Store a link to the run's page as the run_link of a new version created with a run and
  // without one. Off (MLflow): run_link is what the client sent, and MLflow's UI links the run
  // itself, inside the UI the user is in.
  bool fill_run_link = false;
  // Version artifacts with a local storage location below this directory are read from this
  // machine's disk by GET /model-versions/get-artifact. Empty: none are.
  std::string local_artifact_root;

  // Webhooks (README "Webhooks"). MLflow's MLFLOW_WEBHOOK_ALLOWED_SCHEMES: the URL schemes a
  // webhook may use, comma-separated.
  std::string webhook_allowed_schemes = "https";
  // MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY: the key webhook secrets are encrypted with at rest
  // (environment only; never printed). Empty: webhooks cannot have secrets.
  std::string webhook_secret_encryption_key;
  // MLFLOW_WEBHOOK_REQUEST_TIMEOUT: seconds to connect to a receiver, and for each read and
  // write of a delivery.
  int webhook_request_timeout = 30;
  // MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES: retries of one delivery at most. -1 (unset): as many
  // as the retry window holds.
  int webhook_request_max_retries = -1;
  // MLFLOW_WEBHOOK_DELIVERY_MAX_WORKERS: deliveries this process sends at once.
  int webhook_delivery_workers = 10;
  // How long after its event a delivery is still retried.
  int webhook_retry_window_seconds = 24 * 60 * 60;
  // How long finished deliveries and their attempts are kept.
  int webhook_delivery_retention_days = 7;
  // Refuse webhook receivers at loopback, link-local and private addresses.
  bool webhook_deny_private_targets = false;
};

}  // namespace modelwarden
