// Who may call what: every endpoint called by users holding NO_PERMISSIONS, READ, EDIT and
// MANAGE on the model (through prefix grants) and by the admin. A call is allowed exactly when
// the caller's level reaches what MLflow's validator table (research §9.4) and modelwarden's
// additions require; a denial is 403 PERMISSION_DENIED and changes nothing (the admin's view
// of the model, its versions, the grants, users and groups is byte-identical afterwards).

#include <functional>

#include "tests/api/auth_fixture.h"

namespace modelwarden::testing {
namespace {

// The callers, lowest first; a call needing level L is allowed for callers of level >= L.
enum Level { kAnyUser = 0, kRead = 1, kEdit = 2, kManage = 3, kAdminOnly = 4 };

struct User {
  const char* name;
  Level level;
};
constexpr User kUsers[] = {
    {"nobody", kAnyUser}, {"reader", kRead}, {"editor", kEdit}, {"manager", kManage}};

struct Case {
  const char* operation;
  Level needs;
  bool mutates;  // An allowed call changes what the snapshot shows.
  // Runs as the caller on a fresh model `m` (version 1, tag t, version tag vt, alias a; user
  // "other" holds READ on it). `id` is unique per run, for names the call creates.
  std::function<ApiResponse(Caller& caller, const std::string& m, const std::string& id)> call;
  // Runs as the admin before the call, e.g. to create a user the call deletes.
  std::function<void(Caller& admin, const std::string& id)> setup = nullptr;
};

std::string Q(const std::string& text) { return JsonString(text); }

std::vector<Case> Cases() {
  return {
      // ---- read (MLflow: can_read) ----
      {"GetRegisteredModel", kRead, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Get("/registered-models/get", {{"name", m}});
       }},
      {"GetLatestVersions (POST)", kRead, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Post("/registered-models/get-latest-versions", "{\"name\":" + Q(m) + "}");
       }},
      {"GetLatestVersions (GET)", kRead, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Get("/registered-models/get-latest-versions", {{"name", m}});
       }},
      {"GetModelVersionByAlias", kRead, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Get("/registered-models/alias", {{"name", m}, {"alias", "a"}});
       }},
      {"GetModelVersion", kRead, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Get("/model-versions/get", {{"name", m}, {"version", "1"}});
       }},
      {"GetModelVersionDownloadUri", kRead, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Get("/model-versions/get-download-uri", {{"name", m}, {"version", "1"}});
       }},
      {"CheckPromotion", kRead, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Get("/model-versions/check",
                         {{"name", m}, {"version", "1"}, {"stage", "Staging"}});
       }},
      {"GetModelCard", kRead, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Get("/model-versions/card", {{"name", m}, {"version", "1"}});
       }},
      {"SearchAuditEvents of one model", kRead, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Get("/audit-events/search", {{"model_name", m}});
       }},
      // ---- update (MLflow: can_update) ----
      {"UpdateRegisteredModel", kEdit, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Patch("/registered-models/update",
                               "{\"name\":" + Q(m) + R"(,"description":"changed"})");
       }},
      {"RenameRegisteredModel", kEdit, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Post("/registered-models/rename",
                              "{\"name\":" + Q(m) + ",\"new_name\":" + Q(m + "-renamed") + "}");
       }},
      {"SetRegisteredModelTag", kEdit, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Post("/registered-models/set-tag",
                              "{\"name\":" + Q(m) + R"(,"key":"t2","value":"v"})");
       }},
      {"DeleteRegisteredModelTag (EDIT in MLflow)", kEdit, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Delete("/registered-models/delete-tag",
                                "{\"name\":" + Q(m) + R"(,"key":"t"})");
       }},
      {"CreateModelVersion", kEdit, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Post("/model-versions/create",
                              "{\"name\":" + Q(m) + R"(,"source":"s3://b/2"})");
       }},
      {"UpdateModelVersion", kEdit, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Patch("/model-versions/update",
                               "{\"name\":" + Q(m) + R"(,"version":"1","description":"d"})");
       }},
      {"SetModelVersionTag", kEdit, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Post("/model-versions/set-tag",
                              "{\"name\":" + Q(m) + R"(,"version":"1","key":"vt2","value":"v"})");
       }},
      {"TransitionModelVersionStage to Archived", kEdit, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Post(
             "/model-versions/transition-stage",
             "{\"name\":" + Q(m) +
                 R"(,"version":"1","stage":"Archived","archive_existing_versions":false})");
       }},
      {"SetRegisteredModelAlias (no policy)", kEdit, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Post("/registered-models/alias",
                              "{\"name\":" + Q(m) + R"(,"alias":"b","version":"1"})");
       }},
      {"SetModelCard", kEdit, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Post("/model-versions/card",
                          "{\"name\":" + Q(m) + R"(,"version":"1","markdown":"# Card\n"})");
       }},
      // ---- delete (MLflow: can_delete, i.e. MANAGE) ----
      {"DeleteRegisteredModel", kManage, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Delete("/registered-models/delete", "{\"name\":" + Q(m) + "}");
       }},
      {"DeleteRegisteredModelAlias (MANAGE in MLflow)", kManage, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Delete("/registered-models/alias",
                                "{\"name\":" + Q(m) + R"(,"alias":"a"})");
       }},
      {"DeleteModelVersion", kManage, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Delete("/model-versions/delete",
                                "{\"name\":" + Q(m) + R"(,"version":"1"})");
       }},
      {"DeleteModelVersionTag (MANAGE in MLflow)", kManage, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Delete("/model-versions/delete-tag",
                                "{\"name\":" + Q(m) + R"(,"version":"1","key":"vt"})");
       }},
      // ---- MLflow's registered-model permission API (can_manage) ----
      {"CreateRegisteredModelPermission", kManage, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Post("/registered-models/permissions/create",
                              "{\"name\":" + Q(m) + R"(,"username":"other2","permission":"READ"})");
       }},
      {"GetRegisteredModelPermission", kManage, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Get("/registered-models/permissions/get",
                             {{"name", m}, {"username", "other"}});
       }},
      {"UpdateRegisteredModelPermission", kManage, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Patch("/registered-models/permissions/update",
                               "{\"name\":" + Q(m) + R"(,"username":"other","permission":"EDIT"})");
       }},
      {"DeleteRegisteredModelPermission", kManage, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Delete("/registered-models/permissions/delete",
                                "{\"name\":" + Q(m) + R"(,"username":"other"})");
       }},
      // ---- modelwarden grants on one model: MANAGE; on prefixes and PROMOTE: admin ----
      {"CreateGrant on the model", kManage, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Post("/grants/create",
                          "{\"username\":\"other2\",\"name\":" + Q(m) + R"(,"permission":"EDIT"})");
       }},
      {"ListGrants of the model", kManage, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Get("/grants/list", {{"name", m}});
       }},
      {"UpdateGrant on the model", kManage, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Patch("/grants/update", "{\"username\":\"other\",\"name\":" + Q(m) +
                                                 R"(,"permission":"MANAGE"})");
       }},
      {"DeleteGrant on the model", kManage, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Delete("/grants/delete", "{\"username\":\"other\",\"name\":" + Q(m) + "}");
       }},
      {"CreateGrant PROMOTE on the model", kAdminOnly, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Post("/grants/create", "{\"username\":\"other2\",\"name\":" + Q(m) +
                                                R"(,"permission":"PROMOTE"})");
       }},
      {"CreateGrant on a prefix", kAdminOnly, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Post("/grants/create", "{\"username\":\"other2\",\"prefix\":" + Q(m) +
                                                R"(,"permission":"READ"})");
       }},
      {"ListGrants of everyone", kAdminOnly, false,
       [](Caller& c, auto&, auto&) { return c.mw.Get("/grants/list"); }},
      {"SearchAuditEvents of every model", kAdminOnly, false,
       [](Caller& c, auto&, auto&) { return c.mw.Get("/audit-events/search"); }},
      // ---- any authenticated user ----
      {"CreateRegisteredModel", kAnyUser, true,
       [](Caller& c, const std::string& m, auto&) {
         return c.mlflow.Post("/registered-models/create", "{\"name\":" + Q(m + "-new") + "}");
       }},
      {"SearchRegisteredModels", kAnyUser, false,
       [](Caller& c, auto&, auto&) { return c.mlflow.Get("/registered-models/search"); }},
      {"SearchModelVersions", kAnyUser, false,
       [](Caller& c, auto&, auto&) { return c.mlflow.Get("/model-versions/search"); }},
      {"GetCurrentUser", kAnyUser, false,
       [](Caller& c, auto&, auto&) { return c.mw.Get("/users/current"); }},
      {"GetUser of oneself", kAnyUser, false,
       [](Caller& c, auto&, auto&) {
         return c.mlflow.Get("/users/get", {{"username", c.username}});
       }},
      {"UpdateUserPassword of oneself", kAnyUser, false,
       [](Caller& c, auto&, auto&) {
         const std::string password =
             c.username == kAdminUser ? kAdminPassword : PasswordOf(c.username);
         return c.mlflow.Patch("/users/update-password", "{\"username\":" + Q(c.username) +
                                                             ",\"password\":" + Q(password) + "}");
       }},
      {"GetEffectivePermission of oneself", kAnyUser, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Get("/permissions/effective", {{"name", m}});
       }},
      {"CreateToken for oneself", kAnyUser, false,
       [](Caller& c, auto&, auto&) { return c.mw.Post("/tokens/create", R"({"name":"t"})"); }},
      {"ListTokens of oneself", kAnyUser, false,
       [](Caller& c, auto&, auto&) { return c.mw.Get("/tokens/list"); }},
      // ---- admin only ----
      {"GetUser of another", kAdminOnly, false,
       [](Caller& c, auto&, auto&) {
         return c.mlflow.Get("/users/get", {{"username", "other"}});
       }},
      {"UpdateUserPassword of another", kAdminOnly, false,
       [](Caller& c, auto&, auto&) {
         return c.mlflow.Patch("/users/update-password",
                               R"({"username":"other","password":"other-password-1"})");
       }},
      {"GetEffectivePermission of another", kAdminOnly, false,
       [](Caller& c, const std::string& m, auto&) {
         return c.mw.Get("/permissions/effective", {{"name", m}, {"username", "other"}});
       }},
      {"CreateToken for another", kAdminOnly, false,
       [](Caller& c, auto&, auto&) {
         return c.mw.Post("/tokens/create", R"({"username":"other","name":"t"})");
       }},
      {"ListTokens of another", kAdminOnly, false,
       [](Caller& c, auto&, auto&) {
         return c.mw.Get("/tokens/list", {{"username", "other"}});
       }},
      {"CreateUser", kAdminOnly, true,
       [](Caller& c, auto&, const std::string& id) {
         return c.mlflow.Post("/users/create", "{\"username\":" + Q("new-" + id) +
                                                   R"(,"password":"a-long-password"})");
       }},
      {"UpdateUserAdmin", kAdminOnly, true,
       [](Caller& c, auto&, const std::string& id) {
         return c.mlflow.Patch("/users/update-admin",
                               "{\"username\":" + Q("victim-" + id) + R"(,"is_admin":true})");
       },
       [](Caller& admin, const std::string& id) {
         EXPECT_TRUE(
             IsOkJson(admin.mlflow.Post("/users/create", "{\"username\":" + Q("victim-" + id) +
                                                             R"(,"password":"a-long-password"})")));
       }},
      {"DeleteUser", kAdminOnly, true,
       [](Caller& c, auto&, const std::string& id) {
         return c.mlflow.Delete("/users/delete", "{\"username\":" + Q("victim-" + id) + "}");
       },
       [](Caller& admin, const std::string& id) {
         EXPECT_TRUE(
             IsOkJson(admin.mlflow.Post("/users/create", "{\"username\":" + Q("victim-" + id) +
                                                             R"(,"password":"a-long-password"})")));
       }},
      {"ListUsers", kAdminOnly, false,
       [](Caller& c, auto&, auto&) { return c.mw.Get("/users/list"); }},
      {"CreateGroup", kAdminOnly, true,
       [](Caller& c, auto&, const std::string& id) {
         return c.mw.Post("/groups/create", "{\"name\":" + Q("g-" + id) + "}");
       }},
      {"GetGroup", kAdminOnly, false,
       [](Caller& c, auto&, auto&) {
         return c.mw.Get("/groups/get", {{"name", "team"}});
       }},
      {"ListGroups", kAdminOnly, false,
       [](Caller& c, auto&, auto&) { return c.mw.Get("/groups/list"); }},
      {"AddGroupMember", kAdminOnly, true,
       [](Caller& c, auto&, const std::string& id) {
         return c.mw.Post("/groups/add-member",
                          "{\"name\":" + Q("g-" + id) + R"(,"username":"other"})");
       },
       [](Caller& admin, const std::string& id) {
         EXPECT_TRUE(IsOkJson(admin.mw.Post("/groups/create", "{\"name\":" + Q("g-" + id) + "}")));
       }},
      {"RemoveGroupMember", kAdminOnly, true,
       [](Caller& c, auto&, auto&) {
         return c.mw.Post("/groups/remove-member", R"({"name":"team","username":"other"})");
       },
       [](Caller& admin, auto&) {
         // Idempotent set-up: "other" is in "team" before each run.
         admin.mw.Post("/groups/add-member", R"({"name":"team","username":"other"})");
       }},
      {"DeleteGroup", kAdminOnly, true,
       [](Caller& c, auto&, const std::string& id) {
         return c.mw.Delete("/groups/delete", "{\"name\":" + Q("g-" + id) + "}");
       },
       [](Caller& admin, const std::string& id) {
         EXPECT_TRUE(IsOkJson(admin.mw.Post("/groups/create", "{\"name\":" + Q("g-" + id) + "}")));
       }},
  };
}

