#include "compat/tracker/forwarded_rules.h"

#include <utility>

#include "compat/route_table.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

using R = ForwardedResource;
using N = ForwardedNeed;

// MLflow 3.6's tracking routes (mlflow/server/handlers.py get_endpoints and the Flask routes of
// mlflow/server/__init__.py), each under /api and /ajax-api. The registry's routes are
// modelwarden's own and never forwarded.
const std::vector<ForwardedRule>& Rules() {
  static const auto* rules = new std::vector<ForwardedRule>{
      // Experiments. create and search are served by GovernedTrackingCalls (the creator gets
      // MANAGE; results are filtered), with these rules.
      {"POST", "/2.0/mlflow/experiments/create", R::kAnyUser, N::kRead},
      {"GET", "/2.0/mlflow/experiments/search", R::kAnyUser, N::kRead},
      {"POST", "/2.0/mlflow/experiments/search", R::kAnyUser, N::kRead},
      {"GET", "/2.0/mlflow/experiments/get", R::kExperiment, N::kRead},
      {"GET", "/2.0/mlflow/experiments/get-by-name", R::kExperimentByName, N::kRead},
      {"POST", "/2.0/mlflow/experiments/delete", R::kExperiment, N::kDelete},
      {"POST", "/2.0/mlflow/experiments/restore", R::kExperiment, N::kDelete},
      {"POST", "/2.0/mlflow/experiments/update", R::kExperiment, N::kUpdate},
      {"POST", "/2.0/mlflow/experiments/set-experiment-tag", R::kExperiment, N::kUpdate},
      {"POST", "/2.0/mlflow/experiments/delete-experiment-tag", R::kExperiment, N::kUpdate},
      {"POST", "/2.0/mlflow/experiments/search-datasets", R::kExperiments, N::kRead},
      // Runs.
      {"POST", "/2.0/mlflow/runs/create", R::kExperiment, N::kUpdate},
      {"POST", "/2.0/mlflow/runs/create-promptlab-run", R::kExperiment, N::kUpdate},
      {"GET", "/2.0/mlflow/runs/get", R::kRun, N::kRead},
      {"POST", "/2.0/mlflow/runs/delete", R::kRun, N::kDelete},
      {"POST", "/2.0/mlflow/runs/restore", R::kRun, N::kDelete},
      {"POST", "/2.0/mlflow/runs/update", R::kRun, N::kUpdate},
      {"POST", "/2.0/mlflow/runs/log-metric", R::kRun, N::kUpdate},
      {"POST", "/2.0/mlflow/runs/log-batch", R::kRun, N::kUpdate},
      {"POST", "/2.0/mlflow/runs/log-model", R::kRun, N::kUpdate},
      {"POST", "/2.0/mlflow/runs/log-parameter", R::kRun, N::kUpdate},
      {"POST", "/2.0/mlflow/runs/log-inputs", R::kRun, N::kUpdate},
      {"POST", "/2.0/mlflow/runs/outputs", R::kRun, N::kUpdate},
      {"POST", "/2.0/mlflow/runs/set-tag", R::kRun, N::kUpdate},
      {"POST", "/2.0/mlflow/runs/delete-tag", R::kRun, N::kUpdate},
      {"POST", "/2.0/mlflow/runs/search", R::kSearchExperiments, N::kRead},
      {"GET", "/2.0/mlflow/metrics/get-history", R::kRun, N::kRead},
      {"GET", "/2.0/mlflow/metrics/get-history-bulk", R::kRuns, N::kRead},
      {"GET", "/2.0/mlflow/metrics/get-history-bulk-interval", R::kRuns, N::kRead},
      {"GET", "/2.0/mlflow/artifacts/list", R::kRun, N::kRead},
      {"POST", "/2.0/mlflow/upload-artifact", R::kRun, N::kUpdate, ParamSource::kQuery},
      // Logged models.
      {"POST", "/2.0/mlflow/logged-models", R::kExperiment, N::kUpdate},
      {"POST", "/2.0/mlflow/logged-models/search", R::kSearchExperiments, N::kRead},
      {"GET", "/2.0/mlflow/logged-models/{model_id}", R::kLoggedModel, N::kRead},
      {"DELETE", "/2.0/mlflow/logged-models/{model_id}", R::kLoggedModel, N::kDelete},
      {"PATCH", "/2.0/mlflow/logged-models/{model_id}", R::kLoggedModel, N::kUpdate},
      {"POST", "/2.0/mlflow/logged-models/{model_id}/params", R::kLoggedModel, N::kUpdate},
      {"PATCH", "/2.0/mlflow/logged-models/{model_id}/tags", R::kLoggedModel, N::kUpdate},
      {"DELETE", "/2.0/mlflow/logged-models/{model_id}/tags/{key}", R::kLoggedModel, N::kDelete},
      {"GET", "/2.0/mlflow/logged-models/{model_id}/artifacts/directories", R::kLoggedModel,
       N::kRead},
      {"GET", "/2.0/mlflow/logged-models/{model_id}/artifacts/files", R::kLoggedModel, N::kRead},
      // Traces, v2.
      {"GET", "/2.0/mlflow/traces", R::kExperiments, N::kRead},
      {"POST", "/2.0/mlflow/traces", R::kExperiment, N::kUpdate},
      {"PATCH", "/2.0/mlflow/traces/{trace_id}", R::kTrace, N::kUpdate},
      {"GET", "/2.0/mlflow/traces/{trace_id}/info", R::kTrace, N::kRead},
      {"PATCH", "/2.0/mlflow/traces/{trace_id}/tags", R::kTrace, N::kUpdate},
      {"DELETE", "/2.0/mlflow/traces/{trace_id}/tags", R::kTrace, N::kUpdate},
      {"POST", "/2.0/mlflow/traces/delete-traces", R::kExperiment, N::kDelete},
      {"POST", "/2.0/mlflow/traces/link-to-run", R::kRun, N::kUpdate},
      {"GET", "/2.0/mlflow/get-trace-artifact", R::kTrace, N::kRead},
      // Traces, v3.
      {"POST", "/3.0/mlflow/traces", R::kNewTrace, N::kUpdate},
      {"POST", "/3.0/mlflow/traces/search", R::kSearchTraces, N::kRead},
      {"GET", "/3.0/mlflow/traces/get", R::kTrace, N::kRead},
      {"GET", "/3.0/mlflow/traces/batchGet", R::kTraces, N::kRead},
      {"POST", "/3.0/mlflow/traces/delete-traces", R::kExperiment, N::kDelete},
      {"POST", "/3.0/mlflow/traces/calculate-filter-correlation", R::kExperiments, N::kRead},
      {"GET", "/3.0/mlflow/traces/{trace_id}", R::kTrace, N::kRead},
      {"PATCH", "/3.0/mlflow/traces/{trace_id}/tags", R::kTrace, N::kUpdate},
      {"DELETE", "/3.0/mlflow/traces/{trace_id}/tags", R::kTrace, N::kUpdate},
      {"POST", "/3.0/mlflow/traces/{trace_id}/assessments", R::kTrace, N::kUpdate},
      {"GET", "/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}", R::kTrace, N::kRead},
      {"PATCH", "/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}", R::kTrace, N::kUpdate},
      {"DELETE", "/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}", R::kTrace,
       N::kDelete},
      // Evaluation datasets.
      {"POST", "/3.0/mlflow/datasets/create", R::kExperiments, N::kUpdate},
      {"GET", "/3.0/mlflow/datasets/search", R::kExperiments, N::kRead},
      {"POST", "/3.0/mlflow/datasets/search", R::kExperiments, N::kRead},
      {"GET", "/3.0/mlflow/datasets/{dataset_id}", R::kDataset, N::kRead},
      {"DELETE", "/3.0/mlflow/datasets/{dataset_id}", R::kDataset, N::kDelete},
      {"GET", "/3.0/mlflow/datasets/{dataset_id}/experiment-ids", R::kDataset, N::kRead},
      {"GET", "/3.0/mlflow/datasets/{dataset_id}/records", R::kDataset, N::kRead},
      {"POST", "/3.0/mlflow/datasets/{dataset_id}/records", R::kDataset, N::kUpdate},
      {"PATCH", "/3.0/mlflow/datasets/{dataset_id}/tags", R::kDataset, N::kUpdate},
      {"DELETE", "/3.0/mlflow/datasets/{dataset_id}/tags/{key}", R::kDataset, N::kUpdate},
      {"POST", "/3.0/mlflow/datasets/{dataset_id}/add-experiments", R::kDatasetExperiments,
       N::kUpdate},
      {"POST", "/3.0/mlflow/datasets/{dataset_id}/remove-experiments", R::kDatasetExperiments,
       N::kUpdate},
      // Scorers. register and delete are served by GovernedTrackingCalls (the creator gets
      // MANAGE; a deleted scorer's grants go), with these rules.
      {"POST", "/3.0/mlflow/scorers/register", R::kExperiment, N::kUpdate},
      {"GET", "/3.0/mlflow/scorers/list", R::kExperiment, N::kRead},
      {"GET", "/3.0/mlflow/scorers/get", R::kScorer, N::kRead},
      {"GET", "/3.0/mlflow/scorers/versions", R::kScorer, N::kRead},
      {"DELETE", "/3.0/mlflow/scorers/delete", R::kScorer, N::kDelete},
      // Artifacts through the tracker's proxy (--serve-artifacts).
      {"GET", "/2.0/mlflow-artifacts/artifacts", R::kArtifact, N::kRead, ParamSource::kQuery},
      {"GET", "/2.0/mlflow-artifacts/artifacts/{*path}", R::kArtifact, N::kRead},
      {"PUT", "/2.0/mlflow-artifacts/artifacts/{*path}", R::kArtifact, N::kUpdate},
      {"DELETE", "/2.0/mlflow-artifacts/artifacts/{*path}", R::kArtifact, N::kManage},
      {"POST", "/2.0/mlflow-artifacts/mpu/create/{*path}", R::kArtifact, N::kUpdate},
      {"POST", "/2.0/mlflow-artifacts/mpu/complete/{*path}", R::kArtifact, N::kUpdate},
      {"POST", "/2.0/mlflow-artifacts/mpu/abort/{*path}", R::kArtifact, N::kUpdate},
      // The rest of the server.
      {"GET", "/2.0/mlflow/server-features", R::kAnyUser, N::kRead},
      {"GET", "/2.0/mlflow/gateway-proxy", R::kAnyUser, N::kRead},
      {"POST", "/2.0/mlflow/gateway-proxy", R::kAnyUser, N::kRead},
      {"GET", "/2.0/mlflow/unified-traces", R::kAnyUser, N::kRead},
      {"GET", "/2.0/mlflow/get-online-trace-details", R::kAnyUser, N::kRead},
      {"GET", "/2.0/mlflow/workspaces", R::kAdmin, N::kManage},
      {"POST", "/2.0/mlflow/workspaces", R::kAdmin, N::kManage},
      {"GET", "/2.0/mlflow/workspaces/{name}", R::kAdmin, N::kManage},
      {"PATCH", "/2.0/mlflow/workspaces/{name}", R::kAdmin, N::kManage},
      {"DELETE", "/2.0/mlflow/workspaces/{name}", R::kAdmin, N::kManage},
  };
  return *rules;
}

