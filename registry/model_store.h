// ModelStore: persistence of the registry. One implementation, SqlModelStore, over SQLite or
// MySQL; RegistryService is its only caller and has already validated every argument.
//
// Thread-safe; each call is atomic on its own (one transaction) and uses its own pooled
// connection. Every method may also return kTemporarilyUnavailable (busy, lost connection or
// pool exhausted: nothing was written) or kInternalError. Every write takes a WriteContext:
// its timestamp (the store never reads a clock) and an optional audit entry that the store
// records in the same transaction as the change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/entities.h"
#include "registry/requests.h"
#include "registry/search_filter.h"
#include "registry/status.h"

namespace modelwarden {

struct WriteContext {
  int64_t now = 0;
  AuditEvent* audit = nullptr;  // Borrowed, optional; timestamp and version are filled in.
  // CreateRegisteredModel grants this user MANAGE on the new model in the same transaction
  // (MLflow's basic-auth does it after the response). Empty, or no such user: no grant.
  std::string creator;
};

// A parsed, validated search: what SqlModelStore renders to SQL.
struct StoreSearch {
  SearchFilter filter;
  std::vector<OrderKey> order;
  int64_t max_results = 100;
  int64_t offset = 0;
  std::optional<ReadScope> read_scope;
};

class ModelStore {
 public:
  virtual ~ModelStore() = default;

  // kResourceAlreadyExists when the name is taken.
  virtual Result<RegisteredModel> CreateRegisteredModel(const NewRegisteredModel& model,
                                                        const WriteContext& write) = 0;
  // Includes tags, aliases and latest_versions. kResourceDoesNotExist.
  virtual Result<RegisteredModel> GetRegisteredModel(const std::string& name) = 0;
  virtual Result<RegisteredModel> UpdateRegisteredModel(const std::string& name,
                                                        const std::string& description,
                                                        const WriteContext& write) = 0;
  // Carries versions (also deleted ones), tags, aliases and the grants on the model; bumps the
  // model's and every version's last_updated_timestamp. kResourceDoesNotExist,
  // kResourceAlreadyExists.
  virtual Result<RegisteredModel> RenameRegisteredModel(const std::string& name,
                                                        const std::string& new_name,
                                                        const WriteContext& write) = 0;
  // Hard delete of the model, all its versions, tags, aliases and the grants on the model.
  // kResourceDoesNotExist.
  virtual Status DeleteRegisteredModel(const std::string& name, const WriteContext& write) = 0;
  // Models with tags, aliases and latest_versions; next_page_token set only when more exist.
  virtual Result<Page<RegisteredModel>> SearchRegisteredModels(const StoreSearch& search) = 0;
  // Highest live version per stage among `stages` (never empty), with tags and aliases, in
  // MLflow's order. kResourceDoesNotExist for the model.
  virtual Result<std::vector<ModelVersion>> GetLatestVersions(const std::string& name,
                                                              const std::vector<Stage>& stages) = 0;
  virtual Status SetRegisteredModelTag(const std::string& name, const Tag& tag,
                                       const WriteContext& write) = 0;
  virtual Status DeleteRegisteredModelTag(const std::string& name, const std::string& key,
                                          const WriteContext& write) = 0;
  // kResourceDoesNotExist "Model Version (name=..., version=...) not found" when the version is
  // absent or deleted, whether or not the model exists (MLflow's order of checks).
  virtual Status SetRegisteredModelAlias(const std::string& name, const std::string& alias,
                                         int64_t version, const WriteContext& write) = 0;
  virtual Status DeleteRegisteredModelAlias(const std::string& name, const std::string& alias,
                                            const WriteContext& write) = 0;
  // Real aliases only. kResourceDoesNotExist for the model; kInvalidParameterValue when unset.
  virtual Result<ModelVersion> GetModelVersionByAlias(const std::string& name,
                                                      const std::string& alias) = 0;

  // Allocates max(version, including deleted) + 1 inside the inserting transaction.
  // kResourceDoesNotExist when the model is absent.
  virtual Result<ModelVersion> CreateModelVersion(const NewModelVersion& version,
                                                  const std::string& storage_location,
                                                  const WriteContext& write) = 0;
  // Live versions only, with tags and aliases. kResourceDoesNotExist.
  virtual Result<ModelVersion> GetModelVersion(const std::string& name, int64_t version) = 0;
  virtual Result<ModelVersion> UpdateModelVersion(const std::string& name, int64_t version,
                                                  const std::optional<std::string>& description,
                                                  const WriteContext& write) = 0;
  // Soft delete: redacts the row, removes its aliases, bumps the model. kResourceDoesNotExist.
  virtual Status DeleteModelVersion(const std::string& name, int64_t version,
                                    const WriteContext& write) = 0;
  // With archive_existing_versions, other live versions in `stage` move to Archived.
  virtual Result<ModelVersion> TransitionModelVersionStage(const std::string& name, int64_t version,
                                                           Stage stage,
                                                           bool archive_existing_versions,
                                                           const WriteContext& write) = 0;
  // Versions with tags (no aliases, as MLflow). Deleted versions never match.
  virtual Result<Page<ModelVersion>> SearchModelVersions(const StoreSearch& search) = 0;
  virtual Status SetModelVersionTag(const std::string& name, int64_t version, const Tag& tag,
                                    const WriteContext& write) = 0;
  virtual Status DeleteModelVersionTag(const std::string& name, int64_t version,
                                       const std::string& key, const WriteContext& write) = 0;

  // Records an entry on its own (a denied attempt: nothing else is written).
  virtual Status AppendAuditEvent(const AuditEvent& event) = 0;
  virtual Result<Page<AuditEvent>> SearchAuditEvents(const AuditQuery& query) = 0;
};

}  // namespace modelwarden
