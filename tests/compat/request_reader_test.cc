#include "compat/request_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace modelwarden {
namespace {

const std::optional<std::string> kJson = "application/json";
constexpr char kHint[] = " See the API docs for more information about request parameters.";

RequestReader Body(std::string_view body, std::string_view method = "POST") {
  Result<RequestReader> reader = RequestReader::Create(method, {}, kJson, body);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return std::move(reader).value();
}

RequestReader Query(const QueryParams& query) {
  Result<RequestReader> reader = RequestReader::Create("GET", query, std::nullopt, "");
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return std::move(reader).value();
}

template <typename T>
std::string MessageOf(const Result<T>& result) {
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kInvalidParameterValue);
  return result.status().message();
}

TEST(RequestReaderTest, ContentTypeMissingOnPost) {
  Result<RequestReader> reader = RequestReader::Create("POST", {}, std::nullopt, "{}");
  EXPECT_EQ(MessageOf(reader), "Bad Request. Content-Type header is missing.");
}

TEST(RequestReaderTest, ContentTypeWrongOnPostAndPut) {
  for (const char* method : {"POST", "PUT"}) {
    Result<RequestReader> reader =
        RequestReader::Create(method, {}, std::string("text/plain"), R"({"name":"m"})");
    EXPECT_EQ(MessageOf(reader), "Bad Request. Content-Type must be one of ['application/json'].");
  }
}

TEST(RequestReaderTest, ContentTypeParametersAllowed) {
  Result<RequestReader> reader = RequestReader::Create(
      "POST", {}, std::string("application/json; charset=utf-8"), R"({"name":"m"})");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(*reader->RequiredString("name"), "m");
}

TEST(RequestReaderTest, ContentTypeNotCheckedForPatchDeleteGet) {
  for (const char* method : {"PATCH", "DELETE", "GET"}) {
    Result<RequestReader> reader =
        RequestReader::Create(method, {}, std::nullopt, R"({"name":"m"})");
    ASSERT_TRUE(reader.ok()) << method;
    EXPECT_EQ(*reader->RequiredString("name"), "m");
  }
}

TEST(RequestReaderTest, RequiredStringMissingOrEmptyOrNull) {
  const std::string expected = std::string("Missing value for required parameter 'name'.") + kHint;
  EXPECT_EQ(MessageOf(Body("{}").RequiredString("name")), expected);
  EXPECT_EQ(MessageOf(Body(R"({"name":""})").RequiredString("name")), expected);
  EXPECT_EQ(MessageOf(Body(R"({"name":null})").RequiredString("name")), expected);
}

TEST(RequestReaderTest, UnparseableOrNonObjectBodyIsEmpty) {
  for (const char* body : {"", R"({"name": "broken)", "[1,2]", "42", "null", "{} trailing"}) {
    EXPECT_EQ(Body(body).RequiredString("name").status().code(), ErrorCode::kInvalidParameterValue)
        << body;
  }
}

