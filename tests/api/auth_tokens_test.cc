// API tokens (created over the API and with `modelwarden token`, shown once, used as Bearer,
// revoked, expired) and the bootstrap of the first admin: no admin, no start; the password
// from the environment or a file, never a default.

#include <gmock/gmock.h>
#include <stdio.h>
#include <sys/wait.h>

#include <fstream>

#include "tests/api/auth_fixture.h"

namespace modelwarden::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

struct CommandResult {
  int exit_status = -1;
  std::string out;  // stdout only.
};

// Runs `modelwarden <args>` with a shell; stderr goes to `stderr_path`.
CommandResult RunModelwarden(const std::string& args, const std::string& stderr_path) {
  CommandResult result;
  const std::string command =
      ShellQuote(MODELWARDEN_BINARY) + " " + args + " 2>" + ShellQuote(stderr_path);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

class AuthTokensTest : public AuthTest {};

TEST_P(AuthTokensTest, CreateUseListRevoke) {
  CreateUser("alice");
  CreateUser("bob");
  Caller alice = As("alice");
  const ApiResponse created =
      alice.mw.Post("/tokens/create", R"({"name":"ci","expires_in_days":30})");
  ASSERT_TRUE(IsOkJson(created)) << created.Describe();
  const std::string secret = created.StringAt("/secret").value_or("");
  EXPECT_THAT(secret, StartsWith("mwt_"));
  EXPECT_GT(secret.size(), 40u);
  const int64_t id = created.At("/token/id")->GetInt64();
  EXPECT_EQ(created.StringAt("/token/name"), "ci");
  EXPECT_EQ(created.StringAt("/token/username"), "alice");
  const int64_t created_at = created.At("/token/creation_timestamp")->GetInt64();
  EXPECT_EQ(created.At("/token/expiration_timestamp")->GetInt64() - created_at,
            30LL * 24 * 3600 * 1000);

  // Listed without the secret (only its hash is stored).
  const ApiResponse listed = alice.mw.Get("/tokens/list");
  ASSERT_TRUE(IsOkJson(listed));
  EXPECT_EQ(listed.At("/tokens")->GetArray().Size(), 1u);
  EXPECT_THAT(listed.body, Not(HasSubstr(secret)));
  EXPECT_THAT(listed.body, Not(HasSubstr("secret")));
  EXPECT_EQ(listed.At("/tokens/0/id")->GetInt64(), id);
  EXPECT_THAT(server().ReadLog(1 << 20), Not(HasSubstr(secret)));

  // Bearer authenticates as alice, with alice's permissions.
  ApiClient bearer = Client("Bearer " + secret, kModelwardenPrefix);
  const ApiResponse current = bearer.Get("/users/current");
  ASSERT_TRUE(IsOkJson(current)) << current.Describe();
  EXPECT_EQ(current.StringAt("/user/username"), "alice");
  EXPECT_TRUE(IsDenied(bearer.Get("/users/list")));
  EXPECT_TRUE(IsOkJson(Client("bearer " + secret).Get("/registered-models/search")));
  // A token is not a password.
  EXPECT_TRUE(
      IsUnauthenticated(Client(BasicAuth("alice", secret)).Get("/registered-models/search")));

  // Another user can neither revoke it nor list it.
  Caller bob = As("bob");
  EXPECT_TRUE(IsMlflowError(bob.mw.Post("/tokens/revoke", "{\"id\":" + std::to_string(id) + "}"),
                            404, "RESOURCE_DOES_NOT_EXIST"));
  EXPECT_TRUE(IsDenied(
      bob.mw.Post("/tokens/revoke", "{\"id\":" + std::to_string(id) + R"(,"username":"alice"})")));
  EXPECT_TRUE(IsDenied(bob.mw.Get("/tokens/list", {{"username", "alice"}})));
  EXPECT_EQ(bob.mw.Get("/tokens/list").body, R"({"tokens":[]})");
  EXPECT_TRUE(IsOkJson(bearer.Get("/users/current")));

  // Revoked by its owner: refused at once on this server, though it was just used.
  const ApiResponse revoked =
      alice.mw.Post("/tokens/revoke", "{\"id\":" + std::to_string(id) + "}");
  ASSERT_TRUE(IsOkJson(revoked)) << revoked.Describe();
  EXPECT_EQ(revoked.body, "{}");
  const ApiResponse refused = bearer.Get("/users/current");
  EXPECT_TRUE(IsUnauthenticated(refused));
  EXPECT_THAT(refused.body, Not(HasSubstr(secret)));
  EXPECT_GT(alice.mw.Get("/tokens/list").At("/tokens/0/revocation_timestamp")->GetInt64(), 0);

  // An admin revokes anyone's token.
  const ApiResponse second = Admin().mw.Post("/tokens/create", R"({"username":"bob","name":"b"})");
  ASSERT_TRUE(IsOkJson(second)) << second.Describe();
  ApiClient bob_bearer = Client("Bearer " + *second.StringAt("/secret"));
  EXPECT_EQ(bob_bearer.Get("/registered-models/search").status, 200);
  ASSERT_TRUE(IsOkJson(Admin().mw.Post(
      "/tokens/revoke",
      "{\"id\":" + std::to_string(second.At("/token/id")->GetInt64()) + R"(,"username":"bob"})")));
  EXPECT_TRUE(IsUnauthenticated(bob_bearer.Get("/registered-models/search")));

  // Validation.
  const ApiResponse forever = alice.mw.Post("/tokens/create", R"({"expires_in_days":0})");
  ASSERT_TRUE(IsOkJson(forever));
  EXPECT_EQ(forever.At("/token/expiration_timestamp"), nullptr);
  for (const char* days : {"-1", "3651"}) {
    EXPECT_TRUE(IsMlflowError(
        alice.mw.Post("/tokens/create", std::string(R"({"expires_in_days":)") + days + "}"), 400,
        "INVALID_PARAMETER_VALUE"))
        << days;
  }
  EXPECT_TRUE(IsMlflowError(alice.mw.Post("/tokens/revoke", "{}"), 400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(alice.mw.Post("/tokens/revoke", R"({"id":987654})"), 404,
                            "RESOURCE_DOES_NOT_EXIST"));

  // Deleting the user ends their tokens.
  ApiClient forever_bearer = Client("Bearer " + *forever.StringAt("/secret"));
  EXPECT_TRUE(IsOkJson(forever_bearer.Get("/registered-models/search")));
  ASSERT_TRUE(IsOkJson(Admin().mlflow.Delete("/users/delete", R"({"username":"alice"})")));
  EXPECT_TRUE(IsUnauthenticated(forever_bearer.Get("/registered-models/search")));
}

// "username": "" is not an absent username: it must not turn a user's own-token request into
// one about every user's tokens.
TEST_P(AuthTokensTest, AnEmptyUsernameReachesNoOtherUsersTokens) {
  CreateUser("alice");
  CreateUser("bob");
  const ApiResponse created = As("alice").mw.Post("/tokens/create", R"({"name":"alice-ci"})");
  ASSERT_TRUE(IsOkJson(created)) << created.Describe();
  const std::string secret = *created.StringAt("/secret");
  const int64_t id = created.At("/token/id")->GetInt64();

  Caller bob = As("bob");
  const ApiResponse listed = bob.mw.Get("/tokens/list", {{"username", ""}});
  EXPECT_THAT(listed.body, Not(HasSubstr("alice"))) << listed.Describe();
  const ApiResponse revoked =
      bob.mw.Post("/tokens/revoke", "{\"id\":" + std::to_string(id) + R"(,"username":""})");
  EXPECT_NE(revoked.status, 200) << revoked.Describe();
  // alice's token still works, and nothing was revoked in her name.
  EXPECT_TRUE(IsOkJson(Client("Bearer " + secret).Get("/registered-models/search")));
  const ApiResponse hers = As("alice").mw.Get("/tokens/list");
  ASSERT_TRUE(IsOkJson(hers)) << hers.Describe();
  EXPECT_EQ(hers.At("/tokens/0/revocation_timestamp"), nullptr) << hers.body;
}

TEST_P(AuthTokensTest, ExpiredTokenIsRefused) {
  CreateUser("alice");
  const ApiResponse created = As("alice").mw.Post("/tokens/create", R"({"name":"old"})");
  ASSERT_TRUE(IsOkJson(created));
  const std::string secret = *created.StringAt("/secret");
  // Expired a millisecond after the epoch; the token was never used, so nothing cached it.
  const Status aged =
      database().ExecuteSql("UPDATE auth_tokens SET expiration_time = 1 WHERE id = " +
                            std::to_string(created.At("/token/id")->GetInt64()));
  ASSERT_TRUE(aged.ok()) << aged.ToString();
  const ApiResponse refused = Client("Bearer " + secret).Get("/registered-models/search");
  EXPECT_TRUE(IsUnauthenticated(refused));
  EXPECT_THAT(refused.StringAt("/message").value_or(""), HasSubstr("expired"));
  EXPECT_THAT(refused.body, Not(HasSubstr(secret)));
  // A fresh token of the same user still works.
  const ApiResponse fresh = As("alice").mw.Post("/tokens/create", R"({"name":"new"})");
  ASSERT_TRUE(IsOkJson(fresh));
  EXPECT_TRUE(
      IsOkJson(Client("Bearer " + *fresh.StringAt("/secret")).Get("/registered-models/search")));
}

TEST_P(AuthTokensTest, CliCreatesWorkingTokens) {
  CreateUser("alice");
  const std::string store = " --backend-store-uri " + ShellQuote(database().uri());
  const std::string err = temp_dir() + "/cli.err";
  const CommandResult created =
      RunModelwarden("token create --username alice --name from-cli" + store, err);
  ASSERT_EQ(created.exit_status, 0) << created.out;
  const std::string secret = Trimmed(created.out);
  EXPECT_THAT(secret, StartsWith("mwt_"));
  EXPECT_EQ(secret.find('\n'), std::string::npos) << "stdout is the secret alone";
  const ApiResponse current = Client("Bearer " + secret, kModelwardenPrefix).Get("/users/current");
  ASSERT_TRUE(IsOkJson(current)) << current.Describe();
  EXPECT_EQ(current.StringAt("/user/username"), "alice");

  const CommandResult listed = RunModelwarden("token list --username alice" + store, err);
  EXPECT_EQ(listed.exit_status, 0);
  EXPECT_THAT(listed.out, HasSubstr("from-cli"));
  EXPECT_THAT(listed.out, Not(HasSubstr(secret)));

  // Revoked with the CLI before its first use: refused.
  const CommandResult second = RunModelwarden("token create --username alice" + store, err);
  ASSERT_EQ(second.exit_status, 0);
  const ApiResponse tokens = Admin().mw.Get("/tokens/list", {{"username", "alice"}});
  ASSERT_TRUE(IsOkJson(tokens));
  ASSERT_EQ(tokens.At("/tokens")->GetArray().Size(), 2u);
  const int64_t newest = tokens.At("/tokens/0/id")->GetInt64();  // Newest first.
  const CommandResult revoked =
      RunModelwarden("token revoke --id " + std::to_string(newest) + store, err);
  EXPECT_EQ(revoked.exit_status, 0);
  EXPECT_TRUE(
      IsUnauthenticated(Client("Bearer " + Trimmed(second.out)).Get("/registered-models/search")));

  // An unknown user gets no token.
  const CommandResult unknown = RunModelwarden("token create --username ghost" + store, err);
  EXPECT_NE(unknown.exit_status, 0);
  EXPECT_EQ(unknown.out, "");
}

MODELWARDEN_INSTANTIATE_API_TESTS(AuthTokensTest);

// Start-up with --auth, on the fixture's database (its own server runs without auth).
class AuthStartupTest : public ApiTest {
 protected:
  std::unique_ptr<ServerProcess> NewServer(const std::string& name,
                                           const std::vector<std::string>& extra,
                                           const std::vector<std::string>& env = {}) {
    std::vector<std::string> args = {"--backend-store-uri",
                                     database().uri(),
                                     "--workers",
                                     "4",
                                     "--auth",
                                     "--auth-password-iterations",
                                     "1000"};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<ServerProcess>(MODELWARDEN_BINARY, args,
                                           temp_dir() + "/" + name + ".log", env);
  }
};

TEST_P(AuthStartupTest, NoAdminNoStart) {
  auto no_admin = NewServer("no-admin", {});
  const ::testing::AssertionResult started = no_admin->Start();
  ASSERT_FALSE(started);
  EXPECT_THAT(started.message(), HasSubstr("no admin user exists"));
  EXPECT_THAT(no_admin->ReadLog(), HasSubstr("exited with status 1"));

  auto no_password = NewServer("no-password", {"--auth-admin-username", "root"});
  const ::testing::AssertionResult refused = no_password->Start();
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.message(), HasSubstr("MODELWARDEN_AUTH_ADMIN_PASSWORD"));

  auto short_password = NewServer("short", {"--auth-admin-username", "root"},
                                  {"MODELWARDEN_AUTH_ADMIN_PASSWORD=short"});
  const ::testing::AssertionResult too_short = short_password->Start();
  ASSERT_FALSE(too_short);
  EXPECT_THAT(too_short.message(), HasSubstr("cannot create the admin user"));

  auto missing_file =
      NewServer("missing-file", {"--auth-admin-username", "root", "--auth-admin-password-file",
                                 temp_dir() + "/no-such-file"});
  EXPECT_FALSE(missing_file->Start());
}

TEST_P(AuthStartupTest, AdminFromTheEnvironmentAndNoDefaultPassword) {
  auto first = NewServer("env", {"--auth-admin-username", "root"},
                         {"MODELWARDEN_AUTH_ADMIN_PASSWORD=from-the-environment"});
  ASSERT_TRUE(first->Start());
  EXPECT_THAT(first->ReadLog(), Not(HasSubstr("from-the-environment")));
  const auto as = [&](const std::string& user, const std::string& password) {
    ApiClient client(first->port(), kModelwardenPrefix, /*keep_alive=*/false);
    client.SetHeader("Authorization", BasicAuth(user, password));
    return client.Get("/users/current");
  };
  const ApiResponse root = as("root", "from-the-environment");
  ASSERT_TRUE(IsOkJson(root)) << root.Describe();
  EXPECT_TRUE(root.At("/user/is_admin")->GetBool());
  // MLflow's bundled default credentials do not exist here.
  EXPECT_TRUE(IsUnauthenticated(as("admin", "password1234")));
  EXPECT_TRUE(IsUnauthenticated(as("root", "password1234")));
  EXPECT_TRUE(IsUnauthenticated(as("root", "")));
  first->Stop();

  // Once an admin exists, --auth alone starts; a bootstrap never changes an existing user.
  auto again = NewServer("again", {"--auth-admin-username", "root"},
                         {"MODELWARDEN_AUTH_ADMIN_PASSWORD=another-password"});
  ASSERT_TRUE(again->Start());
  ApiClient client(again->port(), kModelwardenPrefix, /*keep_alive=*/false);
  client.SetHeader("Authorization", BasicAuth("root", "another-password"));
  EXPECT_TRUE(IsUnauthenticated(client.Get("/users/current")));
  client.SetHeader("Authorization", BasicAuth("root", "from-the-environment"));
  EXPECT_TRUE(IsOkJson(client.Get("/users/current")));
  again->Stop();
  auto plain = NewServer("plain", {});
  EXPECT_TRUE(plain->Start());
}

TEST_P(AuthStartupTest, AdminFromAPasswordFile) {
  const std::string file = temp_dir() + "/password";
  { std::ofstream(file) << "from-a-file-123\nignored second line\n"; }
  auto server =
      NewServer("file", {"--auth-admin-username", "ops", "--auth-admin-password-file", file});
  ASSERT_TRUE(server->Start());
  ApiClient client(server->port(), kModelwardenPrefix, /*keep_alive=*/false);
  client.SetHeader("Authorization", BasicAuth("ops", "from-a-file-123"));
  const ApiResponse current = client.Get("/users/current");
  ASSERT_TRUE(IsOkJson(current)) << current.Describe();
  EXPECT_TRUE(current.At("/user/is_admin")->GetBool());
}

MODELWARDEN_INSTANTIATE_API_TESTS(AuthStartupTest);

}  // namespace
}  // namespace modelwarden::testing
