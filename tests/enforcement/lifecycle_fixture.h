// LifecycleTest: the fixture of the retention and approval suites. On every backend (SQLite in
// memory and in a file, MariaDB when configured) a server's objects as main.cc wires them:
// the policy from a file (rewritable, then reloaded), access control with authentication on,
// the EnforcingGovernor, the RegistryService, the ApprovalService and a retention runner, all
// on one fake clock that tests move forward.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "enforcement/access/access_control.h"
#include "enforcement/enforcing_governor.h"
#include "enforcement/governance_service.h"
#include "enforcement/lifecycle/approval_service.h"
#include "enforcement/lifecycle/retention_runner.h"
#include "enforcement/policy/policy_holder.h"
#include "registry/registry_service.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden::testing {

inline constexpr int64_t kDay = 24LL * 3600 * 1000;

class LifecycleTest : public StoresTest {
 protected:
  void SetUp() override;
  // The policy of the suite; rewritten by UsePolicy.
  virtual std::string Policy() const = 0;

  // Rewrites the policy file and reloads it (as a server does on SIGHUP).
  void UsePolicy(const std::string& json);

  // A user with `grants` ({"prefix or model", "PERMISSION"} on a prefix when it ends in '.').
  void AddUser(const std::string& username,
               const std::vector<std::pair<std::string, std::string>>& grants,
               bool is_admin = false);
  static CallContext As(const std::string& username);
  // The system principal retention acts as.
  static CallContext System();

  // A model with `tags`, and `versions` versions created now (numbers 1..versions).
  void CreateModel(const std::string& name, int versions, const std::vector<Tag>& tags = {});
  std::vector<AuditEvent> Audit(const std::string& model, const std::string& operation = "");
  // The version, or nullopt when it is gone.
  std::optional<ModelVersion> Version(const std::string& name, int64_t version);

  FakeClock clock_;
  std::string policy_path_;
  std::unique_ptr<PolicyHolder> policy_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<EnforcingGovernor> governor_;
  std::unique_ptr<RegistryService> registry_;
  std::unique_ptr<ApprovalService> approvals_;
  std::unique_ptr<RetentionPlanner> planner_;
  std::unique_ptr<RetentionRunner> runner_;
};

}  // namespace modelwarden::testing
