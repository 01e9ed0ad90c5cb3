// Loads and validates a policy file. Every problem is reported with the file, the JSON path
// and what was expected, e.g.
//   policy.json: $.requirements[2].mode: expected one of "off", "warn", "enforce", got "block"
// Unknown keys, bad regular expressions, wrong types and contradictions are errors: a server
// refuses to start on a bad file and keeps its previous policy on a bad reload.
#pragma once

#include <string>
#include <string_view>

#include "enforcement/policy/policy.h"
#include "registry/status.h"

namespace modelwarden {

struct PolicyLoadOptions {
  // Whether the server has a tracking upstream. Without one, gates on run.metrics.<key> and
  // the "runs" section could never pass: they are errors.
  bool tracker_configured = false;
  // Whether the server authenticates its callers. Without it every caller is anonymous, so no
  // one could approve another's request: enforced approval rules are errors.
  bool auth_enabled = false;
};

// kInvalidParameterValue with the message above; all problems found, one per line.
Result<Policy> ParsePolicy(std::string_view json_text, const std::string& source_name,
                           const PolicyLoadOptions& options = {});
// Reads `path` and parses it; a missing or unreadable file is kInvalidParameterValue too.
Result<Policy> LoadPolicyFile(const std::string& path, const PolicyLoadOptions& options = {});

}  // namespace modelwarden
