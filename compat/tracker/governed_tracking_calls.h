// GovernedTrackingCalls: the few tracking calls modelwarden serves itself with --auth and
// --tracking-upstream, because MLflow's basic-auth acts on their answers (its
// AFTER_REQUEST_HANDLERS): creating an experiment gives its creator MANAGE on it; registering a
// scorer gives its creator MANAGE on the scorer and deleting one removes the scorer's grants;
// an experiment search answers only the experiments the caller may read, pages filled as
// MLflow fills them. Each call is authorized first (ForwardedAuthorizer, on its rule in
// compat/tracker/forwarded_rules.h), then sent to the tracker with modelwarden's own
// credentials (TrackerCalls), and the tracker's answer comes back as it came.
//
// Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compat/edge/http_message.h"
#include "compat/tracker/forwarded_authorizer.h"
#include "compat/tracker/tracker_calls.h"
#include "enforcement/access/access_admin.h"
#include "enforcement/access/experiment_access.h"
#include "registry/requests.h"

namespace modelwarden {

class GovernedTrackingCalls {
 public:
  enum class Kind { kCreateExperiment, kSearchExperiments, kRegisterScorer, kDeleteScorer };
  struct Route {
    std::string_view method;
    std::string_view path;  // Below /api and /ajax-api.
    Kind kind;
  };
  static const std::vector<Route>& Routes();

  // Borrowed; they must outlive this object.
  GovernedTrackingCalls(TrackerCalls& calls, ForwardedAuthorizer& authorizer, AccessAdmin& admin)
      : calls_(calls), authorizer_(authorizer), admin_(admin) {}

  // The answer to one call of `kind` by the authenticated caller of `ctx`, whose access is
  // `access`. Errors come back as MLflow error answers.
  Response Serve(Kind kind, const CallContext& ctx, const ExperimentAccess& access,
                 const RequestHead& head, const std::string& body);

 private:
  Result<TrackerAnswer> SearchExperiments(const ExperimentAccess& access, const RequestHead& head,
                                          const std::string& body);
  // After a successful call: the grants MLflow's after-request hooks make.
  void AfterSuccess(Kind kind, const CallContext& ctx, const RequestHead& head,
                    const std::string& request_body, const std::string& answer_body);

  TrackerCalls& calls_;
  ForwardedAuthorizer& authorizer_;
  AccessAdmin& admin_;
};

}  // namespace modelwarden
