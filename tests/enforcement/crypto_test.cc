// The cryptographic primitives against published vectors, and password hashes. (Base64 is
// tested with registry/text.)

#include "enforcement/access/crypto.h"

#include <string>

#include "enforcement/access/password_hash.h"
#include "enforcement/webhooks/webhook_crypto.h"
#include "registry/text.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

std::string Hex(const std::string& bytes) { return HexEncode(bytes); }

TEST(CryptoTest, Sha256KnownVectors) {
  // FIPS 180-2 appendix B.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(CryptoTest, HmacSha256KnownVector) {
  // RFC 4231 test case 2.
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, Pbkdf2Sha256KnownVectors) {
  // RFC 7914 section 11.
  EXPECT_EQ(Hex(Pbkdf2Sha256("passwd", "salt", 1, 64)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  EXPECT_EQ(Hex(Pbkdf2Sha256("Password", "NaCl", 80000, 64)),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
            "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
  // The widely published PBKDF2-HMAC-SHA256 vectors (RFC 6070's inputs).
  EXPECT_EQ(Hex(Pbkdf2Sha256("password", "salt", 1, 32)),
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  EXPECT_EQ(Hex(Pbkdf2Sha256("password", "salt", 4096, 32)),
            "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
  EXPECT_EQ(Hex(Pbkdf2Sha256(std::string("pass\0word", 9), std::string("sa\0lt", 5), 4096, 16)),
            "89b69d0516f829893c696226650a8687");
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

TEST(CryptoTest, RandomBytesHaveTheLengthAndDiffer) {
  EXPECT_EQ(RandomBytes(32).size(), 32u);
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

TEST(PasswordHashTest, HashAndVerify) {
  const std::string hash = HashPassword("correct horse", 1000);
  EXPECT_EQ(hash.rfind("pbkdf2_sha256$1000$", 0), 0u) << hash;
  EXPECT_TRUE(VerifyPassword("correct horse", hash));
  EXPECT_FALSE(VerifyPassword("correct horse ", hash));
  EXPECT_FALSE(VerifyPassword("Correct horse", hash));
  EXPECT_FALSE(VerifyPassword("", hash));
  // A random salt: the same password hashes differently, and both verify.
  const std::string again = HashPassword("correct horse", 1000);
  EXPECT_NE(again, hash);
  EXPECT_TRUE(VerifyPassword("correct horse", again));
  EXPECT_TRUE(VerifyPassword("", HashPassword("", 1000)));
}

TEST(PasswordHashTest, VerifiesAKnownEncoding) {
  // salt "salt", 4096 iterations: the published PBKDF2-HMAC-SHA256 vector, in our format.
  const std::string encoded = "pbkdf2_sha256$4096$" + EncodeBase64("salt") + "$" +
                              EncodeBase64(Pbkdf2Sha256("password", "salt", 4096, 32));
  EXPECT_EQ(encoded, "pbkdf2_sha256$4096$c2FsdA==$xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o=");
  EXPECT_TRUE(VerifyPassword("password", encoded));
  EXPECT_FALSE(VerifyPassword("passwort", encoded));
  EXPECT_FALSE(VerifyPassword(
      "password", "pbkdf2_sha256$4097$c2FsdA==$xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o="));
}

TEST(PasswordHashTest, MalformedHashesNeverVerify) {
  const std::string good = HashPassword("pw", 1000);
  const std::string salt_and_hash = good.substr(std::string("pbkdf2_sha256$1000$").size());
  for (const std::string& bad : std::vector<std::string>{
           "",
           "pw",
           "pbkdf2_sha256",
           "pbkdf2_sha256$1000",
           "pbkdf2_sha256$1000$" + salt_and_hash + "$extra",
           "pbkdf2_sha1$1000$" + salt_and_hash,
           "PBKDF2_SHA256$1000$" + salt_and_hash,
           "pbkdf2_sha256$$" + salt_and_hash,
           "pbkdf2_sha256$abc$" + salt_and_hash,
           "pbkdf2_sha256$10x$" + salt_and_hash,
           "pbkdf2_sha256$0$" + salt_and_hash,
           "pbkdf2_sha256$-1000$" + salt_and_hash,
           "pbkdf2_sha256$1000$not base64$" + salt_and_hash.substr(salt_and_hash.find('$') + 1),
           "pbkdf2_sha256$1000$" + salt_and_hash.substr(0, salt_and_hash.find('$')) + "$",
           "pbkdf2_sha256$1000$" + salt_and_hash.substr(0, salt_and_hash.find('$')) + "$!!!!",
       }) {
    EXPECT_FALSE(VerifyPassword("pw", bad)) << bad;
  }
  EXPECT_TRUE(VerifyPassword("pw", good));
}

TEST(PasswordHashTest, AbsurdIterationCountsAreRejectedWithoutRunningThem) {
  const std::string good = HashPassword("pw", 1000);
  const std::string salt_and_hash = good.substr(std::string("pbkdf2_sha256$1000$").size());
  // Each would take minutes or overflow; rejected at once.
  for (const char* iterations : {"10000001", "2147483647", "2147483648", "99999999999999999999999",
                                 "18446744073709551617"}) {
    EXPECT_FALSE(
        VerifyPassword("pw", "pbkdf2_sha256$" + std::string(iterations) + "$" + salt_and_hash))
        << iterations;
  }
}

TEST(CryptoTest, HkdfSha256KnownVector) {
  // RFC 5869 test case 1.
  EXPECT_EQ(Hex(HkdfSha256(std::string(22, '\x0b'), *DecodeBase64("AAECAwQFBgcICQoLDA=="),
                           "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9", 42)),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
            "34007208d5b887185865");
}

TEST(CryptoTest, AesGcmSealsAndDetectsEveryChange) {
  const std::string key(32, 'k');
  const std::string sealed = AesGcmSeal(key, "my_secret", "webhook-1");
  EXPECT_EQ(sealed.size(), 12u + 9u + 16u);
  EXPECT_EQ(AesGcmOpen(key, sealed, "webhook-1"), "my_secret");
  EXPECT_NE(AesGcmSeal(key, "my_secret", "webhook-1"), sealed);  // A fresh nonce each time.
  EXPECT_EQ(AesGcmOpen(key, sealed, "webhook-2"), std::nullopt);
  EXPECT_EQ(AesGcmOpen(std::string(32, 'x'), sealed, "webhook-1"), std::nullopt);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string altered = sealed;
    altered[i] = static_cast<char>(altered[i] ^ 1);
    EXPECT_EQ(AesGcmOpen(key, altered, "webhook-1"), std::nullopt) << i;
  }
  EXPECT_EQ(AesGcmOpen(key, sealed.substr(0, 20), "webhook-1"), std::nullopt);
  EXPECT_EQ(AesGcmOpen(key, AesGcmSeal(key, "", "a"), "a"), "");
}

TEST(CryptoTest, WebhookSignatureIsMlflows) {
  // hmac.new(b"my_secret", b"<id>.<ts>.<body>", hashlib.sha256), base64, as MLflow's
  // _generate_hmac_signature, computed with Python.
  EXPECT_EQ(WebhookSignature("my_secret", "1b4e28ba-2fa1-41d2-883f-0016d3cca427", "1796674151",
                             "{\"a\": 1}"),
            "v1,u1B4LDIkmYZeaaZEsL5DrEJkF7i6QvG6HwaFox0ZXso=");
}

}  // namespace
}  // namespace modelwarden
