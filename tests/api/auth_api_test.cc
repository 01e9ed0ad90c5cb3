// MLflow's basic-auth REST API with MLflow's JSON (users, registered-model permissions), the
// creator's MANAGE, grants following a rename and dying with the model, the default
// permission; modelwarden's groups, prefix grants (most specific wins), PROMOTE, registration
// grants, the effective-permission and current-user endpoints; the principal recorded on
// versions and in the audit log.

#include <gmock/gmock.h>

#include <fstream>
#include <set>

#include "tests/api/auth_fixture.h"

namespace modelwarden::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::string Q(const std::string& text) { return JsonString(text); }

// The keys of the JSON object at `pointer`, in order.
std::vector<std::string> KeysAt(const ApiResponse& response, const char* pointer) {
  std::vector<std::string> keys;
  const rapidjson::Value* value = response.At(pointer);
  if (value == nullptr || !value->IsObject()) return keys;
  for (const auto& member : value->GetObject()) keys.emplace_back(member.name.GetString());
  return keys;
}

int64_t IntAt(const ApiResponse& response, const char* pointer) {
  const rapidjson::Value* value = response.At(pointer);
  return value != nullptr && value->IsInt64() ? value->GetInt64() : -1;
}

// "name=permission" for each entry of the user's registered_model_permissions.
std::vector<std::string> ModelPermissions(const ApiResponse& user) {
  std::vector<std::string> out;
  const rapidjson::Value* list = user.At("/user/registered_model_permissions");
  if (list == nullptr || !list->IsArray()) return {"<no list>"};
  for (const auto& p : list->GetArray()) {
    out.push_back(std::string(p["name"].GetString()) + "=" + p["permission"].GetString());
  }
  return out;
}

ApiResponse SetModelTag(Caller& c, const std::string& model) {
  return c.mlflow.Post("/registered-models/set-tag",
                       "{\"name\":" + Q(model) + R"(,"key":"k","value":"v"})");
}

ApiResponse GetModel(Caller& c, const std::string& model) {
  return c.mlflow.Get("/registered-models/get", {{"name", model}});
}

class AuthApiTest : public AuthTest {};

