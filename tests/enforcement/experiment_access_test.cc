// ExperimentAccess: which grant decides for an experiment and for a scorer (the exact
// experiment before any name prefix, a longer prefix before a shorter one, the user's own
// grant before their groups', the highest of the groups', else the default; a scorer's own
// grant before its experiment's permission), and that grants on models never count.

#include "enforcement/access/experiment_access.h"

#include <memory>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace modelwarden {
namespace {

using ::modelwarden::testing::MakeGrant;

Grant UserExperiment(const std::string& id, const std::string& permission) {
  return MakeGrant(SubjectType::kUser, "bob", ResourceType::kExperiment, id, permission);
}
Grant GroupExperiment(const std::string& group, const std::string& id,
                      const std::string& permission) {
  return MakeGrant(SubjectType::kGroup, group, ResourceType::kExperiment, id, permission);
}
Grant UserPrefix(const std::string& prefix, const std::string& permission) {
  return MakeGrant(SubjectType::kUser, "bob", ResourceType::kExperimentPrefix, prefix, permission);
}
Grant GroupPrefix(const std::string& group, const std::string& prefix,
                  const std::string& permission) {
  return MakeGrant(SubjectType::kGroup, group, ResourceType::kExperimentPrefix, prefix, permission);
}
Grant UserScorer(const std::string& id, const std::string& scorer, const std::string& permission) {
  return MakeGrant(SubjectType::kUser, "bob", ResourceType::kScorer, ScorerResource(id, scorer),
                   permission);
}
Grant GroupScorer(const std::string& group, const std::string& id, const std::string& scorer,
                  const std::string& permission) {
  return MakeGrant(SubjectType::kGroup, group, ResourceType::kScorer, ScorerResource(id, scorer),
                   permission);
}

ExperimentAccess Access(std::vector<Grant> grants, Permission fallback = Permission::kRead) {
  auto profile = std::make_shared<AccessProfile>();
  profile->user.id = 1;
  profile->user.username = "bob";
  profile->grants = std::move(grants);
  return ExperimentAccess::ForProfile(std::move(profile), fallback);
}

Permission On(const ExperimentAccess& access, const std::string& id, const std::string& name) {
  return access.ForExperiment(id, name).permission;
}

TEST(ExperimentAccessTest, EverythingAllowsEverything) {
  const ExperimentAccess everything = ExperimentAccess::Everything();
  EXPECT_TRUE(everything.sees_everything());
  EXPECT_EQ(everything.username(), "");
  EXPECT_FALSE(everything.NeedsNames());
  EXPECT_EQ(On(everything, "1", ""), Permission::kManage);
  EXPECT_EQ(everything.ForScorer("1", "s", "").permission, Permission::kManage);
}

TEST(ExperimentAccessTest, NoGrantGivesTheDefault) {
  const ExperimentAccess access = Access({UserExperiment("2", "MANAGE")}, Permission::kEdit);
  EXPECT_FALSE(access.sees_everything());
  EXPECT_EQ(access.username(), "bob");
  const EffectivePermission effective = access.ForExperiment("1", "exp");
  EXPECT_EQ(effective.permission, Permission::kEdit);
  EXPECT_EQ(effective.source, "the default permission");
  EXPECT_EQ(On(Access({}, Permission::kNoPermissions), "1", "x"), Permission::kNoPermissions);
}

TEST(ExperimentAccessTest, TheExactExperimentBeatsEveryPrefix) {
  const ExperimentAccess access = Access(
      {UserPrefix("team-", "MANAGE"), GroupExperiment("g", "7", "READ"), UserPrefix("t", "EDIT")},
      Permission::kNoPermissions);
  // Even a group's grant on the experiment beats the user's own prefix grant.
  EXPECT_EQ(On(access, "7", "team-a"), Permission::kRead);
  EXPECT_EQ(access.ForExperiment("7", "team-a").source, "grant to group g on experiment 7");
  EXPECT_EQ(On(access, "8", "team-a"), Permission::kManage);
  EXPECT_EQ(access.ForExperiment("8", "team-a").source,
            "grant to user bob on experiment prefix team-");
  EXPECT_EQ(On(access, "8", "tx"), Permission::kEdit);
  EXPECT_EQ(On(access, "8", "other"), Permission::kNoPermissions);
}

TEST(ExperimentAccessTest, LongerPrefixBeatsShorterAndNamesAreBytes) {
  const ExperimentAccess access =
      Access({UserPrefix("f", "MANAGE"), UserPrefix("fraud/", "READ"),
              GroupPrefix("g", "fraud/a", "NO_PERMISSIONS"), UserPrefix("fraud", "EDIT")});
  EXPECT_EQ(On(access, "1", "fraud/ab"), Permission::kNoPermissions);
  EXPECT_EQ(On(access, "1", "fraud/b"), Permission::kRead);
  EXPECT_EQ(On(access, "1", "fraudx"), Permission::kEdit);
  EXPECT_EQ(On(access, "1", "fr"), Permission::kManage);
  EXPECT_EQ(On(access, "1", "Fraud/b"), Permission::kRead);  // The default: no grant covers it.
  EXPECT_EQ(On(Access({UserPrefix("a_", "MANAGE")}), "1", "ab"), Permission::kRead);
}

TEST(ExperimentAccessTest, AnUnknownNameLeavesPrefixGrantsOut) {
  const ExperimentAccess access =
      Access({UserPrefix("team-", "MANAGE")}, Permission::kNoPermissions);
  EXPECT_TRUE(access.NeedsNames());
  EXPECT_EQ(On(access, "1", "team-a"), Permission::kManage);
  EXPECT_EQ(On(access, "1", ""), Permission::kNoPermissions);
  EXPECT_FALSE(Access({UserExperiment("1", "READ"), UserScorer("1", "s", "READ")}).NeedsNames());
}

TEST(ExperimentAccessTest, UserBeatsGroupsAndTheHighestGroupWins) {
  EXPECT_EQ(On(Access({GroupExperiment("g", "1", "MANAGE"), UserExperiment("1", "READ")}), "1", ""),
            Permission::kRead);
  EXPECT_EQ(
      On(Access({UserPrefix("p", "NO_PERMISSIONS"), GroupPrefix("g", "p", "MANAGE")}), "1", "px"),
      Permission::kNoPermissions);
  const ExperimentAccess groups =
      Access({GroupExperiment("a", "1", "READ"), GroupExperiment("b", "1", "EDIT"),
              GroupExperiment("c", "1", "NO_PERMISSIONS")},
             Permission::kManage);
  EXPECT_EQ(On(groups, "1", ""), Permission::kEdit);
  EXPECT_EQ(groups.ForExperiment("1", "").source, "grant to group b on experiment 1");
}

TEST(ExperimentAccessTest, AScorerGrantDecidesForItsScorerOnly) {
  const ExperimentAccess access =
      Access({UserExperiment("1", "READ"), UserScorer("1", "relevance", "MANAGE"),
              UserScorer("2", "relevance", "NO_PERMISSIONS")},
             Permission::kEdit);
  EXPECT_EQ(access.ForScorer("1", "relevance", "").permission, Permission::kManage);
  EXPECT_EQ(access.ForScorer("1", "relevance", "").source,
            "grant to user bob on scorer 1/relevance");
  // No grant on the scorer: its experiment's permission (a grant, else the default).
  EXPECT_EQ(access.ForScorer("1", "other", "").permission, Permission::kRead);
  EXPECT_EQ(access.ForScorer("3", "relevance", "").permission, Permission::kEdit);
  // A scorer grant may lower what the experiment gives.
  EXPECT_EQ(access.ForScorer("2", "relevance", "").permission, Permission::kNoPermissions);
  // And never decides for its experiment.
  EXPECT_EQ(On(access, "2", ""), Permission::kEdit);
  // A scorer named like a path: split at the first '/' only.
  EXPECT_EQ(Access({UserScorer("1", "a/b", "MANAGE")}).ForScorer("1", "a/b", "").permission,
            Permission::kManage);
  EXPECT_EQ(Access({UserScorer("1", "a/b", "MANAGE")}).ForScorer("1", "a", "").permission,
            Permission::kRead);
}

TEST(ExperimentAccessTest, ScorersFallBackThroughPrefixesAndGroups) {
  const ExperimentAccess access =
      Access({GroupPrefix("g", "team-", "EDIT"), GroupScorer("g", "1", "s", "READ"),
              GroupScorer("h", "1", "s", "MANAGE"), UserScorer("1", "t", "NO_PERMISSIONS"),
              GroupScorer("g", "1", "t", "MANAGE")},
             Permission::kNoPermissions);
  EXPECT_EQ(access.ForScorer("1", "s", "team-a").permission, Permission::kManage);
  EXPECT_EQ(access.ForScorer("1", "t", "team-a").permission, Permission::kNoPermissions);
  EXPECT_EQ(access.ForScorer("1", "u", "team-a").permission, Permission::kEdit);
  EXPECT_EQ(access.ForScorer("1", "u", "").permission, Permission::kNoPermissions);
}

// Grants on models are not grants on experiments, even with the same text as resource.
TEST(ExperimentAccessTest, ModelGrantsNeverDecideForExperiments) {
  const ExperimentAccess access =
      Access({MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "1", "MANAGE"),
              MakeGrant(SubjectType::kUser, "bob", ResourceType::kPrefix, "team", "MANAGE"),
              MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "1/s", "MANAGE"),
              MakeGrant(SubjectType::kUser, "bob", ResourceType::kModel, "1", "PROMOTE"),
              MakeGrant(SubjectType::kUser, "bob", ResourceType::kPrefix, "", "WEBHOOKS")},
             Permission::kNoPermissions);
  EXPECT_FALSE(access.NeedsNames());
  EXPECT_EQ(On(access, "1", "team-a"), Permission::kNoPermissions);
  EXPECT_EQ(access.ForScorer("1", "s", "team-a").permission, Permission::kNoPermissions);
}

TEST(ExperimentAccessTest, ScorerResourcesSplitAtTheFirstSlash) {
  EXPECT_EQ(ScorerResource("12", "relevance"), "12/relevance");
  std::string id;
  std::string scorer;
  ASSERT_TRUE(SplitScorerResource("12/a/b", id, scorer));
  EXPECT_EQ(id, "12");
  EXPECT_EQ(scorer, "a/b");
  EXPECT_FALSE(SplitScorerResource("12", id, scorer));
}

}  // namespace
}  // namespace modelwarden
