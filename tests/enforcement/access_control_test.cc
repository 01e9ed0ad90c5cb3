// AccessControl over a real in-memory SQLite AuthStore and a fake clock: authentication by
// password and token with its caches, authorization of every operation for every permission
// (on the cached profile and inside a unit of work), PROMOTE for promotions, the admin-only
// and self-only operations, grant management, registration_needs_grant, denials confirmed
// against a fresh profile, and ReadScopeFor. AccessAdmin's changes run as units of work.

#include "enforcement/access/access_control.h"

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "enforcement/access/access_admin.h"
#include "enforcement/access/password_hash.h"
#include "registry/store_factory.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::MakeGrant;

using ::modelwarden::testing::FakeClock;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int kIterations = 1000;
constexpr char kPassword[] = "correct horse battery";
constexpr int64_t kDayMillis = 24LL * 60 * 60 * 1000;

AccessRequest Request(Operation operation, const std::string& model = "m") {
  AccessRequest request;
  request.operation = operation;
  request.model = model;
  return request;
}

CallContext As(const std::string& user) {
  CallContext ctx;
  ctx.request_id = "test";
  ctx.principal = Principal::User(user);
  return ctx;
}

class AccessControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = OpenStores(StoreOptions{"sqlite:///:memory:", 1, 1000});
    ASSERT_OK(stores);
    stores_ = std::move(*stores);
    Configure({});
    ASSERT_OK(store().CreateUser("root", HashPassword(kPassword, kIterations), true));
  }

  // A new AccessControl (empty caches) with `options` on top of the test defaults.
  void Configure(AuthOptions options) {
    options.enabled = true;
    options.password_iterations = kIterations;
    access_ = std::make_unique<AccessControl>(store(), clock_, options);
    admin_ = std::make_unique<AccessAdmin>(store(), *stores_.models, *access_, clock_);
  }

  AuthStore& store() { return *stores_.auth; }

  void AddUser(const std::string& username, bool is_admin = false) {
    ASSERT_OK(store().CreateUser(username, HashPassword(kPassword, kIterations), is_admin));
  }
  void AddGrant(const std::string& user, ResourceType type, const std::string& resource,
                const std::string& permission) {
    ASSERT_OK(store().CreateGrant(MakeGrant(SubjectType::kUser, user, type, resource, permission)));
  }
  // On the profile a unit of work reads now.
  Status AuthorizeInUnit(const std::string& user, const AccessRequest& request) {
    Status in_unit;
    EXPECT_OK(stores_.models->Write({request.model}, [&](WriteTxn& txn) {
      in_unit = access_->AuthorizeIn(txn.auth(), Principal::User(user), request);
      return Status::Ok();
    }));
    return in_unit;
  }
  // On the cached profile, and (which must agree while nothing changed behind the cache's
  // back) in a unit of work.
  Status Authorize(const std::string& user, const AccessRequest& request) {
    const Status cached = access_->Authorize(As(user), request);
    const Status in_unit = AuthorizeInUnit(user, request);
    EXPECT_EQ(cached.code(), in_unit.code()) << cached.message() << " / " << in_unit.message();
    return cached;
  }

  const CallContext root_ = As("root");
  FakeClock clock_;
  Stores stores_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<AccessAdmin> admin_;
};

// ---- authentication ----

TEST_F(AccessControlTest, PasswordRightWrongAndUnknownUser) {
  AddUser("bob");
  auto bob = access_->AuthenticatePassword("bob", kPassword);
  ASSERT_OK(bob);
  EXPECT_EQ(bob->name, "bob");
  EXPECT_EQ(bob->kind, Principal::Kind::kUser);
  EXPECT_OK(access_->AuthenticatePassword("root", kPassword));

  auto wrong = access_->AuthenticatePassword("bob", "wrong password!");
  EXPECT_CODE(wrong, ErrorCode::kUnauthenticated);
  auto unknown = access_->AuthenticatePassword("nobody", kPassword);
  EXPECT_CODE(unknown, ErrorCode::kUnauthenticated);
  // One message for both: it does not tell which usernames exist.
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
  EXPECT_CODE(access_->AuthenticatePassword("Bob", kPassword), ErrorCode::kUnauthenticated);
  EXPECT_CODE(access_->AuthenticatePassword("bob", ""), ErrorCode::kUnauthenticated);
}

TEST_F(AccessControlTest, VerifiedPasswordsAreCachedUntilInvalidateOrExpiry) {
  AddUser("bob");
  ASSERT_OK(access_->AuthenticatePassword("bob", kPassword));
  // Changed behind this process's back: the cached verification still stands...
  ASSERT_OK(store().UpdatePassword("bob", HashPassword("a new password!", kIterations)));
  EXPECT_OK(access_->AuthenticatePassword("bob", kPassword));
  EXPECT_OK(access_->AuthenticatePassword("bob", "a new password!"));
  // ...until the caches are dropped,
  access_->Invalidate();
  EXPECT_CODE(access_->AuthenticatePassword("bob", kPassword), ErrorCode::kUnauthenticated);
  EXPECT_OK(access_->AuthenticatePassword("bob", "a new password!"));

  // or the entry is older than cache_seconds and the stored hash changed.
  ASSERT_OK(store().UpdatePassword("bob", HashPassword(kPassword, kIterations)));
  EXPECT_OK(access_->AuthenticatePassword("bob", "a new password!"));  // Cached.
  clock_.Advance(5001);
  EXPECT_CODE(access_->AuthenticatePassword("bob", "a new password!"), ErrorCode::kUnauthenticated);
  EXPECT_OK(access_->AuthenticatePassword("bob", kPassword));
  // A stale entry whose hash is unchanged is still right.
  clock_.Advance(5001);
  EXPECT_OK(access_->AuthenticatePassword("bob", kPassword));
}

