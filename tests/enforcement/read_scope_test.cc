// The read scope inside the search SQL (SqlModelStore::ReadableBy) against the rule it must
// implement, ResolvePermission: random users, groups, memberships and grants (fixed seed), a
// few dozen models whose names share prefixes (and grants on experiments spelled like them,
// which must count for nothing), and for every user and both defaults the models
// and versions the paged searches return must be exactly those ResolvePermission lets the user
// read. On every backend: SQLite and MySQL render the prefix match differently.

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "enforcement/access/permission.h"
#include "registry/registry_service.h"
#include "tests/registry/backends.h"
#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::MakeGrant;

ReadScope LiveScope(int64_t user_id, bool default_readable) {
  ReadScope scope;
  scope.live = true;
  scope.user_id = user_id;
  scope.default_readable = default_readable;
  return scope;
}

using ::modelwarden::testing::Backend;
using ::modelwarden::testing::FakeClock;
using ::modelwarden::testing::TestDatabase;

// Names that share prefixes of many lengths, differ only in case or a trailing space, contain
// LIKE wildcards, and multi-byte characters (character and byte counts differ).
const std::vector<std::string>& ModelNames() {
  static const std::vector<std::string> names = {
      "f",           "fr",           "fraud",       "fraud ",    "fraud.a",  "fraud.ab",
      "fraud.a.b",   "fraud.a.c",    "fraud.b",     "fraud.b.a", "fraudx",   "fraudx.a",
      "Fraud.a",     "FRAUD.a",      "risk",        "risk.a",    "risk.a.x", "risk.b",
      "riskier.a",   "Risk.a",       "a_b",         "axb",       "a%c",      "abc",
      "modèle",      "modèle.a",     "modèles.b",   "modé.a",    "mod",      "m",
      "pricing.a",   "pricing.a.b",  "pricing.ab",  "pricing.b", "search.x", "search.y.z",
      "support.one", "support.one1", "support.two", "z"};
  return names;
}

// Prefix grants of every length on those names, plus some that cover nothing.
const std::vector<std::string>& Prefixes() {
  static const std::vector<std::string> prefixes = {
      "f",       "fr",      "fraud",       "fraud ",  "fraud.",   "fraud.a",  "fraud.a.",
      "fraud.b", "fraudx",  "Fraud",       "F",       "r",        "risk",     "risk.",
      "risk.a",  "riskier", "Risk",        "a_",      "a%",       "a",        "mod",
      "modè",    "modèle",  "modèle.",     "modé",    "m",        "pricing.", "pricing.a",
      "p",       "s",       "support.one", "search.", "nothing.", "zz"};
  return prefixes;
}

const std::vector<std::string>& Permissions() {
  static const std::vector<std::string> permissions = {"READ", "EDIT", "MANAGE", "NO_PERMISSIONS"};
  return permissions;
}

// Lets everything through and limits searches to the scope the test sets.
class ScopeGovernor final : public PermitAll {
 public:
  Result<std::optional<ReadScope>> SearchScope(const CallContext&) override { return scope; }

  std::optional<ReadScope> scope;
};

