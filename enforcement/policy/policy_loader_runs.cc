// $.runs: the run a new version comes from must exist on the tracking server.
#include <string>

#include "enforcement/policy/policy_loader_sections.h"

namespace modelwarden {
namespace policy_loader {

void ParseRuns(PolicyReader& in, const rj::Value& v, const std::string& path, RunPolicy& runs) {
  if (!in.CheckObject(v, path, {"description", "mode", "require_run"})) return;
  in.ReadDescription(v, path);
  runs.mode = RuleMode::kEnforce;  // A section that is present is meant to apply.
  if (const rj::Value* m = Member(v, "mode")) {
    if (auto mode = in.ReadMode(*m, Child(path, "mode"))) runs.mode = *mode;
  }
  if (const rj::Value* r = Member(v, "require_run")) {
    if (auto require = in.ReadBool(*r, Child(path, "require_run"))) runs.require_run = *require;
  }
  if (runs.mode != RuleMode::kOff && !in.options().tracker_configured) {
    in.Problem(path,
               "a tracking server to check runs on (start the server with --tracking-upstream)",
               "no tracking upstream configured");
  }
}

}  // namespace policy_loader
}  // namespace modelwarden