TEST_F(AccessControlTest, PasswordChangeThroughAdminTakesEffectAtOnce) {
  AddUser("bob");
  ASSERT_OK(access_->AuthenticatePassword("bob", kPassword));
  ASSERT_OK(admin_->UpdatePassword(root_, "bob", "another long password"));
  EXPECT_CODE(access_->AuthenticatePassword("bob", kPassword), ErrorCode::kUnauthenticated);
  EXPECT_OK(access_->AuthenticatePassword("bob", "another long password"));
  ASSERT_OK(admin_->DeleteUser(root_, "bob"));
  EXPECT_CODE(access_->AuthenticatePassword("bob", "another long password"),
              ErrorCode::kUnauthenticated);
}

TEST_F(AccessControlTest, Tokens) {
  AddUser("bob");
  auto created = admin_->CreateToken(root_, "bob", "ci", 0);
  ASSERT_OK(created);
  EXPECT_THAT(created->secret, ::testing::StartsWith("mwt_"));
  EXPECT_EQ(created->token.expiration_timestamp, 0);
  auto principal = access_->AuthenticateToken(created->secret);
  ASSERT_OK(principal);
  EXPECT_EQ(principal->name, "bob");
  // Only the hash is stored.
  EXPECT_CODE(store().FindToken(created->secret), ErrorCode::kResourceDoesNotExist);

  EXPECT_CODE(access_->AuthenticateToken("mwt_unknown"), ErrorCode::kUnauthenticated);
  EXPECT_CODE(access_->AuthenticateToken(created->secret + "x"), ErrorCode::kUnauthenticated);

  ASSERT_OK(admin_->RevokeToken(As("bob"), created->token.id, "bob"));
  auto revoked = access_->AuthenticateToken(created->secret);
  EXPECT_CODE(revoked, ErrorCode::kUnauthenticated);
  EXPECT_THAT(revoked.status().message(), HasSubstr("revoked"));
}

TEST_F(AccessControlTest, ExpiredToken) {
  AddUser("bob");
  auto created = admin_->CreateToken(root_, "bob", "short", 1);
  ASSERT_OK(created);
  EXPECT_GT(created->token.expiration_timestamp, created->token.creation_timestamp);
  ASSERT_OK(access_->AuthenticateToken(created->secret));
  clock_.Advance(kDayMillis - 100);
  EXPECT_OK(access_->AuthenticateToken(created->secret));
  clock_.Advance(200);  // Past the expiration; the token is still cached, expiry is checked.
  auto expired = access_->AuthenticateToken(created->secret);
  EXPECT_CODE(expired, ErrorCode::kUnauthenticated);
  EXPECT_THAT(expired.status().message(), HasSubstr("expired"));
  access_->Invalidate();
  EXPECT_CODE(access_->AuthenticateToken(created->secret), ErrorCode::kUnauthenticated);
}

TEST_F(AccessControlTest, TokenRevokedElsewhereStopsWorkingWhenTheCacheExpires) {
  AddUser("bob");
  auto created = admin_->CreateToken(root_, "bob", "ci", 0);
  ASSERT_OK(created);
  ASSERT_OK(access_->AuthenticateToken(created->secret));
  // Revoked through the store (another server process): cached here for cache_seconds.
  ASSERT_OK(store().RevokeToken(created->token.id, "", clock_.NowMillis()));
  EXPECT_OK(access_->AuthenticateToken(created->secret));
  clock_.Advance(5001);
  EXPECT_CODE(access_->AuthenticateToken(created->secret), ErrorCode::kUnauthenticated);
}

// A user deleted by another server process while their token or password is still cached here
// is unauthenticated (401), not a missing resource (404).
TEST_F(AccessControlTest, UserDeletedElsewhereWithCachedCredentialsIsUnauthenticated) {
  AddUser("bob");
  auto created = admin_->CreateToken(root_, "bob", "ci", 0);
  ASSERT_OK(created);
  ASSERT_OK(access_->AuthenticatePassword("bob", kPassword));  // Caches bob's profile.
  clock_.Advance(4000);
  ASSERT_OK(access_->AuthenticateToken(created->secret));  // Caches the token, not the profile.
  clock_.Advance(2000);  // The profile is stale now, the token entry is not.
  ASSERT_OK(store().DeleteUser("bob"));
  EXPECT_CODE(access_->AuthenticateToken(created->secret), ErrorCode::kUnauthenticated);
  EXPECT_CODE(access_->AuthenticatePassword("bob", kPassword), ErrorCode::kUnauthenticated);
}

// ---- authorization: the table ----

// What each operation needs, from MLflow's validator table (research notes §9.4) and
// modelwarden's additions: the lowest permission on the model that lets it through, or who.
enum class Needs { kAnyone, kRead, kEdit, kManage, kAdmin, kSelf };

