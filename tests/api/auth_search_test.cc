// Searches limited to what the caller may read, inside the SQL: a user who may read only some
// models gets full pages (every page but the last holds max_results) and a next_page_token
// chain whose union is exactly the readable set, for registered models and model versions.
// The readable set is also checked against the effective-permission endpoint (the C++ rule),
// so the SQL and the C++ resolution of grants agree.

#include <gmock/gmock.h>

#include <set>

#include "tests/api/auth_fixture.h"

namespace modelwarden::testing {
namespace {

struct Pages {
  std::vector<std::string> items;  // In the order the pages returned them.
  std::vector<size_t> sizes;       // Of each page.
  std::string failure;
};

// Walks every page of `endpoint` as `client`; items are "<name>" or "<name>/<version>".
Pages WalkPages(ApiClient& client, const std::string& endpoint, const char* list_key,
                int max_results, const std::string& filter) {
  Pages pages;
  std::string token;
  for (int page = 0; page < 1000; ++page) {
    Query query = {{"max_results", std::to_string(max_results)}};
    if (!filter.empty()) query.emplace_back("filter", filter);
    if (!token.empty()) query.emplace_back("page_token", token);
    const ApiResponse response = client.Get(endpoint, query);
    if (!IsOkJson(response)) {
      pages.failure = response.Describe();
      return pages;
    }
    size_t size = 0;
    const rapidjson::Value* list = response.At(list_key);
    if (list != nullptr && list->IsArray()) {
      for (const auto& item : list->GetArray()) {
        std::string id = item["name"].GetString();
        if (item.HasMember("version")) id += std::string("/") + item["version"].GetString();
        pages.items.push_back(id);
        ++size;
      }
    }
    pages.sizes.push_back(size);
    token = response.StringAt("/next_page_token").value_or("");
    if (token.empty()) return pages;
  }
  pages.failure = "more than 1000 pages";
  return pages;
}

void ExpectFullPages(const Pages& pages, size_t max_results, size_t total) {
  ASSERT_TRUE(pages.failure.empty()) << pages.failure;
  const size_t expected_pages = total == 0 ? 1 : (total + max_results - 1) / max_results;
  EXPECT_EQ(pages.sizes.size(), expected_pages);
  for (size_t i = 0; i + 1 < pages.sizes.size(); ++i) {
    EXPECT_EQ(pages.sizes[i], max_results) << "page " << i << " is not full";
  }
  EXPECT_EQ(pages.items.size(), total);
  EXPECT_EQ(std::set<std::string>(pages.items.begin(), pages.items.end()).size(),
            pages.items.size())
      << "an item came twice";
}

class AuthSearchTest : public AuthTest {
 protected:
  std::vector<std::string> AuthArgs() const override {
    return {"--auth-default-permission", "NO_PERMISSIONS"};
  }
};

TEST_P(AuthSearchTest, PagesAreFullAndHoldExactlyTheReadableModels) {
  CreateUser("alice");
  CreateUser("bob");
  CreateGroup("analysts", {"alice"});
  Caller& admin = Admin();
  std::vector<std::string> all;
  auto add = [&](const std::string& name, int versions) {
    ASSERT_TRUE(IsOkJson(
        admin.mlflow.Post("/registered-models/create", "{\"name\":" + JsonString(name) + "}")));
    for (int v = 0; v < versions; ++v) {
      ASSERT_TRUE(IsOkJson(admin.mlflow.Post(
          "/model-versions/create", "{\"name\":" + JsonString(name) + R"(,"source":"s3://b/x"})")));
    }
    all.push_back(name);
  };
  char name[16];
  for (int i = 0; i < 25; ++i) {
    std::snprintf(name, sizeof(name), "a.%02d", i);
    add(name, 1 + i % 3);
  }
  for (int i = 0; i < 10; ++i) {
    std::snprintf(name, sizeof(name), "b.%02d", i);
    add(name, 2);
  }
  add("c.only", 1);
  // alice reads: a.1* by her prefix grant (but a.15: a model NO_PERMISSIONS), a.03 and a.07
  // by model grants, b.* through her group (but b.04: the group's model NO_PERMISSIONS, and
  // b.05: her own NO_PERMISSIONS beats the group's model READ); c.only is nobody's.
  CreateGrant(R"({"username":"alice","prefix":"a.1","permission":"READ"})");
  GrantModel("alice", "a.03", "EDIT");
  GrantModel("alice", "a.07", "MANAGE");
  GrantModel("alice", "a.15", "NO_PERMISSIONS");
  CreateGrant(R"({"group":"analysts","prefix":"b.","permission":"READ"})");
  CreateGrant(R"({"group":"analysts","name":"b.04","permission":"NO_PERMISSIONS"})");
  CreateGrant(R"({"group":"analysts","name":"b.05","permission":"READ"})");
  GrantModel("alice", "b.05", "NO_PERMISSIONS");
  // Grants to others change nothing for alice.
  GrantModel("bob", "c.only", "READ");
  CreateGrant(R"({"username":"bob","prefix":"a.","permission":"READ"})");
  ASSERT_FALSE(HasFailure());

  Caller alice = As("alice");
  std::set<std::string> readable;
  for (const std::string& model : all) {
    const ApiResponse effective = alice.mw.Get("/permissions/effective", {{"name", model}});
    ASSERT_TRUE(IsOkJson(effective));
    if (effective.StringAt("/permission/permission") != "NO_PERMISSIONS") readable.insert(model);
  }
  std::set<std::string> expected = {"a.03", "a.07"};
  for (int i = 10; i < 20; ++i) {
    if (i != 15) expected.insert("a." + std::to_string(i));
  }
  for (int i = 0; i < 10; ++i) {
    if (i != 4 && i != 5) expected.insert("b.0" + std::to_string(i));
  }
  ASSERT_EQ(readable, expected) << "the effective permissions are not what the grants say";

  for (int max_results : {1, 3, 7, 100}) {
    SCOPED_TRACE("max_results " + std::to_string(max_results));
    const Pages models =
        WalkPages(alice.mlflow, "/registered-models/search", "/registered_models", max_results, "");
    ExpectFullPages(models, max_results, expected.size());
    EXPECT_EQ(std::set<std::string>(models.items.begin(), models.items.end()), expected);
  }

  // Versions: every version of every readable model, and nothing else.
  std::set<std::string> expected_versions;
  const Pages admin_versions =
      WalkPages(admin.mlflow, "/model-versions/search", "/model_versions", 1000, "");
  ASSERT_TRUE(admin_versions.failure.empty()) << admin_versions.failure;
  for (const std::string& v : admin_versions.items) {
    if (expected.count(v.substr(0, v.find('/'))) != 0) expected_versions.insert(v);
  }
  ASSERT_GT(expected_versions.size(), expected.size());
  for (int max_results : {1, 4, 10, 1000}) {
    SCOPED_TRACE("versions, max_results " + std::to_string(max_results));
    const Pages versions =
        WalkPages(alice.mlflow, "/model-versions/search", "/model_versions", max_results, "");
    ExpectFullPages(versions, max_results, expected_versions.size());
    EXPECT_EQ(std::set<std::string>(versions.items.begin(), versions.items.end()),
              expected_versions);
  }

  // A filter narrows within the readable set.
  const Pages filtered = WalkPages(alice.mlflow, "/registered-models/search", "/registered_models",
                                   2, "name LIKE 'b.%'");
  ExpectFullPages(filtered, 2, 8);
  const Pages filtered_versions =
      WalkPages(alice.mlflow, "/model-versions/search", "/model_versions", 3, "name LIKE 'a.1%'");
  size_t a1_versions = 0;
  for (const std::string& v : expected_versions) a1_versions += v.rfind("a.1", 0) == 0 ? 1 : 0;
  ExpectFullPages(filtered_versions, 3, a1_versions);

  // The admin sees everything; bob his grants only.
  const Pages everything =
      WalkPages(admin.mlflow, "/registered-models/search", "/registered_models", 10, "");
  ExpectFullPages(everything, 10, all.size());
  Caller bob = As("bob");
  const Pages bobs =
      WalkPages(bob.mlflow, "/registered-models/search", "/registered_models", 5, "");
  ExpectFullPages(bobs, 5, 26);
}

MODELWARDEN_INSTANTIATE_API_TESTS(AuthSearchTest);

}  // namespace
}  // namespace modelwarden::testing