TEST_P(AuthApiTest, UsersApiAnswersAsMlflow) {
  Caller& admin = Admin();
  const ApiResponse created =
      admin.mlflow.Post("/users/create", R"({"username":"alice","password":"twelve-chars"})");
  ASSERT_TRUE(IsOkJson(created)) << created.Describe();
  EXPECT_THAT(KeysAt(created, ""), ElementsAre("user"));
  EXPECT_THAT(KeysAt(created, "/user"),
              ElementsAre("id", "username", "is_admin", "experiment_permissions",
                          "registered_model_permissions", "scorer_permissions"));
  EXPECT_GT(IntAt(created, "/user/id"), 0);
  EXPECT_EQ(created.StringAt("/user/username"), "alice");
  EXPECT_FALSE(created.At("/user/is_admin")->GetBool());
  EXPECT_TRUE(created.At("/user/registered_model_permissions")->GetArray().Empty());

  // MLflow's validation: passwords of at least 12 characters, unique usernames.
  EXPECT_TRUE(IsMlflowError(
      admin.mlflow.Post("/users/create", R"({"username":"bob","password":"eleven-char"})"), 400,
      "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(
      admin.mlflow.Post("/users/create", R"({"username":"alice","password":"another-password"})"),
      400, "RESOURCE_ALREADY_EXISTS"));
  EXPECT_TRUE(IsMlflowError(
      admin.mlflow.Post("/users/create", R"({"username":"","password":"another-password"})"), 400,
      "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(admin.mlflow.Post("/users/create", R"({"username":"bob"})"), 400,
                            "INVALID_PARAMETER_VALUE"));
  CreateUser("bob");

  // get: self or admin; unknown: 404.
  Caller alice = As("alice", "twelve-chars");
  const ApiResponse self = alice.mlflow.Get("/users/get", {{"username", "alice"}});
  ASSERT_TRUE(IsOkJson(self));
  EXPECT_EQ(IntAt(self, "/user/id"), IntAt(created, "/user/id"));
  EXPECT_TRUE(IsDenied(alice.mlflow.Get("/users/get", {{"username", "bob"}})));
  EXPECT_TRUE(IsOkJson(admin.mlflow.Get("/users/get", {{"username", "bob"}})));
  EXPECT_TRUE(IsMlflowError(admin.mlflow.Get("/users/get", {{"username", "nobody-here"}}), 404,
                            "RESOURCE_DOES_NOT_EXIST"));

  // update-password: self or admin; too short: 400; unknown: 404.
  EXPECT_TRUE(IsMlflowError(
      alice.mlflow.Patch("/users/update-password", R"({"username":"alice","password":"short"})"),
      400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsOkJson(alice.mlflow.Get("/users/get", {{"username", "alice"}})))
      << "a refused password change keeps the old password";
  EXPECT_TRUE(IsDenied(alice.mlflow.Patch("/users/update-password",
                                          R"({"username":"bob","password":"hijacked-password"})")));
  EXPECT_TRUE(IsOkJson(As("bob").mlflow.Get("/users/get", {{"username", "bob"}})));
  EXPECT_TRUE(
      IsMlflowError(admin.mlflow.Patch("/users/update-password",
                                       R"({"username":"ghost","password":"ghost-password"})"),
                    404, "RESOURCE_DOES_NOT_EXIST"));

  // update-admin: admin only, and it takes effect at once.
  EXPECT_TRUE(IsDenied(
      alice.mlflow.Patch("/users/update-admin", R"({"username":"alice","is_admin":true})")));
  EXPECT_TRUE(IsDenied(alice.mw.Get("/users/list")));
  const ApiResponse promoted =
      admin.mlflow.Patch("/users/update-admin", R"({"username":"alice","is_admin":true})");
  ASSERT_TRUE(IsOkJson(promoted));
  EXPECT_EQ(promoted.body, "{}");
  EXPECT_TRUE(IsOkJson(alice.mw.Get("/users/list")));
  EXPECT_TRUE(
      alice.mlflow.Get("/users/get", {{"username", "alice"}}).At("/user/is_admin")->GetBool());
  ASSERT_TRUE(IsOkJson(
      admin.mlflow.Patch("/users/update-admin", R"({"username":"alice","is_admin":false})")));
  EXPECT_TRUE(IsDenied(alice.mw.Get("/users/list")));
  EXPECT_TRUE(IsMlflowError(
      admin.mlflow.Patch("/users/update-admin", R"({"username":"ghost","is_admin":true})"), 404,
      "RESOURCE_DOES_NOT_EXIST"));
  // The last admin cannot be removed or demoted.
  EXPECT_TRUE(IsMlflowError(
      admin.mlflow.Patch("/users/update-admin", R"({"username":"admin","is_admin":false})"), 400,
      "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(admin.mlflow.Delete("/users/delete", R"({"username":"admin"})"), 400,
                            "INVALID_PARAMETER_VALUE"));

  // delete: admin only; then the user is gone.
  EXPECT_TRUE(IsDenied(alice.mlflow.Delete("/users/delete", R"({"username":"bob"})")));
  const ApiResponse deleted = admin.mlflow.Delete("/users/delete", R"({"username":"bob"})");
  ASSERT_TRUE(IsOkJson(deleted));
  EXPECT_EQ(deleted.body, "{}");
  EXPECT_TRUE(IsMlflowError(admin.mlflow.Get("/users/get", {{"username", "bob"}}), 404,
                            "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsMlflowError(admin.mlflow.Delete("/users/delete", R"({"username":"bob"})"), 404,
                            "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsUnauthenticated(As("bob").mlflow.Get("/registered-models/search")));
}

TEST_P(AuthApiTest, ModelPermissionsApiAnswersAsMlflow) {
  CreateUser("alice");
  CreateUser("bob");
  CreateUser("carol");
  Caller alice = As("alice");
  Caller bob = As("bob");
  ASSERT_TRUE(IsOkJson(alice.mlflow.Post("/registered-models/create", R"({"name":"a.model"})")));

  // The creator holds MANAGE, visible in users/get.
  const ApiResponse alice_user = alice.mlflow.Get("/users/get", {{"username", "alice"}});
  EXPECT_THAT(ModelPermissions(alice_user), ElementsAre("a.model=MANAGE"));
  EXPECT_THAT(KeysAt(alice_user, "/user/registered_model_permissions/0"),
              ElementsAre("name", "user_id", "permission"));
  EXPECT_EQ(IntAt(alice_user, "/user/registered_model_permissions/0/user_id"),
            IntAt(alice_user, "/user/id"));

  // create: MANAGE on the model.
  const ApiResponse granted =
      alice.mlflow.Post("/registered-models/permissions/create",
                        R"({"name":"a.model","username":"bob","permission":"NO_PERMISSIONS"})");
  ASSERT_TRUE(IsOkJson(granted)) << granted.Describe();
  EXPECT_THAT(KeysAt(granted, ""), ElementsAre("registered_model_permission"));
  EXPECT_THAT(KeysAt(granted, "/registered_model_permission"),
              ElementsAre("name", "user_id", "permission"));
  EXPECT_EQ(granted.StringAt("/registered_model_permission/name"), "a.model");
  EXPECT_EQ(granted.StringAt("/registered_model_permission/permission"), "NO_PERMISSIONS");
  EXPECT_EQ(IntAt(granted, "/registered_model_permission/user_id"),
            IntAt(bob.mlflow.Get("/users/get", {{"username", "bob"}}), "/user/id"));
  EXPECT_TRUE(IsDenied(GetModel(bob, "a.model")));  // The grant beats the default READ.
  EXPECT_TRUE(
      IsMlflowError(alice.mlflow.Post("/registered-models/permissions/create",
                                      R"({"name":"a.model","username":"bob","permission":"READ"})"),
                    400, "RESOURCE_ALREADY_EXISTS"));
  for (const char* bad : {"WRITE", "read", "PROMOTE", ""}) {
    const ApiResponse invalid = alice.mlflow.Post(
        "/registered-models/permissions/create",
        std::string(R"({"name":"a.model","username":"carol","permission":")") + bad + "\"}");
    EXPECT_TRUE(IsMlflowError(invalid, 400, "INVALID_PARAMETER_VALUE")) << bad;
  }
  EXPECT_TRUE(IsMlflowError(
      alice.mlflow.Post("/registered-models/permissions/create",
                        R"({"name":"a.model","username":"ghost","permission":"READ"})"),
      404, "RESOURCE_DOES_NOT_EXIST"));

  // get / update.
  const ApiResponse got = alice.mlflow.Get("/registered-models/permissions/get",
                                           {{"name", "a.model"}, {"username", "bob"}});
  ASSERT_TRUE(IsOkJson(got));
  EXPECT_EQ(got.body, granted.body);
  EXPECT_TRUE(IsMlflowError(
      alice.mlflow.Patch("/registered-models/permissions/update",
                         R"({"name":"a.model","username":"bob","permission":"SUPERUSER"})"),
      400, "INVALID_PARAMETER_VALUE"));
  const ApiResponse updated =
      alice.mlflow.Patch("/registered-models/permissions/update",
                         R"({"name":"a.model","username":"bob","permission":"EDIT"})");
  ASSERT_TRUE(IsOkJson(updated));
  EXPECT_EQ(updated.body, "{}");
  EXPECT_EQ(
      alice.mlflow
          .Get("/registered-models/permissions/get", {{"name", "a.model"}, {"username", "bob"}})
          .StringAt("/registered_model_permission/permission"),
      "EDIT");
  EXPECT_TRUE(IsOkJson(SetModelTag(bob, "a.model")));
  // EDIT is not MANAGE: bob may not hand out permissions.
  EXPECT_TRUE(
      IsDenied(bob.mlflow.Post("/registered-models/permissions/create",
                               R"({"name":"a.model","username":"carol","permission":"READ"})")));
  EXPECT_TRUE(IsMlflowError(
      alice.mlflow.Patch("/registered-models/permissions/update",
                         R"({"name":"a.model","username":"carol","permission":"EDIT"})"),
      404, "RESOURCE_DOES_NOT_EXIST"));

  // Rename: every grant follows the model.
  ASSERT_TRUE(IsOkJson(alice.mlflow.Post("/registered-models/rename",
                                         R"({"name":"a.model","new_name":"a.renamed"})")));
  EXPECT_THAT(ModelPermissions(alice.mlflow.Get("/users/get", {{"username", "alice"}})),
              ElementsAre("a.renamed=MANAGE"));
  EXPECT_EQ(
      alice.mlflow
          .Get("/registered-models/permissions/get", {{"name", "a.renamed"}, {"username", "bob"}})
          .StringAt("/registered_model_permission/permission"),
      "EDIT");
  EXPECT_TRUE(IsOkJson(SetModelTag(bob, "a.renamed")));

  // delete permission.
  const ApiResponse removed = alice.mlflow.Delete("/registered-models/permissions/delete",
                                                  R"({"name":"a.renamed","username":"bob"})");
  ASSERT_TRUE(IsOkJson(removed));
  EXPECT_EQ(removed.body, "{}");
  EXPECT_TRUE(IsMlflowError(alice.mlflow.Get("/registered-models/permissions/get",
                                             {{"name", "a.renamed"}, {"username", "bob"}}),
                            404, "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsDenied(SetModelTag(bob, "a.renamed")));  // Back to the default READ.

  // Deleting the model removes its grants: a model re-created under the name inherits none.
  ASSERT_TRUE(IsOkJson(
      alice.mlflow.Post("/registered-models/permissions/create",
                        R"({"name":"a.renamed","username":"bob","permission":"NO_PERMISSIONS"})")));
  ASSERT_TRUE(
      IsOkJson(alice.mlflow.Delete("/registered-models/delete", R"({"name":"a.renamed"})")));
  EXPECT_THAT(ModelPermissions(alice.mlflow.Get("/users/get", {{"username", "alice"}})),
              ElementsAre());
  ASSERT_TRUE(
      IsOkJson(Admin().mlflow.Post("/registered-models/create", R"({"name":"a.renamed"})")));
  EXPECT_TRUE(IsOkJson(GetModel(bob, "a.renamed")));  // bob's NO_PERMISSIONS went with it.
  EXPECT_TRUE(IsMlflowError(Admin().mlflow.Get("/registered-models/permissions/get",
                                               {{"name", "a.renamed"}, {"username", "bob"}}),
                            404, "RESOURCE_DOES_NOT_EXIST"));
}

// Grants moved by a rename or removed with the model apply at once on the server that made
// the change, even to users whose access was just checked (and is cached).
TEST_P(AuthApiTest, RenameAndDeleteChangeCachedAccessAtOnce) {
  CreateUser("alice");
  CreateUser("bob");
  Caller alice = As("alice");
  Caller bob = As("bob");
  ASSERT_TRUE(IsOkJson(alice.mlflow.Post("/registered-models/create", R"({"name":"c.model"})")));
  ASSERT_TRUE(IsOkJson(
      alice.mlflow.Post("/registered-models/permissions/create",
                        R"({"name":"c.model","username":"bob","permission":"NO_PERMISSIONS"})")));
  EXPECT_TRUE(IsDenied(GetModel(bob, "c.model")));
  EXPECT_TRUE(IsOkJson(SetModelTag(alice, "c.model")));

  // bob's NO_PERMISSIONS follows the model to its new name.
  ASSERT_TRUE(IsOkJson(alice.mlflow.Post("/registered-models/rename",
                                         R"({"name":"c.model","new_name":"c.renamed"})")));
  EXPECT_TRUE(IsDenied(GetModel(bob, "c.renamed")));
  EXPECT_TRUE(IsOkJson(SetModelTag(alice, "c.renamed")));
  // A new model under the old name owes nothing to the old grants.
  ASSERT_TRUE(IsOkJson(Admin().mlflow.Post("/registered-models/create", R"({"name":"c.model"})")));
  EXPECT_TRUE(IsDenied(SetModelTag(alice, "c.model")));
  EXPECT_TRUE(IsOkJson(GetModel(bob, "c.model")));

  // Deleted with the model: alice's MANAGE does not carry over to a model re-created under
  // the name.
  ASSERT_TRUE(
      IsOkJson(alice.mlflow.Delete("/registered-models/delete", R"({"name":"c.renamed"})")));
  ASSERT_TRUE(
      IsOkJson(Admin().mlflow.Post("/registered-models/create", R"({"name":"c.renamed"})")));
  EXPECT_TRUE(IsDenied(SetModelTag(alice, "c.renamed")));
  EXPECT_TRUE(IsOkJson(GetModel(bob, "c.renamed")));
}

TEST_P(AuthApiTest, GroupsAndMostSpecificGrantWins) {
  for (const char* user : {"dave", "erin", "frank"}) CreateUser(user);
  Caller& admin = Admin();
  const ApiResponse group = admin.mw.Post("/groups/create", R"({"name":"fraud-team"})");
  ASSERT_TRUE(IsOkJson(group)) << group.Describe();
  EXPECT_EQ(group.StringAt("/group/name"), "fraud-team");
  EXPECT_TRUE(IsMlflowError(admin.mw.Post("/groups/create", R"({"name":"fraud-team"})"), 400,
                            "RESOURCE_ALREADY_EXISTS"));
  EXPECT_TRUE(IsMlflowError(admin.mw.Post("/groups/create", R"({"name":""})"), 400,
                            "INVALID_PARAMETER_VALUE"));
  for (const char* member : {"dave", "erin"}) {
    ASSERT_TRUE(IsOkJson(
        admin.mw.Post("/groups/add-member",
                      std::string(R"({"name":"fraud-team","username":")") + member + "\"}")));
  }
  EXPECT_TRUE(IsMlflowError(
      admin.mw.Post("/groups/add-member", R"({"name":"fraud-team","username":"ghost"})"), 404,
      "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsMlflowError(
      admin.mw.Post("/groups/add-member", R"({"name":"no-such-group","username":"dave"})"), 404,
      "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsMlflowError(
      admin.mw.Post("/groups/add-member", R"({"name":"fraud-team","username":"dave"})"), 400,
      "RESOURCE_ALREADY_EXISTS"));
  const ApiResponse got = admin.mw.Get("/groups/get", {{"name", "fraud-team"}});
  ASSERT_TRUE(IsOkJson(got));
  const rapidjson::Value* members = got.At("/group/members");
  ASSERT_TRUE(members != nullptr && members->IsArray());
  std::vector<std::string> names;
  for (const auto& m : members->GetArray()) names.emplace_back(m.GetString());
  EXPECT_THAT(names, ElementsAre("dave", "erin"));
  EXPECT_EQ(admin.mw.Get("/groups/list").At("/groups")->GetArray().Size(), 1u);

  for (const char* m : {"fraud.a", "fraud.b", "fraud.secret", "fraud.ro.x", "pricing.a"}) {
    ASSERT_TRUE(
        IsOkJson(admin.mlflow.Post("/registered-models/create", "{\"name\":" + Q(m) + "}")));
  }
  const ApiResponse grant = admin.mw.Post(
      "/grants/create", R"({"group":"fraud-team","prefix":"fraud.","permission":"EDIT"})");
  ASSERT_TRUE(IsOkJson(grant)) << grant.Describe();
  EXPECT_EQ(grant.body,
            R"({"grant":{"group":"fraud-team","prefix":"fraud.","permission":"EDIT"}})");
  EXPECT_TRUE(IsMlflowError(
      admin.mw.Post("/grants/create",
                    R"({"group":"fraud-team","prefix":"fraud.","permission":"EDIT"})"),
      400, "RESOURCE_ALREADY_EXISTS"));
  EXPECT_TRUE(IsMlflowError(
      admin.mw.Post("/grants/create", R"({"group":"fraud-team","prefix":"x.","permission":"ALL"})"),
      400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(
      admin.mw.Post(
          "/grants/create",
          R"({"group":"fraud-team","username":"dave","prefix":"x.","permission":"READ"})"),
      400, "INVALID_PARAMETER_VALUE"));
  // A longer prefix and a model grant are more specific than the group's prefix EDIT.
  CreateGrant(R"({"group":"fraud-team","prefix":"fraud.ro.","permission":"READ"})");
  CreateGrant(R"({"username":"dave","name":"fraud.secret","permission":"NO_PERMISSIONS"})");

  Caller dave = As("dave");
  Caller erin = As("erin");
  Caller frank = As("frank");
  EXPECT_TRUE(IsOkJson(SetModelTag(dave, "fraud.a")));
  EXPECT_TRUE(IsOkJson(SetModelTag(erin, "fraud.b")));
  EXPECT_TRUE(IsDenied(SetModelTag(frank, "fraud.a")));  // Not a member: the default READ.
  EXPECT_TRUE(IsDenied(SetModelTag(dave, "pricing.a")));
  EXPECT_TRUE(IsOkJson(GetModel(dave, "pricing.a")));
  EXPECT_TRUE(IsDenied(SetModelTag(dave, "fraud.ro.x")));
  EXPECT_TRUE(IsOkJson(GetModel(dave, "fraud.ro.x")));
  EXPECT_TRUE(IsDenied(GetModel(dave, "fraud.secret")));  // Model NO_PERMISSIONS beats prefix EDIT.
  EXPECT_TRUE(IsOkJson(SetModelTag(erin, "fraud.secret")));
  // EDIT is not MANAGE.
  EXPECT_TRUE(IsDenied(dave.mlflow.Delete("/registered-models/delete", R"({"name":"fraud.a"})")));

  // The effective permission explains itself.
  const ApiResponse effective = dave.mw.Get("/permissions/effective", {{"name", "fraud.a"}});
  ASSERT_TRUE(IsOkJson(effective)) << effective.Describe();
  EXPECT_EQ(effective.StringAt("/permission/permission"), "EDIT");
  EXPECT_EQ(effective.StringAt("/permission/username"), "dave");
  EXPECT_EQ(effective.StringAt("/permission/name"), "fraud.a");
  EXPECT_THAT(effective.StringAt("/permission/source").value_or(""),
              HasSubstr("group fraud-team on prefix fraud."));
  EXPECT_FALSE(effective.At("/permission/can_promote")->GetBool());
  EXPECT_EQ(dave.mw.Get("/permissions/effective", {{"name", "fraud.secret"}})
                .StringAt("/permission/permission"),
            "NO_PERMISSIONS");
  EXPECT_EQ(dave.mw.Get("/permissions/effective", {{"name", "fraud.ro.x"}})
                .StringAt("/permission/permission"),
            "READ");
  EXPECT_EQ(admin.mw.Get("/permissions/effective", {{"name", "pricing.a"}, {"username", "dave"}})
                .StringAt("/permission/permission"),
            "READ");
  EXPECT_EQ(admin.mw.Get("/permissions/effective", {{"name", "pricing.a"}})
                .StringAt("/permission/source"),
            "admin");

  // Listing grants.
  const ApiResponse listed = admin.mw.Get("/grants/list", {{"group", "fraud-team"}});
  ASSERT_TRUE(IsOkJson(listed));
  EXPECT_EQ(listed.At("/grants")->GetArray().Size(), 2u) << listed.body;

  // Leaving the group takes the grant away at once; deleting the group too.
  ASSERT_TRUE(IsOkJson(
      admin.mw.Post("/groups/remove-member", R"({"name":"fraud-team","username":"dave"})")));
  EXPECT_TRUE(IsDenied(SetModelTag(dave, "fraud.a")));
  EXPECT_TRUE(IsMlflowError(
      admin.mw.Post("/groups/remove-member", R"({"name":"fraud-team","username":"dave"})"), 404,
      "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsOkJson(SetModelTag(erin, "fraud.a")));
  ASSERT_TRUE(IsOkJson(admin.mw.Delete("/groups/delete", R"({"name":"fraud-team"})")));
  EXPECT_TRUE(IsDenied(SetModelTag(erin, "fraud.a")));
  EXPECT_TRUE(IsMlflowError(admin.mw.Get("/groups/get", {{"name", "fraud-team"}}), 404,
                            "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_EQ(admin.mw.Get("/grants/list", {{"prefix", "fraud."}}).body, R"({"grants":[]})");
}

TEST_P(AuthApiTest, CurrentUserAndEffectivePermission) {
  CreateUser("alice");
  Caller alice = As("alice");
  const ApiResponse current = alice.mw.Get("/users/current");
  ASSERT_TRUE(IsOkJson(current)) << current.Describe();
  EXPECT_EQ(current.StringAt("/user/username"), "alice");
  EXPECT_FALSE(current.At("/user/is_admin")->GetBool());
  EXPECT_EQ(current.body, alice.mlflow.Get("/users/get", {{"username", "alice"}}).body);

  CreateModelWithVersion("e.model");
  const ApiResponse effective = alice.mw.Get("/permissions/effective", {{"name", "e.model"}});
  ASSERT_TRUE(IsOkJson(effective));
  EXPECT_THAT(KeysAt(effective, "/permission"),
              ElementsAre("username", "name", "permission", "source", "is_admin", "can_promote"));
  EXPECT_EQ(effective.StringAt("/permission/permission"), "READ");
  EXPECT_EQ(effective.StringAt("/permission/source"), "the default permission");
  EXPECT_TRUE(
      IsMlflowError(alice.mw.Get("/permissions/effective"), 400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(
      Admin().mw.Get("/permissions/effective", {{"name", "e.model"}, {"username", "ghost"}}), 404,
      "RESOURCE_DOES_NOT_EXIST"));
}

TEST_P(AuthApiTest, PrincipalIsRecorded) {
  CreateUser("alice");
  Caller alice = As("alice");
  ASSERT_TRUE(IsOkJson(alice.mlflow.Post("/registered-models/create", R"({"name":"p.model"})")));
  const ApiResponse version =
      alice.mlflow.Post("/model-versions/create", R"({"name":"p.model","source":"s3://b/1"})");
  ASSERT_TRUE(IsOkJson(version));
  EXPECT_EQ(version.StringAt("/model_version/user_id"), "alice");
  EXPECT_EQ(GetModel(alice, "p.model").StringAt("/registered_model/latest_versions/0/user_id"),
            "alice");

  // Through an API token the principal is the token's user.
  const ApiResponse token = alice.mw.Post("/tokens/create", R"({"name":"ci"})");
  ASSERT_TRUE(IsOkJson(token));
  ApiClient ci = Client("Bearer " + token.StringAt("/secret").value_or(""));
  const ApiResponse v2 =
      ci.Post("/model-versions/create", R"({"name":"p.model","source":"s3://b/2"})");
  ASSERT_TRUE(IsOkJson(v2)) << v2.Describe();
  EXPECT_EQ(v2.StringAt("/model_version/user_id"), "alice");
  ASSERT_TRUE(IsOkJson(
      Admin().mlflow.Post("/model-versions/create", R"({"name":"p.model","source":"s3://b/3"})")));

  const ApiResponse events =
      Admin().mw.Get("/audit-events/search", {{"model_name", "p.model"}, {"max_results", "100"}});
  ASSERT_TRUE(IsOkJson(events)) << events.Describe();
  std::multiset<std::string> seen;
  for (const auto& e : events.At("/audit_events")->GetArray()) {
    seen.insert(std::string(e["operation"].GetString()) + " by " + e["principal"].GetString());
  }
  EXPECT_THAT(seen,
              UnorderedElementsAre("CreateRegisteredModel by alice", "CreateModelVersion by alice",
                                   "CreateModelVersion by alice", "CreateModelVersion by admin"));
  // A reader of the model may read its audit log, filtered by principal.
  const ApiResponse by_admin =
      alice.mw.Get("/audit-events/search", {{"model_name", "p.model"}, {"principal", "admin"}});
  ASSERT_TRUE(IsOkJson(by_admin)) << by_admin.Describe();
  EXPECT_EQ(by_admin.At("/audit_events")->GetArray().Size(), 1u);
}

MODELWARDEN_INSTANTIATE_API_TESTS(AuthApiTest);

// --auth-default-permission NO_PERMISSIONS: only grants (and one's own models) give access.
class AuthDefaultNoPermissionsTest : public AuthTest {
 protected:
  std::vector<std::string> AuthArgs() const override {
    return {"--auth-default-permission", "NO_PERMISSIONS"};
  }
};

TEST_P(AuthDefaultNoPermissionsTest, OnlyGrantsGiveAccess) {
  CreateUser("alice");
  Caller alice = As("alice");
  CreateModelWithVersion("hidden.model");
  EXPECT_TRUE(IsDenied(GetModel(alice, "hidden.model")));
  EXPECT_TRUE(IsDenied(
      alice.mlflow.Get("/model-versions/get", {{"name", "hidden.model"}, {"version", "1"}})));
  EXPECT_EQ(alice.mlflow.Get("/registered-models/search").body, "{}");
  EXPECT_EQ(alice.mlflow.Get("/model-versions/search").body, "{}");
  const ApiResponse effective = alice.mw.Get("/permissions/effective", {{"name", "hidden.model"}});
  EXPECT_EQ(effective.StringAt("/permission/permission"), "NO_PERMISSIONS");
  EXPECT_EQ(effective.StringAt("/permission/source"), "the default permission");

  // Registering stays open (MLflow), and the creator may do everything with their model.
  ASSERT_TRUE(IsOkJson(alice.mlflow.Post("/registered-models/create", R"({"name":"alice.own"})")));
  EXPECT_TRUE(IsOkJson(SetModelTag(alice, "alice.own")));
  const ApiResponse search = alice.mlflow.Get("/registered-models/search");
  ASSERT_TRUE(IsOkJson(search));
  EXPECT_EQ(search.At("/registered_models")->GetArray().Size(), 1u) << search.body;
  EXPECT_EQ(search.StringAt("/registered_models/0/name"), "alice.own");

  GrantModel("alice", "hidden.model", "READ");
  EXPECT_TRUE(IsOkJson(GetModel(alice, "hidden.model")));
  EXPECT_TRUE(IsDenied(SetModelTag(alice, "hidden.model")));
  EXPECT_TRUE(
      IsOkJson(alice.mlflow.Delete("/registered-models/delete", R"({"name":"alice.own"})")));
}

// The audit log is read by model name, with READ on that name. A name is not a model: once
// alice's model has left the name (renamed or deleted), whoever registers it next must not
// read the history of the model they may not read (its tag values, descriptions, sources).
TEST_P(AuthDefaultNoPermissionsTest, ANameTakenOverOpensNoOtherModelsAuditLog) {
  CreateUser("alice");
  CreateUser("bob");
  Caller alice = As("alice");
  ASSERT_TRUE(IsOkJson(alice.mlflow.Post(
      "/registered-models/create",
      R"({"name":"secret.model","tags":[{"key":"db_dsn","value":"postgres://svc:hunter2@db"}]})")));
  ASSERT_TRUE(IsOkJson(alice.mlflow.Post(
      "/model-versions/create", R"({"name":"secret.model","source":"s3://alice-private/m"})")));
  ASSERT_TRUE(IsOkJson(alice.mlflow.Post("/registered-models/rename",
                                         R"({"name":"secret.model","new_name":"secret.v2"})")));
  Caller bob = As("bob");
  EXPECT_TRUE(IsDenied(GetModel(bob, "secret.v2")));
  ASSERT_TRUE(IsOkJson(bob.mlflow.Post("/registered-models/create", R"({"name":"secret.model"})")));
  const ApiResponse history = bob.mw.Get("/audit-events/search", {{"model_name", "secret.model"}});
  EXPECT_THAT(history.body, Not(HasSubstr("hunter2"))) << history.Describe();
  EXPECT_THAT(history.body, Not(HasSubstr("alice-private"))) << history.Describe();
}

// MLflow's UI route for a version's files needs READ on the model, like get-download-uri:
// anonymous 401, no grant 403 (recorded), READ gets as far as the storage (here s3://, which
// modelwarden does not read: 501).
TEST_P(AuthDefaultNoPermissionsTest, VersionArtifactsNeedReadOnTheModel) {
  CreateUser("alice");
  CreateUser("bob");
  CreateModelWithVersion("art.model");
  GrantModel("bob", "art.model", "READ");
  const std::string path = "/model-versions/get-artifact?name=art.model&version=1&path=MLmodel";
  ApiResponse anonymous = Client("", "").Send("GET", path, "", "");
  EXPECT_EQ(anonymous.status, 401) << anonymous.Describe();
  ApiResponse alice = As("alice").mlflow.Send("GET", path, "", "");
  EXPECT_TRUE(IsMlflowError(alice, 403, "PERMISSION_DENIED")) << alice.Describe();
  ApiResponse bob = As("bob").mlflow.Send("GET", path, "", "");
  EXPECT_TRUE(IsMlflowError(bob, 501, "NOT_IMPLEMENTED")) << bob.Describe();
  ApiResponse denials = Admin().mw.Get("/audit-events/search", {{"model_name", "art.model"}});
  EXPECT_NE(denials.body.find("\"principal\":\"alice\""), std::string::npos) << denials.body;
}

MODELWARDEN_INSTANTIATE_API_TESTS(AuthDefaultNoPermissionsTest);

// PROMOTE: moving a version into Staging/Production (or setting an alias the policy maps to
// them) needs a PROMOTE grant on top of EDIT; other moves and aliases need EDIT only.
class AuthPromoteTest : public AuthTest {
 protected:
  std::vector<std::string> AuthArgs() const override {
    const std::string policy = temp_dir() + "/policy.json";
    std::ofstream(policy)
        << R"({"lifecycle": {"alias_stages": {"champion": "Production", "challenger": "Staging"}}})";
    return {"--policy-file", policy};
  }

  ApiResponse Transition(Caller& c, const std::string& model, const std::string& stage) {
    return c.mlflow.Post("/model-versions/transition-stage",
                         "{\"name\":" + Q(model) + R"(,"version":"1","stage":)" + Q(stage) +
                             R"(,"archive_existing_versions":false})");
  }
  ApiResponse SetAlias(Caller& c, const std::string& model, const std::string& alias) {
    return c.mlflow.Post("/registered-models/alias",
                         "{\"name\":" + Q(model) + ",\"alias\":" + Q(alias) + R"(,"version":"1"})");
  }
  std::string Stage(const std::string& model) {
    return Admin()
        .mlflow.Get("/model-versions/get", {{"name", model}, {"version", "1"}})
        .StringAt("/model_version/current_stage")
        .value_or("?");
  }
};

TEST_P(AuthPromoteTest, PromotionNeedsPromoteGrant) {
  for (const char* user : {"erin", "frank", "gina"}) CreateUser(user);
  CreateModelWithVersion("p.model");
  CreateModelWithVersion("p.other");
  GrantModel("erin", "p.model", "MANAGE");
  Caller erin = As("erin");

  for (const char* stage : {"Staging", "Production", "production", "STAGING"}) {
    const ApiResponse denied = Transition(erin, "p.model", stage);
    EXPECT_TRUE(IsDenied(denied)) << stage;
    EXPECT_THAT(denied.StringAt("/message").value_or(""), HasSubstr("PROMOTE")) << stage;
  }
  EXPECT_EQ(Stage("p.model"), "None");
  EXPECT_TRUE(IsOkJson(Transition(erin, "p.model", "Archived")));
  EXPECT_TRUE(IsOkJson(Transition(erin, "p.model", "None")));
  EXPECT_TRUE(IsDenied(SetAlias(erin, "p.model", "champion")));
  EXPECT_TRUE(IsDenied(SetAlias(erin, "p.model", "challenger")));
  // (MLflow answers a missing alias with 400 INVALID_PARAMETER_VALUE.)
  EXPECT_TRUE(IsMlflowError(
      Admin().mlflow.Get("/registered-models/alias", {{"name", "p.model"}, {"alias", "champion"}}),
      400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsOkJson(SetAlias(erin, "p.model", "plain")));
  EXPECT_FALSE(erin.mw.Get("/permissions/effective", {{"name", "p.model"}})
                   .At("/permission/can_promote")
                   ->GetBool());

  // Only an admin hands out PROMOTE, even to a model the caller manages.
  EXPECT_TRUE(IsDenied(erin.mw.Post(
      "/grants/create", R"({"username":"erin","name":"p.model","permission":"PROMOTE"})")));
  CreateGrant(R"({"username":"erin","name":"p.model","permission":"PROMOTE"})");
  EXPECT_TRUE(erin.mw.Get("/permissions/effective", {{"name", "p.model"}})
                  .At("/permission/can_promote")
                  ->GetBool());
  EXPECT_TRUE(IsOkJson(Transition(erin, "p.model", "Staging")));
  EXPECT_TRUE(IsOkJson(Transition(erin, "p.model", "Production")));
  EXPECT_EQ(Stage("p.model"), "Production");
  EXPECT_TRUE(IsOkJson(SetAlias(erin, "p.model", "champion")));
  EXPECT_TRUE(IsDenied(Transition(erin, "p.other", "Staging")));  // Only on that model.
  // Deleting a mapped alias needs MANAGE only.
  EXPECT_TRUE(IsOkJson(
      erin.mlflow.Delete("/registered-models/alias", R"({"name":"p.model","alias":"champion"})")));

  // The PROMOTE grant is separate from the access grant and can be deleted on its own.
  const ApiResponse removed = Admin().mw.Delete(
      "/grants/delete", R"({"username":"erin","name":"p.model","permission":"PROMOTE"})");
  ASSERT_TRUE(IsOkJson(removed)) << removed.Describe();
  EXPECT_TRUE(IsDenied(Transition(erin, "p.model", "Staging")));
  EXPECT_TRUE(IsOkJson(SetModelTag(erin, "p.model")));  // MANAGE stayed.

  // PROMOTE without EDIT promotes nothing.
  CreateGrant(R"({"username":"frank","name":"p.model","permission":"PROMOTE"})");
  Caller frank = As("frank");
  EXPECT_TRUE(IsDenied(Transition(frank, "p.model", "Staging")));

  // PROMOTE through a group's prefix grant.
  CreateGroup("releasers", {"gina"});
  CreateGrant(R"({"group":"releasers","prefix":"p.","permission":"PROMOTE"})");
  CreateGrant(R"({"group":"releasers","prefix":"p.","permission":"EDIT"})");
  Caller gina = As("gina");
  EXPECT_TRUE(IsOkJson(Transition(gina, "p.other", "Staging")));
  EXPECT_TRUE(IsOkJson(SetAlias(gina, "p.other", "challenger")));
  EXPECT_EQ(Stage("p.other"), "Staging");
}

MODELWARDEN_INSTANTIATE_API_TESTS(AuthPromoteTest);

// --auth-registration-needs-grant: registering or renaming to a name needs EDIT on it.
class AuthRegistrationGrantTest : public AuthTest {
 protected:
  std::vector<std::string> AuthArgs() const override { return {"--auth-registration-needs-grant"}; }
};

TEST_P(AuthRegistrationGrantTest, RegisteringNeedsEditOnTheName) {
  CreateUser("gina");
  Caller gina = As("gina");
  EXPECT_TRUE(IsDenied(gina.mlflow.Post("/registered-models/create", R"({"name":"team.model"})")));
  EXPECT_TRUE(IsMlflowError(Admin().mlflow.Get("/registered-models/get", {{"name", "team.model"}}),
                            404, "RESOURCE_DOES_NOT_EXIST"));
  CreateGrant(R"({"username":"gina","prefix":"team.","permission":"EDIT"})");
  ASSERT_TRUE(IsOkJson(gina.mlflow.Post("/registered-models/create", R"({"name":"team.model"})")));
  EXPECT_EQ(gina.mw.Get("/permissions/effective", {{"name", "team.model"}})
                .StringAt("/permission/permission"),
            "MANAGE");  // The creator's grant on the model beats the prefix.
  EXPECT_TRUE(IsDenied(gina.mlflow.Post("/registered-models/create", R"({"name":"other.model"})")));
  EXPECT_TRUE(IsDenied(gina.mlflow.Post("/registered-models/rename",
                                        R"({"name":"team.model","new_name":"other.model"})")));
  EXPECT_TRUE(IsOkJson(gina.mlflow.Post("/registered-models/rename",
                                        R"({"name":"team.model","new_name":"team.renamed"})")));
  EXPECT_TRUE(
      IsOkJson(Admin().mlflow.Post("/registered-models/create", R"({"name":"other.model"})")));
}

MODELWARDEN_INSTANTIATE_API_TESTS(AuthRegistrationGrantTest);

}  // namespace
}  // namespace modelwarden::testing
