// MLflow's experiment permission API (/api/2.0/mlflow/experiments/permissions/...) and MLflow
// 3.6's scorer permission API (/api/3.0/mlflow/scorers/permissions/...) over HTTP, with
// MLflow's JSON and errors under both prefixes; who may call them (admin, MANAGE through a
// user's, a group's or a name-prefix grant is not enough without the tracker's names); the
// user's experiment and scorer permissions in users/get; modelwarden's grant endpoints taking
// experiment grants; the audit entries; a new grant applying at once.

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "tests/api/auth_fixture.h"

namespace modelwarden::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

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

std::string Body(const std::string& experiment_id, const std::string& username,
                 const std::string& permission = "") {
  std::string body =
      "{\"experiment_id\":" + JsonString(experiment_id) + ",\"username\":" + JsonString(username);
  if (!permission.empty()) body += ",\"permission\":" + JsonString(permission);
  return body + "}";
}

std::string ScorerBody(const std::string& experiment_id, const std::string& scorer,
                       const std::string& username, const std::string& permission = "") {
  std::string body = "{\"experiment_id\":" + JsonString(experiment_id) +
                     ",\"scorer_name\":" + JsonString(scorer) +
                     ",\"username\":" + JsonString(username);
  if (!permission.empty()) body += ",\"permission\":" + JsonString(permission);
  return body + "}";
}

class AuthExperimentsTest : public AuthTest {
 protected:
  // `username`'s client below /api/3.0/mlflow (or another prefix).
  ApiClient V3(const std::string& username, const std::string& prefix = "/api/3.0/mlflow") {
    const std::string password = username == kAdminUser ? kAdminPassword : PasswordOf(username);
    return Client(BasicAuth(username, password), prefix);
  }
  ApiResponse GetPermission(Caller& c, const std::string& experiment_id,
                            const std::string& username) {
    return c.mlflow.Get("/experiments/permissions/get",
                        {{"experiment_id", experiment_id}, {"username", username}});
  }
};

