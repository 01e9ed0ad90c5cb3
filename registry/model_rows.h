// ModelReader and ModelRows: the registry's rows as one transaction sees them. A ModelReader
// reads (in a read transaction, or in a write transaction after its locks); ModelRows also
// writes, inside a unit of work (ModelStore::Write). Implemented over SQL in
// registry/sql/sql_model_rows.h.
//
// Not thread-safe: one transaction, one thread. Arguments are validated by the caller
// (RegistryService); these methods neither validate nor word MLflow's errors, except where
// said. Every method may return kTemporarilyUnavailable or kInternalError.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "registry/approval.h"
#include "registry/entities.h"
#include "registry/model_snapshot.h"
#include "registry/requests.h"
#include "registry/status.h"
#include "registry/version_inventory.h"

namespace modelwarden {

class ModelReader {
 public:
  virtual ~ModelReader() = default;

  virtual Result<bool> ModelExists(const std::string& name) = 0;
  // The model with its tags, aliases and latest_versions (each with its tags, no aliases);
  // nullopt when absent.
  virtual Result<std::optional<RegisteredModel>> FindModel(const std::string& name) = 0;
  // The same without latest_versions (which read every version of the model): for checks
  // that need only the model's own fields, tags and aliases.
  virtual Result<std::optional<RegisteredModel>> FindModelHeader(const std::string& name) = 0;
  // A live version with its tags and aliases; nullopt when absent or deleted.
  virtual Result<std::optional<ModelVersion>> FindVersion(const std::string& name,
                                                          int64_t version) = 0;
  // The version `alias` points at; nullopt when the alias is not set.
  virtual Result<std::optional<int64_t>> FindAlias(const std::string& name,
                                                   const std::string& alias) = 0;

  // For import and export: the named models, each with every version the registry holds
  // (deleted ones too) and their tags, in the order of `names`; absent names are skipped.
  virtual Result<std::vector<ModelSnapshot>> FindSnapshots(
      const std::vector<std::string>& names) = 0;
  // Up to `limit` names of models (prompts included) that sort after `after`, byte by byte,
  // ascending.
  virtual Result<std::vector<std::string>> ListModelNames(const std::string& after,
                                                          size_t limit) = 0;
  // The numbers of the live versions in `stage`, ascending.
  virtual Result<std::vector<int64_t>> VersionsInStage(const std::string& name, Stage stage) = 0;
  // How many live versions of `name` numbered above `version` are in one of `stages`.
  virtual Result<int64_t> CountNewerVersions(const std::string& name, int64_t version,
                                             const std::vector<Stage>& stages) = 0;
  // The models named after `after` in byte order, at most `max_models`, each with its tags and
  // live versions (newest first), their aliases, and whether an approval pending at `now`
  // names them.
  virtual Result<std::vector<InventoryModel>> ReadInventory(const std::string& after,
                                                            int64_t max_models, int64_t now) = 0;

