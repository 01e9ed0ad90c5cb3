// ForwardedAuthorizer: decides one forwarded tracking call for one caller with --auth, by its
// rule (compat/tracker/forwarded_rules.h): finds the experiment(s) the call is about from its
// parameters (query string or JSON body, as MLflow's _get_request_param reads them; a run's,
// logged model's, trace's or dataset's experiment asked of the tracker through the
// ExperimentDirectory) and checks the caller's ExperimentAccess on each. A search over named
// experiments is narrowed to those the caller may read instead of refused.
//
// Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "compat/edge/http_message.h"
#include "compat/tracker/experiment_directory.h"
#include "compat/tracker/forwarded_rules.h"
#include "enforcement/access/experiment_access.h"
#include "registry/status.h"

namespace modelwarden {

struct ForwardedDecision {
  // Set: answer 200 with this JSON instead of forwarding (a search with nothing readable).
  std::optional<std::string> answer;
};

class ForwardedAuthorizer {
 public:
  // `directory` is borrowed and must outlive this object.
  explicit ForwardedAuthorizer(ExperimentDirectory& directory) : directory_(directory) {}

  // Ok: forward the call (with `*body` narrowed for a search), unless the decision has an
  // answer. kPermissionDenied naming what is missing; kInvalidParameterValue for a missing
  // parameter (MLflow's message) or a body that is not a JSON object; the directory's errors
  // (e.g. kResourceDoesNotExist for an unknown run, as MLflow answers).
  // `body` is null when the rule reads no body. With Blocking::kNever, kWouldBlock when the
  // decision needs the tracker (an answer not cached).
  using Blocking = AccessControl::Blocking;
  Result<ForwardedDecision> Decide(const ExperimentAccess& access, const ForwardedMatch& match,
                                   const RequestHead& head, std::string* body,
                                   Blocking blocking = Blocking::kAllowed);

  // Whether `access` has `need` on experiment `experiment_id` (its name looked up only when a
  // prefix grant could decide); kPermissionDenied naming what is missing.
  Status Require(const ExperimentAccess& access, const std::string& experiment_id,
                 ForwardedNeed need, Blocking blocking = Blocking::kAllowed);

  ExperimentDirectory& directory() { return directory_; }

 private:
  ExperimentDirectory& directory_;
};

}  // namespace modelwarden
