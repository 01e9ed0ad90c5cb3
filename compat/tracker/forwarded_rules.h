// ForwardedRules: what a caller must hold for each tracking call forwarded to the tracker with
// --auth, as MLflow's basic-auth table decides it (mlflow/server/auth/__init__.py
// BEFORE_REQUEST_VALIDATORS): a permission on the experiment the call is about, found from the
// call's parameters (an experiment id or name, a run, a logged model, a trace, a dataset, a
// scorer, an artifact path). Calls MLflow leaves unchecked get a rule too (log-inputs, traces,
// datasets, workspaces), and any /api or /ajax-api path or /graphql with no rule is refused:
// deny by default. Paths outside the API (the UI's files) need authentication only.
//
// Constant; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace modelwarden {

// What a call is about, and so which experiment(s) decide.
enum class ForwardedResource {
  kAnyUser,             // Any authenticated user (server features, the gateway proxy, UI files).
  kAdmin,               // Admins only.
  kExperiment,          // The "experiment_id" parameter.
  kExperimentByName,    // The "experiment_name" parameter.
  kExperiments,         // Every "experiment_ids" value: each one.
  kSearchExperiments,   // A search's "experiment_ids" (JSON body): narrowed to the readable ones.
  kRun,                 // The "run_id" (or "run_uuid") parameter.
  kRuns,                // Every "run_id"/"run_ids" value: each one.
  kLoggedModel,         // The {model_id} path segment, else the "model_id" parameter.
  kTrace,               // The {trace_id} path segment, else "trace_id"/"request_id".
  kTraces,              // Every "trace_ids" value: each one.
  kNewTrace,            // A v3 trace's trace_info.trace_location.mlflow_experiment.experiment_id.
  kSearchTraces,        // A v3 search's locations[].mlflow_experiment.experiment_id: each one.
  kArtifact,            // mlflow-artifacts: the experiment id the artifact path starts with.
  kDataset,             // The {dataset_id} path segment: every experiment the dataset is in.
  kDatasetExperiments,  // kDataset, and every "experiment_ids" value it is to be (un)linked with.
  kScorer,              // The "experiment_id" and "name" parameters: that scorer.
  kGraphql,             // MLflow's GraphQL endpoint: the runs and experiments its query reads.
};

// The permission needed, as MLflow's Permission.can_* names it.
enum class ForwardedNeed { kRead, kUpdate, kDelete, kManage };

// Where a rule's parameters are: the query string (GET, and Flask routes that read
// request.args), or the JSON body (POST, PATCH; DELETE when it has a JSON body).
enum class ParamSource { kByMethod, kQuery };

struct ForwardedRule {
  std::string_view method;
  std::string_view path;  // Below /api or /ajax-api; {x}: one segment; {*x}: the rest.
  ForwardedResource resource;
  ForwardedNeed need;
  ParamSource source = ParamSource::kByMethod;
};

// Every rule, for tests that walk MLflow's routes.
const std::vector<ForwardedRule>& AllForwardedRules();

struct ForwardedMatch {
  const ForwardedRule* rule = nullptr;  // Null: no rule.
  std::vector<std::string> values;      // The {x} / {*x} segments, in order.
  bool api = false;                     // The path is an API path (deny by default).
};

// The rule for `method` on `path` (percent-decoded, as the edge routes). HEAD finds GET's rule.
ForwardedMatch FindForwardedRule(std::string_view method, std::string_view path);

// Whether the rule reads its parameters from the request's JSON body.
bool ReadsBody(const ForwardedRule& rule, std::string_view method);

}  // namespace modelwarden
