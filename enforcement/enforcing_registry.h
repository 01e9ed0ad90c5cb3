// EnforcingRegistry: the Registry decorator where policy lives: who is asking (principal), may
// they (RBAC), does the change obey the rules (naming, metadata, model card, gates), and the
// audit record. Issue #4 fills it in; until then every call passes straight to the inner
// Registry, so behaviour is plain MLflow. Thread-safe if the inner Registry is.
#pragma once

#include "registry/registry.h"

namespace modelwarden {

class EnforcingRegistry final : public Registry {
 public:
  explicit EnforcingRegistry(Registry& inner) : inner_(inner) {}

  Result<RegisteredModel> CreateRegisteredModel(const CallContext& ctx,
                                                const NewRegisteredModel& model) override;
  Result<RegisteredModel> GetRegisteredModel(const CallContext& ctx,
                                             const std::string& name) override;
  Result<RegisteredModel> UpdateRegisteredModel(const CallContext& ctx, const std::string& name,
                                                const std::string& description) override;
  Result<RegisteredModel> RenameRegisteredModel(const CallContext& ctx, const std::string& name,
                                                const std::string& new_name) override;
  Status DeleteRegisteredModel(const CallContext& ctx, const std::string& name) override;
  Result<Page<RegisteredModel>> SearchRegisteredModels(const CallContext& ctx,
                                                       const SearchQuery& query) override;
  Result<std::vector<ModelVersion>> GetLatestVersions(const CallContext& ctx,
                                                      const std::string& name,
                                                      const std::vector<Stage>& stages) override;
  Status SetRegisteredModelTag(const CallContext& ctx, const std::string& name,
                               const Tag& tag) override;
  Status DeleteRegisteredModelTag(const CallContext& ctx, const std::string& name,
                                  const std::string& key) override;
  Status SetRegisteredModelAlias(const CallContext& ctx, const std::string& name,
                                 const std::string& alias, int64_t version) override;
  Status DeleteRegisteredModelAlias(const CallContext& ctx, const std::string& name,
                                    const std::string& alias) override;
  Result<ModelVersion> GetModelVersionByAlias(const CallContext& ctx, const std::string& name,
                                              const std::string& alias) override;
  Result<ModelVersion> CreateModelVersion(const CallContext& ctx,
                                          const NewModelVersion& version) override;
  Result<ModelVersion> GetModelVersion(const CallContext& ctx, const std::string& name,
                                       int64_t version) override;
  Result<ModelVersion> UpdateModelVersion(const CallContext& ctx, const std::string& name,
                                          int64_t version,
                                          const std::optional<std::string>& description) override;
  Status DeleteModelVersion(const CallContext& ctx, const std::string& name,
                            int64_t version) override;
  Result<ModelVersion> TransitionModelVersionStage(const CallContext& ctx, const std::string& name,
                                                   int64_t version, Stage stage,
                                                   bool archive_existing_versions) override;
  Result<Page<ModelVersion>> SearchModelVersions(const CallContext& ctx,
                                                 const SearchQuery& query) override;
  Result<std::string> GetModelVersionDownloadUri(const CallContext& ctx, const std::string& name,
                                                 int64_t version) override;
  Status SetModelVersionTag(const CallContext& ctx, const std::string& name, int64_t version,
                            const Tag& tag) override;
  Status DeleteModelVersionTag(const CallContext& ctx, const std::string& name, int64_t version,
                               const std::string& key) override;

 private:
  Registry& inner_;
};

}  // namespace modelwarden