class ReadScopeCrossCheckTest : public ::modelwarden::testing::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    service_ = std::make_unique<RegistryService>(*stores_.models, governor_, clock_);
  }

  // A uniform pick in [0, n) from the fixed-seed engine (the standard distributions differ
  // between standard libraries; the engine does not).
  size_t Pick(size_t n) { return static_cast<size_t>(random_() % n); }

  // Registers every model name with 0-2 versions; returns name -> version count.
  std::map<std::string, int> CreateModels() {
    std::map<std::string, int> versions;
    for (const std::string& name : ModelNames()) {
      EXPECT_OK(service_->CreateRegisteredModel(ctx_, {name, "", {}}));
      const int count = static_cast<int>(Pick(3));
      for (int i = 0; i < count; ++i) {
        NewModelVersion version;
        version.name = name;
        version.source = "s3://bucket/" + std::to_string(i);
        EXPECT_OK(service_->CreateModelVersion(ctx_, version));
      }
      versions[name] = count;
    }
    return versions;
  }

  void CreateRandomGrants(const std::vector<std::string>& users,
                          const std::vector<std::string>& groups, int count) {
    for (int i = 0; i < count; ++i) {
      Grant grant;
      const bool to_group = Pick(2) == 0;
      grant.subject_type = to_group ? SubjectType::kGroup : SubjectType::kUser;
      grant.subject_name = to_group ? groups[Pick(groups.size())] : users[Pick(users.size())];
      const size_t kind = Pick(10);
      if (kind < 4) {
        grant.resource_type = ResourceType::kModel;
        grant.resource = kind == 0 ? "no-such-model" : ModelNames()[Pick(ModelNames().size())];
      } else {
        grant.resource_type = ResourceType::kPrefix;
        grant.resource = Prefixes()[Pick(Prefixes().size())];
      }
      // One in eight a PROMOTE grant, which must not change what anyone reads.
      EXPECT_TRUE(SetGrantPermission(
          Pick(8) == 0 ? "PROMOTE" : Permissions()[Pick(Permissions().size())], grant));
      auto created = stores_.auth->CreateGrant(grant);
      if (created.status().code() != ErrorCode::kResourceAlreadyExists) {
        EXPECT_OK(created);
      }
      // One in three also a grant on experiments spelled like a model name or a prefix,
      // which must not change what anyone reads either.
      if (Pick(3) != 0) continue;
      const ResourceType experiment_types[] = {
          ResourceType::kExperiment, ResourceType::kExperimentPrefix, ResourceType::kScorer};
      grant.resource_type = experiment_types[Pick(3)];
      grant.resource = Pick(2) == 0 ? ModelNames()[Pick(ModelNames().size())]
                                    : Prefixes()[Pick(Prefixes().size())];
      EXPECT_TRUE(SetGrantPermission(Permissions()[Pick(Permissions().size())], grant));
      created = stores_.auth->CreateGrant(grant);
      if (created.status().code() != ErrorCode::kResourceAlreadyExists) {
        EXPECT_OK(created);
      }
    }
  }

  // Every page of a model search with the scope; checks that pages are full but the last.
  std::multiset<std::string> SearchModels(const ReadScope& scope, int64_t page_size) {
    std::multiset<std::string> names;
    SearchQuery query;
    query.max_results = page_size;
    governor_.scope = scope;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = service_->SearchRegisteredModels(ctx_, query);
      EXPECT_OK(page);
      if (!page.ok()) break;
      for (const RegisteredModel& model : page->items) names.insert(model.name);
      if (page->next_page_token.empty()) break;
      EXPECT_EQ(page->items.size(), static_cast<size_t>(page_size)) << "a page before the last";
      query.page_token = page->next_page_token;
    }
    return names;
  }

  std::multiset<std::string> SearchVersions(const ReadScope& scope, int64_t page_size) {
    std::multiset<std::string> names;
    SearchQuery query;
    query.max_results = page_size;
    governor_.scope = scope;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = service_->SearchModelVersions(ctx_, query);
      EXPECT_OK(page);
      if (!page.ok()) break;
      for (const ModelVersion& version : page->items) names.insert(version.name);
      if (page->next_page_token.empty()) break;
      EXPECT_EQ(page->items.size(), static_cast<size_t>(page_size)) << "a page before the last";
      query.page_token = page->next_page_token;
    }
    return names;
  }

  // Every page of a model search with the governor's current scope, in order; checks that
  // pages are full but the last.
  std::vector<std::string> OrderedPages(const std::string& filter,
                                        const std::vector<std::string>& order_by,
                                        int64_t page_size) {
    std::vector<std::string> names;
    SearchQuery query;
    query.filter = filter;
    query.order_by = order_by;
    query.max_results = page_size;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = service_->SearchRegisteredModels(ctx_, query);
      EXPECT_OK(page);
      if (!page.ok()) break;
      for (const RegisteredModel& model : page->items) names.push_back(model.name);
      if (page->next_page_token.empty()) break;
      EXPECT_EQ(page->items.size(), static_cast<size_t>(page_size)) << "a page before the last";
      query.page_token = page->next_page_token;
    }
    return names;
  }

  // For each user and default: the searches agree with ResolvePermission.
  void CrossCheck(const std::vector<std::string>& users, const std::map<std::string, int>& models,
                  int* readable_total, int* hidden_total) {
    for (const std::string& username : users) {
      auto profile = stores_.auth->LoadAccessProfile(username);
      ASSERT_OK(profile);
      for (const bool default_readable : {true, false}) {
        SCOPED_TRACE(username + (default_readable ? ", default READ" : ", default NO_PERMISSIONS"));
        const Permission fallback =
            default_readable ? Permission::kRead : Permission::kNoPermissions;
        std::multiset<std::string> expected_models;
        std::multiset<std::string> expected_versions;
        for (const auto& [name, versions] : models) {
          const EffectivePermission effective = ResolvePermission(*profile, name, fallback);
          if (!CanRead(effective.permission)) {
            ++*hidden_total;
            continue;
          }
          ++*readable_total;
          expected_models.insert(name);
          for (int i = 0; i < versions; ++i) expected_versions.insert(name);
        }
        // The rules enforcement renders, and the live form the store evaluates itself.
        const ReadScope rules = BuildReadScope(*profile, fallback);
        ASSERT_FALSE(rules.live);
        EXPECT_EQ(SearchModels(rules, 3), expected_models);
        EXPECT_EQ(SearchVersions(rules, 4), expected_versions);
        const ReadScope live = LiveScope(profile->user.id, default_readable);
        EXPECT_EQ(SearchModels(live, 3), expected_models);
        EXPECT_EQ(SearchVersions(live, 4), expected_versions);
      }
    }
  }

  std::mt19937 random_{20260501};
  FakeClock clock_;
  ScopeGovernor governor_;
  CallContext ctx_;
  std::unique_ptr<RegistryService> service_;
};