const std::map<Operation, Needs>& NeedsTable() {
  using O = Operation;
  static const std::map<Operation, Needs> table = {
      {O::kCreateRegisteredModel, Needs::kAnyone},
      {O::kGetRegisteredModel, Needs::kRead},
      {O::kUpdateRegisteredModel, Needs::kEdit},
      {O::kRenameRegisteredModel, Needs::kEdit},
      {O::kDeleteRegisteredModel, Needs::kManage},
      {O::kSearchRegisteredModels, Needs::kAnyone},
      {O::kGetLatestVersions, Needs::kRead},
      {O::kSetRegisteredModelTag, Needs::kEdit},
      {O::kDeleteRegisteredModelTag, Needs::kEdit},
      {O::kSetRegisteredModelAlias, Needs::kEdit},
      {O::kDeleteRegisteredModelAlias, Needs::kManage},
      {O::kGetModelVersionByAlias, Needs::kRead},
      {O::kCreateModelVersion, Needs::kEdit},
      {O::kGetModelVersion, Needs::kRead},
      {O::kUpdateModelVersion, Needs::kEdit},
      {O::kTransitionModelVersionStage, Needs::kEdit},
      {O::kDeleteModelVersion, Needs::kManage},
      {O::kSearchModelVersions, Needs::kAnyone},
      {O::kGetModelVersionDownloadUri, Needs::kRead},
      {O::kSetModelVersionTag, Needs::kEdit},
      {O::kDeleteModelVersionTag, Needs::kManage},
      {O::kCheckPromotion, Needs::kRead},
      {O::kGetModelCard, Needs::kRead},
      {O::kSetModelCard, Needs::kEdit},
      {O::kSearchAuditEvents, Needs::kRead},  // With model_name; without it admin only.
      {O::kCreateApproval, Needs::kEdit},
      {O::kGetApproval, Needs::kRead},
      {O::kListApprovals, Needs::kRead},  // With a model name; without it admin only.
      {O::kApprove, Needs::kAdmin},       // A PROMOTE grant, which none of these levels is.
      {O::kReject, Needs::kAdmin},
      {O::kCancelApproval, Needs::kRead},  // The requester only: approval_service.h.
      {O::kCreateUser, Needs::kAdmin},
      {O::kGetUser, Needs::kSelf},
      {O::kUpdateUserPassword, Needs::kSelf},
      {O::kUpdateUserAdmin, Needs::kAdmin},
      {O::kDeleteUser, Needs::kAdmin},
      {O::kCreateModelPermission, Needs::kManage},
      {O::kGetModelPermission, Needs::kManage},
      {O::kUpdateModelPermission, Needs::kManage},
      {O::kDeleteModelPermission, Needs::kManage},
      // MANAGE on the experiment (the test gives each user the same level on experiment "m").
      {O::kCreateExperimentPermission, Needs::kManage},
      {O::kGetExperimentPermission, Needs::kManage},
      {O::kUpdateExperimentPermission, Needs::kManage},
      {O::kDeleteExperimentPermission, Needs::kManage},
      {O::kCreateScorerPermission, Needs::kManage},
      {O::kGetScorerPermission, Needs::kManage},
      {O::kUpdateScorerPermission, Needs::kManage},
      {O::kDeleteScorerPermission, Needs::kManage},
      {O::kGetCurrentUser, Needs::kAnyone},
      {O::kListUsers, Needs::kAdmin},
      {O::kCreateGroup, Needs::kAdmin},
      {O::kGetGroup, Needs::kAdmin},
      {O::kListGroups, Needs::kAdmin},
      {O::kDeleteGroup, Needs::kAdmin},
      {O::kAddGroupMember, Needs::kAdmin},
      {O::kRemoveGroupMember, Needs::kAdmin},
      {O::kCreateGrant, Needs::kManage},  // A grant on one model; prefixes are admin only.
      {O::kUpdateGrant, Needs::kManage},
      {O::kDeleteGrant, Needs::kManage},
      {O::kListGrants, Needs::kManage},
      {O::kGetEffectivePermission, Needs::kSelf},
      {O::kCreateToken, Needs::kSelf},
      {O::kListTokens, Needs::kSelf},
      {O::kRevokeToken, Needs::kSelf},
      // Or a WEBHOOKS grant covering the webhook's prefix (WebhooksNeedAGrantOnTheirPrefix);
      // grants on models never do.
      {O::kCreateWebhook, Needs::kAdmin},
      {O::kListWebhooks, Needs::kAdmin},
      {O::kGetWebhook, Needs::kAdmin},
      {O::kUpdateWebhook, Needs::kAdmin},
      {O::kDeleteWebhook, Needs::kAdmin},
      {O::kTestWebhook, Needs::kAdmin},
      {O::kListWebhookDeliveries, Needs::kAdmin},
      {O::kGetWebhookDelivery, Needs::kAdmin},
      {O::kRedeliverWebhookDelivery, Needs::kAdmin},
      {O::kImportRegisteredModel, Needs::kAdmin},
  };
  return table;
}

bool Allows(Needs needs, Permission permission) {
  switch (needs) {
    case Needs::kAnyone:
    case Needs::kSelf:
      return true;
    case Needs::kRead:
      return permission != Permission::kNoPermissions;
    case Needs::kEdit:
      return permission == Permission::kEdit || permission == Permission::kManage;
    case Needs::kManage:
      return permission == Permission::kManage;
    case Needs::kAdmin:
      return false;
  }
  return false;
}

