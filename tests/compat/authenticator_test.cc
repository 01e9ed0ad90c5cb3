// The Authorization header as MLflow clients send it, over a real AccessControl on an
// in-memory SQLite AuthStore.

#include "compat/authenticator.h"

#include <string>

#include "enforcement/access/access_admin.h"
#include "enforcement/access/password_hash.h"
#include "registry/store_factory.h"
#include "registry/text.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::FakeClock;
using ::testing::HasSubstr;

constexpr char kPassword[] = "pass:word with colons:";

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = OpenStores(StoreOptions{"sqlite:///:memory:", 1, 1000});
    ASSERT_OK(stores);
    stores_ = std::move(*stores);
    AuthOptions options;
    options.enabled = true;
    options.password_iterations = 1000;
    access_ = std::make_unique<AccessControl>(*stores_.auth, clock_, options);
    ASSERT_OK(stores_.auth->CreateUser("alice", HashPassword(kPassword, 1000), false));
    ASSERT_OK(stores_.auth->CreateUser("root", HashPassword("rootpassword", 1000), true));
  }

  Result<Principal> Auth(const std::optional<std::string>& header) {
    return Authenticate(*access_, header);
  }

  static std::string Basic(const std::string& credentials, const std::string& scheme = "Basic") {
    return scheme + " " + EncodeBase64(credentials);
  }

  FakeClock clock_;
  Stores stores_;
  std::unique_ptr<AccessControl> access_;
};

TEST_F(AuthenticatorTest, BasicWithAnyCaseOfTheScheme) {
  for (const char* scheme : {"Basic", "basic", "BASIC", "bAsIc"}) {
    auto principal = Auth(Basic(std::string("alice:") + kPassword, scheme));
    ASSERT_OK(principal) << scheme;
    EXPECT_EQ(principal->name, "alice");
    EXPECT_EQ(principal->kind, Principal::Kind::kUser);
  }
  auto root = Auth(Basic("root:rootpassword"));
  ASSERT_OK(root);
  EXPECT_EQ(root->name, "root");
}

TEST_F(AuthenticatorTest, PasswordMaySplitOnlyAtTheFirstColon) {
  // "alice:pass:word with colons:" is alice with the whole rest as password.
  EXPECT_OK(Auth(Basic(std::string("alice:") + kPassword)));
  EXPECT_CODE(Auth(Basic("alice:pass")), ErrorCode::kUnauthenticated);
  EXPECT_CODE(Auth(Basic("alice:pass:")), ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, WrongCredentials) {
  EXPECT_CODE(Auth(Basic("alice:wrong")), ErrorCode::kUnauthenticated);
  EXPECT_CODE(Auth(Basic(std::string("nobody:") + kPassword)), ErrorCode::kUnauthenticated);
  EXPECT_CODE(Auth(Basic(std::string("Alice:") + kPassword)), ErrorCode::kUnauthenticated);
  EXPECT_CODE(Auth(Basic(":")), ErrorCode::kUnauthenticated);
  EXPECT_CODE(Auth(Basic(std::string(":") + kPassword)), ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, MalformedBasic) {
  // Not base64, or base64 without a colon.
  for (const std::string& header :
       {std::string("Basic !!!!"), std::string("Basic YWxpY2U"), std::string("Basic YWxpY2U=x"),
        Basic("alice"), std::string("Basic ") + EncodeBase64Url("alice:\xfb\xff")}) {
    auto result = Auth(header);
    EXPECT_CODE(result, ErrorCode::kUnauthenticated) << header;
    EXPECT_THAT(result.status().message(), HasSubstr("Malformed Basic credentials")) << header;
  }
  // The message never repeats what was sent.
  auto result = Auth(Basic("secret-user-name"));
  EXPECT_THAT(result.status().message(), ::testing::Not(HasSubstr("secret-user-name")));
}

TEST_F(AuthenticatorTest, ExtraSpaces) {
  const std::string credentials = EncodeBase64(std::string("alice:") + kPassword);
  EXPECT_OK(Auth("Basic   " + credentials));
  EXPECT_OK(Auth("  Basic " + credentials + "  "));
  EXPECT_OK(Auth("\tBasic " + credentials + "\t"));
  // The scheme is one word followed by a space.
  EXPECT_CODE(Auth("Basic" + credentials), ErrorCode::kUnauthenticated);
  EXPECT_CODE(Auth("Basic\t" + credentials), ErrorCode::kUnauthenticated);
  // Spaces inside the credentials are not base64.
  EXPECT_CODE(Auth("Basic " + credentials.substr(0, 4) + " " + credentials.substr(4)),
              ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, Bearer) {
  AccessAdmin admin(*stores_.auth, *stores_.models, *access_, clock_);
  CallContext alice;
  alice.principal = Principal::User("alice");
  auto token = admin.CreateToken(alice, "alice", "ci", 0);
  ASSERT_OK(token);
  for (const std::string& header :
       {"Bearer " + token->secret, "bearer " + token->secret, "BEARER  " + token->secret + " "}) {
    auto principal = Auth(header);
    ASSERT_OK(principal) << header;
    EXPECT_EQ(principal->name, "alice");
  }
  EXPECT_CODE(Auth("Bearer " + token->secret + "x"), ErrorCode::kUnauthenticated);
  EXPECT_CODE(Auth("Bearer mwt_unknown"), ErrorCode::kUnauthenticated);
  auto empty = Auth(std::string("Bearer  "));
  EXPECT_CODE(empty, ErrorCode::kUnauthenticated);
  // A Basic header carrying the token is not a token.
  EXPECT_CODE(Auth(Basic(token->secret)), ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, AbsentOrEmptyOrUnknownScheme) {
  auto absent = Auth(std::nullopt);
  EXPECT_CODE(absent, ErrorCode::kUnauthenticated);
  EXPECT_THAT(absent.status().message(), HasSubstr("You are not authenticated"));
  EXPECT_CODE(Auth(std::string("")), ErrorCode::kUnauthenticated);
  EXPECT_CODE(Auth(std::string("   ")), ErrorCode::kUnauthenticated);
  for (const std::string& header :
       {std::string("Basic"), std::string("Bearer"), std::string("Basic "),
        Basic(std::string("alice:") + kPassword, "Digest"),
        Basic(std::string("alice:") + kPassword, "Basics"), std::string("Token abc"),
        EncodeBase64(std::string("alice:") + kPassword)}) {
    auto result = Auth(header);
    EXPECT_CODE(result, ErrorCode::kUnauthenticated) << header;
  }
  EXPECT_THAT(Auth(std::string("Digest abc")).status().message(),
              HasSubstr("Unsupported Authorization scheme"));
}

}  // namespace
}  // namespace modelwarden
