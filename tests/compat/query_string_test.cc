#include "compat/edge/query_string.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace modelwarden {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

std::vector<std::pair<std::string, std::string>> Parsed(std::string_view query) {
  const auto params = ParseQueryString(query);
  return {params.begin(), params.end()};
}

TEST(QueryStringTest, FormDecodesKeysAndValues) {
  EXPECT_THAT(Parsed("name=a+b%2Fc&filter=name+LIKE+%27x%25%27"),
              ElementsAre(Pair("filter", "name LIKE 'x%'"), Pair("name", "a b/c")));
  EXPECT_THAT(Parsed("k%20y=%E2%9C%93"), ElementsAre(Pair("k y", "\xe2\x9c\x93")));
}

TEST(QueryStringTest, KeepsRepeatedKeysInOrder) {
  EXPECT_THAT(Parsed("order_by=b&x=1&order_by=a&order_by=c"),
              ElementsAre(Pair("order_by", "b"), Pair("order_by", "a"), Pair("order_by", "c"),
                          Pair("x", "1")));
}

// As werkzeug: the first '=' splits, empty pieces are skipped, a bare key has an empty value,
// malformed escapes stay as they are, bytes are not checked here.
TEST(QueryStringTest, EdgeCasesAsWerkzeugReadsThem) {
  EXPECT_THAT(Parsed("a=b=c"), ElementsAre(Pair("a", "b=c")));
  EXPECT_THAT(Parsed("&&a=1&&b&"), ElementsAre(Pair("a", "1"), Pair("b", "")));
  EXPECT_THAT(Parsed("=v"), ElementsAre(Pair("", "v")));
  EXPECT_THAT(Parsed("p=100%&q=%zz&r=%4"),
              ElementsAre(Pair("p", "100%"), Pair("q", "%zz"), Pair("r", "%4")));
  EXPECT_THAT(Parsed("bad=%FF%00"), ElementsAre(Pair("bad", std::string("\xff\0", 2))));
  EXPECT_TRUE(Parsed("").empty());
}

}  // namespace
}  // namespace modelwarden
