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

Result<ComplianceReport> BuildComplianceReport(Registry& registry, const Policy& policy) {
  CallContext ctx;
  ctx.request_id = "compliance-report";
  ctx.principal = Principal::System("compliance-report");
  ComplianceReport report;
  std::set<std::string> flagged;
  const auto record = [&](const RegisteredModel& model, std::optional<int64_t> version,
                          const std::string& context, const std::vector<CheckResult>& checks) {
    for (const CheckResult& check : checks) {
      if (check.passed || check.mode == RuleMode::kOff) continue;
      report.violations.push_back({model.name, version, context, check});
      flagged.insert(model.name);
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
    record(model, std::nullopt, "name",
           CheckModelName(policy.naming, model.name, IsPrompt(model.tags)));
    record(model, std::nullopt, "registration",
           CheckMetadata(policy.requirements, Checkpoint::kRegistration, &model, nullptr));

    // MLflow's filter grammar has no escapes: a name with a quote cannot be searched for.
    if (model.name.find('\'') != std::string::npos) {
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
    for (const ModelVersion& version : versions) {
      ++report.versions;
      record(model, version.version, "registration",
             CheckMetadata(policy.requirements, Checkpoint::kRegistration, nullptr, &version));
      if (version.current_stage == Stage::kStaging || version.current_stage == Stage::kProduction) {
        record(model, version.version, std::string(StageName(version.current_stage)),
               EvaluatePromotion(policy, model, version, version.current_stage, nullptr, "",
                                 /*via_alias=*/true));
      }
      for (const ModelVersionAlias& alias : model.aliases) {
        const std::optional<Stage> stage = AliasStage(policy, alias.alias);
        if (alias.version != version.version || !stage) continue;
        record(model, version.version, "alias " + alias.alias,
               EvaluatePromotion(policy, model, version, *stage, nullptr, "", /*via_alias=*/true));
      }
    }
  }
  report.models_with_violations = static_cast<int64_t>(flagged.size());
  return report;
}

}  // namespace modelwarden
