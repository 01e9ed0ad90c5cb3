#include "registry/text.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace modelwarden {
namespace {

std::string AllBytes() {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  return all;
}

TEST(TextTest, CharacterClassesAreAsciiOnly) {
  std::string digits, upper, lower, spaces;
  for (char c : AllBytes()) {
    if (IsAsciiDigit(c)) digits += c;
    if (IsAsciiUpper(c)) upper += c;
    if (IsAsciiLower(c)) lower += c;
    if (IsAsciiSpace(c)) spaces += c;
    EXPECT_EQ(IsAsciiAlpha(c), IsAsciiUpper(c) || IsAsciiLower(c)) << static_cast<int>(c);
  }
  EXPECT_EQ(digits, "0123456789");
  EXPECT_EQ(upper, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  EXPECT_EQ(lower, "abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(spaces, "\t\n\v\f\r ");
}

TEST(TextTest, CaseMappingTouchesOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Hello, WORLD 42_@[`{"), "hello, world 42_@[`{");
  EXPECT_EQ(AsciiUpper("Hello, world 42_@[`{"), "HELLO, WORLD 42_@[`{");
  // "Ä" and "ä" in UTF-8, and a NUL, pass through unchanged.
  const std::string non_ascii("\xC3\x84\xC3\xA4\0x", 6);
  EXPECT_EQ(AsciiLower(non_ascii), non_ascii);
  EXPECT_EQ(AsciiUpper(non_ascii), std::string("\xC3\x84\xC3\xA4\0X", 6));
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(TextTest, EqualsIgnoreAsciiCase) {
  EXPECT_TRUE(EqualsIgnoreAsciiCase("Basic", "bASIC"));
  EXPECT_TRUE(EqualsIgnoreAsciiCase("", ""));
  EXPECT_FALSE(EqualsIgnoreAsciiCase("basic", "basic "));
  EXPECT_FALSE(EqualsIgnoreAsciiCase("basic", "basiq"));
  // '[' is 'Z' + 1 and '{' is 'z' + 1: not letters, not equal.
  EXPECT_FALSE(EqualsIgnoreAsciiCase("[", "{"));
  EXPECT_FALSE(EqualsIgnoreAsciiCase("\xC3\x84", "\xC3\xA4"));
}

TEST(TextTest, StartsWith) {
  EXPECT_TRUE(StartsWith("runs:/abc", "runs:/"));
  EXPECT_TRUE(StartsWith("runs:/", "runs:/"));
  EXPECT_TRUE(StartsWith("anything", ""));
  EXPECT_TRUE(StartsWith("", ""));
  EXPECT_FALSE(StartsWith("runs:", "runs:/"));
  EXPECT_FALSE(StartsWith("Runs:/abc", "runs:/"));
  EXPECT_FALSE(StartsWith("", "r"));
}

TEST(TextTest, TrimRemovesAsciiWhitespaceOnly) {
  EXPECT_EQ(Trim(" \t\n\v\f\rab c\r\n "), "ab c");
  EXPECT_EQ(Trim("   "), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("x"), "x");
  // NUL and a UTF-8 no-break space (C2 A0) are not ASCII whitespace.
  EXPECT_EQ(Trim(std::string("\0x\0", 3)), std::string("\0x\0", 3));
  EXPECT_EQ(Trim("\xC2\xA0x "), "\xC2\xA0x");
}

TEST(TextTest, TrimAnyRemovesTheGivenBytes) {
  EXPECT_EQ(TrimAny(" \t token\t ", " \t"), "token");
  EXPECT_EQ(TrimAny("\ntoken\n", " \t"), "\ntoken\n");
  EXPECT_EQ(TrimAny(" \t ", " \t"), "");
  EXPECT_EQ(TrimAny("", " \t"), "");
  EXPECT_EQ(TrimAny("abc", ""), "abc");
}

TEST(TextTest, HexEncodesEveryByte) {
  const std::string hex = HexEncode(AllBytes());
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(2 * 0x0a, 12), "0a0b0c0d0e0f");
  EXPECT_EQ(hex.substr(508), "feff");
  EXPECT_EQ(HexEncodeUpper(AllBytes()).substr(2 * 0xfa), "FAFBFCFDFEFF");
  EXPECT_EQ(HexEncodeUpper(std::string("\x00\x7f\x80", 3)), "007F80");
  EXPECT_EQ(HexEncode(""), "");
  for (int i = 0; i < 256; ++i) {
    const std::string byte(1, static_cast<char>(i));
    const std::string digits = HexEncode(byte);
    EXPECT_EQ(HexDigitValue(digits[0]) * 16 + HexDigitValue(digits[1]), i);
    const std::string upper = HexEncodeUpper(byte);
    EXPECT_EQ(HexDigitValue(upper[0]) * 16 + HexDigitValue(upper[1]), i);
  }
}

TEST(TextTest, HexDigitValue) {
  std::string digits;
  for (char c : AllBytes()) {
    if (HexDigitValue(c) >= 0) digits += c;
  }
  EXPECT_EQ(digits, "0123456789ABCDEFabcdef");
  EXPECT_EQ(HexDigitValue('0'), 0);
  EXPECT_EQ(HexDigitValue('9'), 9);
  EXPECT_EQ(HexDigitValue('a'), 10);
  EXPECT_EQ(HexDigitValue('F'), 15);
  EXPECT_EQ(HexDigitValue('g'), -1);
}

TEST(TextTest, CountCodePointsCountsLikePythonLen) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("\xC3\xA4"), 1u);          // ä
  EXPECT_EQ(CountCodePoints("\xE6\x97\xA5"), 1u);      // 日
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x98\x80"), 1u);  // 😀
  EXPECT_EQ(CountCodePoints("a\xC3\xA4\xE6\x97\xA5\xF0\x9F\x98\x80z"), 5u);
  EXPECT_EQ(CountCodePoints(std::string(250, 'k')), 250u);
  // Every byte that is not a continuation byte starts a code point.
  EXPECT_EQ(CountCodePoints("\xC3"), 1u);
  EXPECT_EQ(CountCodePoints("\x80\x80"), 0u);
}

TEST(TextTest, PercentDecodeIsStrict) {
  EXPECT_EQ(PercentDecode("p%40ss%2Fw%3ad", false), "p@ss/w:d");
  EXPECT_EQ(PercentDecode("%00", false), std::string(1, '\0'));
  EXPECT_EQ(PercentDecode("%C3%A4", false), "\xC3\xA4");
  EXPECT_EQ(PercentDecode("", false), "");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b%2B", true), "a b+");
  for (const char* bad : {"%", "%4", "a%4", "%zz", "%4g", "%%41", "100%"}) {
    EXPECT_EQ(PercentDecode(bad, false), std::nullopt) << bad;
    EXPECT_EQ(PercentDecode(bad, true), std::nullopt) << bad;
  }
}

TEST(TextTest, UnquoteKeepsMalformedEscapesLikePython) {
  // urllib.parse.unquote("100%") == "100%", unquote("%zz%41") == "%zzA".
  EXPECT_EQ(Unquote("%2E%2e/%2F"), "..//");
  EXPECT_EQ(Unquote("100%"), "100%");
  EXPECT_EQ(Unquote("%4"), "%4");
  EXPECT_EQ(Unquote("%zz%41"), "%zzA");
  EXPECT_EQ(Unquote("%%41"), "%A");
  EXPECT_EQ(Unquote("a+b"), "a+b");
  EXPECT_EQ(UnquotePlus("a+b%2B%"), "a b+%");
  EXPECT_EQ(Unquote(""), "");
}

// --- base64 -----------------------------------------------------------------------------

TEST(Base64Test, RoundTripsEveryLengthAndByte) {
  const std::string all = AllBytes();
  for (size_t length = 0; length <= all.size(); length += (length < 10 ? 1 : 37)) {
    const std::string data = all.substr(all.size() - length);
    const std::string encoded = EncodeBase64(data);
    EXPECT_EQ(encoded.size() % 4, 0u);
    EXPECT_EQ(DecodeBase64(encoded), data) << encoded;
    EXPECT_EQ(DecodeBase64LikePython(encoded), data) << encoded;
  }
}

TEST(Base64Test, KnownValues) {
  // RFC 4648 section 10.
  EXPECT_EQ(EncodeBase64(""), "");
  EXPECT_EQ(EncodeBase64("f"), "Zg==");
  EXPECT_EQ(EncodeBase64("fo"), "Zm8=");
  EXPECT_EQ(EncodeBase64("foo"), "Zm9v");
  EXPECT_EQ(EncodeBase64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(DecodeBase64("Zm9vYg=="), "foob");
  EXPECT_EQ(DecodeBase64("Zm9vYmE="), "fooba");
  EXPECT_EQ(DecodeBase64("dXNlcjpwYXNz"), "user:pass");
  EXPECT_EQ(EncodeBase64(std::string("\xfb\xff", 2)), "+/8=");
  EXPECT_EQ(EncodeBase64Url(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_EQ(EncodeBase64Url("foob"), "Zm9vYg");
  EXPECT_EQ(EncodeBase64Url("foo"), "Zm9v");
  EXPECT_EQ(EncodeBase64("{\"offset\": 2}"), "eyJvZmZzZXQiOiAyfQ==");
}

TEST(Base64Test, StrictDecodeRejectsNonCanonicalInput) {
  for (const char* bad : {
           "Zg",          // Missing padding.
           "Zg=",         // Short padding.
           "Zh==",        // Non-zero trailing bits.
           "Zm9=",        // Non-zero trailing bits.
           "Zg===",       // Too much padding.
           "=Zg=",        // Padding first.
           "Zg=a",        // Padding in the middle.
           "Z=g=",        // Padding in the middle.
           "====",        // Only padding.
           " Zm9v",       // Leading space.
           "Zm9v ",       // Trailing space.
           "Zm9v\n",      // Trailing newline.
           "Zm\n9v",      // Embedded newline.
           "Zm9v\tYmFy",  // Embedded tab.
           "Zm9-",        // URL-safe alphabet.
           "Zm9_",        // URL-safe alphabet.
           "Zm9*",        // Not base64.
           "    ",        // Whitespace only.
       }) {
    EXPECT_EQ(DecodeBase64(bad), std::nullopt) << "'" << bad << "'";
  }
  EXPECT_EQ(DecodeBase64(std::string("Zm9v\0\0\0\0", 8)), std::nullopt);
  EXPECT_EQ(DecodeBase64(""), "");
}

// Each expectation is what CPython 3 answers for base64.b64decode(text), except where noted.
TEST(Base64Test, PythonDecodeIsLenientLikeBinascii) {
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
      {"", ""},
      {"QUFB", "AAA"},
      {"QQ==", "A"},
      {"QUE=", "AA"},
      {"QR==", "A"},                      // Non-zero trailing bits are ignored.
      {"QQ===", "A"},                     // Decoding stops at the first complete padding...
      {"QQ==QUFB", "A"},                  // ...and ignores what follows,
      {"QQ==\xff", "A"},                  // even non-ASCII (which Python rejects up front).
      {"QU\nFB", "AAA"},                  // Bytes outside the alphabet are skipped:
      {" Q U F B ", "AAA"},               // spaces,
      {"QU-F_B", "AAA"},                  // the URL-safe alphabet,
      {std::string("QU\0FB", 5), "AAA"},  // NUL.
      {"====", ""},                       // Padding before two data bytes is skipped.
      {"=QQ==", "A"},
      {"Q=Q==", "A"},
      {"QQ=A=", std::string("A\0", 2)},  // One '=' does not complete "QQ"; "QQA=" does.
      {"Q", std::nullopt},               // One byte more than a multiple of four.
      {"QUFBQ", std::nullopt},
      {"QQ", std::nullopt},  // Incorrect padding.
      {"QQ=", std::nullopt},
      {"QUE", std::nullopt},
      {"QU\xc3\xa9"
       "FB",
       std::nullopt},  // Non-ASCII before the end.
  };
  for (const auto& [text, expected] : cases) {
    EXPECT_EQ(DecodeBase64LikePython(text), expected) << "'" << text << "'";
  }
}

// The hand-written decoder the page tokens used before DecodeBase64LikePython, a transcription
// of binascii_a2b_base64_impl; kept here as an oracle for the OpenSSL-based one.
std::optional<std::string> ReferenceA2bBase64(std::string_view in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int quad_pos = 0;
  int pads = 0;
  unsigned left = 0;
  for (char c : in) {
    if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;
    if (c == '=') {
      if (quad_pos >= 2) {
        ++pads;
        if (quad_pos + pads >= 4) return out;
      }
      continue;
    }
    const size_t found = kAlphabet.find(c);
    if (found == std::string::npos) continue;
    const auto v = static_cast<unsigned>(found);
    pads = 0;
    switch (quad_pos) {
      case 0:
        left = v;
        quad_pos = 1;
        break;
      case 1:
        out.push_back(static_cast<char>((left << 2) | (v >> 4)));
        left = v & 0x0f;
        quad_pos = 2;
        break;
      case 2:
        out.push_back(static_cast<char>(((left << 4) | (v >> 2)) & 0xff));
        left = v & 0x03;
        quad_pos = 3;
        break;
      default:
        out.push_back(static_cast<char>(((left << 6) | v) & 0xff));
        quad_pos = 0;
        break;
    }
  }
  if (quad_pos != 0) return std::nullopt;
  return out;
}

TEST(Base64Test, PythonDecodeMatchesTheReferenceOnEveryShortInput) {
  // Every string of up to six bytes over data bytes (two with non-zero low bits), padding,
  // skipped bytes and a non-ASCII byte: 7 + 7^2 + ... + 7^6 = 137,256 inputs.
  const std::string symbols = std::string("AQR/=-\xe9");
  std::vector<std::string> inputs = {""};
  size_t checked = 0;
  for (int length = 1; length <= 6; ++length) {
    std::vector<std::string> longer;
    for (const std::string& prefix : inputs) {
      for (char c : symbols) longer.push_back(prefix + c);
    }
    inputs = std::move(longer);
    for (const std::string& text : inputs) {
      ASSERT_EQ(DecodeBase64LikePython(text), ReferenceA2bBase64(text)) << "'" << text << "'";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 137256u);
}

TEST(TextTest, QuoteIsPythonsUrllibQuote) {
  EXPECT_EQ(Quote("a b/c%d~e_f.g-h"), "a%20b/c%25d~e_f.g-h");
  EXPECT_EQ(Quote("a/b", ""), "a%2Fb");
  EXPECT_EQ(Quote("\xc3\xa9?#&="), "%C3%A9%3F%23%26%3D");
  EXPECT_EQ(Unquote(Quote(AllBytes(), "")), AllBytes());
}

}  // namespace
}  // namespace modelwarden
