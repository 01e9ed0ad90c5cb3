// canned_tracker PORT: a stand-in tracking server fast enough not to be what a benchmark of
// forwarded calls measures (scripts/bench-forward). On modelwarden's own HTTP edge, it answers
// GET /api/2.0/mlflow/runs/get?run_id=X with run X in experiment 1 (what modelwarden's lookups
// read), /health with OK, and anything else with {}. Runs until killed.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "compat/edge/http_edge.h"
#include "compat/edge/query_string.h"

namespace {

using namespace modelwarden;

class CannedTracker : public RequestHandler {
 public:
  Disposition Classify(const RequestHead&) override { return Disposition(); }

  Response Serve(int, Request& request) override {
    Response response;
    response.content_type = "application/json";
    if (request.head.path == "/api/2.0/mlflow/runs/get") {
      const auto query = ParseQueryString(request.head.query);
      auto it = query.find("run_id");
      const std::string run = it == query.end() ? "" : it->second;
      response.body =
          R"({"run":{"info":{"run_id":")" + run + R"(","run_uuid":")" + run +
          R"(","experiment_id":"1","status":"FINISHED","lifecycle_stage":"active"},)"
          R"("data":{"metrics":[{"key":"loss","value":0.25,"timestamp":1,"step":0}]}}})";
    } else if (request.head.path == "/health") {
      response.content_type = "text/plain";
      response.body = "OK";
    } else {
      response.body = "{}";
    }
    return response;
  }

  std::optional<Response> Admit(const RequestHead&, int, std::string*) override {
    return std::nullopt;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: canned_tracker PORT\n");
    return 2;
  }
  CannedTracker handler;
  EdgeOptions options;
  options.port = std::atoi(argv[1]);
  options.io_threads = 1;
  options.workers = 2;
  HttpEdge edge(options, handler, nullptr);
  Status bound = edge.Bind();
  if (!bound.ok()) {
    std::fprintf(stderr, "canned_tracker: %s\n", bound.message().c_str());
    return 1;
  }
  std::printf("listening on %d\n", edge.port());
  std::fflush(stdout);
  return edge.Run().ok() ? 0 : 1;
}
