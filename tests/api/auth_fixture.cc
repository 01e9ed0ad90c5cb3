#include "tests/api/auth_fixture.h"

#include <fstream>

namespace modelwarden::testing {

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string BasicAuth(const std::string& username, const std::string& password) {
  return "Basic " + Base64(username + ":" + password);
}

std::string PasswordOf(const std::string& username) { return username + "-password-1"; }

std::vector<std::string> AuthTest::ExtraServerArgs() const {
  const std::string file = temp_dir() + "/admin-password";
  std::ofstream(file) << kAdminPassword << "\n";
  std::vector<std::string> args = {
      "--auth",   "--auth-password-iterations", "1000", "--auth-admin-username",
      kAdminUser, "--auth-admin-password-file", file};
  for (const std::string& arg : AuthArgs()) args.push_back(arg);
  return args;
}

ApiClient AuthTest::Client(const std::string& authorization, const std::string& prefix) {
  ApiClient client(server().port(), prefix, /*keep_alive=*/false);
  if (!authorization.empty()) client.SetHeader("Authorization", authorization);
  return client;
}

Caller AuthTest::As(const std::string& username, const std::string& password) {
  const std::string header =
      BasicAuth(username, password.empty() ? PasswordOf(username) : password);
  return Caller{username, Client(header, kApiPrefix), Client(header, kModelwardenPrefix)};
}

Caller& AuthTest::Admin() {
  if (admin_ == nullptr || admin_server_starts_ != server().starts()) {
    admin_ = std::make_unique<Caller>(As(kAdminUser, kAdminPassword));
    admin_server_starts_ = server().starts();
  }
  return *admin_;
}

void AuthTest::CreateUser(const std::string& username) {
  const ApiResponse created = Admin().mlflow.Post(
      "/users/create", "{\"username\":" + JsonString(username) +
                           ",\"password\":" + JsonString(PasswordOf(username)) + "}");
  EXPECT_TRUE(IsOkJson(created)) << "creating user " << username;
}

void AuthTest::GrantModel(const std::string& username, const std::string& model,
                          const std::string& permission) {
  const ApiResponse granted = Admin().mlflow.Post(
      "/registered-models/permissions/create",
      "{\"name\":" + JsonString(model) + ",\"username\":" + JsonString(username) +
          ",\"permission\":" + JsonString(permission) + "}");
  EXPECT_TRUE(IsOkJson(granted)) << "granting " << permission << " on " << model << " to "
                                 << username;
}

void AuthTest::CreateGrant(const std::string& json) {
  const ApiResponse granted = Admin().mw.Post("/grants/create", json);
  EXPECT_TRUE(IsOkJson(granted)) << "grant " << json;
}

void AuthTest::CreateGroup(const std::string& group, const std::vector<std::string>& members) {
  EXPECT_TRUE(IsOkJson(Admin().mw.Post("/groups/create", "{\"name\":" + JsonString(group) + "}")))
      << "creating group " << group;
  for (const std::string& member : members) {
    EXPECT_TRUE(IsOkJson(Admin().mw.Post(
        "/groups/add-member",
        "{\"name\":" + JsonString(group) + ",\"username\":" + JsonString(member) + "}")))
        << "adding " << member << " to " << group;
  }
}

void AuthTest::CreateModelWithVersion(const std::string& name) {
  Caller& admin = Admin();
  const std::string quoted = JsonString(name);
  EXPECT_TRUE(
      IsOkJson(admin.mlflow.Post("/registered-models/create",
                                 "{\"name\":" + quoted + R"(,"tags":[{"key":"t","value":"1"}]})")))
      << "creating " << name;
  EXPECT_TRUE(IsOkJson(admin.mlflow.Post(
      "/model-versions/create",
      "{\"name\":" + quoted + R"(,"source":"s3://b/m","tags":[{"key":"vt","value":"1"}]})")));
  EXPECT_TRUE(IsOkJson(admin.mlflow.Post(
      "/registered-models/alias", "{\"name\":" + quoted + R"(,"alias":"a","version":"1"})")));
}

::testing::AssertionResult IsDenied(const ApiResponse& response) {
  return IsMlflowError(response, 403, "PERMISSION_DENIED");
}

::testing::AssertionResult IsUnauthenticated(const ApiResponse& response) {
  ::testing::AssertionResult error = IsMlflowError(response, 401, "UNAUTHENTICATED");
  if (!error) return error;
  const std::optional<std::string> challenge = response.Header("WWW-Authenticate");
  if (challenge != std::optional<std::string>("Basic realm=\"mlflow\"")) {
    return ::testing::AssertionFailure()
           << "expected WWW-Authenticate: Basic realm=\"mlflow\", got "
           << challenge.value_or("<none>");
  }
  return ::testing::AssertionSuccess();
}

}  // namespace modelwarden::testing