TEST_F(AccessControlTest, EveryOperationForEveryPermission) {
  ASSERT_EQ(NeedsTable().size(), static_cast<size_t>(Operation::kImportRegisteredModel) + 1);
  // One user per level on model "m"; the default lets nothing through, so the grant decides.
  Configure({/*enabled=*/true, Permission::kNoPermissions});
  const std::vector<Permission> levels = {Permission::kNoPermissions, Permission::kRead,
                                          Permission::kEdit, Permission::kManage};
  for (Permission level : levels) {
    const std::string user = "user_" + std::string(PermissionName(level));
    AddUser(user);
    AddGrant(user, ResourceType::kModel, "m", std::string(PermissionName(level)));
    AddGrant(user, ResourceType::kExperiment, "m", std::string(PermissionName(level)));
  }
  AddUser("nogrant");
  for (const auto& [operation, needs] : NeedsTable()) {
    AccessRequest request = Request(operation);
    request.new_name = "m2";
    if (RequiredAccess(operation).requirement == Requirement::kManageExperiment) {
      request.model = "";
      request.experiment_id = "m";
      if (OperationName(operation).find("Scorer") != std::string_view::npos) request.scorer = "s";
    }
    for (Permission level : levels) {
      const std::string user = "user_" + std::string(PermissionName(level));
      SCOPED_TRACE(std::string(OperationName(operation)) + " as " + user);
      request.username = user;  // Self-service operations ask about the caller.
      Status status = Authorize(user, request);
      if (Allows(needs, level)) {
        EXPECT_OK(status);
      } else {
        EXPECT_CODE(status, ErrorCode::kPermissionDenied);
        EXPECT_THAT(status.message(), HasSubstr("Permission denied"));
      }
    }
    SCOPED_TRACE(std::string(OperationName(operation)));
    request.username = "nogrant";
    EXPECT_EQ(Authorize("nogrant", request).ok(), Allows(needs, Permission::kNoPermissions));
    request.username = "root";
    EXPECT_OK(Authorize("root", request));  // Admins pass everything.
  }
}

TEST_F(AccessControlTest, DenialNamesTheMissingPermissionAndItsSource) {
  Configure({/*enabled=*/true, Permission::kRead});
  AddUser("bob");
  AddGrant("bob", ResourceType::kPrefix, "fraud.", "READ");
  Status denied = Authorize("bob", Request(Operation::kDeleteRegisteredModel, "fraud.a"));
  EXPECT_CODE(denied, ErrorCode::kPermissionDenied);
  EXPECT_EQ(denied.message(),
            "Permission denied: DeleteRegisteredModel needs MANAGE on registered model "
            "'fraud.a'; user 'bob' has READ (from grant to user bob on prefix fraud.).");
  EXPECT_THAT(Authorize("bob", Request(Operation::kUpdateRegisteredModel, "x")).message(),
              HasSubstr("has READ (from the default permission)"));
}

TEST_F(AccessControlTest, AuthorizationOffOrAdminAllowsEverything) {
  AddUser("bob");
  AuthOptions off;
  off.enabled = false;
  AccessControl disabled(store(), clock_, off);
  EXPECT_OK(disabled.Authorize(As("bob"), Request(Operation::kDeleteUser)));
  EXPECT_OK(disabled.Authorize(CallContext{}, Request(Operation::kDeleteRegisteredModel)));
  EXPECT_CODE(access_->Authorize(As("bob"), Request(Operation::kDeleteUser)),
              ErrorCode::kPermissionDenied);
  // With authentication on, nobody is anonymous; modelwarden's own jobs pass like admins.
  EXPECT_CODE(access_->Authorize(CallContext{}, Request(Operation::kGetRegisteredModel)),
              ErrorCode::kUnauthenticated);
  CallContext job;
  job.principal = Principal::System("retention");
  EXPECT_OK(access_->Authorize(job, Request(Operation::kDeleteModelVersion)));
}

// ---- PROMOTE ----

TEST_F(AccessControlTest, StageMovesToStagingOrProductionNeedPromote) {
  AddUser("bob");
  AddGrant("bob", ResourceType::kModel, "m", "EDIT");
  AccessRequest request = Request(Operation::kTransitionModelVersionStage);
  for (Stage stage : {Stage::kStaging, Stage::kProduction}) {
    SCOPED_TRACE(std::string(StageName(stage)));
    request.promotes_to = stage;
    Status denied = Authorize("bob", request);
    EXPECT_CODE(denied, ErrorCode::kPermissionDenied);
    EXPECT_THAT(denied.message(),
                HasSubstr("into " + std::string(StageName(stage)) + " needs a PROMOTE grant"));
  }
  for (Stage stage : {Stage::kNone, Stage::kArchived}) {
    SCOPED_TRACE(std::string(StageName(stage)));
    request.promotes_to = stage;
    EXPECT_OK(Authorize("bob", request));
  }
  // A PROMOTE grant on a covering prefix is enough, with EDIT.
  AddGrant("bob", ResourceType::kPrefix, "m", "PROMOTE");
  request.promotes_to = Stage::kProduction;
  EXPECT_OK(Authorize("bob", request));
  request.model = "m-other";  // Covered by the PROMOTE prefix, but no EDIT there (default READ).
  EXPECT_CODE(Authorize("bob", request), ErrorCode::kPermissionDenied);
  // PROMOTE without EDIT is not enough.
  AddUser("carol");
  AddGrant("carol", ResourceType::kModel, "m", "READ");
  AddGrant("carol", ResourceType::kModel, "m", "PROMOTE");
  request.model = "m";
  EXPECT_CODE(Authorize("carol", request), ErrorCode::kPermissionDenied);
  // A group's PROMOTE grant counts.
  AddUser("dave");
  AddGrant("dave", ResourceType::kModel, "m", "MANAGE");
  EXPECT_CODE(Authorize("dave", request), ErrorCode::kPermissionDenied);
  ASSERT_OK(store().CreateGroup("release"));
  ASSERT_OK(store().AddGroupMember("release", "dave"));
  ASSERT_OK(store().CreateGrant(
      MakeGrant(SubjectType::kGroup, "release", ResourceType::kModel, "m", "PROMOTE")));
  EXPECT_OK(Authorize("dave", request));
}

