// Authentication at the HTTP boundary: every route of the three route tables refuses an
// anonymous caller on both prefixes while /health and /version stay open; every route's
// operation has the requirement MLflow's validators give it; wrong, unknown and malformed
// credentials answer 401 with MLflow's JSON and never echo the secret.

#include <gmock/gmock.h>

#include <map>
#include <set>
#include <tuple>

#include "compat/routes.h"
#include "tests/api/auth_fixture.h"

namespace modelwarden::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Every route: method, full path below a prefix, operation.
struct AnyRoute {
  HttpMethod method;
  std::string path;
  Operation operation;
  int api_version = 2;  // 3: below kApi3Prefixes.
};

// The prefixes a route is served under.
const std::string_view (&PrefixesOf(const AnyRoute& route))[2] {
  return route.api_version == 3 ? kApi3Prefixes : kApiPrefixes;
}

std::vector<AnyRoute> AllRoutes() {
  std::vector<AnyRoute> routes;
  for (const Route& r : kRoutes) routes.push_back({r.method, std::string(r.path), r.operation});
  for (const GovernanceRoute& r : kGovernanceRoutes) {
    routes.push_back({r.method, std::string(r.path), r.operation});
  }
  for (const ApprovalRoute& r : kApprovalRoutes) {
    routes.push_back({r.method, std::string(r.path), r.operation});
  }
  for (const AccessRoute& r : kAccessRoutes) {
    routes.push_back({r.method, std::string(r.path), r.operation, r.api_version});
  }
  return routes;
}

// What each route must require, written out from MLflow's validator table (research §9.4,
// §9.5) and modelwarden's additions. A route added to compat/routes.h without a line here
// fails RouteTable.EveryRouteHasItsRequirement.
const std::map<std::string, std::pair<Requirement, bool>>& ExpectedRequirements() {
  using R = Requirement;
  static const auto* expected = new std::map<std::string, std::pair<Requirement, bool>>{
      {"POST /mlflow/registered-models/create", {R::kRegisterModel, false}},
      {"GET /mlflow/registered-models/get", {R::kReadModel, false}},
      {"PATCH /mlflow/registered-models/update", {R::kUpdateModel, false}},
      {"POST /mlflow/registered-models/rename", {R::kRenameModel, false}},
      {"DELETE /mlflow/registered-models/delete", {R::kDeleteModel, false}},
      {"GET /mlflow/registered-models/search", {R::kAuthenticated, false}},
      {"POST /mlflow/registered-models/get-latest-versions", {R::kReadModel, false}},
      {"GET /mlflow/registered-models/get-latest-versions", {R::kReadModel, false}},
      {"POST /mlflow/registered-models/set-tag", {R::kUpdateModel, false}},
      {"DELETE /mlflow/registered-models/delete-tag", {R::kUpdateModel, false}},
      {"POST /mlflow/registered-models/alias", {R::kUpdateModel, true}},
      {"DELETE /mlflow/registered-models/alias", {R::kDeleteModel, false}},
      {"GET /mlflow/registered-models/alias", {R::kReadModel, false}},
      {"POST /mlflow/model-versions/create", {R::kUpdateModel, false}},
      {"GET /mlflow/model-versions/get", {R::kReadModel, false}},
      {"PATCH /mlflow/model-versions/update", {R::kUpdateModel, false}},
      {"POST /mlflow/model-versions/transition-stage", {R::kUpdateModel, true}},
      {"DELETE /mlflow/model-versions/delete", {R::kDeleteModel, false}},
      {"GET /mlflow/model-versions/search", {R::kAuthenticated, false}},
      {"GET /mlflow/model-versions/get-download-uri", {R::kReadModel, false}},
      {"POST /mlflow/model-versions/set-tag", {R::kUpdateModel, false}},
      {"DELETE /mlflow/model-versions/delete-tag", {R::kDeleteModel, false}},
      {"GET /modelwarden/model-versions/check", {R::kReadModel, false}},
      {"GET /modelwarden/model-versions/card", {R::kReadModel, false}},
      {"POST /modelwarden/model-versions/card", {R::kUpdateModel, false}},
      {"GET /modelwarden/audit-events/search", {R::kAuditLog, false}},
      {"POST /modelwarden/approvals/create", {R::kUpdateModel, false}},
      {"GET /modelwarden/approvals/get", {R::kReadModel, false}},
      {"GET /modelwarden/approvals/list", {R::kAuditLog, false}},
      {"POST /modelwarden/approvals/approve", {R::kPromoteModel, false}},
      {"POST /modelwarden/approvals/reject", {R::kPromoteModel, false}},
      {"POST /modelwarden/approvals/cancel", {R::kReadModel, false}},
      {"POST /mlflow/users/create", {R::kAdmin, false}},
      {"GET /mlflow/users/get", {R::kSelf, false}},
      {"PATCH /mlflow/users/update-password", {R::kSelf, false}},
      {"PATCH /mlflow/users/update-admin", {R::kAdmin, false}},
      {"DELETE /mlflow/users/delete", {R::kAdmin, false}},
      {"POST /mlflow/registered-models/permissions/create", {R::kManageModel, false}},
      {"GET /mlflow/registered-models/permissions/get", {R::kManageModel, false}},
      {"PATCH /mlflow/registered-models/permissions/update", {R::kManageModel, false}},
      {"DELETE /mlflow/registered-models/permissions/delete", {R::kManageModel, false}},
      {"POST /mlflow/experiments/permissions/create", {R::kManageExperiment, false}},
      {"GET /mlflow/experiments/permissions/get", {R::kManageExperiment, false}},
      {"PATCH /mlflow/experiments/permissions/update", {R::kManageExperiment, false}},
      {"DELETE /mlflow/experiments/permissions/delete", {R::kManageExperiment, false}},
      {"POST 3.0/mlflow/scorers/permissions/create", {R::kManageExperiment, false}},
      {"GET 3.0/mlflow/scorers/permissions/get", {R::kManageExperiment, false}},
      {"PATCH 3.0/mlflow/scorers/permissions/update", {R::kManageExperiment, false}},
      {"DELETE 3.0/mlflow/scorers/permissions/delete", {R::kManageExperiment, false}},
      {"GET /modelwarden/users/current", {R::kAuthenticated, false}},
      {"GET /modelwarden/users/list", {R::kAdmin, false}},
      {"POST /modelwarden/groups/create", {R::kAdmin, false}},
      {"GET /modelwarden/groups/get", {R::kAdmin, false}},
      {"GET /modelwarden/groups/list", {R::kAdmin, false}},
      {"DELETE /modelwarden/groups/delete", {R::kAdmin, false}},
      {"POST /modelwarden/groups/add-member", {R::kAdmin, false}},
      {"POST /modelwarden/groups/remove-member", {R::kAdmin, false}},
      {"POST /modelwarden/grants/create", {R::kManageGrant, false}},
      {"PATCH /modelwarden/grants/update", {R::kManageGrant, false}},
      {"DELETE /modelwarden/grants/delete", {R::kManageGrant, false}},
      {"GET /modelwarden/grants/list", {R::kManageGrant, false}},
      {"GET /modelwarden/permissions/effective", {R::kSelf, false}},
      {"POST /modelwarden/tokens/create", {R::kSelf, false}},
      {"GET /modelwarden/tokens/list", {R::kSelf, false}},
      {"POST /modelwarden/tokens/revoke", {R::kSelf, false}},
  };
  return *expected;
}

