// Hostile and malformed requests against the real server: each must be answered with an
// MLflow error body {"error_code", "message"} and the right status, and must change nothing.
// "Nothing changed" is checked by comparing, before and after, the answers of both searches
// and of the seed model and version (GETs do not touch timestamps, so any write shows).

#include <gmock/gmock.h>
#include <zlib.h>

#include "tests/api/api_test.h"

namespace modelwarden::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

struct Call {
  std::string method;
  std::string endpoint;
  std::string body;  // JSON body; for GET the query is in `query`.
  Query query = {};
};

class BadInputTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    CreateModel("seed", {{"team", "risk"}});
    ASSERT_EQ(CreateVersion("seed", "s3://models/seed/1", {{"k", "v"}}), "1");
    ASSERT_TRUE(IsOkJson(api().Post("/registered-models/alias",
                                    R"({"name":"seed","alias":"champion","version":"1"})")));
    baseline_ = Snapshot();
  }

  // Everything a stray write could change, as the server reports it.
  std::string Snapshot() {
    std::string snapshot;
    const auto add = [&](const ApiResponse& response) {
      snapshot += std::to_string(response.status) + " " + response.body + "\n";
    };
    add(api().Get("/registered-models/search", {{"max_results", "1000"}}));
    add(api().Get("/model-versions/search", {{"max_results", "1000"}}));
    add(api().Get("/registered-models/get", {{"name", "seed"}}));
    add(api().Get("/model-versions/get", {{"name", "seed"}, {"version", "1"}}));
    return snapshot;
  }

  void ExpectNothingChanged() {
    const std::string now = Snapshot();
    if (now == baseline_) return;
    // Line by line, shortened: a rejected write may have stored kilobytes.
    const auto shorten = [](const std::string& snapshot) {
      std::string out;
      size_t start = 0;
      while (start < snapshot.size()) {
        const size_t end = snapshot.find('\n', start);
        const std::string line = snapshot.substr(start, end - start);
        out += "  " + (line.size() > 400 ? line.substr(0, 400) + "..." : line) + "\n";
        start = end == std::string::npos ? snapshot.size() : end + 1;
      }
      return out;
    };
    ADD_FAILURE() << "a rejected request changed the registry\nbefore:\n"
                  << shorten(baseline_) << "after:\n"
                  << shorten(now);
  }

  // 404, or 400 for a name that is invalid and so cannot exist (e.g. with a NUL byte).
  void ExpectModelAbsent(const std::string& name) {
    const ApiResponse got = api().Get("/registered-models/get", {{"name", name}});
    EXPECT_TRUE(IsMlflowError(got, 404, "RESOURCE_DOES_NOT_EXIST") ||
                IsMlflowError(got, 400, "INVALID_PARAMETER_VALUE"))
        << "model " << JsonString(name) << " was created: " << got.Describe();
  }

  ApiResponse Run(const Call& call) {
    if (call.method == "GET") return api().Get(call.endpoint, call.query);
    if (call.method == "POST") return api().Post(call.endpoint, call.body);
    if (call.method == "PATCH") return api().Patch(call.endpoint, call.body);
    return api().Delete(call.endpoint, call.body);
  }

  void ExpectAllRejected(const std::vector<Call>& calls, int status = 400,
                         const char* code = "INVALID_PARAMETER_VALUE") {
    for (const Call& call : calls) {
      EXPECT_TRUE(IsMlflowError(Run(call), status, code))
          << call.method << " " << call.endpoint << " " << call.body << FormEncode(call.query);
    }
  }

  std::string baseline_;
};

TEST_P(BadInputTest, MalformedAndNonObjectJsonBodiesAreRejectedAndWriteNothing) {
  // Flask reads an unparseable or non-object body as {}: the first required field is missing.
  const std::vector<std::string> bodies = {R"({"name":"x")",
                                           R"({name: "x"})",
                                           R"({"name":"x",})",
                                           R"([{"name":"x"}])",
                                           R"({"name":"x"} trailing)",
                                           R"("just a string")",
                                           "42",
                                           "-1.5e3",
                                           "true",
                                           "null",
                                           "",
                                           std::string("{\"name\":\"x\"\0}", 13)};
  for (const std::string& body : bodies) {
    for (const char* endpoint : {"/registered-models/create", "/model-versions/create",
                                 "/registered-models/set-tag", "/model-versions/set-tag"}) {
      EXPECT_TRUE(IsMlflowError(api().Post(endpoint, body), 400, "INVALID_PARAMETER_VALUE"))
          << endpoint << " with body '" << body << "'";
    }
  }
  ExpectModelAbsent("x");
  ExpectNothingChanged();
}

