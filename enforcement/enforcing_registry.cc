#include "enforcement/enforcing_registry.h"

namespace modelwarden {

Result<RegisteredModel> EnforcingRegistry::CreateRegisteredModel(const CallContext& ctx,
                                                                 const NewRegisteredModel& model) {
  return inner_.CreateRegisteredModel(ctx, model);
}

Result<RegisteredModel> EnforcingRegistry::GetRegisteredModel(const CallContext& ctx,
                                                              const std::string& name) {
  return inner_.GetRegisteredModel(ctx, name);
}

Result<RegisteredModel> EnforcingRegistry::UpdateRegisteredModel(const CallContext& ctx,
                                                                 const std::string& name,
                                                                 const std::string& description) {
  return inner_.UpdateRegisteredModel(ctx, name, description);
}

Result<RegisteredModel> EnforcingRegistry::RenameRegisteredModel(const CallContext& ctx,
                                                                 const std::string& name,
                                                                 const std::string& new_name) {
  return inner_.RenameRegisteredModel(ctx, name, new_name);
}

Status EnforcingRegistry::DeleteRegisteredModel(const CallContext& ctx, const std::string& name) {
  return inner_.DeleteRegisteredModel(ctx, name);
}

Result<Page<RegisteredModel>> EnforcingRegistry::SearchRegisteredModels(const CallContext& ctx,
                                                                        const SearchQuery& query) {
  return inner_.SearchRegisteredModels(ctx, query);
}

Result<std::vector<ModelVersion>> EnforcingRegistry::GetLatestVersions(
    const CallContext& ctx, const std::string& name, const std::vector<Stage>& stages) {
  return inner_.GetLatestVersions(ctx, name, stages);
}

Status EnforcingRegistry::SetRegisteredModelTag(const CallContext& ctx, const std::string& name,
                                                const Tag& tag) {
  return inner_.SetRegisteredModelTag(ctx, name, tag);
}

Status EnforcingRegistry::DeleteRegisteredModelTag(const CallContext& ctx, const std::string& name,
                                                   const std::string& key) {
  return inner_.DeleteRegisteredModelTag(ctx, name, key);
}

Status EnforcingRegistry::SetRegisteredModelAlias(const CallContext& ctx, const std::string& name,
                                                  const std::string& alias, int64_t version) {
  return inner_.SetRegisteredModelAlias(ctx, name, alias, version);
}

Status EnforcingRegistry::DeleteRegisteredModelAlias(const CallContext& ctx,
                                                     const std::string& name,
                                                     const std::string& alias) {
  return inner_.DeleteRegisteredModelAlias(ctx, name, alias);
}

Result<ModelVersion> EnforcingRegistry::GetModelVersionByAlias(const CallContext& ctx,
                                                               const std::string& name,
                                                               const std::string& alias) {
  return inner_.GetModelVersionByAlias(ctx, name, alias);
}

Result<ModelVersion> EnforcingRegistry::CreateModelVersion(const CallContext& ctx,
                                                           const NewModelVersion& version) {
  return inner_.CreateModelVersion(ctx, version);
}

Result<ModelVersion> EnforcingRegistry::GetModelVersion(const CallContext& ctx,
                                                        const std::string& name, int64_t version) {
  return inner_.GetModelVersion(ctx, name, version);
}

Result<ModelVersion> EnforcingRegistry::UpdateModelVersion(
    const CallContext& ctx, const std::string& name, int64_t version,
    const std::optional<std::string>& description) {
  return inner_.UpdateModelVersion(ctx, name, version, description);
}

Status EnforcingRegistry::DeleteModelVersion(const CallContext& ctx, const std::string& name,
                                             int64_t version) {
  return inner_.DeleteModelVersion(ctx, name, version);
}

Result<ModelVersion> EnforcingRegistry::TransitionModelVersionStage(
    const CallContext& ctx, const std::string& name, int64_t version, Stage stage,
    bool archive_existing_versions) {
  return inner_.TransitionModelVersionStage(ctx, name, version, stage, archive_existing_versions);
}

Result<Page<ModelVersion>> EnforcingRegistry::SearchModelVersions(const CallContext& ctx,
                                                                  const SearchQuery& query) {
  return inner_.SearchModelVersions(ctx, query);
}

Result<std::string> EnforcingRegistry::GetModelVersionDownloadUri(const CallContext& ctx,
                                                                  const std::string& name,
                                                                  int64_t version) {
  return inner_.GetModelVersionDownloadUri(ctx, name, version);
}

Status EnforcingRegistry::SetModelVersionTag(const CallContext& ctx, const std::string& name,
                                             int64_t version, const Tag& tag) {
  return inner_.SetModelVersionTag(ctx, name, version, tag);
}

Status EnforcingRegistry::DeleteModelVersionTag(const CallContext& ctx, const std::string& name,
                                                int64_t version, const std::string& key) {
  return inner_.DeleteModelVersionTag(ctx, name, version, key);
}

}  // namespace modelwarden
