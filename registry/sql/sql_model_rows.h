// SqlModelRows: ModelRows over one SqlConnection that is inside a transaction (a unit of work's,
// or a read transaction's for the ModelReader part). All SQL text of the registry's writes
// lives in sql_model_rows.cc; parameters are always bound.
#pragma once

#include "registry/model_rows.h"
#include "registry/sql/dialect.h"
#include "registry/sql/sql_connection.h"

namespace modelwarden {

class SqlModelRows final : public ModelRows {
 public:
  // `db` is borrowed for the transaction's lifetime. With `lock_reads` (a unit of work's
  // rows), reading a model also locks its row: on MySQL a model that appeared under the name
  // after the unit's first lock is locked before it is read.
  SqlModelRows(SqlConnection& db, const Dialect& dialect, bool lock_reads)
      : db_(db), dialect_(dialect), lock_reads_(lock_reads) {}

  Result<bool> ModelExists(const std::string& name) override;
  Result<std::optional<RegisteredModel>> FindModel(const std::string& name) override;
  Result<std::optional<RegisteredModel>> FindModelHeader(const std::string& name) override;
  Result<std::optional<ModelVersion>> FindVersion(const std::string& name,
                                                  int64_t version) override;
  Result<std::optional<int64_t>> FindAlias(const std::string& name,
                                           const std::string& alias) override;
  Result<std::vector<ModelSnapshot>> FindSnapshots(const std::vector<std::string>& names) override;
  Result<std::vector<std::string>> ListModelNames(const std::string& after, size_t limit) override;
  Result<int64_t> CountNewerVersions(const std::string& name, int64_t version,
                                     const std::vector<Stage>& stages) override;
  Result<std::vector<InventoryModel>> ReadInventory(const std::string& after, int64_t max_models,
                                                    int64_t now) override;
  Result<std::optional<Approval>> FindApproval(int64_t id) override;
  Result<std::optional<Approval>> FindPendingApproval(const ApprovalMove& move,
                                                      int64_t now) override;
  Result<bool> HasPendingApproval(const std::string& name, int64_t version, int64_t now) override;
  Result<Page<Approval>> ListApprovals(const ApprovalQuery& query) override;
  Result<std::vector<int64_t>> VersionsInStage(const std::string& name, Stage stage) override;

  Status InsertModel(const NewRegisteredModel& model, int64_t now) override;
  Status GrantCreatorManage(const std::string& name, const std::string& username) override;
  Status UpdateModelDescription(const std::string& name, const std::string& description,
                                int64_t now) override;
  Status RenameModel(const std::string& name, const std::string& new_name, int64_t now) override;
  Status DeleteModel(const std::string& name) override;
  Status SetModelTag(const std::string& name, const Tag& tag) override;
  Status DeleteModelTag(const std::string& name, const std::string& key) override;
  Status SetAlias(const std::string& name, const std::string& alias, int64_t version) override;
  Status DeleteAlias(const std::string& name, const std::string& alias) override;
  Result<int64_t> InsertVersion(const NewModelVersion& version, const std::string& storage_location,
                                const std::string& user_id, int64_t now) override;
  Status UpdateVersionDescription(const std::string& name, int64_t version,
                                  const std::optional<std::string>& description,
                                  int64_t now) override;
  Status SoftDeleteVersion(const std::string& name, int64_t version, int64_t now) override;
  Status SetVersionStage(const std::string& name, int64_t version, Stage stage, bool archive_others,
                         int64_t now) override;
  Status SetVersionTag(const std::string& name, int64_t version, const Tag& tag) override;
  Status DeleteVersionTag(const std::string& name, int64_t version,
                          const std::string& key) override;
  Status PutModel(const RegisteredModel& model) override;
  Status PutVersion(const VersionSnapshot& version) override;
  Status ReplaceAliases(const std::string& name,
                        const std::vector<ModelVersionAlias>& aliases) override;
  Result<int64_t> InsertApproval(const NewApproval& approval) override;
  Status DecideApproval(int64_t id, const ApprovalDecision& decision) override;

 private:
  Result<bool> LockBeforeRead(const std::string& name);
  Status MoveModelGrants(const std::string& name, const std::string& new_name);

  SqlConnection& db_;
  const Dialect& dialect_;
  const bool lock_reads_;
};

}  // namespace modelwarden