TEST_F(AccessControlTest, AliasesThatPromoteNeedPromote) {
  AddUser("bob");
  AddGrant("bob", ResourceType::kModel, "m", "MANAGE");
  // The governor says which stage an alias stands for (enforcing_governor_test.cc).
  AccessRequest request = Request(Operation::kSetRegisteredModelAlias);
  request.promotes_to = Stage::kProduction;
  EXPECT_THAT(Authorize("bob", request).message(),
              HasSubstr("into Production needs a PROMOTE grant"));
  request.promotes_to.reset();  // An alias that stands for no stage: EDIT is enough.
  EXPECT_OK(Authorize("bob", request));
  // Deleting an alias is no promotion, whatever it stands for.
  AccessRequest remove = Request(Operation::kDeleteRegisteredModelAlias);
  remove.promotes_to = Stage::kProduction;
  EXPECT_OK(Authorize("bob", remove));
  AddGrant("bob", ResourceType::kModel, "m", "PROMOTE");
  request.promotes_to = Stage::kProduction;
  EXPECT_OK(Authorize("bob", request));
}

// ---- self, admin, audit log, grants ----

TEST_F(AccessControlTest, SelfServiceOperations) {
  AddUser("bob");
  for (Operation operation :
       {Operation::kGetUser, Operation::kUpdateUserPassword, Operation::kGetEffectivePermission,
        Operation::kCreateToken, Operation::kListTokens, Operation::kRevokeToken}) {
    SCOPED_TRACE(std::string(OperationName(operation)));
    AccessRequest request = Request(operation, "");
    EXPECT_OK(Authorize("bob", request));  // No username: the caller.
    request.username = "bob";
    EXPECT_OK(Authorize("bob", request));
    request.username = "root";
    Status denied = Authorize("bob", request);
    EXPECT_CODE(denied, ErrorCode::kPermissionDenied);
    EXPECT_THAT(denied.message(), HasSubstr("for another user"));
    request.username = "Bob";
    EXPECT_CODE(Authorize("bob", request), ErrorCode::kPermissionDenied);
    request.username = "bob";
    EXPECT_OK(Authorize("root", request));
  }
}

// kSelf reads an empty username as "the caller"; the token calls of AccessAdmin read it as
// "every owner". A user may not reach other users' tokens through that gap.
TEST_F(AccessControlTest, AnEmptyTokenOwnerIsNotEveryOwner) {
  AddUser("bob");
  Result<NewToken> roots = admin_->CreateToken(root_, "root", "ci", 30);
  ASSERT_OK(roots);
  Result<std::vector<ApiToken>> listed = admin_->ListTokens(As("bob"), "");
  if (listed.ok()) {
    for (const ApiToken& token : *listed) EXPECT_EQ(token.username, "bob") << token.name;
  }
  EXPECT_FALSE(admin_->RevokeToken(As("bob"), roots->token.id, "").ok());
  EXPECT_OK(access_->AuthenticateToken(roots->secret));
}

TEST_F(AccessControlTest, AuditLogNeedsReadOnTheModelOrAdmin) {
  Configure({/*enabled=*/true, Permission::kNoPermissions});
  AddUser("bob");
  AddGrant("bob", ResourceType::kModel, "m", "READ");
  AccessRequest request = Request(Operation::kSearchAuditEvents, "");
  EXPECT_CODE(Authorize("bob", request), ErrorCode::kPermissionDenied);
  request.model = "m";
  EXPECT_OK(Authorize("bob", request));
  request.model = "other";
  EXPECT_CODE(Authorize("bob", request), ErrorCode::kPermissionDenied);
  request.model = "";
  EXPECT_OK(Authorize("root", request));
}

TEST_F(AccessControlTest, ManagingGrants) {
  AddUser("bob");
  AddGrant("bob", ResourceType::kModel, "m", "MANAGE");
  AddGrant("bob", ResourceType::kPrefix, "team.", "MANAGE");
  for (Operation operation : {Operation::kCreateGrant, Operation::kUpdateGrant,
                              Operation::kDeleteGrant, Operation::kListGrants}) {
    SCOPED_TRACE(std::string(OperationName(operation)));
    AccessRequest request = Request(operation);
    EXPECT_OK(Authorize("bob", request));
    request.model = "team.x";  // MANAGE through the prefix is MANAGE on the model.
    EXPECT_OK(Authorize("bob", request));
    request.model = "other";
    EXPECT_CODE(Authorize("bob", request), ErrorCode::kPermissionDenied);
    // Prefix grants, PROMOTE grants and the list of every grant are admin only.
    request.model = "m";
    request.needs_admin = true;
    Status denied = Authorize("bob", request);
    EXPECT_CODE(denied, ErrorCode::kPermissionDenied);
    EXPECT_THAT(denied.message(), HasSubstr("only admins may manage prefix grants"));
    EXPECT_OK(Authorize("root", request));
  }
}

