// Registry: the use cases of the MLflow Model Registry, one method per RPC of
// mlflow/protos/model_registry.proto. compat calls it, and so does every other caller (command
// line, jobs); RegistryService implements it over a ModelStore, with a Governor deciding who may
// do what and what the policy allows.
//
// Thread-safe: every implementation may be called from many threads at once. Every method may
// also return kPermissionDenied (the caller may not), kInvalidParameterValue listing the
// policy checks a change failed, kTemporarilyUnavailable (database busy or unreachable; nothing
// was written) or kInternalError. Messages are MLflow's own wording where MLflow has one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "registry/entities.h"
#include "registry/requests.h"
#include "registry/status.h"

namespace modelwarden {

// What a write returns: MLflow's answer and the policy's warnings (checks in warn mode that
// failed; the change was made).
template <typename T>
struct Written {
  T value;
  std::vector<std::string> warnings;
};
// The answer of a write that MLflow answers with an empty body.
struct Done {};

class Registry {
 public:
  virtual ~Registry() = default;

  // kInvalidParameterValue for an empty name or an invalid tag; kResourceAlreadyExists when a
  // model (or prompt) of that name exists.
  virtual Result<Written<RegisteredModel>> CreateRegisteredModel(
      const CallContext& ctx, const NewRegisteredModel& model) = 0;
  // kResourceDoesNotExist when absent.
  virtual Result<RegisteredModel> GetRegisteredModel(const CallContext& ctx,
                                                     const std::string& name) = 0;
  // Replaces the description ("" clears it). kResourceDoesNotExist when absent.
  virtual Result<Written<RegisteredModel>> UpdateRegisteredModel(
      const CallContext& ctx, const std::string& name, const std::string& description) = 0;
  // Moves versions, tags and aliases. kResourceDoesNotExist, kResourceAlreadyExists.
  virtual Result<Written<RegisteredModel>> RenameRegisteredModel(const CallContext& ctx,
                                                                 const std::string& name,
                                                                 const std::string& new_name) = 0;
  // Deletes the model with its versions, tags and aliases. kResourceDoesNotExist.
  virtual Result<Written<Done>> DeleteRegisteredModel(const CallContext& ctx,
                                                      const std::string& name) = 0;
  // kInvalidParameterValue for a bad filter, order_by, max_results or page token.
  virtual Result<Page<RegisteredModel>> SearchRegisteredModels(const CallContext& ctx,
                                                               const SearchQuery& query) = 0;
  // Highest live version per requested stage (all stages when empty). kResourceDoesNotExist.
  virtual Result<std::vector<ModelVersion>> GetLatestVersions(const CallContext& ctx,
                                                              const std::string& name,
                                                              const std::vector<Stage>& stages) = 0;
  // Upsert. kInvalidParameterValue for a bad key or value; kResourceDoesNotExist.
  virtual Result<Written<Done>> SetRegisteredModelTag(const CallContext& ctx,
                                                      const std::string& name, const Tag& tag) = 0;
  // An absent key is not an error. kResourceDoesNotExist for the model.
  virtual Result<Written<Done>> DeleteRegisteredModelTag(const CallContext& ctx,
                                                         const std::string& name,
                                                         const std::string& key) = 0;
  // Creates or moves the alias. kInvalidParameterValue for a bad or reserved alias;
  // kResourceDoesNotExist when the version is absent or deleted.
  virtual Result<Written<Done>> SetRegisteredModelAlias(const CallContext& ctx,
                                                        const std::string& name,
                                                        const std::string& alias,
                                                        int64_t version) = 0;
  // An absent alias is not an error. kResourceDoesNotExist for the model.
  virtual Result<Written<Done>> DeleteRegisteredModelAlias(const CallContext& ctx,
                                                           const std::string& name,
                                                           const std::string& alias) = 0;
  // "latest" (any case) resolves to the highest live version. kResourceDoesNotExist for the
  // model; kInvalidParameterValue when the alias is not set (MLflow's quirk, not 404).
  virtual Result<ModelVersion> GetModelVersionByAlias(const CallContext& ctx,
                                                      const std::string& name,
                                                      const std::string& alias) = 0;

  // Allocates the next number (never reused while the model exists). kInvalidParameterValue for
  // a bad source or tag; kResourceDoesNotExist when the model is absent.
  virtual Result<Written<ModelVersion>> CreateModelVersion(const CallContext& ctx,
                                                           const NewModelVersion& version) = 0;
  // kResourceDoesNotExist when absent or deleted.
  virtual Result<ModelVersion> GetModelVersion(const CallContext& ctx, const std::string& name,
                                               int64_t version) = 0;
  // nullopt description clears it. kResourceDoesNotExist.
  virtual Result<Written<ModelVersion>> UpdateModelVersion(
      const CallContext& ctx, const std::string& name, int64_t version,
      const std::optional<std::string>& description) = 0;
  // Soft delete; removes the aliases pointing at it. kResourceDoesNotExist.
  virtual Result<Written<Done>> DeleteModelVersion(const CallContext& ctx, const std::string& name,
                                                   int64_t version) = 0;
  // kInvalidParameterValue when archiving is asked for a stage other than Staging/Production;
  // kResourceDoesNotExist.
  virtual Result<Written<ModelVersion>> TransitionModelVersionStage(
      const CallContext& ctx, const std::string& name, int64_t version, Stage stage,
      bool archive_existing_versions) = 0;
  virtual Result<Page<ModelVersion>> SearchModelVersions(const CallContext& ctx,
                                                         const SearchQuery& query) = 0;
  virtual Result<std::string> GetModelVersionDownloadUri(const CallContext& ctx,
                                                         const std::string& name,
                                                         int64_t version) = 0;
  virtual Result<Written<Done>> SetModelVersionTag(const CallContext& ctx, const std::string& name,
                                                   int64_t version, const Tag& tag) = 0;
  virtual Result<Written<Done>> DeleteModelVersionTag(const CallContext& ctx,
                                                      const std::string& name, int64_t version,
                                                      const std::string& key) = 0;
};

}  // namespace modelwarden