std::string RouteKey(const AnyRoute& route) {
  return std::string(HttpMethodName(route.method)) + " " + (route.api_version == 3 ? "3.0" : "") +
         route.path;
}

TEST(RouteTable, EveryRouteHasItsRequirement) {
  std::set<std::string> seen;
  for (const AnyRoute& route : AllRoutes()) {
    const std::string key = RouteKey(route);
    EXPECT_TRUE(seen.insert(key).second) << "route listed twice: " << key;
    auto it = ExpectedRequirements().find(key);
    if (it == ExpectedRequirements().end()) {
      ADD_FAILURE() << "route " << key << " (" << OperationName(route.operation)
                    << ") has no expected requirement in this test: add it after checking "
                       "RequiredAccess in enforcement/operation.cc";
      continue;
    }
    const AccessRule rule = RequiredAccess(route.operation);
    EXPECT_EQ(rule.requirement, it->second.first) << key;
    EXPECT_EQ(rule.promotes, it->second.second) << key;
  }
  EXPECT_EQ(seen.size(), ExpectedRequirements().size()) << "a route of this test was removed";
}

TEST(RouteTable, EveryOperationBelongsToARoute) {
  // Operation is a dense enum from kCreateRegisteredModel to kRevokeToken, the operations of
  // routes; after them come modelwarden's own jobs (kImportRegisteredModel), which no route
  // serves.
  constexpr int kOperations = static_cast<int>(Operation::kRevokeToken) + 1;
  std::set<int> covered;
  for (const AnyRoute& route : AllRoutes()) {
    const int value = static_cast<int>(route.operation);
    EXPECT_GE(value, 0);
    EXPECT_LT(value, kOperations) << RouteKey(route);
    EXPECT_NE(OperationName(route.operation), "Unknown") << RouteKey(route);
    covered.insert(value);
  }
  EXPECT_EQ(covered.size(), static_cast<size_t>(kOperations))
      << "an Operation is served by no route";
  // The routes with one operation each, plus the second get-latest-versions method.
  EXPECT_EQ(AllRoutes().size(), static_cast<size_t>(kOperations) + 1);
}

