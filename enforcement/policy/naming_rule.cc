#include "enforcement/policy/naming_rule.h"

#include "enforcement/policy/policy_util.h"

namespace modelwarden {

std::vector<CheckResult> CheckModelName(const NamingPolicy& naming, const std::string& name,
                                        bool is_prompt) {
  std::vector<CheckResult> checks;
  if (naming.mode == RuleMode::kOff) return checks;
  const RuleMode mode = naming.mode;
  const std::string hint = naming.hint.empty() ? "" : " (" + naming.hint + ")";

  // MLflow clients split models:/<name>/<version> on '/', so such a name cannot be loaded.
  if (name.find('/') != std::string::npos) {
    checks.push_back(Failed("naming.slash", mode, "name " + QuoteForMessage(name) + " contains '/'",
                            "use '.' to separate project and model, e.g. project.model-name; '/' "
                            "breaks models:/name/version URIs"));
  } else {
    checks.push_back(Passed("naming.slash", mode, "name has no '/'"));
  }

  if (name.size() < naming.min_length || name.size() > naming.max_length) {
    checks.push_back(Failed(
        "naming.length", mode,
        "name " + QuoteForMessage(name) + " is " + std::to_string(name.size()) + " bytes long",
        "use " + std::to_string(naming.min_length) + " to " + std::to_string(naming.max_length) +
            " bytes" + hint));
  } else {
    checks.push_back(Passed("naming.length", mode, "name length is within limits"));
  }

  std::string reserved;
  for (const std::string& prefix : naming.reserved_prefixes) {
    if (StartsWith(name, prefix)) reserved = prefix;
  }
  if (!reserved.empty()) {
    checks.push_back(Failed(
        "naming.reserved-prefix", mode,
        "name " + QuoteForMessage(name) + " starts with the reserved prefix '" + reserved + "'",
        "choose a name outside the reserved prefixes" + hint));
  } else if (!naming.reserved_prefixes.empty()) {
    checks.push_back(Passed("naming.reserved-prefix", mode, "name uses no reserved prefix"));
  }

  // Prompts keep MLflow's own names when exempt, but not '/', reserved prefixes or lengths.
  if (naming.pattern && !(is_prompt && naming.exempt_prompts)) {
    if (!naming.pattern->regex.FullMatch(name)) {
      checks.push_back(
          Failed("naming.pattern", mode,
                 "name " + QuoteForMessage(name) + " does not match " + naming.pattern->text,
                 "rename it to match the pattern" + hint));
    } else {
      checks.push_back(Passed("naming.pattern", mode, "name matches " + naming.pattern->text));
    }
  }
  return checks;
}

}  // namespace modelwarden