// A WEBHOOKS grant on a prefix lets a user manage the webhooks whose model_prefix starts with
// it, and nothing else; "" covers every webhook, MLflow's (model_prefix "") included.
TEST_F(AccessControlTest, WebhooksNeedAGrantOnTheirPrefix) {
  AddUser("hooks");
  AddUser("all_hooks");
  AddGrant("hooks", ResourceType::kPrefix, "fraud.", "WEBHOOKS");
  AddGrant("hooks", ResourceType::kModel, "fraud.m", "MANAGE");
  AddGrant("all_hooks", ResourceType::kPrefix, "", "WEBHOOKS");
  for (Operation operation : {Operation::kCreateWebhook, Operation::kUpdateWebhook,
                              Operation::kTestWebhook, Operation::kGetWebhookDelivery}) {
    SCOPED_TRACE(std::string(OperationName(operation)));
    EXPECT_OK(Authorize("hooks", Request(operation, "fraud.")));
    EXPECT_OK(Authorize("hooks", Request(operation, "fraud.cards.")));
    const Status denied = Authorize("hooks", Request(operation, ""));
    EXPECT_CODE(denied, ErrorCode::kPermissionDenied);
    EXPECT_THAT(denied.message(), HasSubstr("needs admin or a WEBHOOKS grant"));
    EXPECT_CODE(Authorize("hooks", Request(operation, "fraud")), ErrorCode::kPermissionDenied);
    EXPECT_CODE(Authorize("hooks", Request(operation, "pricing.")), ErrorCode::kPermissionDenied);
    EXPECT_OK(Authorize("all_hooks", Request(operation, "")));
    EXPECT_OK(Authorize("root", Request(operation, "")));
  }
  auto scopes = access_->WebhookScopesFor(Principal::User("hooks"));
  ASSERT_OK(scopes);
  ASSERT_TRUE(scopes->has_value());
  EXPECT_THAT(**scopes, ElementsAre("fraud."));
  scopes = access_->WebhookScopesFor(Principal::User("root"));
  ASSERT_OK(scopes);
  EXPECT_FALSE(scopes->has_value());  // Admins see every webhook.
  // Only admins give WEBHOOKS grants, and only on prefixes.
  Grant grant = MakeGrant(SubjectType::kUser, "hooks", ResourceType::kPrefix, "x.", "WEBHOOKS");
  EXPECT_CODE(admin_->CreateGrant(As("hooks"), Operation::kCreateGrant, grant),
              ErrorCode::kPermissionDenied);
  EXPECT_OK(admin_->CreateGrant(root_, Operation::kCreateGrant, grant));
  grant.resource_type = ResourceType::kModel;
  EXPECT_CODE(admin_->CreateGrant(root_, Operation::kCreateGrant, grant),
              ErrorCode::kInvalidParameterValue);
}

// ---- registration_needs_grant ----

TEST_F(AccessControlTest, RegistrationNeedsGrantOff) {
  Configure({/*enabled=*/true, Permission::kNoPermissions, /*registration_needs_grant=*/false});
  AddUser("bob");
  AddGrant("bob", ResourceType::kModel, "m", "EDIT");
  EXPECT_OK(Authorize("bob", Request(Operation::kCreateRegisteredModel, "anything")));
  AccessRequest rename = Request(Operation::kRenameRegisteredModel, "m");
  rename.new_name = "elsewhere";
  EXPECT_OK(Authorize("bob", rename));
  rename.model = "other";  // EDIT on the model renamed is always needed.
  EXPECT_CODE(Authorize("bob", rename), ErrorCode::kPermissionDenied);
}

TEST_F(AccessControlTest, RegistrationNeedsGrantOn) {
  Configure({/*enabled=*/true, Permission::kRead, /*registration_needs_grant=*/true});
  AddUser("bob");
  AddGrant("bob", ResourceType::kPrefix, "team.", "EDIT");
  AddGrant("bob", ResourceType::kModel, "m", "EDIT");
  EXPECT_OK(Authorize("bob", Request(Operation::kCreateRegisteredModel, "team.new")));
  Status denied = Authorize("bob", Request(Operation::kCreateRegisteredModel, "other.new"));
  EXPECT_CODE(denied, ErrorCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("needs EDIT on registered model 'other.new'"));

  AccessRequest rename = Request(Operation::kRenameRegisteredModel, "m");
  rename.new_name = "team.m";
  EXPECT_OK(Authorize("bob", rename));
  rename.new_name = "other.m";
  EXPECT_CODE(Authorize("bob", rename), ErrorCode::kPermissionDenied);
  EXPECT_OK(Authorize("root", Request(Operation::kCreateRegisteredModel, "other.new")));
}

// ---- caches: a cached profile may only allow ----

TEST_F(AccessControlTest, DenialIsConfirmedAgainstAFreshProfile) {
  Configure({/*enabled=*/true, Permission::kNoPermissions});
  AddUser("bob");
  const AccessRequest get = Request(Operation::kGetRegisteredModel);
  EXPECT_CODE(Authorize("bob", get), ErrorCode::kPermissionDenied);  // Profile now cached.
  // Granted through the store (another server process): honoured at once.
  AddGrant("bob", ResourceType::kModel, "m", "READ");
  EXPECT_OK(Authorize("bob", get));
  // Made admin elsewhere: an admin-only operation passes on the fresh profile too.
  ASSERT_OK(store().UpdateAdmin("bob", true));
  EXPECT_OK(access_->Authorize(As("bob"), Request(Operation::kListUsers)));
}