TEST_P(ReadScopeCrossCheckTest, SearchesReturnExactlyWhatResolvePermissionAllows) {
  const std::vector<std::string> users = {"u0", "u1", "u2", "u3", "u4", "u5", "u6", "lonely"};
  const std::vector<std::string> groups = {"g0", "g1", "g2", "g3"};
  for (const std::string& user : users) ASSERT_OK(stores_.auth->CreateUser(user, "h", false));
  for (const std::string& group : groups) ASSERT_OK(stores_.auth->CreateGroup(group));
  // Everyone but "lonely" (no groups, no grants) is in about half the groups.
  for (size_t u = 0; u + 1 < users.size(); ++u) {
    for (const std::string& group : groups) {
      if (Pick(2) == 0) {
        ASSERT_OK(stores_.auth->AddGroupMember(group, users[u]));
      }
    }
  }
  CreateRandomGrants(std::vector<std::string>(users.begin(), users.end() - 1), groups, 90);
  // "lonely" must stay without grants: it is the user no grant covers.
  GrantQuery lonely;
  lonely.subject_name = "lonely";
  ASSERT_TRUE(stores_.auth->ListGrants(lonely)->empty());
  const std::map<std::string, int> models = CreateModels();

  int readable = 0;
  int hidden = 0;
  CrossCheck(users, models, &readable, &hidden);
  // The data must exercise both outcomes, or the comparison proves little.
  EXPECT_GT(readable, 100);
  EXPECT_GT(hidden, 100);

  // Renames and deletes move the grants along; the two sides still agree.
  ASSERT_OK(service_->RenameRegisteredModel(ctx_, "fraud.a", "risk.renamed"));
  ASSERT_OK(service_->RenameRegisteredModel(ctx_, "pricing.b", "fraud.a"));
  ASSERT_OK(service_->DeleteRegisteredModel(ctx_, "risk.a"));
  std::map<std::string, int> changed = models;
  changed["risk.renamed"] = changed["fraud.a"];
  changed["fraud.a"] = changed["pricing.b"];
  changed.erase("pricing.b");
  changed.erase("risk.a");
  CrossCheck(users, changed, &readable, &hidden);
}

// The tie-breaks by hand, so a mistake shared by the SQL and ResolvePermission shows too.
TEST_P(ReadScopeCrossCheckTest, TiesResolveAsTheRuleSays) {
  for (const char* user : {"u0", "u1"}) ASSERT_OK(stores_.auth->CreateUser(user, "h", false));
  for (const char* group : {"g0", "g1"}) ASSERT_OK(stores_.auth->CreateGroup(group));
  ASSERT_OK(stores_.auth->AddGroupMember("g0", "u0"));
  ASSERT_OK(stores_.auth->AddGroupMember("g1", "u0"));
  const auto grant = [&](SubjectType type, const std::string& subject, ResourceType resource_type,
                         const std::string& resource, const std::string& permission) {
    ASSERT_OK(
        stores_.auth->CreateGrant(MakeGrant(type, subject, resource_type, resource, permission)));
  };
  // Two groups on one prefix and on one model: the higher wins.
  grant(SubjectType::kGroup, "g0", ResourceType::kPrefix, "pricing.", "NO_PERMISSIONS");
  grant(SubjectType::kGroup, "g1", ResourceType::kPrefix, "pricing.", "READ");
  grant(SubjectType::kGroup, "g0", ResourceType::kModel, "search.x", "READ");
  grant(SubjectType::kGroup, "g1", ResourceType::kModel, "search.x", "NO_PERMISSIONS");
  // The user's own grant beats a group's at the same specificity, even when lower.
  grant(SubjectType::kGroup, "g0", ResourceType::kPrefix, "support.one", "MANAGE");
  grant(SubjectType::kUser, "u0", ResourceType::kPrefix, "support.one", "NO_PERMISSIONS");
  grant(SubjectType::kUser, "u0", ResourceType::kModel, "support.two", "NO_PERMISSIONS");
  grant(SubjectType::kGroup, "g0", ResourceType::kModel, "support.two", "READ");
  // A group's model grant beats the user's prefix grant; a longer prefix beats a shorter one.
  grant(SubjectType::kUser, "u0", ResourceType::kPrefix, "risk", "READ");
  grant(SubjectType::kGroup, "g1", ResourceType::kModel, "risk.b", "NO_PERMISSIONS");
  grant(SubjectType::kGroup, "g1", ResourceType::kPrefix, "risk.a", "NO_PERMISSIONS");
  // PROMOTE alone lets nobody read.
  grant(SubjectType::kUser, "u0", ResourceType::kPrefix, "fraud", "PROMOTE");
  // Another user's grants count for nothing.
  grant(SubjectType::kUser, "u1", ResourceType::kPrefix, "s", "READ");
  for (const char* name : {"pricing.a", "search.x", "support.one1", "support.two", "support.x",
                           "risk", "risk.a.x", "risk.b", "riskier.a", "fraud.a", "z"}) {
    ASSERT_OK(service_->CreateRegisteredModel(ctx_, {name, "", {}}));
  }
  auto u0 = stores_.auth->LoadAccessProfile("u0");
  ASSERT_OK(u0);
  const auto found = [&](bool default_readable) {
    const std::multiset<std::string> names = SearchModels(
        BuildReadScope(*u0, default_readable ? Permission::kRead : Permission::kNoPermissions), 2);
    EXPECT_EQ(SearchModels(LiveScope(u0->user.id, default_readable), 2), names);
    return std::vector<std::string>(names.begin(), names.end());
  };
  EXPECT_THAT(found(false), ::testing::ElementsAre("pricing.a", "risk", "riskier.a", "search.x"));
  EXPECT_THAT(found(true), ::testing::ElementsAre("fraud.a", "pricing.a", "risk", "riskier.a",
                                                  "search.x", "support.x", "z"));
}