  // Approvals (registry/approval.h).
  // The approval `id`, whatever its status; nullopt when absent.
  virtual Result<std::optional<Approval>> FindApproval(int64_t id) = 0;
  // The newest approval of exactly `move` (model, version, stage or alias) still pending and
  // unexpired at `now`; nullopt when none.
  virtual Result<std::optional<Approval>> FindPendingApproval(const ApprovalMove& move,
                                                              int64_t now) = 0;
  // Whether an approval pending and unexpired at `now` names the version.
  virtual Result<bool> HasPendingApproval(const std::string& name, int64_t version,
                                          int64_t now) = 0;
  // Newest first; next_page_token set when more match.
  virtual Result<Page<Approval>> ListApprovals(const ApprovalQuery& query) = 0;
};

// Consistent reads of the registry, for what needs one snapshot but no lock. Thread-safe.
class ModelSnapshots {
 public:
  virtual ~ModelSnapshots() = default;
  // Runs `body` on one consistent snapshot.
  virtual Status Read(const std::function<Status(ModelReader&)>& body) = 0;
};

class ModelRows : public ModelReader {
 public:
  // kResourceAlreadyExists when the name is taken.
  virtual Status InsertModel(const NewRegisteredModel& model, int64_t now) = 0;
  // Gives `username` (if such a user exists) MANAGE on the model, replacing a grant of theirs
  // left on the name from before (MLflow's basic-auth gives the creator MANAGE).
  virtual Status GrantCreatorManage(const std::string& name, const std::string& username) = 0;
  virtual Status UpdateModelDescription(const std::string& name, const std::string& description,
                                        int64_t now) = 0;
  // Moves the model with its versions (deleted ones too), tags, aliases, approvals and the
  // grants on it; bumps the model's and every version's last_updated_timestamp. A subject's
  // grant left on `new_name` from before gives way to its grant of the same kind on the model.
  virtual Status RenameModel(const std::string& name, const std::string& new_name, int64_t now) = 0;
  // Hard delete of the model, its versions, tags, aliases and the grants on it; its pending
  // approvals become invalidated (a model re-created under the name is another model).
  virtual Status DeleteModel(const std::string& name) = 0;
  // Upsert.
  virtual Status SetModelTag(const std::string& name, const Tag& tag) = 0;
  virtual Status DeleteModelTag(const std::string& name, const std::string& key) = 0;
  // Creates or moves the alias.
  virtual Status SetAlias(const std::string& name, const std::string& alias, int64_t version) = 0;
  virtual Status DeleteAlias(const std::string& name, const std::string& alias) = 0;
  // Inserts version max(version, deleted ones included) + 1 with its tags, in stage None,
  // and bumps the model; returns the number.
  virtual Result<int64_t> InsertVersion(const NewModelVersion& version,
                                        const std::string& storage_location,
                                        const std::string& user_id, int64_t now) = 0;
  // nullopt clears the description.
  virtual Status UpdateVersionDescription(const std::string& name, int64_t version,
                                          const std::optional<std::string>& description,
                                          int64_t now) = 0;
  // Soft delete as MLflow's: redacts the row, removes the aliases pointing at it, bumps the
  // model. The number is never reused.
  virtual Status SoftDeleteVersion(const std::string& name, int64_t version, int64_t now) = 0;
  // With `archive_others`, the other live versions in `stage` move to Archived.
  virtual Status SetVersionStage(const std::string& name, int64_t version, Stage stage,
                                 bool archive_others, int64_t now) = 0;
  virtual Status SetVersionTag(const std::string& name, int64_t version, const Tag& tag) = 0;
  virtual Status DeleteVersionTag(const std::string& name, int64_t version,
                                  const std::string& key) = 0;

  // Import (registry/registry_importer.h): rows exactly as another registry holds them, which
  // MLflow's API cannot write (given numbers, timestamps, users, stages, deleted versions).
  // Creates the model or overwrites its timestamps and description, and replaces its tags.
  // Its versions and aliases are left alone.
  virtual Status PutModel(const RegisteredModel& model) = 0;
  // Creates or overwrites version `version.version.version` of its model with every field as
  // given, a deleted one as MLflow's soft-deleted row, and replaces its tags. The model's row
  // must exist and is not touched (its last_updated_timestamp is the caller's to set).
  virtual Status PutVersion(const VersionSnapshot& version) = 0;
  // Replaces the model's aliases by `aliases`.
  virtual Status ReplaceAliases(const std::string& name,
                                const std::vector<ModelVersionAlias>& aliases) = 0;
  // A new pending approval; returns its id.
  virtual Result<int64_t> InsertApproval(const NewApproval& approval) = 0;
  // Records how the approval `id` ended (its status leaves pending).
  virtual Status DecideApproval(int64_t id, const ApprovalDecision& decision) = 0;
};

}  // namespace modelwarden