TEST_F(AccessControlTest, CachedAllowLastsUntilInvalidateOrExpiryButNeverDecidesAWrite) {
  Configure({/*enabled=*/true, Permission::kNoPermissions});
  AddUser("bob");
  AddGrant("bob", ResourceType::kModel, "m", "EDIT");
  const AccessRequest update = Request(Operation::kUpdateRegisteredModel);
  EXPECT_OK(Authorize("bob", update));
  // Lowered through the store (another server process): this process keeps allowing from
  // its cache, but a unit of work reads the grants as they are and refuses at once.
  ASSERT_OK(
      store().UpdateGrant(MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "READ")));
  EXPECT_OK(access_->Authorize(As("bob"), update));
  EXPECT_CODE(AuthorizeInUnit("bob", update), ErrorCode::kPermissionDenied);
  // The cache lasts until Invalidate (what AccessAdmin calls after its own changes),
  access_->Invalidate();
  EXPECT_CODE(Authorize("bob", update), ErrorCode::kPermissionDenied);
  // or until the entry expires.
  ASSERT_OK(
      store().UpdateGrant(MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "EDIT")));
  EXPECT_OK(Authorize("bob", update));
  ASSERT_OK(
      store().UpdateGrant(MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "READ")));
  EXPECT_OK(access_->Authorize(As("bob"), update));
  clock_.Advance(5001);
  EXPECT_CODE(Authorize("bob", update), ErrorCode::kPermissionDenied);
}

TEST_F(AccessControlTest, AdminChangesTakeEffectAtOnce) {
  Configure({/*enabled=*/true, Permission::kNoPermissions});
  AddUser("bob");
  const AccessRequest get = Request(Operation::kGetRegisteredModel);
  const Operation grant = Operation::kCreateGrant;
  ASSERT_OK(admin_->CreateGrant(
      root_, grant, MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "READ")));
  EXPECT_OK(Authorize("bob", get));
  ASSERT_OK(admin_->UpdateGrant(
      root_, Operation::kUpdateGrant,
      MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "NO_PERMISSIONS")));
  EXPECT_CODE(Authorize("bob", get), ErrorCode::kPermissionDenied);
  ASSERT_OK(admin_->CreateGroup(root_, "readers"));
  ASSERT_OK(admin_->CreateGrant(
      root_, grant, MakeGrant(SubjectType::kGroup, "readers", ResourceType::kPrefix, "m", "READ")));
  ASSERT_OK(admin_->AddGroupMember(root_, "readers", "bob"));
  ASSERT_OK(admin_->DeleteGrant(
      root_, Operation::kDeleteGrant,
      MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "NO_PERMISSIONS")));
  EXPECT_OK(Authorize("bob", get));
  ASSERT_OK(admin_->RemoveGroupMember(root_, "readers", "bob"));
  EXPECT_CODE(Authorize("bob", get), ErrorCode::kPermissionDenied);
}

// ---- ReadScopeFor ----

TEST_F(AccessControlTest, ReadScopeFor) {
  AddUser("bob");
  AddUser("carol");
  ASSERT_OK(store().CreateGroup("team"));
  ASSERT_OK(store().AddGroupMember("team", "carol"));

  // Auth off, or an admin: no limit.
  AuthOptions off;
  AccessControl disabled(store(), clock_, off);
  auto none = disabled.ReadScopeFor(Principal::User("bob"));
  ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());
  auto admin = access_->ReadScopeFor(Principal::User("root"));
  ASSERT_OK(admin);
  EXPECT_FALSE(admin->has_value());

  // No grants and a readable default: no limit; a PROMOTE grant changes nothing.
  AddGrant("bob", ResourceType::kModel, "m", "PROMOTE");
  auto plain = access_->ReadScopeFor(Principal::User("bob"));
  ASSERT_OK(plain);
  EXPECT_FALSE(plain->has_value());

  // Grants that hide nothing (a readable default, no NO_PERMISSIONS): still no limit.
  AddGrant("bob", ResourceType::kPrefix, "fraud.", "EDIT");
  auto editor = access_->ReadScopeFor(Principal::User("bob"));
  ASSERT_OK(editor);
  EXPECT_FALSE(editor->has_value());

  // A group's NO_PERMISSIONS grant: a scope with that one rule for its members.
  ASSERT_OK(store().CreateGrant(
      MakeGrant(SubjectType::kGroup, "team", ResourceType::kPrefix, "x", "NO_PERMISSIONS")));
  auto carol = access_->ReadScopeFor(Principal::User("carol"));
  ASSERT_OK(carol);
  ASSERT_TRUE(carol->has_value());
  EXPECT_FALSE((*carol)->live);
  EXPECT_TRUE((*carol)->default_readable);
  ASSERT_EQ((*carol)->prefixes.size(), 1u);
  EXPECT_EQ((*carol)->prefixes[0].prefix, "x");
  EXPECT_FALSE((*carol)->prefixes[0].readable);

  // An unreadable default: always a scope; bob's EDIT on fraud. is its one rule.
  Configure({/*enabled=*/true, Permission::kNoPermissions});
  auto bob = access_->ReadScopeFor(Principal::User("bob"));
  ASSERT_OK(bob);
  ASSERT_TRUE(bob->has_value());
  ASSERT_EQ((*bob)->prefixes.size(), 1u);
  EXPECT_EQ((*bob)->prefixes[0].prefix, "fraud.");
  EXPECT_TRUE((*bob)->prefixes[0].readable);
  EXPECT_FALSE((*bob)->default_readable);
}