// Pages resumed by key keep the scope: a tag search (walking the tag index) and a search by
// last update (walking its index) return, page after page, exactly the readable models in the
// order the unscoped search has them.
TEST_P(ReadScopeCrossCheckTest, PagesResumedByKeyKeepTheScopeAndTheOrder) {
  const std::vector<std::string> users = {"u0", "u1", "u2"};
  const std::vector<std::string> groups = {"g0", "g1"};
  for (const std::string& user : users) ASSERT_OK(stores_.auth->CreateUser(user, "h", false));
  for (const std::string& group : groups) ASSERT_OK(stores_.auth->CreateGroup(group));
  ASSERT_OK(stores_.auth->AddGroupMember("g0", "u0"));
  ASSERT_OK(stores_.auth->AddGroupMember("g1", "u1"));
  CreateRandomGrants(users, groups, 40);
  for (size_t i = 0; i < ModelNames().size(); ++i) {
    std::vector<Tag> tags = {{"team", i % 3 == 0 ? "other" : "risk"}};
    ASSERT_OK(service_->CreateRegisteredModel(ctx_, {ModelNames()[i], "", tags}));
  }
  // Some models updated later, so that the time order is not the name order.
  for (size_t i = 0; i < ModelNames().size(); i += 4) {
    ASSERT_OK(service_->UpdateRegisteredModel(ctx_, ModelNames()[i], "later"));
  }
  const std::vector<std::pair<std::string, std::vector<std::string>>> searches = {
      {"tags.team = 'risk'", {}},
      {"tags.team = 'risk'", {"name DESC"}},
      {"", {"last_updated_timestamp DESC"}},
      {"tags.team = 'risk'", {"timestamp ASC"}},
  };
  for (const auto& [filter, order_by] : searches) {
    SCOPED_TRACE(filter + " ordered by " + (order_by.empty() ? "name" : order_by[0]));
    governor_.scope.reset();
    const std::vector<std::string> unscoped = OrderedPages(filter, order_by, 1000);
    ASSERT_FALSE(unscoped.empty());
    for (const std::string& username : users) {
      auto profile = stores_.auth->LoadAccessProfile(username);
      ASSERT_OK(profile);
      for (const bool default_readable : {true, false}) {
        const Permission fallback =
            default_readable ? Permission::kRead : Permission::kNoPermissions;
        std::vector<std::string> expected;
        for (const std::string& name : unscoped) {
          if (CanRead(ResolvePermission(*profile, name, fallback).permission)) {
            expected.push_back(name);
          }
        }
        governor_.scope = BuildReadScope(*profile, fallback);
        EXPECT_EQ(OrderedPages(filter, order_by, 2), expected) << username;
        governor_.scope = LiveScope(profile->user.id, default_readable);
        EXPECT_EQ(OrderedPages(filter, order_by, 3), expected) << username << " (live)";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ReadScopeCrossCheckTest,
                         ::testing::ValuesIn(::modelwarden::testing::AvailableBackends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return ::modelwarden::testing::BackendName(backend.param);
                         });

}  // namespace
}  // namespace modelwarden