// The routes at the root rather than under an API prefix.
const std::vector<ForwardedRule>& RootRules() {
  static const auto* rules = new std::vector<ForwardedRule>{
      {"GET", "/get-artifact", R::kRun, N::kRead, ParamSource::kQuery},
      // Checked by what its query reads (compat/tracker/graphql_reads.h).
      {"GET", "/graphql", R::kGraphql, N::kRead},
      {"POST", "/graphql", R::kGraphql, N::kRead},
  };
  return *rules;
}

// The rules as route tables (compat/route_table.h): a literal path before any placeholder
// path, so ".../traces/search" wins over ".../traces/{trace_id}"; a call is a rule's index.
struct RuleTables {
  RouteTable api;   // Rules() under /api and /ajax-api.
  RouteTable root;  // RootRules().
};

const RuleTables& Tables() {
  static const auto* tables = [] {
    auto* built = new RuleTables;
    for (size_t i = 0; i < Rules().size(); ++i) {
      const ForwardedRule& rule = Rules()[i];
      for (std::string_view prefix : {"/api", "/ajax-api"}) {
        built->api.Add(rule.method, std::string(prefix) + std::string(rule.path),
                       static_cast<int>(i));
      }
    }
    for (size_t i = 0; i < RootRules().size(); ++i) {
      built->root.Add(RootRules()[i].method, RootRules()[i].path, static_cast<int>(i));
    }
    return built;
  }();
  return *tables;
}

}  // namespace

