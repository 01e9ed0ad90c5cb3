#include "enforcement/policy/compliance_report.h"

#include <set>

#include "enforcement/policy/metadata_rule.h"
#include "enforcement/policy/naming_rule.h"
#include "enforcement/policy/promotion_checks.h"
#include "enforcement/policy/promotion_review.h"

namespace modelwarden {
namespace {

// Every page of a search; `search` runs one page.
template <typename T, typename Search>
Result<std::vector<T>> AllPages(Search search) {
  std::vector<T> all;
  std::string token;
  do {
    ASSIGN_OR_RETURN(Page<T> page, search(token));
    all.insert(all.end(), page.items.begin(), page.items.end());
    token = page.next_page_token;
  } while (!token.empty());
  return all;
}

}  // namespace

std::vector<Violation> CheckModelCompliance(const Policy& policy, const RegisteredModel& model,
                                            const std::vector<ModelVersion>& versions) {
  std::vector<Violation> violations;
  const auto record = [&](std::optional<int64_t> version, const std::string& context,
                          const std::vector<CheckResult>& checks) {
    for (const CheckResult& check : checks) {
      if (check.passed || check.mode == RuleMode::kOff) continue;
      violations.push_back({model.name, version, context, check});
    }
  };
  record(std::nullopt, "name", CheckModelName(policy.naming, model.name, IsPrompt(model.tags)));
  record(std::nullopt, "registration",
         CheckMetadata(policy.requirements, Checkpoint::kRegistration, &model, nullptr));
  for (const ModelVersion& version : versions) {
    record(version.version, "registration",
           CheckMetadata(policy.requirements, Checkpoint::kRegistration, nullptr, &version));
    if (version.current_stage == Stage::kStaging || version.current_stage == Stage::kProduction) {
      record(version.version, std::string(StageName(version.current_stage)),
             EvaluatePromotion(policy, model, version, version.current_stage, nullptr, "",
                               /*via_alias=*/true));
    }
    for (const ModelVersionAlias& alias : model.aliases) {
      const std::optional<Stage> stage = AliasStage(policy, alias.alias);
      if (alias.version != version.version || !stage) continue;
      record(version.version, "alias " + alias.alias,
             EvaluatePromotion(policy, model, version, *stage, nullptr, "", /*via_alias=*/true));
    }
  }
  return violations;
}

Result<ComplianceReport> BuildComplianceReport(Registry& registry, const Policy& policy) {
  CallContext ctx;
  ctx.request_id = "compliance-report";
  ctx.principal = Principal::System("compliance-report");
  ComplianceReport report;
  std::set<std::string> flagged;
  const auto record = [&](std::vector<Violation> violations) {
    for (Violation& v : violations) {
      flagged.insert(v.model);
      report.violations.push_back(std::move(v));
    }
  };

  std::vector<RegisteredModel> models;
  for (const char* prompts : {"", "tags.`mlflow.prompt.is_prompt` = 'true'"}) {
    ASSIGN_OR_RETURN(std::vector<RegisteredModel> page,
                     AllPages<RegisteredModel>([&](const std::string& token) {
                       SearchQuery query;
                       query.filter = prompts;
                       query.max_results = 1000;
                       query.page_token = token;
                       return registry.SearchRegisteredModels(ctx, query);
                     }));
    models.insert(models.end(), page.begin(), page.end());
  }

  for (const RegisteredModel& model : models) {
    ++report.models;
    // MLflow's filter grammar has no escapes: a name with a quote cannot be searched for.
    if (model.name.find('\'') != std::string::npos) {
      record(CheckModelCompliance(policy, model, {}));
      report.versions_not_checked.push_back(model.name);
      continue;
    }
    ASSIGN_OR_RETURN(std::vector<ModelVersion> versions,
                     AllPages<ModelVersion>([&](const std::string& token) {
                       SearchQuery query;
                       query.filter = "name = '" + model.name + "'";
                       if (IsPrompt(model.tags)) {
                         query.filter += " AND tags.`mlflow.prompt.is_prompt` = 'true'";
                       }
                       query.max_results = 10000;
                       query.page_token = token;
                       return registry.SearchModelVersions(ctx, query);
                     }));
    report.versions += static_cast<int64_t>(versions.size());
    record(CheckModelCompliance(policy, model, versions));
  }
  report.models_with_violations = static_cast<int64_t>(flagged.size());
  return report;
}

}  // namespace modelwarden
