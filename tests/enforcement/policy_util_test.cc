// The helpers the policy files share: one definition each, so one test each.

#include "enforcement/policy/policy_util.h"

#include <gtest/gtest.h>

namespace modelwarden {
namespace {

TEST(PolicyUtilTest, FindTagReturnsTheFirstValueOfTheKey) {
  const std::vector<Tag> tags = {{"owner", "a@b"}, {"team", "fraud"}, {"owner", "c@d"}};
  ASSERT_NE(FindTag(tags, "owner"), nullptr);
  EXPECT_EQ(*FindTag(tags, "owner"), "a@b");
  EXPECT_EQ(*FindTag(tags, "team"), "fraud");
  EXPECT_EQ(FindTag(tags, "Owner"), nullptr);
  EXPECT_EQ(FindTag({}, "owner"), nullptr);
}

TEST(PolicyUtilTest, ParseFiniteNumberTakesWholeFiniteNumbersOnly) {
  EXPECT_EQ(ParseFiniteNumber("0.85"), 0.85);
  EXPECT_EQ(ParseFiniteNumber("-1e-3"), -0.001);
  EXPECT_EQ(ParseFiniteNumber("42"), 42.0);
  for (const char* bad : {"", "0.85x", "x", "nan", "inf", "-Infinity", "1e999", "0.5 "}) {
    EXPECT_FALSE(ParseFiniteNumber(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ParseFiniteNumber(std::string("1\0"
                                             "2",
                                             3))
                   .has_value());
}

}  // namespace
}  // namespace modelwarden