const std::vector<ForwardedRule>& AllForwardedRules() { return Rules(); }

ForwardedMatch FindForwardedRule(std::string_view method, std::string_view path) {
  ForwardedMatch match;
  match.api = StartsWith(path, "/api/") || StartsWith(path, "/ajax-api/");
  const std::vector<ForwardedRule>& rules = match.api ? Rules() : RootRules();
  RouteTable::Match found = (match.api ? Tables().api : Tables().root).Find(method, path);
  if (found.kind == RouteTable::Match::Kind::kFound) {
    match.rule = &rules[static_cast<size_t>(found.call)];
    match.values = std::move(found.values);
  }
  match.api =
      match.api || match.rule != nullptr || path == "/graphql" || StartsWith(path, "/graphql/");
  return match;
}

bool ReadsBody(const ForwardedRule& rule, std::string_view method) {
  if (rule.source == ParamSource::kQuery || method == "GET" || method == "HEAD") return false;
  switch (rule.resource) {
    case R::kAnyUser:
    case R::kAdmin:
    case R::kArtifact:
      return false;
    case R::kLoggedModel:
    case R::kTrace:
    case R::kDataset:
      // From the path, where the rule has a placeholder.
      return rule.path.find('{') == std::string_view::npos;
    default:
      return true;
  }
}

}  // namespace modelwarden