TEST_F(AccessControlTest, ExplainSaysWhy) {
  AddUser("bob");
  AddGrant("bob", ResourceType::kPrefix, "fraud.", "EDIT");
  AddGrant("bob", ResourceType::kPrefix, "fraud.", "PROMOTE");
  auto explained = access_->Explain("bob", "fraud.a");
  ASSERT_OK(explained);
  EXPECT_EQ(explained->effective.permission, Permission::kEdit);
  EXPECT_EQ(explained->effective.source, "grant to user bob on prefix fraud.");
  EXPECT_TRUE(explained->can_promote);
  EXPECT_FALSE(access_->Explain("bob", "risk.a")->can_promote);
  EXPECT_TRUE(access_->Explain("root", "risk.a")->can_promote);
  EXPECT_CODE(access_->Explain("nobody", "m"), ErrorCode::kResourceDoesNotExist);
}

}  // namespace
}  // namespace modelwarden

namespace modelwarden {
namespace {

// The real store, with a hook that runs right after a profile was read: the moment a
// concurrent revocation can land between the read and the caching of its result.
class HookedAuthStore final : public AuthStore {
 public:
  explicit HookedAuthStore(AuthStore& inner) : inner_(inner) {}
  std::function<void()> after_load;

  Result<AccessProfile> LoadAccessProfile(const std::string& username) override {
    Result<AccessProfile> profile = inner_.LoadAccessProfile(username);
    if (after_load) std::exchange(after_load, nullptr)();
    return profile;
  }
  Result<int64_t> AccessEpoch(EpochLock lock) override { return inner_.AccessEpoch(lock); }
  Result<User> CreateUser(const std::string& u, const std::string& h, bool a) override {
    return inner_.CreateUser(u, h, a);
  }
  Result<User> GetUser(const std::string& u) override { return inner_.GetUser(u); }
  Result<std::vector<User>> ListUsers() override { return inner_.ListUsers(); }
  Status UpdatePassword(const std::string& u, const std::string& h) override {
    return inner_.UpdatePassword(u, h);
  }
  Status UpdateAdmin(const std::string& u, bool a) override { return inner_.UpdateAdmin(u, a); }
  Status DeleteUser(const std::string& u) override { return inner_.DeleteUser(u); }
  Result<bool> HasAdmin() override { return inner_.HasAdmin(); }
  Result<Group> CreateGroup(const std::string& n) override { return inner_.CreateGroup(n); }
  Result<Group> GetGroup(const std::string& n) override { return inner_.GetGroup(n); }
  Result<std::vector<Group>> ListGroups() override { return inner_.ListGroups(); }
  Status DeleteGroup(const std::string& n) override { return inner_.DeleteGroup(n); }
  Status AddGroupMember(const std::string& g, const std::string& u) override {
    return inner_.AddGroupMember(g, u);
  }
  Status RemoveGroupMember(const std::string& g, const std::string& u) override {
    return inner_.RemoveGroupMember(g, u);
  }
  Result<Grant> CreateGrant(const Grant& g) override { return inner_.CreateGrant(g); }
  Result<Grant> GetGrant(const Grant& key) override { return inner_.GetGrant(key); }
  Status UpdateGrant(const Grant& g) override { return inner_.UpdateGrant(g); }
  Status DeleteGrant(const Grant& key) override { return inner_.DeleteGrant(key); }
  Result<std::vector<Grant>> ListGrants(const GrantQuery& q) override {
    return inner_.ListGrants(q);
  }
  Result<int64_t> DeleteGrantsOn(ResourceType t, const std::string& r) override {
    return inner_.DeleteGrantsOn(t, r);
  }
  Result<ApiToken> CreateToken(const std::string& u, const std::string& n, const std::string& h,
                               int64_t now, int64_t e) override {
    return inner_.CreateToken(u, n, h, now, e);
  }
  Result<ApiToken> FindToken(const std::string& h) override { return inner_.FindToken(h); }
  Result<std::vector<ApiToken>> ListTokens(const std::string& u) override {
    return inner_.ListTokens(u);
  }
  Status RevokeToken(int64_t id, const std::string& u, int64_t now) override {
    return inner_.RevokeToken(id, u, now);
  }

 private:
  AuthStore& inner_;
};

TEST_F(AccessControlTest, AProfileReadAcrossARevocationIsNotCached) {
  AddUser("bob");
  AddGrant("bob", ResourceType::kModel, "m", "EDIT");
  HookedAuthStore hooked(store());
  AuthOptions options;
  options.enabled = true;
  options.default_permission = Permission::kNoPermissions;
  AccessControl access(hooked, clock_, options);
  AccessAdmin admin(hooked, *stores_.models, access, clock_);
  // The first load sees the grant; the revocation commits (and invalidates) before that
  // result reaches the cache.
  hooked.after_load = [&] {
    Grant key = MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "m", "READ");
    ASSERT_OK(admin.DeleteGrant(root_, Operation::kDeleteGrant, key));
  };
  const AccessRequest get = Request(Operation::kGetModelVersion, "m");
  EXPECT_OK(access.Authorize(As("bob"), get));  // Decided before the revocation.
  // Without the generation check the pre-revocation profile would be cached and allow this.
  EXPECT_CODE(access.Authorize(As("bob"), get), ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace modelwarden
