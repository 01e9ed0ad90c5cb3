#include "registry/validation.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace modelwarden {
namespace {

// Returns the message of a failed Status (and checks its code), "" when it passed.
std::string ErrorOf(const Status& s) {
  if (s.ok()) return "";
  EXPECT_EQ(s.code(), ErrorCode::kInvalidParameterValue);
  return s.message();
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

constexpr char kCyrillicA[] = "\xD0\xB0";  // U+0430, two bytes.

// ---------------------------------------------------------------------------------------
// Model names

TEST(ValidateModelNameTest, AcceptsNonEmptyNamesUpTo256Bytes) {
  EXPECT_TRUE(ValidateModelName("fraud-detector").ok());
  EXPECT_TRUE(ValidateModelName("a").ok());
  EXPECT_TRUE(ValidateModelName(" ").ok());  // MLflow only rejects "".
  EXPECT_TRUE(ValidateModelName("with/slash and %percent").ok());
  EXPECT_TRUE(ValidateModelName(std::string(256, 'x')).ok());
}

TEST(ValidateModelNameTest, RejectsEmptyNamingTheParameter) {
  EXPECT_EQ(ErrorOf(ValidateModelName("")),
            "Missing value for required parameter 'name'. See the API docs for more "
            "information about request parameters.");
  EXPECT_EQ(ErrorOf(ValidateModelName("", "new_name")),
            "Missing value for required parameter 'new_name'. See the API docs for more "
            "information about request parameters.");
}

TEST(ValidateModelNameTest, RejectsOverLongNames) {
  const std::string message = ErrorOf(ValidateModelName(std::string(257, 'x')));
  EXPECT_NE(message.find("256"), std::string::npos) << message;
  EXPECT_NE(message.find("'name'"), std::string::npos) << message;
  // The limit is in bytes: 129 two-byte characters are 258 bytes.
  EXPECT_FALSE(ValidateModelName(Repeat(kCyrillicA, 129)).ok());
  EXPECT_TRUE(ValidateModelName(Repeat(kCyrillicA, 128)).ok());
}

// ---------------------------------------------------------------------------------------
// Tag keys and values

TEST(ValidateTagKeyTest, AcceptsMlflowKeys) {
  for (const std::string& key : std::vector<std::string>{
           "team", "mlflow.prompt.is_prompt", "a/b", "a/b/c.d", "a b", "a:b", "a-b_c.d", "A1",
           ".hidden", "a..b", "x/..y", std::string("\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87"),
           std::string(250, 'k')}) {
    EXPECT_TRUE(ValidateTagKey(key).ok()) << key << ": " << ValidateTagKey(key).ToString();
  }
}

TEST(ValidateTagKeyTest, RejectsBadCharactersWithMlflowMessage) {
  EXPECT_EQ(ErrorOf(ValidateTagKey("a*b")),
            "Invalid value \"a*b\" for parameter 'key' supplied: Names may only contain "
            "alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and "
            "slashes (/).");
  for (const std::string& key :
       std::vector<std::string>{"a\nb", "key\n", "a\tb", "a\"b", "a%b", "a,b", "a;b", "a'b", "a\\b",
                                "a@b", "a?b", "(a)", std::string("a\0b", 3)}) {
    EXPECT_FALSE(ValidateTagKey(key).ok()) << key;
  }
}

TEST(ValidateTagKeyTest, MessageEscapesLikeJsonDumps) {
  EXPECT_EQ(ErrorOf(ValidateTagKey("a\"\n\xC3\xA9*")).substr(0, 37),
            "Invalid value \"a\\\"\\n\\u00e9*\" for para");
  EXPECT_NE(ErrorOf(ValidateTagKey("\xF0\x9F\x98\x80*")).find("\"\\ud83d\\ude00*\""),
            std::string::npos);
}

TEST(ValidateTagKeyTest, RejectsKeysThatAreNotTheirOwnNormalisedPath) {
  EXPECT_EQ(ErrorOf(ValidateTagKey("bad/../key")),
            "Invalid value \"bad/../key\" for parameter 'key' supplied: Names may be treated as "
            "files in certain cases, and must not resolve to other names when treated as such. "
            "This name would resolve to 'key'");
  struct Case {
    const char* key;
    const char* resolves_to;
  };
  const Case cases[] = {
      {"", "'.'"},        {".", "'.'"},         {"..", "'..'"},   {"../x", "'../x'"},
      {"a//b", "'a/b'"},  {"a/./b", "'a/b'"},   {"./a", "'a'"},   {"a/", "'a'"},
      {"/abs", "'/abs'"}, {"//abs", "'//abs'"}, {"a/..", "'.'"},  {"..foo", "'..foo'"},
      {"a/b/", "'a/b'"},  {"a/.", "'a'"},       {"///x", "'/x'"}, {"...x", "'...x'"},
  };
  for (const Case& c : cases) {
    const std::string message = ErrorOf(ValidateTagKey(c.key));
    EXPECT_NE(message.find(std::string("This name would resolve to ") + c.resolves_to),
              std::string::npos)
        << c.key << " -> " << message;
  }
}

TEST(ValidateTagKeyTest, LengthIsCountedInCharacters) {
  EXPECT_EQ(ErrorOf(ValidateTagKey(std::string(251, 'k'))),
            "'key' exceeds the maximum length of 250 characters");
  EXPECT_TRUE(ValidateTagKey(Repeat(kCyrillicA, 250)).ok());  // 500 bytes.
  EXPECT_FALSE(ValidateTagKey(Repeat(kCyrillicA, 251)).ok());
}

TEST(ValidateTagValueTest, LimitIs100000Characters) {
  EXPECT_TRUE(ValidateTagValue("").ok());
  EXPECT_TRUE(ValidateTagValue("any \n text; DROP TABLE x").ok());
  EXPECT_TRUE(ValidateTagValue(std::string(100000, 'v')).ok());
  EXPECT_EQ(ErrorOf(ValidateTagValue(std::string(100001, 'v'))),
            "'value' exceeds the maximum length of 100000 characters");
  EXPECT_TRUE(ValidateTagValue(Repeat(kCyrillicA, 100000)).ok());
  EXPECT_FALSE(ValidateTagValue(Repeat(kCyrillicA, 100001)).ok());
}

// ---------------------------------------------------------------------------------------
// Aliases

TEST(ValidateAliasNameTest, AcceptsWordCharactersAndDashes) {
  for (const char* alias : {"champion", "a-b_c", "A1", "-", "_", "v1", "latest",
                            "\xC3\x9Cn\xC3\xAF"
                            "code"}) {
    EXPECT_TRUE(ValidateAliasName(alias).ok()) << alias;
  }
  EXPECT_TRUE(ValidateAliasName(std::string(255, 'a')).ok());
  EXPECT_TRUE(ValidateAliasName(Repeat(kCyrillicA, 255)).ok());
}

TEST(ValidateAliasNameTest, Rejections) {
  EXPECT_EQ(ErrorOf(ValidateAliasName("")), "Registered model alias name cannot be empty.");
  EXPECT_EQ(ErrorOf(ValidateAliasName("a.b")),
            "Invalid alias name: 'a.b'. Names may only contain alphanumerics, underscores (_), "
            "and dashes (-).");
  for (const char* alias : {"a b", "a/b", "a:b", "champion\n", "a'b", "a%b"}) {
    EXPECT_FALSE(ValidateAliasName(alias).ok()) << alias;
  }
  EXPECT_EQ(ErrorOf(ValidateAliasName(std::string(256, 'a'))),
            "'Registered model alias name' exceeds the maximum length of 255 characters");
  EXPECT_FALSE(ValidateAliasName(Repeat(kCyrillicA, 256)).ok());
}

TEST(ValidateAliasForSetTest, RejectsReservedNames) {
  for (const char* alias : {"latest", "LATEST", "LaTeSt"}) {
    EXPECT_EQ(ErrorOf(ValidateAliasForSet(alias)),
              "'latest' alias name (case insensitive) is reserved.");
  }
  EXPECT_EQ(ErrorOf(ValidateAliasForSet("v1")), "Version alias name 'v1' is reserved.");
  EXPECT_EQ(ErrorOf(ValidateAliasForSet("V23")), "Version alias name 'V23' is reserved.");
  EXPECT_FALSE(ValidateAliasForSet("v007").ok());
}

TEST(ValidateAliasForSetTest, AcceptsLookalikesAndStillChecksCharacters) {
  for (const char* alias :
       {"champion", "v", "V", "v1a", "va1", "version1", "latest1", "_latest", "v-1", "vv1"}) {
    EXPECT_TRUE(ValidateAliasForSet(alias).ok()) << alias;
  }
  EXPECT_EQ(ErrorOf(ValidateAliasForSet("")), "Registered model alias name cannot be empty.");
  EXPECT_FALSE(ValidateAliasForSet("v1.0").ok());
  EXPECT_FALSE(ValidateAliasForSet(std::string(256, 'a')).ok());
}

// ---------------------------------------------------------------------------------------
// Versions

TEST(ParseVersionTest, PythonIntSemantics) {
  struct Case {
    const char* text;
    int64_t value;
  };
  const Case cases[] = {
      {"1", 1},
      {"01", 1},
      {" 1 ", 1},
      {"\t7\n", 7},
      {"+5", 5},
      {"-3", -3},
      {"0", 0},
      {"-0", 0},
      {"9223372036854775807", std::numeric_limits<int64_t>::max()},
      {"-9223372036854775808", std::numeric_limits<int64_t>::min()},
      {"  000000000000000000000042", 42},
  };
  for (const Case& c : cases) {
    Result<int64_t> r = ParseVersion(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.value) << c.text;
  }
}

TEST(ParseVersionTest, Rejections) {
  EXPECT_EQ(ErrorOf(ParseVersion("1.0").status()),
            "Parameter 'version' must be an integer, got '1.0'.");
  EXPECT_EQ(ErrorOf(ParseVersion("").status()), "Parameter 'version' must be an integer, got ''.");
  for (const char* text :
       {" ", "abc", "1a", "a1", "+", "-", "+-1", "1 2", "0x10", "1e3", "1_000", "١",
        "9223372036854775808", "-9223372036854775809", "99999999999999999999999", "1\xC2\xA0"}) {
    Result<int64_t> r = ParseVersion(text);
    EXPECT_FALSE(r.ok()) << text;
    if (!r.ok()) {
      EXPECT_EQ(r.status().message(),
                std::string("Parameter 'version' must be an integer, got '") + text + "'.");
    }
  }
}

// ---------------------------------------------------------------------------------------
// Model version sources

std::string LocalMessage(const std::string& source) {
  return "Invalid model version source: '" + source +
         "'. To use a local path as a model version source, the run_id request parameter has "
         "to be specified and the local path has to be contained within the artifact "
         "directory of the run specified by the run_id.";
}

std::string RelativeMessage(const std::string& source) {
  return "Invalid model version source: '" + source +
         "'. If supplying a source as an http, https, local file path, ftp, objectstore, or "
         "mlflow-artifacts uri, an absolute path must be provided without relative path "
         "references present. Please provide an absolute path.";
}

TEST(ValidateModelVersionSourceTest, AcceptsRemoteAbsoluteSources) {
  for (const char* source : {
           "s3://models/fraud-detector/1",
           "gs://ml-bucket/churn/1",
           "mlflow-artifacts:/models",
           "mlflow-artifacts:/models///",
           "mlflow-artifacts:/models/foo///bar",
           "mlflow-artifacts://host:9000/models",
           "runs:/a1b2c3d4e5f60718293a4b5c6d7e8f90/model",
           "models:/m-0123456789abcdef",
           "models:/fraud-detector/3",
           "s3://bucket",
           "s3://bucket/",
           "S3://Bucket/Path",
           "https://host/api/2.0/mlflow-artifacts/artifacts/..../",
           "https://host/a/...b/c",
           "http://host/a?x=..y#frag",
           "dbfs:/databricks/mlflow/x",
           "s3://b/a+b",
           "s3://b/a%20b",
           "wasbs://container@account.blob.core.windows.net/path",
           "s3://b/a/..;x",  // Not a params scheme: "..;x" is an ordinary segment.
       }) {
    const Status s = ValidateModelVersionSource(source);
    EXPECT_TRUE(s.ok()) << source << ": " << s.ToString();
  }
}

TEST(ValidateModelVersionSourceTest, RejectsLocalSources) {
  for (const std::string& source : std::vector<std::string>{
           "/tmp/pricing-model", "file:///tmp/x", "FILE:/tmp/x", "file://localhost/tmp/x",
           "file://remote-host/x", "relative/path", "model", "dummy-source", "prompt-template",
           "./model", "", " s3://leading-space", "1s3://digit-first", "-x:/a"}) {
    EXPECT_EQ(ErrorOf(ValidateModelVersionSource(source)), LocalMessage(source)) << source;
  }
}

TEST(ValidateModelVersionSourceTest, RejectsRelativeReferences) {
  EXPECT_EQ(ErrorOf(ValidateModelVersionSource("s3://models/pricing/../secrets")),
            RelativeMessage("s3://models/pricing/../secrets"));
  for (const std::string& source : std::vector<std::string>{
           "mlflow-artifacts://host:9000/models/../../../",
           "mlflow-artifacts:/models/../../../",
           "http://host:5000/api/2.0/mlflow-artifacts/artifacts/../../../../",
           "https://host/api/2.0/mlflow-artifacts/artifacts/../../",
           "s3:/my_bucket/models/path/../../other/path",
           "mlflow-artifacts://host:9000/..%2f..%2f..%2f..%2f",
           "mlflow-artifacts://host:9000/models/%2e%2e/%2E%2E/x",
           "mlflow-artifacts://host:9000/models/%252e%252e/x",  // Decoded twice.
           "mlflow-artifacts://host:9000/models/%25252e%25252e/x",
           "http://host:5000/api/2.0/mlflow-artifacts/artifacts%00",
           "s3://b/a%00b",
           "s3://b/a\tb",
           "dbfs:/x/a%3f/../..",
           "s3://bucket/a/./b",
           "s3://bucket/./",
           "s3://bucket/.",
           "s3://bucket/a/.%2fb",
           "runs:abc/model",  // Relative path.
           "models:m-123",
           "s3://bucket/..",
           "s3://b/a?x=/../y",    // ".." segment anywhere in the string.
           "http://host/a/..;x",  // urlparse strips ";x" from http paths.
       }) {
    EXPECT_EQ(ErrorOf(ValidateModelVersionSource(source)), RelativeMessage(source)) << source;
  }
}

}  // namespace
}  // namespace modelwarden