class AuthPermissionsTest : public AuthTest {
 protected:
  // What the admin sees of `m` and of the access configuration.
  std::string Snapshot(const std::string& m) {
    Caller& admin = Admin();
    std::string snapshot;
    for (const ApiResponse& r :
         {admin.mlflow.Get("/registered-models/get", {{"name", m}}),
          admin.mlflow.Get("/registered-models/get", {{"name", m + "-renamed"}}),
          admin.mlflow.Get("/registered-models/get", {{"name", m + "-new"}}),
          admin.mlflow.Get("/model-versions/search", {{"filter", "name='" + m + "'"}}),
          admin.mw.Get("/grants/list", {{"name", m}}),
          admin.mw.Get("/grants/list", {{"name", m + "-renamed"}}),
          admin.mw.Get("/grants/list", {{"prefix", m}}), admin.mw.Get("/users/list"),
          admin.mw.Get("/groups/list")}) {
      snapshot += std::to_string(r.status) + " " + r.body + "\n";
    }
    return snapshot;
  }
};

TEST_P(AuthPermissionsTest, EveryEndpointForEveryLevel) {
  for (const char* user : {"nobody", "reader", "editor", "manager", "other", "other2"}) {
    CreateUser(user);
  }
  // The four levels on every model of the test, through prefix grants.
  for (const User& user : kUsers) {
    static constexpr const char* kPermission[] = {"NO_PERMISSIONS", "READ", "EDIT", "MANAGE"};
    CreateGrant("{\"username\":" + Q(user.name) + R"(,"prefix":"t.","permission":")" +
                kPermission[user.level] + "\"}");
  }
  CreateGroup("team", {"other"});

  std::vector<std::pair<std::string, Level>> callers;
  for (const User& user : kUsers) callers.emplace_back(user.name, user.level);
  callers.emplace_back(kAdminUser, kAdminOnly);

  int run = 0, allowed = 0, denied = 0;
  for (const Case& c : Cases()) {
    for (const auto& [username, level] : callers) {
      const std::string id = std::to_string(++run);
      const std::string m = "t." + id;
      SCOPED_TRACE(std::string(c.operation) + " as " + username + " on " + m);
      CreateModelWithVersion(m);
      GrantModel("other", m, "READ");
      if (c.setup) c.setup(Admin(), id);

      Caller caller = username == kAdminUser ? As(kAdminUser, kAdminPassword) : As(username);
      const std::string before = Snapshot(m);
      const ApiResponse response = c.call(caller, m, id);
      const std::string after = Snapshot(m);
      if (level >= c.needs) {
        ++allowed;
        EXPECT_TRUE(IsOkJson(response));
        if (c.mutates) {
          EXPECT_NE(before, after) << "the allowed call changed nothing";
        }
      } else {
        ++denied;
        EXPECT_TRUE(IsDenied(response));
        EXPECT_EQ(before, after) << "a denied call changed something";
      }
      if (HasFailure()) return;  // One broken case is enough to read.
    }
  }
  // 5 callers per case; every case is both allowed and denied for someone but the
  // any-user ones (never denied).
  EXPECT_EQ(run, static_cast<int>(Cases().size()) * 5);
  EXPECT_GT(denied, 100);
  EXPECT_GT(allowed, 100);
}

MODELWARDEN_INSTANTIATE_API_TESTS(AuthPermissionsTest);

}  // namespace
}  // namespace modelwarden::testing
