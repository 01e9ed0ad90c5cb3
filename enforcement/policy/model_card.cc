#include "enforcement/policy/model_card.h"

#include <algorithm>

#include "enforcement/policy/policy_util.h"

namespace modelwarden {
namespace {

std::string JoinSections(const std::vector<std::string>& sections) {
  std::string out;
  for (const std::string& s : sections) out += (out.empty() ? "'" : ", '") + s + "'";
  return out;
}

}  // namespace

std::vector<std::string> FilledSections(std::string_view markdown) {
  std::vector<std::string> filled;
  std::string current;
  bool in_section = false, has_text = false;
  std::string fence;  // The open code fence ("```" or "~~~"), empty outside one.
  const auto close = [&] {
    if (in_section && has_text) filled.push_back(current);
  };
  size_t start = 0;
  while (start <= markdown.size()) {
    size_t end = markdown.find('\n', start);
    if (end == std::string_view::npos) end = markdown.size();
    const std::string line(Trim(markdown.substr(start, end - start)));
    start = end + 1;
    for (const char* marker : {"```", "~~~"}) {
      if (line.rfind(marker, 0) != 0) continue;
      if (fence.empty()) {
        fence = marker;
      } else if (fence == marker) {
        fence.clear();
      }
    }
    // An ATX heading: 1-6 '#', then a space or tab, the title, optional closing '#'s.
    const size_t level = line.find_first_not_of('#');
    if (fence.empty() && !line.empty() && line[0] == '#' && level != std::string::npos &&
        level <= 6 && (line[level] == ' ' || line[level] == '\t')) {
      std::string title(Trim(std::string_view(line).substr(level)));
      const size_t closing = title.find_last_not_of('#');
      if (closing != std::string::npos && closing + 1 < title.size() &&
          (title[closing] == ' ' || title[closing] == '\t')) {
        title = std::string(Trim(std::string_view(title).substr(0, closing)));
      }
      close();
      current = title;
      in_section = true;
      has_text = false;
      continue;
    }
    if (in_section && !line.empty()) has_text = true;
  }
  close();
  return filled;
}

std::vector<std::string> MissingSections(std::string_view markdown,
                                         const std::vector<std::string>& required) {
  std::vector<std::string> present;
  for (const std::string& s : FilledSections(markdown)) present.push_back(AsciiLower(s));
  std::vector<std::string> missing;
  for (const std::string& r : required) {
    if (std::find(present.begin(), present.end(), AsciiLower(Trim(r))) == present.end()) {
      missing.push_back(r);
    }
  }
  return missing;
}

ModelCard FindModelCard(const ModelVersion& version, const ModelCardPolicy& policy,
                        const std::vector<std::string>& required) {
  const std::string* card = FindTag(version.tags, kModelCardTagKey);
  const bool description_usable =
      policy.accept_description && version.description && !version.description->empty();
  if (card && description_usable &&
      MissingSections(*version.description, required).size() <
          MissingSections(*card, required).size()) {
    return {*version.description, "description"};
  }
  if (card) return {*card, "card"};
  if (description_usable) return {*version.description, "description"};
  return {"", "none"};
}

std::vector<std::string> RequiredSections(const ModelCardPolicy& policy, Stage stage,
                                          const RegisteredModel& model) {
  std::vector<std::string> required;
  if (stage != Stage::kStaging && stage != Stage::kProduction) return required;
  required = policy.staging_sections;
  if (stage == Stage::kProduction) {
    required.insert(required.end(), policy.production_sections.begin(),
                    policy.production_sections.end());
  }
  if (policy.high_risk) {
    const std::string* risk = FindTag(model.tags, policy.high_risk->tag_key);
    const auto& values = policy.high_risk->values;
    if (risk && std::find(values.begin(), values.end(), *risk) != values.end()) {
      required.insert(required.end(), policy.high_risk->extra_sections.begin(),
                      policy.high_risk->extra_sections.end());
    }
  }
  return required;
}

std::vector<CheckResult> CheckModelCard(const ModelCardPolicy& policy, Stage stage,
                                        const RegisteredModel& model, const ModelVersion& version) {
  std::vector<CheckResult> checks;
  if (policy.mode == RuleMode::kOff) return checks;
  const std::vector<std::string> required = RequiredSections(policy, stage, model);
  if (required.empty()) return checks;
  const std::string rule_id = "model-card." + AsciiLower(StageName(stage));
  const ModelCard card = FindModelCard(version, policy, required);
  const std::string how =
      "attach the card with POST /api/2.0/modelwarden/model-versions/card {name, version, "
      "markdown}" +
      std::string(policy.accept_description ? " or put the sections in the version description"
                                            : "");
  if (card.origin == "none") {
    checks.push_back(Failed(rule_id, policy.mode,
                            "version " + std::to_string(version.version) + " has no model card; " +
                                std::string(StageName(stage)) + " requires sections " +
                                JoinSections(required),
                            how));
    return checks;
  }
  const std::vector<std::string> missing = MissingSections(card.markdown, required);
  if (!missing.empty()) {
    checks.push_back(Failed(
        rule_id, policy.mode,
        "the model card (from the " + card.origin + ") lacks sections " + JoinSections(missing),
        "add a '## <section>' heading with text for each; " + how));
  } else {
    checks.push_back(Passed(rule_id, policy.mode,
                            "the model card (from the " + card.origin + ") has every section"));
  }
  return checks;
}

}  // namespace modelwarden