class AuthRoutesTest : public AuthTest {};

TEST_P(AuthRoutesTest, AnonymousRequestToEveryRouteIsRefused) {
  int checked = 0;
  for (int prefix = 0; prefix < 2; ++prefix) {
    for (const AnyRoute& route : AllRoutes()) {
      ApiClient anonymous = Client("", "");
      const std::string method(HttpMethodName(route.method));
      const std::string path = std::string(PrefixesOf(route)[prefix]) + route.path;
      // A complete request, so nothing but the missing credentials can refuse it.
      const ApiResponse response =
          method == "GET" ? anonymous.Send("GET", path + "?name=m&username=admin", "", "")
                          : anonymous.Send(method, path, R"({"name":"m","username":"admin"})",
                                           "application/json");
      EXPECT_TRUE(IsUnauthenticated(response)) << method << " " << path;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2 * static_cast<int>(AllRoutes().size()));
  // Nothing was created by the anonymous POSTs.
  EXPECT_TRUE(IsMlflowError(Admin().mlflow.Get("/registered-models/get", {{"name", "m"}}), 404,
                            "RESOURCE_DOES_NOT_EXIST"));

  ApiClient anonymous = Client("", "");
  for (const char* open : {"/health", "/version"}) {
    const ApiResponse response = anonymous.Send("GET", open, "", "");
    EXPECT_EQ(response.status, 200) << open << ": " << response.Describe();
    EXPECT_FALSE(response.body.empty()) << open;
  }
}

TEST_P(AuthRoutesTest, AuthenticatedUserReachesTheRoutes) {
  // The same requests as admin are not refused for want of credentials (the refusal above is
  // authentication, not a broken route).
  for (const std::string_view prefix : kApiPrefixes) {
    ApiClient admin = Client(BasicAuth(kAdminUser, kAdminPassword), "");
    const ApiResponse current =
        admin.Send("GET", std::string(prefix) + "/modelwarden/users/current", "", "");
    ASSERT_TRUE(IsOkJson(current)) << prefix << ": " << current.Describe();
    EXPECT_EQ(current.StringAt("/user/username"), kAdminUser);
    EXPECT_EQ(current.At("/user/is_admin")->GetBool(), true);
  }
}

TEST_P(AuthRoutesTest, BadCredentialsAreRefusedWithoutEchoingThem) {
  CreateUser("alice");
  const std::string secret = "Zq9-very-secret-guess";
  const std::string huge(6000, 'x');
  const std::vector<std::string> headers = {
      BasicAuth("alice", secret),                                // wrong password
      BasicAuth("alice", ""),                                    // empty password
      BasicAuth("mallory", secret),                              // unknown user
      BasicAuth("", secret),                                     // empty user
      "Basic " + secret + "%%%",                                 // not base64
      "Basic " + Base64("alice" + secret),                       // no colon
      "Basic",                                                   // no credentials
      "Basic ",                                                  // blank credentials
      "Digest username=\"alice\", response=\"" + secret + "\"",  // unknown scheme
      secret,                                                    // no scheme
      "Bearer",                                                  // empty Bearer
      "Bearer ",                                                 // blank Bearer
      "Bearer " + secret,                                        // unknown token
      "Bearer mwt_" + secret,                                    // unknown token of the right shape
      "Basic " + Base64("alice:" + huge + secret),  // huge, still under the header limit
      "Bearer " + huge + secret,
  };
  for (const std::string& header : headers) {
    ApiClient client = Client(header);
    const ApiResponse response = client.Get("/registered-models/search");
    EXPECT_TRUE(IsUnauthenticated(response)) << header.substr(0, 80);
    EXPECT_THAT(response.body, Not(HasSubstr(secret))) << header.substr(0, 80);
    for (const auto& [name, value] : response.headers) {
      EXPECT_THAT(value, Not(HasSubstr(secret))) << name;
    }
  }
  // Larger than cpp-httplib reads: refused before any handler, still JSON, never a 200.
  ApiClient client = Client("Bearer " + std::string(20000, 'y') + secret);
  const ApiResponse oversized = client.Get("/registered-models/search");
  EXPECT_GE(oversized.status, 400) << oversized.Describe();
  EXPECT_LT(oversized.status, 500) << oversized.Describe();
  EXPECT_THAT(oversized.body, Not(HasSubstr(secret)));
  // The log never holds a secret either.
  EXPECT_THAT(server().ReadLog(1 << 20), Not(HasSubstr(secret)));
  // And the right password works.
  EXPECT_TRUE(IsOkJson(As("alice").mlflow.Get("/registered-models/search")));
}

TEST_P(AuthRoutesTest, SchemeIsCaseInsensitiveAndPasswordMayHoldColons) {
  const ApiResponse created = Admin().mlflow.Post(
      "/users/create", R"({"username":"bob","password":"pass:word:with:colons"})");
  ASSERT_TRUE(IsOkJson(created)) << created.Describe();
  EXPECT_TRUE(IsOkJson(
      Client("basic " + Base64("bob:pass:word:with:colons")).Get("/registered-models/search")));
  EXPECT_TRUE(IsOkJson(
      Client("BASIC " + Base64("bob:pass:word:with:colons")).Get("/registered-models/search")));
  EXPECT_TRUE(IsUnauthenticated(
      Client("Basic " + Base64("bob:pass:word")).Get("/registered-models/search")));
}

TEST_P(AuthRoutesTest, PasswordChangeInvalidatesTheOldPasswordAtOnce) {
  CreateUser("carol");
  Caller carol = As("carol");
  ASSERT_TRUE(IsOkJson(carol.mlflow.Get("/registered-models/search")));  // Now cached.
  const ApiResponse changed = carol.mlflow.Patch(
      "/users/update-password", R"({"username":"carol","password":"a-brand-new-password"})");
  ASSERT_TRUE(IsOkJson(changed)) << changed.Describe();
  EXPECT_EQ(changed.body, "{}");
  EXPECT_TRUE(IsUnauthenticated(carol.mlflow.Get("/registered-models/search")));
  EXPECT_TRUE(
      IsOkJson(As("carol", "a-brand-new-password").mlflow.Get("/registered-models/search")));

  // The admin resets it; the second password stops working at once too.
  ASSERT_TRUE(IsOkJson(Admin().mlflow.Patch(
      "/users/update-password", R"({"username":"carol","password":"reset-by-the-admin"})")));
  EXPECT_TRUE(IsUnauthenticated(
      As("carol", "a-brand-new-password").mlflow.Get("/registered-models/search")));
  EXPECT_TRUE(IsOkJson(As("carol", "reset-by-the-admin").mlflow.Get("/registered-models/search")));

  // A deleted user is refused at once, though their credentials were just verified.
  ASSERT_TRUE(IsOkJson(Admin().mlflow.Delete("/users/delete", R"({"username":"carol"})")));
  EXPECT_TRUE(
      IsUnauthenticated(As("carol", "reset-by-the-admin").mlflow.Get("/registered-models/search")));
}

MODELWARDEN_INSTANTIATE_API_TESTS(AuthRoutesTest);

// With authentication off, the auth API is not served (as MLflow without basic-auth) and no
// route asks for credentials.
class AuthOffTest : public ApiTest {};

TEST_P(AuthOffTest, AuthApiIsAbsentAndRoutesAreOpen) {
  EXPECT_TRUE(
      IsMlflowError(api().Get("/users/get", {{"username", "admin"}}), 404, "ENDPOINT_NOT_FOUND"));
  ApiClient mw(server().port(), kModelwardenPrefix, /*keep_alive=*/false);
  EXPECT_TRUE(IsMlflowError(mw.Get("/users/current"), 404, "ENDPOINT_NOT_FOUND"));
  CreateModel("open.model");
  const std::string version = CreateVersion("open.model", "s3://b/1");
  const ApiResponse got =
      api().Get("/model-versions/get", {{"name", "open.model"}, {"version", version}});
  ASSERT_TRUE(IsOkJson(got));
  EXPECT_EQ(got.At("/model_version/user_id"), nullptr) << got.body;  // Anonymous.
  // Credentials are ignored, not checked.
  ApiClient with_bad_credentials(server().port(), kApiPrefix, /*keep_alive=*/false);
  with_bad_credentials.SetHeader("Authorization", BasicAuth("nobody", "wrong"));
  EXPECT_TRUE(
      IsOkJson(with_bad_credentials.Get("/registered-models/get", {{"name", "open.model"}})));
}

MODELWARDEN_INSTANTIATE_API_TESTS(AuthOffTest);

}  // namespace
}  // namespace modelwarden::testing