TEST(RequestReaderTest, DoubleEncodedBody) {
  EXPECT_EQ(*Body(R"("{\"name\": \"m\"}")").RequiredString("name"), "m");
}

TEST(RequestReaderTest, WrongTypeMessagesUsePythonTypeNames) {
  EXPECT_EQ(MessageOf(Body(R"({"name":123})").RequiredString("name")),
            std::string("Invalid value 123 for parameter 'name' supplied:  Hint: Value was of "
                        "type 'int'.") +
                kHint);
  EXPECT_EQ(MessageOf(Body(R"({"version":1})").RequiredString("version")),
            std::string("Invalid value 1 for parameter 'version' supplied:  Hint: Value was of "
                        "type 'int'.") +
                kHint);
  EXPECT_EQ(MessageOf(Body(R"({"tags":{"team":"x"}})").Tags("tags")),
            std::string("Invalid value {\"team\":\"x\"} for parameter 'tags' supplied:  Hint: "
                        "Value was of type 'dict'.") +
                kHint);
  EXPECT_NE(MessageOf(Body(R"({"a":1.5})").OptionalString("a")).find("'float'"), std::string::npos);
  EXPECT_NE(MessageOf(Body(R"({"a":true})").OptionalString("a")).find("'bool'"), std::string::npos);
  EXPECT_NE(MessageOf(Body(R"({"a":["x"]})").OptionalString("a")).find("'list'"),
            std::string::npos);
}

TEST(RequestReaderTest, EchoedObjectsHaveSortedKeys) {
  EXPECT_NE(MessageOf(Body(R"({"a":{"z":1,"b":[true,null]}})").OptionalString("a"))
                .find(R"(Invalid value {"b":[true,null],"z":1})"),
            std::string::npos);
}

TEST(RequestReaderTest, OptionalStringPresence) {
  RequestReader reader = Body(R"({"description":"","other":"x"})");
  EXPECT_EQ(reader.OptionalString("description")->value(), "");
  EXPECT_FALSE(reader.OptionalString("absent")->has_value());
  EXPECT_FALSE(Body(R"({"d":null})").OptionalString("d")->has_value());
  EXPECT_EQ(*reader.StringOr("absent", "fallback"), "fallback");
  EXPECT_EQ(*reader.StringOr("other", "fallback"), "x");
}

TEST(RequestReaderTest, LastDuplicateKeyWins) {
  EXPECT_EQ(*Body(R"({"name":"first","name":"second"})").RequiredString("name"), "second");
}

TEST(RequestReaderTest, Int64FromNumbersAndNumericStrings) {
  EXPECT_EQ(Body(R"({"n":100})").OptionalInt64("n")->value(), 100);
  EXPECT_EQ(Body(R"({"n":"1001"})").OptionalInt64("n")->value(), 1001);
  EXPECT_EQ(Body(R"({"n":-5})").OptionalInt64("n")->value(), -5);
  EXPECT_EQ(Body(R"({"n":10.0})").OptionalInt64("n")->value(), 10);
  EXPECT_EQ(Body(R"({"n":"9223372036854775807"})").OptionalInt64("n")->value(), INT64_MAX);
  EXPECT_FALSE(Body("{}").OptionalInt64("n")->has_value());
}

TEST(RequestReaderTest, Int64Rejects) {
  for (const char* body : {R"({"n":"abc"})", R"({"n":1.5})", R"({"n":true})", R"({"n":" 5"})",
                           R"({"n":"9223372036854775808"})", R"({"n":18446744073709551615})",
                           R"({"n":[1]})", R"({"n":""})"}) {
    EXPECT_EQ(Body(body).OptionalInt64("n").status().code(), ErrorCode::kInvalidParameterValue)
        << body;
  }
  EXPECT_EQ(MessageOf(Body(R"({"n":"abc"})").OptionalInt64("n")),
            std::string("Invalid value \"abc\" for parameter 'n' supplied:  Hint: Value was of "
                        "type 'str'.") +
                kHint);
}

TEST(RequestReaderTest, BoolFromJson) {
  EXPECT_TRUE(Body(R"({"b":true})").OptionalBool("b")->value());
  EXPECT_FALSE(Body(R"({"b":false})").OptionalBool("b")->value());
  EXPECT_FALSE(Body("{}").OptionalBool("b")->has_value());
  // protobuf's JSON parser takes only true/false for a bool in a body.
  EXPECT_EQ(
      MessageOf(
          Body(R"({"archive_existing_versions":"yes"})").OptionalBool("archive_existing_versions")),
      std::string("Invalid value \"yes\" for parameter 'archive_existing_versions' "
                  "supplied:  Hint: Value was of type 'str'.") +
          kHint);
  EXPECT_FALSE(Body(R"({"b":"true"})").OptionalBool("b").ok());
  EXPECT_FALSE(Body(R"({"b":1})").OptionalBool("b").ok());
}

TEST(RequestReaderTest, StringListFromJson) {
  EXPECT_EQ(*Body(R"({"stages":["Staging","Archived"]})").StringList("stages"),
            (std::vector<std::string>{"Staging", "Archived"}));
  EXPECT_TRUE(Body("{}").StringList("stages")->empty());
  EXPECT_TRUE(Body(R"({"stages":null})").StringList("stages")->empty());
  EXPECT_NE(MessageOf(Body(R"({"stages":"Staging"})").StringList("stages")).find("'str'"),
            std::string::npos);
  EXPECT_NE(MessageOf(Body(R"({"stages":["a",1]})").StringList("stages")).find("'list'"),
            std::string::npos);
}

TEST(RequestReaderTest, Tags) {
  std::vector<Tag> tags =
      *Body(R"({"tags":[{"key":"team","value":"risk"},{"key":"k"},{"key":"n","value":null}]})")
           .Tags("tags");
  EXPECT_EQ(tags, (std::vector<Tag>{{"team", "risk"}, {"k", ""}, {"n", ""}}));
  EXPECT_TRUE(Body("{}").Tags("tags")->empty());
  for (const char* body :
       {R"({"tags":[1]})", R"({"tags":[{"key":1}]})", R"({"tags":[{"key":"k","value":2}]})",
        R"({"tags":["k"]})", R"({"tags":"k"})"}) {
    EXPECT_EQ(Body(body).Tags("tags").status().code(), ErrorCode::kInvalidParameterValue) << body;
  }
}

TEST(RequestReaderTest, QueryFieldsOnGet) {
  RequestReader reader = Query({{"name", "m"},
                                {"max_results", "10"},
                                {"order_by", "name ASC"},
                                {"order_by", "last_updated_timestamp DESC"}});
  EXPECT_EQ(*reader.RequiredString("name"), "m");
  EXPECT_EQ(reader.OptionalInt64("max_results")->value(), 10);
  EXPECT_EQ(*reader.StringList("order_by"),
            (std::vector<std::string>{"name ASC", "last_updated_timestamp DESC"}));
  EXPECT_TRUE(reader.StringList("stages")->empty());
  EXPECT_FALSE(reader.OptionalString("filter")->has_value());
}

TEST(RequestReaderTest, QueryTakesFirstValueOfScalar) {
  EXPECT_EQ(*Query({{"name", "a"}, {"name", "b"}}).RequiredString("name"), "a");
}

TEST(RequestReaderTest, QueryIntegerErrors) {
  EXPECT_EQ(MessageOf(Query({{"max_results", "abc"}}).OptionalInt64("max_results")),
            std::string("Invalid value \"abc\" for parameter 'max_results' supplied:  Hint: "
                        "Value was of type 'str'.") +
                kHint);
}

TEST(RequestReaderTest, QueryBooleans) {
  EXPECT_TRUE(Query({{"b", "TRUE"}}).OptionalBool("b")->value());
  EXPECT_FALSE(Query({{"b", "False"}}).OptionalBool("b")->value());
  EXPECT_EQ(MessageOf(Query({{"b", "yes"}}).OptionalBool("b")),
            "Invalid boolean value: yes, must be 'true' or 'false'.");
}

TEST(RequestReaderTest, QueryIgnoredForOtherMethods) {
  Result<RequestReader> reader =
      RequestReader::Create("DELETE", {{"name", "from-query"}}, kJson, R"({"name":"body"})");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(*reader->RequiredString("name"), "body");
}

TEST(RequestReaderTest, GetWithoutQueryReadsBody) {
  Result<RequestReader> reader = RequestReader::Create("GET", {}, std::nullopt, R"({"name":"m"})");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(*reader->RequiredString("name"), "m");
}

TEST(RequestReaderTest, GetWithUnrelatedQueryDoesNotReadBody) {
  Result<RequestReader> reader =
      RequestReader::Create("GET", {{"other", "1"}}, std::nullopt, R"({"name":"m"})");
  ASSERT_TRUE(reader.ok());
  EXPECT_FALSE(reader->RequiredString("name").ok());
}

TEST(RequestReaderTest, RejectsInvalidUtf8) {
  EXPECT_NE(MessageOf(Body("{\"name\":\"bad\xff\"}").RequiredString("name")).find("UTF-8"),
            std::string::npos);
  EXPECT_FALSE(Body("{\"tags\":[{\"key\":\"k\",\"value\":\"\xc0\xaf\"}]}").Tags("tags").ok());
  EXPECT_FALSE(Body("{\"order_by\":[\"\xed\xa0\x80\"]}").StringList("order_by").ok());
  EXPECT_FALSE(Query({{"name", "bad\xfe"}}).RequiredString("name").ok());
  EXPECT_EQ(*Body("{\"name\":\"mod\xc3\xa8le \xf0\x9f\x98\x80\"}").RequiredString("name"),
            "mod\xc3\xa8le \xf0\x9f\x98\x80");
}

TEST(RequestReaderTest, DeepNestingDoesNotCrash) {
  const std::string body =
      R"({"name":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(Body(body).RequiredString("name").status().code(), ErrorCode::kInvalidParameterValue);
}

TEST(RequestReaderTest, ParseStage) {
  EXPECT_EQ(*ParseStage("staging"), Stage::kStaging);
  EXPECT_EQ(*ParseStage("PRODUCTION"), Stage::kProduction);
  EXPECT_EQ(*ParseStage("None"), Stage::kNone);
  EXPECT_EQ(MessageOf(ParseStage("Bogus")),
            "Invalid Model Version stage: Bogus. Value must be one of None, Staging, Production, "
            "Archived.");
}

}  // namespace
}  // namespace modelwarden
