#include "enforcement/policy/metadata_rule.h"

#include <algorithm>

#include "enforcement/policy/policy_util.h"

namespace modelwarden {
namespace {

std::string FormatNumber(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

std::string Subject(const MetadataRequirement& r) {
  switch (r.target) {
    case MetadataTarget::kModelTag:
      return "registered model tag '" + r.key + "'";
    case MetadataTarget::kVersionTag:
      return "model version tag '" + r.key + "'";
    case MetadataTarget::kModelDescription:
      return "registered model description";
    case MetadataTarget::kVersionDescription:
      return "model version description";
  }
  return "";
}

std::string HowToSet(const MetadataRequirement& r) {
  switch (r.target) {
    case MetadataTarget::kModelTag:
      return "set it with MlflowClient.set_registered_model_tag(name, '" + r.key + "', value)";
    case MetadataTarget::kVersionTag:
      return "set it with MlflowClient.set_model_version_tag(name, version, '" + r.key +
             "', value)";
    case MetadataTarget::kModelDescription:
      return "set it with MlflowClient.update_registered_model(name, description=...)";
    case MetadataTarget::kVersionDescription:
      return "set it with MlflowClient.update_model_version(name, version, description=...)";
  }
  return "";
}

// Why `value` does not satisfy the requirement, or "" when it does.
std::string ValueProblem(const MetadataRequirement& r, const std::string& value) {
  if (!r.allowed_values.empty() && std::find(r.allowed_values.begin(), r.allowed_values.end(),
                                             value) == r.allowed_values.end()) {
    std::string allowed;
    for (const std::string& v : r.allowed_values) allowed += (allowed.empty() ? "" : ", ") + v;
    return "is " + QuoteForMessage(value) + ", allowed: " + allowed;
  }
  if (r.pattern && !r.pattern->regex.FullMatch(value)) {
    return "is " + QuoteForMessage(value) + ", which does not match " + r.pattern->text;
  }
  if (r.min || r.max) {
    const std::optional<double> number = ParseFiniteNumber(value);
    if (!number) return "is " + QuoteForMessage(value) + ", not a number";
    if ((r.min && *number < *r.min) || (r.max && *number > *r.max)) {
      return "is " + QuoteForMessage(value) + ", outside [" +
             (r.min ? FormatNumber(*r.min) : "-inf") + ", " +
             (r.max ? FormatNumber(*r.max) : "inf") + "]";
    }
  }
  return "";
}

}  // namespace

std::string_view CheckpointName(Checkpoint checkpoint) {
  switch (checkpoint) {
    case Checkpoint::kRegistration:
      return "registration";
    case Checkpoint::kStaging:
      return "Staging";
    case Checkpoint::kProduction:
      return "Production";
  }
  return "";
}

std::optional<Checkpoint> CheckpointForStage(Stage stage) {
  if (stage == Stage::kStaging) return Checkpoint::kStaging;
  if (stage == Stage::kProduction) return Checkpoint::kProduction;
  return std::nullopt;
}

std::vector<CheckResult> CheckMetadata(const std::vector<MetadataRequirement>& requirements,
                                       Checkpoint checkpoint, const RegisteredModel* model,
                                       const ModelVersion* version) {
  std::vector<CheckResult> checks;
  for (const MetadataRequirement& r : requirements) {
    if (r.mode == RuleMode::kOff) continue;
    if (std::find(r.applies_at.begin(), r.applies_at.end(), checkpoint) == r.applies_at.end()) {
      continue;
    }
    const bool on_model =
        r.target == MetadataTarget::kModelTag || r.target == MetadataTarget::kModelDescription;
    if ((on_model && !model) || (!on_model && !version)) continue;

    std::optional<std::string> value;
    switch (r.target) {
      case MetadataTarget::kModelTag:
        if (const std::string* v = FindTag(model->tags, r.key)) value = *v;
        break;
      case MetadataTarget::kVersionTag:
        if (const std::string* v = FindTag(version->tags, r.key)) value = *v;
        break;
      case MetadataTarget::kModelDescription:
        if (!model->description.empty()) value = model->description;
        break;
      case MetadataTarget::kVersionDescription:
        if (version->description && !version->description->empty()) value = version->description;
        break;
    }
    const std::string fix = r.hint.empty() ? HowToSet(r) : r.hint;
    if (!value) {
      checks.push_back(Failed(r.id, r.mode,
                              Subject(r) + " is required at " +
                                  std::string(CheckpointName(checkpoint)) + " and is missing",
                              fix));
      continue;
    }
    const std::string problem = ValueProblem(r, *value);
    if (!problem.empty()) {
      checks.push_back(Failed(r.id, r.mode, Subject(r) + " " + problem, fix));
    } else {
      checks.push_back(Passed(r.id, r.mode, Subject(r) + " is set"));
    }
  }
  return checks;
}

}  // namespace modelwarden
