// AuthTest: an ApiTest whose server runs with --auth and a bootstrap admin read from a
// password file, plus clients that send HTTP Basic or Bearer credentials. The suites of issue
// #5 (auth_*_test.cc) derive from it. Passwords are hashed with the floor of 1000 PBKDF2
// iterations so the tests stay fast.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/api/api_test.h"

namespace modelwarden::testing {

inline constexpr char kModelwardenPrefix[] = "/api/2.0/modelwarden";
inline constexpr char kAdminUser[] = "admin";
inline constexpr char kAdminPassword[] = "admin-secret-password-1";

// RFC 4648 base64 with padding.
std::string Base64(std::string_view bytes);
// "Basic base64(username:password)".
std::string BasicAuth(const std::string& username, const std::string& password);
// The password AuthTest::CreateUser gives `username`.
std::string PasswordOf(const std::string& username);

// Both API prefixes a user talks to, with their credentials.
struct Caller {
  std::string username;
  ApiClient mlflow;  // /api/2.0/mlflow
  ApiClient mw;      // /api/2.0/modelwarden
};

class AuthTest : public ApiTest {
 protected:
  // --auth, 1000 iterations, the bootstrap admin, then AuthArgs().
  std::vector<std::string> ExtraServerArgs() const override;
  // More server arguments of a suite (e.g. --auth-default-permission NO_PERMISSIONS).
  virtual std::vector<std::string> AuthArgs() const { return {}; }

  // A client of server() below `prefix` sending `authorization` (none when empty).
  ApiClient Client(const std::string& authorization, const std::string& prefix = kApiPrefix);
  // `username` with PasswordOf(username) (or `password`), HTTP Basic.
  Caller As(const std::string& username, const std::string& password = "");
  Caller& Admin();

  // As the admin: a user with PasswordOf(username); a MLflow registered-model permission; a
  // modelwarden grant body ({"username"|"group", "name"|"prefix", "permission"}).
  void CreateUser(const std::string& username);
  void GrantModel(const std::string& username, const std::string& model,
                  const std::string& permission);
  void CreateGrant(const std::string& json);
  void CreateGroup(const std::string& group, const std::vector<std::string>& members);

  // As the admin: a model with tag t=1, version 1 with tag vt=1, alias "a" -> 1.
  void CreateModelWithVersion(const std::string& name);

 private:
  std::unique_ptr<Caller> admin_;
  int admin_server_starts_ = 0;
};

// {"error_code": "PERMISSION_DENIED"} with 403.
::testing::AssertionResult IsDenied(const ApiResponse& response);
// {"error_code": "UNAUTHENTICATED"} with 401 and WWW-Authenticate: Basic realm="mlflow".
::testing::AssertionResult IsUnauthenticated(const ApiResponse& response);

}  // namespace modelwarden::testing