TEST_P(AuthExperimentsTest, ExperimentPermissionsAnswerAsMlflow) {
  CreateUser("alice");
  CreateUser("bob");
  Caller& admin = Admin();

  const ApiResponse created =
      admin.mlflow.Post("/experiments/permissions/create", Body("17", "alice", "READ"));
  ASSERT_TRUE(IsOkJson(created)) << created.Describe();
  EXPECT_THAT(KeysAt(created, ""), ElementsAre("experiment_permission"));
  EXPECT_THAT(KeysAt(created, "/experiment_permission"),
              ElementsAre("experiment_id", "user_id", "permission"));
  EXPECT_EQ(created.StringAt("/experiment_permission/experiment_id"), "17");
  EXPECT_EQ(created.StringAt("/experiment_permission/permission"), "READ");
  EXPECT_EQ(IntAt(created, "/experiment_permission/user_id"),
            IntAt(admin.mlflow.Get("/users/get", {{"username", "alice"}}), "/user/id"));

  // Errors: a duplicate, an unknown user, a bad permission, a missing field.
  const ApiResponse duplicate =
      admin.mlflow.Post("/experiments/permissions/create", Body("17", "alice", "EDIT"));
  EXPECT_TRUE(IsMlflowError(duplicate, 400, "RESOURCE_ALREADY_EXISTS"));
  EXPECT_THAT(duplicate.body,
              HasSubstr("Experiment permission (experiment_id=17, username=alice) already exists"));
  EXPECT_TRUE(IsMlflowError(
      admin.mlflow.Post("/experiments/permissions/create", Body("17", "ghost", "READ")), 404,
      "RESOURCE_DOES_NOT_EXIST"));
  for (const char* bad : {"WRITE", "read", "PROMOTE", ""}) {
    const ApiResponse invalid =
        admin.mlflow.Post("/experiments/permissions/create", Body("18", "alice", bad));
    EXPECT_TRUE(IsMlflowError(invalid, 400, "INVALID_PARAMETER_VALUE")) << bad;
  }
  EXPECT_THAT(
      admin.mlflow.Post("/experiments/permissions/create", Body("18", "alice", "WRITE")).body,
      HasSubstr("Invalid permission 'WRITE'. Valid permissions are: ('READ', 'EDIT', "
                "'MANAGE', 'NO_PERMISSIONS')"));
  EXPECT_TRUE(IsMlflowError(admin.mlflow.Post("/experiments/permissions/create",
                                              R"({"username":"alice","permission":"READ"})"),
                            400, "INVALID_PARAMETER_VALUE"));

  // get / update / delete, and their errors.
  const ApiResponse got = GetPermission(admin, "17", "alice");
  ASSERT_TRUE(IsOkJson(got)) << got.Describe();
  EXPECT_EQ(got.body, created.body);
  const ApiResponse updated =
      admin.mlflow.Patch("/experiments/permissions/update", Body("17", "alice", "MANAGE"));
  ASSERT_TRUE(IsOkJson(updated)) << updated.Describe();
  EXPECT_EQ(updated.body, "{}");
  EXPECT_EQ(GetPermission(admin, "17", "alice").StringAt("/experiment_permission/permission"),
            "MANAGE");
  EXPECT_TRUE(IsMlflowError(
      admin.mlflow.Patch("/experiments/permissions/update", Body("17", "bob", "READ")), 404,
      "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsMlflowError(
      admin.mlflow.Patch("/experiments/permissions/update", Body("17", "alice", "SUPERUSER")), 400,
      "INVALID_PARAMETER_VALUE"));
  const ApiResponse removed =
      admin.mlflow.Delete("/experiments/permissions/delete", Body("17", "alice"));
  ASSERT_TRUE(IsOkJson(removed)) << removed.Describe();
  EXPECT_EQ(removed.body, "{}");
  const ApiResponse gone = GetPermission(admin, "17", "alice");
  EXPECT_TRUE(IsMlflowError(gone, 404, "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_THAT(
      gone.body,
      HasSubstr("Experiment permission with experiment_id=17 and username=alice not found"));
  EXPECT_TRUE(
      IsMlflowError(admin.mlflow.Delete("/experiments/permissions/delete", Body("17", "alice")),
                    404, "RESOURCE_DOES_NOT_EXIST"));

  // The web UI's prefix answers the same.
  ApiClient ajax = Client(BasicAuth(kAdminUser, kAdminPassword), "/ajax-api/2.0/mlflow");
  ASSERT_TRUE(IsOkJson(ajax.Post("/experiments/permissions/create", Body("19", "bob", "EDIT"))));
  EXPECT_EQ(ajax.Get("/experiments/permissions/get", {{"experiment_id", "19"}, {"username", "bob"}})
                .StringAt("/experiment_permission/permission"),
            "EDIT");

  // users/get lists them as MLflow's User.to_json does.
  const ApiResponse user = admin.mlflow.Get("/users/get", {{"username", "bob"}});
  ASSERT_TRUE(IsOkJson(user));
  EXPECT_EQ(user.StringAt("/user/experiment_permissions/0/experiment_id"), "19");
  EXPECT_EQ(user.StringAt("/user/experiment_permissions/0/permission"), "EDIT");
  EXPECT_EQ(IntAt(user, "/user/experiment_permissions/0/user_id"), IntAt(user, "/user/id"));
  EXPECT_THAT(KeysAt(user, "/user/experiment_permissions/0"),
              ElementsAre("experiment_id", "user_id", "permission"));
}

// validate_can_manage_experiment: MANAGE on the experiment, or admin. Refusals are 403, leave
// nothing changed and are audited.
TEST_P(AuthExperimentsTest, OnlyManagersOfTheExperimentManageItsPermissions) {
  CreateUser("alice");
  CreateUser("bob");
  CreateUser("carol");
  CreateGroup("team", {"carol"});
  Caller& admin = Admin();
  Caller alice = As("alice");
  Caller bob = As("bob");
  Caller carol = As("carol");
  ASSERT_TRUE(
      IsOkJson(admin.mlflow.Post("/experiments/permissions/create", Body("5", "alice", "MANAGE"))));
  ASSERT_TRUE(
      IsOkJson(admin.mlflow.Post("/experiments/permissions/create", Body("5", "bob", "EDIT"))));

  // bob (EDIT) and carol (the default READ) may not; each refusal changes nothing.
  for (Caller* c : {&bob, &carol}) {
    SCOPED_TRACE(c->username);
    EXPECT_TRUE(
        IsDenied(c->mlflow.Post("/experiments/permissions/create", Body("5", "carol", "MANAGE"))));
    EXPECT_TRUE(IsDenied(GetPermission(*c, "5", "bob")));
    EXPECT_TRUE(
        IsDenied(c->mlflow.Patch("/experiments/permissions/update", Body("5", "bob", "MANAGE"))));
    EXPECT_TRUE(IsDenied(c->mlflow.Delete("/experiments/permissions/delete", Body("5", "alice"))));
  }
  EXPECT_EQ(GetPermission(admin, "5", "bob").StringAt("/experiment_permission/permission"), "EDIT");
  EXPECT_TRUE(IsMlflowError(GetPermission(admin, "5", "carol"), 404, "RESOURCE_DOES_NOT_EXIST"));
  // An unauthorized caller learns nothing about users either: 403 before 404.
  EXPECT_TRUE(
      IsDenied(bob.mlflow.Post("/experiments/permissions/create", Body("5", "ghost", "READ"))));

  // alice (MANAGE) may, and a cached access sees her change at once.
  ASSERT_TRUE(
      IsOkJson(alice.mlflow.Patch("/experiments/permissions/update", Body("5", "bob", "MANAGE"))));
  EXPECT_TRUE(
      IsOkJson(bob.mlflow.Post("/experiments/permissions/create", Body("5", "carol", "READ"))));
  EXPECT_TRUE(IsOkJson(GetPermission(bob, "5", "carol")));
  ASSERT_TRUE(
      IsOkJson(alice.mlflow.Patch("/experiments/permissions/update", Body("5", "bob", "READ"))));
  EXPECT_TRUE(IsDenied(GetPermission(bob, "5", "carol")));

  // A group's MANAGE counts; a grant on a model of the same name does not.
  CreateGrant(R"({"group":"team","experiment_id":"6","permission":"MANAGE"})");
  CreateGrant(R"({"username":"bob","name":"6","permission":"MANAGE"})");
  EXPECT_TRUE(
      IsOkJson(carol.mlflow.Post("/experiments/permissions/create", Body("6", "alice", "READ"))));
  EXPECT_TRUE(IsDenied(GetPermission(bob, "6", "alice")));
  // Without the tracker's names (no --tracking-upstream here) a prefix grant never counts.
  CreateGrant(R"({"username":"bob","experiment_prefix":"Default","permission":"MANAGE"})");
  EXPECT_TRUE(IsDenied(GetPermission(bob, "0", "alice")));

  // The refusals are in the audit log, under the caller.
  const ApiResponse events =
      admin.mw.Get("/audit-events/search",
                   {{"operation", "CreateExperimentPermission"}, {"max_results", "100"}});
  ASSERT_TRUE(IsOkJson(events)) << events.Describe();
  int denied = 0;
  int allowed = 0;
  for (const auto& e : events.At("/audit_events")->GetArray()) {
    const std::string outcome = e["outcome"].GetString();
    (outcome == "denied" ? denied : allowed) += 1;
    if (outcome == "denied") {
      EXPECT_THAT(std::string(e["principal"].GetString()), ::testing::AnyOf("bob", "carol"));
    }
  }
  EXPECT_EQ(denied, 3);   // bob, carol, bob (ghost).
  EXPECT_EQ(allowed, 4);  // admin twice, bob, carol.

  // Anonymous callers are refused before anything.
  ApiClient anonymous = Client("");
  EXPECT_TRUE(IsUnauthenticated(
      anonymous.Post("/experiments/permissions/create", Body("5", "carol", "MANAGE"))));
}

TEST_P(AuthExperimentsTest, ScorerPermissionsAnswerAsMlflowUnderApi3) {
  CreateUser("alice");
  CreateUser("bob");
  ApiClient admin = V3(kAdminUser);
  const ApiResponse created =
      admin.Post("/scorers/permissions/create", ScorerBody("7", "relevance", "alice", "READ"));
  ASSERT_TRUE(IsOkJson(created)) << created.Describe();
  EXPECT_THAT(KeysAt(created, ""), ElementsAre("scorer_permission"));
  EXPECT_THAT(KeysAt(created, "/scorer_permission"),
              ElementsAre("experiment_id", "scorer_name", "user_id", "permission"));
  EXPECT_EQ(created.StringAt("/scorer_permission/experiment_id"), "7");
  EXPECT_EQ(created.StringAt("/scorer_permission/scorer_name"), "relevance");
  EXPECT_EQ(created.StringAt("/scorer_permission/permission"), "READ");

  const ApiResponse duplicate =
      admin.Post("/scorers/permissions/create", ScorerBody("7", "relevance", "alice", "EDIT"));
  EXPECT_TRUE(IsMlflowError(duplicate, 400, "RESOURCE_ALREADY_EXISTS"));
  EXPECT_THAT(duplicate.body, HasSubstr("Scorer permission (experiment_id=7, "
                                        "scorer_name=relevance, username=alice) already exists"));
  EXPECT_TRUE(IsMlflowError(
      admin.Post("/scorers/permissions/create", ScorerBody("7", "relevance", "ghost", "READ")), 404,
      "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsMlflowError(
      admin.Post("/scorers/permissions/create", ScorerBody("7", "relevance", "bob", "ALL")), 400,
      "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(
      admin.Post("/scorers/permissions/create", Body("7", "bob", "READ")),  // No scorer_name.
      400, "INVALID_PARAMETER_VALUE"));

  ASSERT_TRUE(IsOkJson(
      admin.Patch("/scorers/permissions/update", ScorerBody("7", "relevance", "alice", "MANAGE"))));
  const ApiResponse got =
      admin.Get("/scorers/permissions/get",
                {{"experiment_id", "7"}, {"scorer_name", "relevance"}, {"username", "alice"}});
  ASSERT_TRUE(IsOkJson(got)) << got.Describe();
  EXPECT_EQ(got.StringAt("/scorer_permission/permission"), "MANAGE");

  // alice (MANAGE on the scorer) may manage its permissions, not another scorer's; bob may not.
  ApiClient alice = V3("alice");
  ApiClient bob = V3("bob");
  EXPECT_TRUE(IsOkJson(
      alice.Post("/scorers/permissions/create", ScorerBody("7", "relevance", "bob", "READ"))));
  EXPECT_TRUE(
      IsDenied(alice.Post("/scorers/permissions/create", ScorerBody("7", "other", "bob", "READ"))));
  EXPECT_TRUE(IsDenied(
      bob.Patch("/scorers/permissions/update", ScorerBody("7", "relevance", "bob", "MANAGE"))));
  // MANAGE on the experiment is MANAGE on its scorers without grants of their own.
  ASSERT_TRUE(
      IsOkJson(Admin().mlflow.Post("/experiments/permissions/create", Body("7", "bob", "MANAGE"))));
  EXPECT_TRUE(
      IsOkJson(bob.Post("/scorers/permissions/create", ScorerBody("7", "other", "alice", "EDIT"))));
  EXPECT_TRUE(IsDenied(
      bob.Patch("/scorers/permissions/update", ScorerBody("7", "relevance", "bob", "MANAGE"))))
      << "bob's own READ on this scorer decides";

  // users/get lists scorer permissions too.
  const ApiResponse user = Admin().mlflow.Get("/users/get", {{"username", "alice"}});
  ASSERT_TRUE(IsOkJson(user));
  EXPECT_THAT(KeysAt(user, "/user"),
              ElementsAre("id", "username", "is_admin", "experiment_permissions",
                          "registered_model_permissions", "scorer_permissions"));
  const rapidjson::Value* scorers = user.At("/user/scorer_permissions");
  ASSERT_NE(scorers, nullptr);
  ASSERT_EQ(scorers->GetArray().Size(), 2u);

  // delete, under the web UI's prefix too; the 2.0 path is not MLflow's.
  ApiClient ajax = V3(kAdminUser, "/ajax-api/3.0/mlflow");
  const ApiResponse removed =
      ajax.Delete("/scorers/permissions/delete", ScorerBody("7", "relevance", "alice"));
  ASSERT_TRUE(IsOkJson(removed)) << removed.Describe();
  EXPECT_EQ(removed.body, "{}");
  const ApiResponse gone =
      admin.Get("/scorers/permissions/get",
                {{"experiment_id", "7"}, {"scorer_name", "relevance"}, {"username", "alice"}});
  EXPECT_TRUE(IsMlflowError(gone, 404, "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsMlflowError(
      admin.Patch("/scorers/permissions/update", ScorerBody("7", "relevance", "alice", "READ")),
      404, "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsMlflowError(
      admin.Delete("/scorers/permissions/delete", ScorerBody("7", "relevance", "alice")), 404,
      "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_THAT(gone.body, HasSubstr("Scorer permission with experiment_id=7, "
                                   "scorer_name=relevance, and username=alice not found"));
  EXPECT_EQ(
      Admin()
          .mlflow.Post("/scorers/permissions/create", ScorerBody("7", "relevance", "alice", "READ"))
          .status,
      404);
}

// modelwarden's grant endpoints take experiment grants next to model grants, whose JSON stays.
TEST_P(AuthExperimentsTest, ModelwardenGrantEndpointsTakeExperimentGrants) {
  CreateUser("alice");
  CreateUser("bob");
  Caller& admin = Admin();
  Caller alice = As("alice");
  const ApiResponse exp = admin.mw.Post(
      "/grants/create", R"({"username":"alice","experiment_id":"3","permission":"MANAGE"})");
  ASSERT_TRUE(IsOkJson(exp)) << exp.Describe();
  EXPECT_EQ(exp.body,
            R"({"grant":{"username":"alice","experiment_id":"3","permission":"MANAGE"}})");
  const ApiResponse scorer = admin.mw.Post(
      "/grants/create",
      R"({"username":"bob","experiment_id":"3","scorer_name":"s","permission":"READ"})");
  ASSERT_TRUE(IsOkJson(scorer)) << scorer.Describe();
  EXPECT_EQ(
      scorer.body,
      R"({"grant":{"username":"bob","experiment_id":"3","scorer_name":"s","permission":"READ"}})");
  const ApiResponse prefix = admin.mw.Post(
      "/grants/create", R"({"group":"nobody","experiment_prefix":"x","permission":"READ"})");
  EXPECT_TRUE(IsMlflowError(prefix, 404, "RESOURCE_DOES_NOT_EXIST"));
  CreateGroup("team", {"bob"});
  ASSERT_TRUE(IsOkJson(admin.mw.Post(
      "/grants/create", R"({"group":"team","experiment_prefix":"team-","permission":"EDIT"})")));
  const ApiResponse model =
      admin.mw.Post("/grants/create", R"({"username":"bob","name":"m","permission":"READ"})");
  EXPECT_EQ(model.body, R"({"grant":{"username":"bob","name":"m","permission":"READ"}})");

  // MANAGE on experiment 3 lets alice grant on it and list its grants; prefixes stay an
  // admin's; PROMOTE is not a grant on experiments.
  EXPECT_TRUE(IsOkJson(alice.mw.Post(
      "/grants/create", R"({"group":"team","experiment_id":"3","permission":"READ"})")));
  EXPECT_TRUE(IsDenied(alice.mw.Post(
      "/grants/create", R"({"username":"bob","experiment_id":"4","permission":"READ"})")));
  EXPECT_TRUE(IsDenied(alice.mw.Post(
      "/grants/create", R"({"username":"bob","experiment_prefix":"a","permission":"READ"})")));
  EXPECT_TRUE(IsMlflowError(
      admin.mw.Post("/grants/create",
                    R"({"username":"bob","experiment_id":"3","permission":"PROMOTE"})"),
      400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(
      admin.mw.Post("/grants/create",
                    R"({"username":"bob","name":"m","experiment_id":"3","permission":"READ"})"),
      400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(
      admin.mw.Post("/grants/create",
                    R"({"username":"bob","prefix":"m","scorer_name":"s","permission":"READ"})"),
      400, "INVALID_PARAMETER_VALUE"));
  const ApiResponse listed = alice.mw.Get("/grants/list", {{"experiment_id", "3"}});
  ASSERT_TRUE(IsOkJson(listed)) << listed.Describe();
  EXPECT_EQ(listed.At("/grants")->GetArray().Size(), 2u);
  EXPECT_TRUE(IsDenied(alice.mw.Get("/grants/list", {{"experiment_prefix", "team-"}})));
  ASSERT_TRUE(IsOkJson(alice.mw.Patch(
      "/grants/update", R"({"group":"team","experiment_id":"3","permission":"EDIT"})")));
  ASSERT_TRUE(
      IsOkJson(alice.mw.Delete("/grants/delete", R"({"group":"team","experiment_id":"3"})")));
  ASSERT_TRUE(IsOkJson(admin.mw.Delete(
      "/grants/delete", R"({"username":"bob","experiment_id":"3","scorer_name":"s"})")));
  const ApiResponse all = admin.mw.Get("/grants/list");
  ASSERT_TRUE(IsOkJson(all));
  EXPECT_EQ(all.body,
            R"({"grants":[{"username":"alice","experiment_id":"3","permission":"MANAGE"},)"
            R"({"username":"bob","name":"m","permission":"READ"},)"
            R"({"group":"team","experiment_prefix":"team-","permission":"EDIT"}]})");
  // The experiment grant changes nothing about models: bob's model grant is his, alice has the
  // default READ on a model named "3".
  EXPECT_EQ(alice.mw.Get("/permissions/effective", {{"name", "3"}}).StringAt("/permission/source"),
            "the default permission");
}

MODELWARDEN_INSTANTIATE_API_TESTS(AuthExperimentsTest);

}  // namespace
}  // namespace modelwarden::testing
