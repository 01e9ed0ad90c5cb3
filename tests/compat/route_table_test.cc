#include "compat/route_table.h"

#include <gtest/gtest.h>

namespace modelwarden {
namespace {

using Kind = RouteTable::Match::Kind;

RouteTable WebhookLikeTable() {
  RouteTable table;
  table.Add("POST", "/api/2.0/hooks", 0);
  table.Add("GET", "/api/2.0/hooks", 1);
  table.Add("GET", "/api/2.0/hooks/{id}", 2);
  table.Add("PATCH", "/api/2.0/hooks/{id}", 3);
  table.Add("POST", "/api/2.0/hooks/{id}/test", 4);
  table.Add("GET", "/api/2.0/hooks/deliveries", 5);
  table.Add("GET", "/api/2.0/hooks/deliveries/{delivery_id}", 6);
  return table;
}

TEST(RouteTableTest, LiteralPathsFindTheirMethod) {
  const RouteTable table = WebhookLikeTable();
  RouteTable::Match match = table.Find("POST", "/api/2.0/hooks");
  EXPECT_EQ(match.kind, Kind::kFound);
  EXPECT_EQ(match.call, 0);
  EXPECT_TRUE(match.values.empty());
  EXPECT_EQ(table.Find("GET", "/api/2.0/hooks").call, 1);
  EXPECT_EQ(table.Find("HEAD", "/api/2.0/hooks").call, 1);  // HEAD runs the GET route.
}

TEST(RouteTableTest, PlaceholdersCaptureOneSegmentEach) {
  const RouteTable table = WebhookLikeTable();
  RouteTable::Match match = table.Find("PATCH", "/api/2.0/hooks/abc-1");
  EXPECT_EQ(match.kind, Kind::kFound);
  EXPECT_EQ(match.call, 3);
  EXPECT_EQ(match.values, std::vector<std::string>{"abc-1"});
  match = table.Find("POST", "/api/2.0/hooks/a b%/test");  // Paths arrive decoded.
  EXPECT_EQ(match.call, 4);
  EXPECT_EQ(match.values, std::vector<std::string>{"a b%"});
  match = table.Find("GET", "/api/2.0/hooks/deliveries/d-9");
  EXPECT_EQ(match.call, 6);
  EXPECT_EQ(match.values, std::vector<std::string>{"d-9"});
}

TEST(RouteTableTest, ARestPlaceholderTakesTheRestOfThePath) {
  RouteTable table;
  table.Add("PUT", "/files/{kind}/{*path}", 0);
  RouteTable::Match match = table.Find("PUT", "/files/a/1/run/x y.bin");
  EXPECT_EQ(match.kind, Kind::kFound);
  EXPECT_EQ(match.values, (std::vector<std::string>{"a", "1/run/x y.bin"}));
  EXPECT_EQ(table.Find("PUT", "/files/a/one").values, (std::vector<std::string>{"a", "one"}));
  // Nothing after the slash, or no slash: no match.
  EXPECT_EQ(table.Find("PUT", "/files/a/").kind, Kind::kNotFound);
  EXPECT_EQ(table.Find("PUT", "/files/a").kind, Kind::kNotFound);
}

TEST(RouteTableTest, ALiteralComesBeforeAPlaceholderThatMatchesIt) {
  const RouteTable table = WebhookLikeTable();
  RouteTable::Match match = table.Find("GET", "/api/2.0/hooks/deliveries");
  EXPECT_EQ(match.call, 5);
  EXPECT_TRUE(match.values.empty());
  // The literal lacks PATCH: the placeholder path has it, as Flask's URL map goes on to it.
  match = table.Find("PATCH", "/api/2.0/hooks/deliveries");
  EXPECT_EQ(match.call, 3);
  EXPECT_EQ(match.values, std::vector<std::string>{"deliveries"});
}

TEST(RouteTableTest, WrongMethodAnswersEveryMatchingPathsMethods) {
  const RouteTable table = WebhookLikeTable();
  RouteTable::Match match = table.Find("DELETE", "/api/2.0/hooks/abc");
  EXPECT_EQ(match.kind, Kind::kWrongMethod);
  EXPECT_EQ(match.allow, "GET, HEAD, OPTIONS, PATCH");
  match = table.Find("OPTIONS", "/api/2.0/hooks");
  EXPECT_EQ(match.kind, Kind::kWrongMethod);
  EXPECT_EQ(match.allow, "GET, HEAD, OPTIONS, POST");
  match = table.Find("POST", "/api/2.0/hooks/deliveries");
  EXPECT_EQ(match.allow, "GET, HEAD, OPTIONS, PATCH");
}

TEST(RouteTableTest, PathsThatDoNotMatchAreNotFound) {
  const RouteTable table = WebhookLikeTable();
  for (const char* path :
       {"/api/2.0/hooks/", "/api/2.0/hooks//test", "/api/2.0/hooks/a/b", "/api/2.0/hook",
        "/api/2.0/hooks/a/test/", "api/2.0/hooks", "", "/", "/api/2.0/hooks/{id}/tests"}) {
    EXPECT_EQ(table.Find("GET", path).kind, Kind::kNotFound) << path;
    EXPECT_EQ(table.Find("POST", path).kind, Kind::kNotFound) << path;
  }
}

TEST(RouteTableTest, AllowHeaderIsFlasks) {
  EXPECT_EQ(AllowHeader({"POST"}), "OPTIONS, POST");
  EXPECT_EQ(AllowHeader({"GET", "DELETE"}), "DELETE, GET, HEAD, OPTIONS");
}

}  // namespace
}  // namespace modelwarden