TEST_P(BadInputTest, WrongJsonTypesAreRejectedAndWriteNothing) {
  const std::string transition = R"({"name":"seed","version":"1","stage":"Production",)";
  std::vector<Call> calls = {
      // name
      {"POST", "/registered-models/create", R"({"name":1})"},
      {"POST", "/registered-models/create", R"({"name":true})"},
      {"POST", "/registered-models/create", R"({"name":["typed"]})"},
      {"POST", "/registered-models/create", R"({"name":{"n":"typed"}})"},
      {"POST", "/model-versions/create", R"({"name":5,"source":"s3://m/2"})"},
      {"PATCH", "/registered-models/update", R"({"name":["seed"],"description":"d"})"},
      {"DELETE", "/registered-models/delete", R"({"name":{"name":"seed"}})"},
      // tags
      {"POST", "/registered-models/create", R"({"name":"typed","tags":"team=risk"})"},
      {"POST", "/registered-models/create", R"({"name":"typed","tags":{"key":"k","value":"v"}})"},
      {"POST", "/registered-models/create", R"({"name":"typed","tags":[1]})"},
      {"POST", "/registered-models/create", R"({"name":"typed","tags":[["k","v"]]})"},
      {"POST", "/registered-models/create", R"({"name":"typed","tags":[{"key":1,"value":"v"}]})"},
      {"POST", "/registered-models/create", R"({"name":"typed","tags":[{"key":"k","value":2}]})"},
      {"POST", "/model-versions/create", R"({"name":"seed","source":"s3://m/2","tags":"k"})"},
      {"POST", "/model-versions/create",
       R"({"name":"seed","source":"s3://m/2","tags":[{"key":"k","value":false}]})"},
      // other strings
      {"POST", "/registered-models/create", R"({"name":"typed","description":5})"},
      {"POST", "/model-versions/create", R"({"name":"seed","source":5})"},
      {"POST", "/registered-models/set-tag", R"({"name":"seed","key":"k2","value":7})"},
      // version
      {"POST", "/model-versions/transition-stage",
       R"({"name":"seed","version":true,"stage":"Production"})"},
      {"POST", "/model-versions/transition-stage",
       R"({"name":"seed","version":[1],"stage":"Production"})"},
      {"POST", "/model-versions/transition-stage",
       R"({"name":"seed","version":{"v":1},"stage":"Production"})"},
      {"POST", "/model-versions/transition-stage",
       R"({"name":"seed","version":1.5,"stage":"Production"})"},
      {"POST", "/model-versions/set-tag", R"({"name":"seed","version":false,"key":"k2"})"},
      {"POST", "/registered-models/alias", R"({"name":"seed","alias":"a1","version":[1]})"},
      {"DELETE", "/model-versions/delete", R"({"name":"seed","version":{"v":"1"}})"},
      // archive_existing_versions
      {"POST", "/model-versions/transition-stage",
       transition + R"("archive_existing_versions":"true"})"},
      {"POST", "/model-versions/transition-stage",
       transition + R"("archive_existing_versions":1})"},
      {"POST", "/model-versions/transition-stage",
       transition + R"("archive_existing_versions":[true]})"},
      {"POST", "/model-versions/transition-stage",
       transition + R"("archive_existing_versions":{}})"},
      // max_results (searches are GETs: the query string carries it)
      {"GET", "/registered-models/search", "", {{"max_results", "abc"}}},
      {"GET", "/registered-models/search", "", {{"max_results", "1.5"}}},
      {"GET", "/registered-models/search", "", {{"max_results", "10 "}}},
      {"GET", "/model-versions/search", "", {{"max_results", "1e3"}}},
      {"GET", "/model-versions/search", "", {{"max_results", "ten"}}},
      {"GET", "/registered-models/get-latest-versions", "", {{"name", "seed"}, {"stages", "Live"}}},
  };
  ExpectAllRejected(calls);
  ExpectModelAbsent("typed");
  ExpectNothingChanged();
}

TEST_P(BadInputTest, MissingRequiredFieldsAreRejectedAndWriteNothing) {
  ExpectAllRejected({
      {"POST", "/registered-models/create", "{}"},
      {"POST", "/registered-models/create", R"({"name":""})"},
      {"POST", "/registered-models/create", R"({"name":null,"tags":[{"key":"k","value":"v"}]})"},
      {"POST", "/model-versions/create", R"({"name":"seed"})"},
      {"POST", "/model-versions/create", R"({"source":"s3://m/2"})"},
      {"POST", "/model-versions/create", R"({"name":"seed","source":""})"},
      {"POST", "/model-versions/transition-stage", R"({"name":"seed","version":"1"})"},
      {"POST", "/model-versions/transition-stage", R"({"name":"seed","stage":"Production"})"},
      {"POST", "/registered-models/alias", R"({"name":"seed","alias":"a1"})"},
      {"POST", "/registered-models/alias", R"({"name":"seed","version":"1"})"},
      {"POST", "/registered-models/set-tag", R"({"name":"seed","value":"v"})"},
      {"POST", "/model-versions/set-tag", R"({"name":"seed","key":"k2","value":"v"})"},
      {"POST", "/registered-models/rename", R"({"name":"seed"})"},
      {"POST", "/registered-models/rename", R"({"new_name":"renamed"})"},
      {"PATCH", "/registered-models/update", R"({"description":"d"})"},
      {"PATCH", "/model-versions/update", R"({"name":"seed","description":"d"})"},
      {"DELETE", "/registered-models/delete", "{}"},
      {"DELETE", "/model-versions/delete", R"({"name":"seed"})"},
      {"DELETE", "/registered-models/delete-tag", R"({"name":"seed"})"},
      {"DELETE", "/model-versions/delete-tag", R"({"name":"seed","version":"1"})"},
      {"DELETE", "/registered-models/alias", R"({"name":"seed"})"},
      {"GET", "/registered-models/get", ""},
      {"GET", "/model-versions/get", "", {{"name", "seed"}}},
      {"GET", "/registered-models/alias", "", {{"name", "seed"}}},
      {"GET", "/registered-models/get-latest-versions", "", {{"stages", "None"}}},
  });
  ExpectModelAbsent("renamed");
  ExpectNothingChanged();
}

TEST_P(BadInputTest, PostWithoutJsonContentTypeIsRejectedAndWritesNothing) {
  const std::string body = R"({"name":"no-content-type"})";
  // cpp-httplib's client labels any body, so the request without Content-Type goes raw.
  const ApiResponse missing =
      SendRaw(server().port(),
              "POST /api/2.0/mlflow/registered-models/create HTTP/1.1\r\n"
              "Host: 127.0.0.1\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  EXPECT_TRUE(IsMlflowError(missing, 400, "INVALID_PARAMETER_VALUE"));
  EXPECT_NE(missing.StringAt("/message").value_or("").find("Content-Type"), std::string::npos)
      << missing.body;
  for (const char* type : {"text/plain", "text/plain; charset=utf-8",
                           "application/x-www-form-urlencoded", "application/jsonx"}) {
    EXPECT_TRUE(IsMlflowError(api().Post("/registered-models/create", body, type), 400,
                              "INVALID_PARAMETER_VALUE"))
        << type;
    EXPECT_TRUE(IsMlflowError(
        api().Post("/model-versions/create", R"({"name":"seed","source":"s3://m/2"})", type), 400,
        "INVALID_PARAMETER_VALUE"))
        << type;
    EXPECT_TRUE(IsMlflowError(api().Post("/registered-models/set-tag",
                                         R"({"name":"seed","key":"team","value":"x"})", type),
                              400, "INVALID_PARAMETER_VALUE"))
        << type;
  }
  ExpectModelAbsent("no-content-type");
  ExpectNothingChanged();

  // The same body with a JSON media type (parameters allowed) is accepted.
  EXPECT_TRUE(
      IsOkJson(api().Post("/registered-models/create", body, "application/json; charset=utf-8")));
}

TEST_P(BadInputTest, InvalidUtf8IsRejectedAndWritesNothing) {
  // Truncated, stray continuation, overlong "/", surrogate, above U+10FFFF, bare 0xFF.
  const std::vector<std::string> invalid = {
      "bad\xc3", "bad\x80", "bad\xc0\xaf", "bad\xed\xa0\x80", "bad\xf4\x90\x80\x80", "bad\xff"};
  for (const std::string& text : invalid) {
    const std::string quoted = JsonString(text);
    ExpectAllRejected({
        {"POST", "/registered-models/create", "{\"name\":" + quoted + "}"},
        {"POST", "/registered-models/create",
         R"({"name":"utf8-tags","tags":[{"key":"k","value":)" + quoted + "}]}"},
        {"POST", "/registered-models/create",
         R"({"name":"utf8-tags","tags":[{"key":)" + quoted + R"(,"value":"v"}]})"},
        {"POST", "/registered-models/set-tag",
         R"({"name":"seed","key":"team","value":)" + quoted + "}"},
        {"POST", "/model-versions/set-tag",
         R"({"name":"seed","version":"1","key":"k","value":)" + quoted + "}"},
        {"POST", "/model-versions/create",
         R"({"name":"seed","source":"s3://m/2","tags":[{"key":"k","value":)" + quoted + "}]}"},
        {"PATCH", "/registered-models/update", R"({"name":"seed","description":)" + quoted + "}"},
        {"GET", "/registered-models/get", "", {{"name", text}}},
    });
  }
  ExpectModelAbsent("utf8-tags");
  ExpectNothingChanged();

  // Valid multi-byte UTF-8 is of course accepted and returned unchanged.
  CreateModel("mod\xc3\xa8le-\xe2\x9c\x93",
              {{"r\xc3\xa9gion", "\xf0\x9f\x87\xaa\xf0\x9f\x87\xba"}});
  const ApiResponse accented =
      api().Get("/registered-models/get", {{"name", "mod\xc3\xa8le-\xe2\x9c\x93"}});
  ASSERT_TRUE(IsOkJson(accented));
  EXPECT_THAT(TagsAt(accented, "/registered_model/tags"),
              ElementsAre(Pair("r\xc3\xa9gion", "\xf0\x9f\x87\xaa\xf0\x9f\x87\xba")));
}

TEST_P(BadInputTest, NulByteInNameIsRejectedAndWritesNothing) {
  const std::string name("nul\0name", 8);
  EXPECT_TRUE(
      IsMlflowError(api().Post("/registered-models/create", "{\"name\":" + JsonString(name) + "}"),
                    400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsMlflowError(
      api().Post("/registered-models/rename",
                 R"({"name":"seed","new_name":)" + JsonString(std::string("se\0ed", 5)) + "}"),
      400, "INVALID_PARAMETER_VALUE"));
  ExpectModelAbsent(name);
  ExpectNothingChanged();
}

TEST_P(BadInputTest, DeeplyNestedJsonIsRejectedAndTheServerKeepsAnswering) {
  constexpr size_t kDepth = 100000;
  const std::string open_arrays(kDepth, '[');
  const std::string arrays = open_arrays + std::string(kDepth, ']');
  std::string objects;
  for (size_t i = 0; i < kDepth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(kDepth, '}');
  for (const std::string& body :
       {open_arrays, arrays, objects, R"({"name":"deep","tags":)" + arrays + "}",
        R"({"name":"deep","description":)" + objects + "}", R"({"name":)" + arrays + "}"}) {
    EXPECT_TRUE(IsMlflowError(api().Post("/registered-models/create", body), 400,
                              "INVALID_PARAMETER_VALUE"))
        << "body of " << body.size() << " bytes starting " << body.substr(0, 40);
  }
  EXPECT_TRUE(server().IsRunning());
  const ApiResponse health = api().Send("GET", "/health", "", "");
  EXPECT_EQ(health.status, 200) << health.Describe();
  ExpectModelAbsent("deep");
  ExpectNothingChanged();
}

TEST_P(BadInputTest, TagKeysThatResolveToOtherPathsAreRejectedAndWriteNothing) {
  for (const char* key : {"../etc/passwd", "a/../b", "..", "/abs", "./a", "a//b", "a/", "."}) {
    const std::string quoted = JsonString(key);
    ExpectAllRejected({
        {"POST", "/registered-models/create",
         R"({"name":"traversal","tags":[{"key":)" + quoted + R"(,"value":"v"}]})"},
        {"POST", "/registered-models/set-tag",
         R"({"name":"seed","value":"v","key":)" + quoted + "}"},
        {"POST", "/model-versions/set-tag",
         R"({"name":"seed","version":"1","value":"v","key":)" + quoted + "}"},
        {"POST", "/model-versions/create",
         R"({"name":"seed","source":"s3://m/2","tags":[{"key":)" + quoted + R"(,"value":"v"}]})"},
        {"DELETE", "/registered-models/delete-tag", R"({"name":"seed","key":)" + quoted + "}"},
    });
  }
  ExpectModelAbsent("traversal");
  ExpectNothingChanged();
}

TEST_P(BadInputTest, ModelNamesOver256BytesAreRejectedAndWriteNothing) {
  const std::string ascii(257, 'n');
  std::string accented;  // 129 two-byte characters: 258 bytes.
  for (int i = 0; i < 129; ++i) accented += "\xc3\xa9";
  for (const std::string& name : {ascii, accented}) {
    ExpectAllRejected({
        {"POST", "/registered-models/create", "{\"name\":" + JsonString(name) + "}"},
        {"POST", "/registered-models/rename",
         R"({"name":"seed","new_name":)" + JsonString(name) + "}"},
    });
    ExpectModelAbsent(name.substr(0, 256));
  }
  ExpectNothingChanged();

  // 256 bytes is the limit, not beyond it.
  const std::string longest(256, 'n');
  CreateModel(longest);
  EXPECT_EQ(
      api().Get("/registered-models/get", {{"name", longest}}).StringAt("/registered_model/name"),
      longest);
}

TEST_P(BadInputTest, FilterInjectionIsRejectedAndDataStaysIntact) {
  for (const char* filter : {
           "name = 'a'; DROP TABLE registered_models",
           "name = 'x' OR 1=1",
           "name = 'x' --",
           "name = 'x' -- ' OR name LIKE '%",
           "name = 'seed",
           "name = \"seed'",
           "name = 'x' /* */",
           "tags.`k` = 'v') OR (1=1",
           "name = 'x' UNION SELECT name FROM registered_models",
           "(name = 'seed')",
       }) {
    for (const char* endpoint : {"/registered-models/search", "/model-versions/search"}) {
      EXPECT_TRUE(
          IsMlflowError(api().Get(endpoint, {{"filter", filter}}), 400, "INVALID_PARAMETER_VALUE"))
          << endpoint << " filter=" << filter;
    }
  }
  ExpectNothingChanged();

  // SQL in a quoted value is only a value: no match, and the tables are still there.
  for (const char* endpoint : {"/registered-models/search", "/model-versions/search"}) {
    const ApiResponse quoted =
        api().Get(endpoint, {{"filter", "name = \"x'; DROP TABLE registered_models; --\""}});
    ASSERT_TRUE(IsOkJson(quoted)) << endpoint;
    EXPECT_EQ(quoted.json->MemberCount(), 0u) << endpoint << ": " << quoted.body;
  }
  const ApiResponse found = api().Get("/registered-models/search", {{"filter", "name = 'seed'"}});
  ASSERT_TRUE(IsOkJson(found));
  EXPECT_EQ(found.StringAt("/registered_models/0/name"), "seed") << found.body;
  ExpectNothingChanged();
}

TEST_P(BadInputTest, NonIntegerVersionsAreRejectedAndWriteNothing) {
  for (const char* version : {"abc", "1.0", "1abc", "0x1", "1e0", "one", "1 2", "--1"}) {
    const std::string quoted = JsonString(version);
    ExpectAllRejected({
        {"GET", "/model-versions/get", "", {{"name", "seed"}, {"version", version}}},
        {"GET", "/model-versions/get-download-uri", "", {{"name", "seed"}, {"version", version}}},
        {"POST", "/model-versions/transition-stage",
         R"({"name":"seed","stage":"Production","version":)" + quoted + "}"},
        {"POST", "/registered-models/alias",
         R"({"name":"seed","alias":"a1","version":)" + quoted + "}"},
        {"POST", "/model-versions/set-tag",
         R"({"name":"seed","key":"k2","value":"v","version":)" + quoted + "}"},
        {"PATCH", "/model-versions/update",
         R"({"name":"seed","description":"d","version":)" + quoted + "}"},
        {"DELETE", "/model-versions/delete", R"({"name":"seed","version":)" + quoted + "}"},
    });
  }
  ExpectNothingChanged();
  // An integer that names no version is a different error: not found.
  EXPECT_TRUE(IsMlflowError(api().Get("/model-versions/get", {{"name", "seed"}, {"version", "2"}}),
                            404, "RESOURCE_DOES_NOT_EXIST"));
}

TEST_P(BadInputTest, GarbagePageTokensAreRejected) {
  for (const char* token : {"garbage!!", "bm90IGpzb24=", "eyJvZmZzZXQiOiAieCJ9",
                            "eyJvZmZzZXQiOiAtNX0=", "%%%", "e30="}) {
    ExpectAllRejected({
        {"GET", "/registered-models/search", "", {{"page_token", token}}},
        {"GET", "/model-versions/search", "", {{"page_token", token}}},
    });
  }
  ExpectNothingChanged();
  EXPECT_TRUE(IsOkJson(api().Get("/registered-models/search", {{"page_token", ""}})));
}

TEST_P(BadInputTest, MaxResultsOutsideTheLimitsIsRejected) {
  ExpectAllRejected({
      {"GET", "/registered-models/search", "", {{"max_results", "1001"}}},
      {"GET", "/registered-models/search", "", {{"max_results", "ten"}}},
      {"GET", "/model-versions/search", "", {{"max_results", "0"}}},
      {"GET", "/model-versions/search", "", {{"max_results", "-5"}}},
      {"GET", "/model-versions/search", "", {{"max_results", "200001"}}},
      {"GET", "/model-versions/search", "", {{"max_results", "9223372036854775808"}}},
  });
  // MLflow 3.6 answers a registered-model search for no results (0 or fewer) with an empty
  // page and a token; the version search keeps its 400.
  for (const char* none : {"0", "-1"}) {
    const ApiResponse empty = api().Get("/registered-models/search", {{"max_results", none}});
    ASSERT_TRUE(IsOkJson(empty)) << empty.Describe();
    EXPECT_EQ(empty.At("/registered_models"), nullptr);
    EXPECT_TRUE(empty.StringAt("/next_page_token").has_value());
  }
  // The limits themselves are allowed.
  EXPECT_TRUE(IsOkJson(api().Get("/registered-models/search", {{"max_results", "1000"}})));
  EXPECT_TRUE(IsOkJson(api().Get("/registered-models/search", {{"max_results", "1"}})));
  EXPECT_TRUE(IsOkJson(api().Get("/model-versions/search", {{"max_results", "1"}})));
  EXPECT_TRUE(IsOkJson(api().Get("/model-versions/search", {{"max_results", "200000"}})));
}

TEST_P(BadInputTest, CreateWithOneValidAndOneInvalidTagWritesNothing) {
  const std::vector<std::string> bad_tags = {
      R"({"key":"../bad","value":"v"})",
      R"({"key":"k2","value":)" + JsonString("bad\xff") + "}",
      R"({"key":")" + std::string(251, 'k') + R"(","value":"v"})",
      R"({"key":"k2","value":")" + std::string(100001, 'v') + R"("})",
  };
  for (const std::string& bad : bad_tags) {
    const std::string tags = R"([{"key":"good","value":"kept?"},)" + bad + "]";
    ExpectAllRejected({
        {"POST", "/registered-models/create", R"({"name":"partial","tags":)" + tags + "}"},
        {"POST", "/model-versions/create",
         R"({"name":"seed","source":"s3://m/2","tags":)" + tags + "}"},
    });
    ExpectModelAbsent("partial");
    EXPECT_TRUE(
        IsMlflowError(api().Get("/model-versions/get", {{"name", "seed"}, {"version", "2"}}), 404,
                      "RESOURCE_DOES_NOT_EXIST"));
  }
  ExpectNothingChanged();

  // No tag row of a failed attempt is left behind to be picked up by a later create, and no
  // version number was used up.
  CreateModel("partial", {{"only", "this"}});
  const ApiResponse partial = api().Get("/registered-models/get", {{"name", "partial"}});
  EXPECT_THAT(TagsAt(partial, "/registered_model/tags"), ElementsAre(Pair("only", "this")));
  EXPECT_EQ(CreateVersion("seed", "s3://models/seed/2", {{"only", "this"}}), "2");
  const ApiResponse second = api().Get("/model-versions/get", {{"name", "seed"}, {"version", "2"}});
  EXPECT_THAT(TagsAt(second, "/model_version/tags"), ElementsAre(Pair("only", "this")));
}

// A body the HTTP library itself cannot read still gets MLflow's error for it.
TEST_P(BadInputTest, UnreadableBodyGetsAnMlflowErrorAndWritesNothing) {
  const ApiResponse multipart =
      SendRaw(server().port(),
              "POST /api/2.0/mlflow/registered-models/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 7\r\n"
              "Connection: close\r\n\r\ngarbage");
  EXPECT_TRUE(IsMlflowError(multipart, 400, "INVALID_PARAMETER_VALUE")) << multipart.Describe();
  ExpectNothingChanged();
}

MODELWARDEN_INSTANTIATE_API_TESTS(BadInputTest);

// A server started with --max-request-body-bytes 4096.
class BodyLimitTest : public BadInputTest {
 protected:
  std::vector<std::string> ExtraServerArgs() const override {
    return {"--max-request-body-bytes", "4096"};
  }
};

TEST_P(BodyLimitTest, BodyOverTheLimitIsRefusedWithAnErrorBodyAndWritesNothing) {
  const std::string description(8192, 'd');
  for (const auto& [endpoint, body] : std::vector<std::pair<std::string, std::string>>{
           {"/registered-models/create", R"({"name":"big","description":")" + description + "\"}"},
           {"/model-versions/create",
            R"({"name":"seed","source":"s3://m/2","description":")" + description + "\"}"},
           {"/registered-models/set-tag",
            R"({"name":"seed","key":"team","value":")" + description + "\"}"},
       }) {
    // A fresh connection each time: the server may close it after refusing the body.
    ApiClient client(server().port());
    const ApiResponse refused = client.Post(endpoint, body);
    EXPECT_TRUE(refused.status == 413 || refused.status == 400) << refused.Describe();
    EXPECT_TRUE(refused.json != nullptr && refused.json->IsObject() &&
                refused.json->MemberCount() == 2 && refused.StringAt("/error_code").has_value() &&
                !refused.StringAt("/error_code")->empty() && refused.StringAt("/message"))
        << endpoint << ": " << refused.Describe();
  }
  ExpectModelAbsent("big");
  ExpectNothingChanged();

  // The limit is the configured one: a 2 KiB body still goes through.
  EXPECT_TRUE(
      IsOkJson(api().Post("/registered-models/create", R"({"name":"under-limit","description":")" +
                                                           std::string(2048, 'd') + "\"}")));
}

// The limit holds however the body is framed: in chunks, without a Content-Length.
TEST_P(BodyLimitTest, ChunkedBodyOverTheLimitIsRefusedAndWritesNothing) {
  const std::string body =
      R"({"name":"big-chunked","description":")" + std::string(8192, 'd') + "\"}";
  std::string request =
      "POST /api/2.0/mlflow/registered-models/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n";
  constexpr size_t kChunk = 1024;
  for (size_t offset = 0; offset < body.size(); offset += kChunk) {
    const std::string chunk = body.substr(offset, kChunk);
    char size[16];
    std::snprintf(size, sizeof(size), "%zx\r\n", chunk.size());
    request += size + chunk + "\r\n";
  }
  request += "0\r\n\r\n";
  // 411 Length Required: the body was never read.
  const ApiResponse refused = SendRaw(server().port(), request);
  EXPECT_TRUE(IsMlflowError(refused, 411, "INVALID_PARAMETER_VALUE")) << refused.Describe();
  ExpectModelAbsent("big-chunked");
  ExpectNothingChanged();
}

// gzip of `text` (RFC 1952), as a client sends it with Content-Encoding: gzip.
std::string Gzip(const std::string& text) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// A small compressed body must not inflate past the limit inside the server.
TEST_P(BodyLimitTest, CompressedBodyInflatingOverTheLimitIsRefusedAndWritesNothing) {
  const std::string compressed =
      Gzip(R"({"name":"big-gzip","description":")" + std::string(8192, 'd') + "\"}");
  ASSERT_LT(compressed.size(), 4096u);
  const ApiResponse refused =
      SendRaw(server().port(),
              "POST /api/2.0/mlflow/registered-models/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              "Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: " +
                  std::to_string(compressed.size()) + "\r\nConnection: close\r\n\r\n" + compressed);
  // 415: encoded bodies are refused before they are inflated.
  EXPECT_TRUE(IsMlflowError(refused, 415, "INVALID_PARAMETER_VALUE")) << refused.Describe();
  ExpectModelAbsent("big-gzip");
  ExpectNothingChanged();
}

MODELWARDEN_INSTANTIATE_API_TESTS(BodyLimitTest);

}  // namespace
}  // namespace modelwarden::testing
