#include "registry/search/page_token.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "registry/text.h"

namespace modelwarden {
namespace {

TEST(PageTokenTest, EncodesLikePythonJsonDumps) {
  EXPECT_EQ(EncodePageToken(2), "eyJvZmZzZXQiOiAyfQ==");
  EXPECT_EQ(EncodePageToken(4), "eyJvZmZzZXQiOiA0fQ==");
  EXPECT_EQ(EncodePageToken(100), "eyJvZmZzZXQiOiAxMDB9");
}

TEST(PageTokenTest, RoundTrips) {
  for (int64_t offset : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{99}, int64_t{1000},
                         int64_t{123456789}, std::numeric_limits<int64_t>::max()}) {
    Result<int64_t> r = DecodePageToken(EncodePageToken(offset));
    ASSERT_TRUE(r.ok()) << offset << ": " << r.status().ToString();
    EXPECT_EQ(*r, offset);
  }
}

TEST(PageTokenTest, EmptyTokenIsFirstPage) {
  Result<int64_t> r = DecodePageToken("");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0);
}

// An independent base64 encoder, so the decoder is not only tested against EncodePageToken.
std::string B64(const std::string& text) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(text[i]) << 16) |
                 (static_cast<unsigned char>(text[i + 1]) << 8) |
                 static_cast<unsigned char>(text[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i + 1 == text.size()) {
    uint32_t n = static_cast<unsigned char>(text[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == text.size()) {
    uint32_t n = (static_cast<unsigned char>(text[i]) << 16) |
                 (static_cast<unsigned char>(text[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

TEST(PageTokenTest, AcceptsJsonWhitespaceVariants) {
  EXPECT_EQ(B64("{\"offset\": 2}"), "eyJvZmZzZXQiOiAyfQ==");  // Sanity check of the helper.
  for (const char* json : {"{\"offset\":5}", "{ \"offset\" : 5 }", "\n{\"offset\":\t5}\r\n"}) {
    Result<int64_t> r = DecodePageToken(B64(json));
    ASSERT_TRUE(r.ok()) << json << ": " << r.status().ToString();
    EXPECT_EQ(*r, 5);
  }
}

TEST(PageTokenTest, Base64IsDecodedLenientlyLikePython) {
  // binascii.a2b_base64 skips characters outside the alphabet and stops after the padding.
  // Unlike Python, nothing after that padding is looked at, not even non-ASCII bytes.
  for (const char* token :
       {"eyJvZmZzZXQiOiAyfQ==\n", " eyJvZmZz ZXQiOiAyfQ== ", "eyJvZmZzZXQiOiAyfQ==AAAA",
        "eyJvZmZzZXQiOiAyfQ===", "eyJvZmZzZXQiOiAyfQ==\xC3\xA9", "eyJvZmZzZXQiOiAyfQ=\t="}) {
    Result<int64_t> r = DecodePageToken(token);
    ASSERT_TRUE(r.ok()) << token << ": " << r.status().ToString();
    EXPECT_EQ(*r, 2);
  }
}

TEST(PageTokenTest, RejectsUndecodableBase64) {
  for (const char* token : {"garbage", "eyJvZmZzZXQiOiAyfQ", "eyJvZmZzZXQiOiAyfQ=", "a",
                            "eyJvZmZzZXQiOiAyfQ=\xC3\xA9="}) {
    Result<int64_t> r = DecodePageToken(token);
    ASSERT_FALSE(r.ok()) << token;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_EQ(r.status().message(), "Invalid page token, could not base64-decode") << token;
  }
}

TEST(PageTokenTest, RejectsBadJsonAndOffsets) {
  const char* const bad[] = {
      "",  // Decodes to nothing: "====" is skipped entirely.
      "hello",
      "{\"offset\": -1}",
      "{\"offset\": \"5\"}",
      "{\"offset\": 1.5}",
      "{\"offset\": 2.0}",
      "{\"offset\": 1e3}",
      "{\"offset\": 01}",
      "{\"offset\": }",
      "{\"offset\": 5",
      "{\"offset\": 5} x",
      "{\"offset\": 5,}",
      "{\"offset\": 5, \"x\": 1}",
      "{\"other\": 5}",
      "{\"Offset\": 5}",
      "{'offset': 5}",
      "[5]",
      "5",
      "{\"offset\": 9223372036854775808}",
  };
  for (const char* json : bad) {
    const std::string token = *json ? B64(json) : "====";
    Result<int64_t> r = DecodePageToken(token);
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_EQ(r.status().message().rfind("Invalid page token, decoded value=b", 0), 0u)
        << r.status().message();
  }
  EXPECT_EQ(DecodePageToken(B64("hello")).status().message(),
            "Invalid page token, decoded value=b'hello'");
}

TEST(PageTokenTest, SearchTokensCarryTheSortKeyAndStillReadAsMlflowsOffset) {
  PageToken token;
  token.offset = 200;
  token.search = "0123456789abcdef";
  token.after = {int64_t{1735689600000}, std::string("proj-1.model-5")};
  const std::string encoded = EncodePageToken(token);
  EXPECT_EQ(*DecodeBase64(encoded),
            "{\"offset\": 200, \"search\": \"0123456789abcdef\", \"after\": "
            "[1735689600000, \"proj-1.model-5\"]}");
  Result<PageToken> decoded = DecodeSearchPageToken(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->offset, 200);
  EXPECT_EQ(decoded->search, token.search);
  EXPECT_EQ(decoded->after, token.after);
  // The audit log's offset-only tokens are not search tokens.
  EXPECT_EQ(DecodePageToken(encoded).status().code(), ErrorCode::kInvalidParameterValue);
  // Without a sort key the token is MLflow's, byte for byte.
  token.after.clear();
  EXPECT_EQ(EncodePageToken(token), EncodePageToken(200));
  // MLflow's tokens are search tokens with only an offset.
  decoded = DecodeSearchPageToken(EncodePageToken(7));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->offset, 7);
  EXPECT_TRUE(decoded->search.empty());
  EXPECT_TRUE(decoded->after.empty());
  decoded = DecodeSearchPageToken("");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->offset, 0);
}

TEST(PageTokenTest, NamesOfAnyBytesRoundTrip) {
  for (const std::string& name :
       {std::string("a\"b"), std::string("back\\slash"), std::string("tab\tnew\nline"),
        std::string("\x01\x1f\x7f"), std::string("mod\xC3\xA8le \xF0\x9F\x98\x80"),
        std::string("\\u0041"), std::string(""), std::string(256, 'x'), std::string("\0nul", 4)}) {
    PageToken token;
    token.offset = 1;
    token.search = "s";
    token.after = {name, int64_t{-3}, int64_t{0}, std::numeric_limits<int64_t>::min()};
    Result<PageToken> decoded = DecodeSearchPageToken(EncodePageToken(token));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(decoded->after, token.after);
  }
}

TEST(PageTokenTest, RejectsMalformedSearchTokens) {
  const char* const bad[] = {
      "{\"offset\": 5, \"search\": \"s\"}",
      "{\"offset\": 5, \"after\": [1], \"search\": \"s\"}",
      "{\"search\": \"s\", \"after\": [1], \"offset\": 5}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": []}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [1,]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [1, 2, 3, 4, 5]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [1.5]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [01]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [-]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [true]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [null]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [[1]]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [\"a]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [\"a\\x\"]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [\"\\u00e9\"]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [\"\\u00G1\"]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [\"a\nb\"]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [9223372036854775808]}",
      "{\"offset\": 5, \"search\": 7, \"after\": [1]}",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [1]} x",
      "{\"offset\": 5, \"search\": \"s\", \"after\": [1], \"x\": 1}",
  };
  for (const char* json : bad) {
    Result<PageToken> r = DecodeSearchPageToken(B64(json));
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_EQ(r.status().message().rfind("Invalid page token, decoded value=b", 0), 0u)
        << r.status().message();
  }
  // JSON whitespace anywhere between tokens is fine.
  Result<PageToken> spaced = DecodeSearchPageToken(
      B64("\n{ \"offset\":5 ,\"search\" :\"s\",\t\"after\":[ \"a\" ,-2 ] }\r\n"));
  ASSERT_TRUE(spaced.ok()) << spaced.status().ToString();
  EXPECT_EQ(spaced->after, (std::vector<SortValue>{std::string("a"), int64_t{-2}}));
}

TEST(PageTokenTest, FingerprintsTellSearchesApartButNotPageSizes) {
  constexpr SearchTarget kModels = SearchTarget::kRegisteredModels;
  constexpr SearchTarget kVersions = SearchTarget::kModelVersions;
  const std::string base = SearchFingerprint(kModels, "name LIKE 'a%'", {"name DESC"});
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(base, SearchFingerprint(kModels, "name LIKE 'a%'", {"name DESC"}));
  EXPECT_NE(base, SearchFingerprint(kVersions, "name LIKE 'a%'", {"name DESC"}));
  EXPECT_NE(base, SearchFingerprint(kModels, "name LIKE 'b%'", {"name DESC"}));
  EXPECT_NE(base, SearchFingerprint(kModels, "name LIKE 'a%'", {"name ASC"}));
  EXPECT_NE(base, SearchFingerprint(kModels, "name LIKE 'a%'", {}));
  // Parts never run together.
  EXPECT_NE(SearchFingerprint(kModels, "ab", {}), SearchFingerprint(kModels, "a", {"b"}));
  EXPECT_NE(SearchFingerprint(kModels, "", {"a", "b"}), SearchFingerprint(kModels, "", {"ab"}));
  EXPECT_NE(SearchFingerprint(kModels, "", {"a", ""}), SearchFingerprint(kModels, "", {"a"}));
}

}  // namespace
}  // namespace modelwarden
