// RegistryService: the Registry over a ModelStore. Validates input as MLflow does, stamps
// times from a Clock, resolves MLflow semantics (search defaults and limits, the "latest"
// alias, download URIs), and leaves persistence to the store. Thread-safe if the store is.
#pragma once

#include <optional>
#include <string>

#include "registry/clock.h"
#include "registry/model_store.h"
#include "registry/regex.h"
#include "registry/registry.h"
#include "registry/tracker.h"

namespace modelwarden {

struct RegistryServiceOptions {
  // MLflow's MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX: when set, every new version's
  // source (prompts included) must contain a match (Regex::PartialMatch, like MLflow's re.search).
  std::optional<Regex> source_pattern;
  std::string source_pattern_text;
  // Borrowed, optional (--tracking-upstream): resolves runs:/ and models:/<model_id> sources
  // and local sources inside a run's artifacts (registry/source_resolution.h), and fills
  // run_link from the run when the client sent none.
  Tracker* tracker = nullptr;
};

class RegistryService final : public Registry {
 public:
  RegistryService(ModelStore& store, const Clock& clock, RegistryServiceOptions options = {})
      : store_(store), clock_(clock), options_(std::move(options)) {}

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
  WriteContext Write(const CallContext& ctx) const { return {clock_.NowMillis(), ctx.audit, ""}; }

  ModelStore& store_;
  const Clock& clock_;
  const RegistryServiceOptions options_;
};

}  // namespace modelwarden
