#include "registry/search/order_by.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace modelwarden {
namespace {

constexpr SearchTarget kModels = SearchTarget::kRegisteredModels;
constexpr SearchTarget kVersions = SearchTarget::kModelVersions;

std::vector<OrderKey> MustOrder(const std::vector<std::string>& order_by, SearchTarget target) {
  Result<std::vector<OrderKey>> r = ParseOrderBy(order_by, target);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<OrderKey>{};
}

std::string OrderError(const std::vector<std::string>& order_by, SearchTarget target) {
  Result<std::vector<OrderKey>> r = ParseOrderBy(order_by, target);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue);
  return r.status().message();
}

using Keys = std::vector<OrderKey>;
constexpr OrderColumn kName = OrderColumn::kName;
constexpr OrderColumn kVersion = OrderColumn::kVersion;
constexpr OrderColumn kCreated = OrderColumn::kCreationTimestamp;
constexpr OrderColumn kUpdated = OrderColumn::kLastUpdatedTimestamp;

TEST(OrderByTest, ModelDefaultsAndTieBreaker) {
  EXPECT_EQ(MustOrder({}, kModels), (Keys{{kName, true}}));
  EXPECT_EQ(MustOrder({"name DESC"}, kModels), (Keys{{kName, false}}));
  EXPECT_EQ(MustOrder({"name"}, kModels), (Keys{{kName, true}}));
  EXPECT_EQ(MustOrder({"timestamp DESC"}, kModels), (Keys{{kUpdated, false}, {kName, true}}));
  EXPECT_EQ(MustOrder({"last_updated_timestamp"}, kModels),
            (Keys{{kUpdated, true}, {kName, true}}));
  EXPECT_EQ(MustOrder({"last_updated_timestamp asc", "name desc"}, kModels),
            (Keys{{kUpdated, true}, {kName, false}}));
}

TEST(OrderByTest, DirectionAndQuotingVariants) {
  EXPECT_EQ(MustOrder({"  name   DeSc  "}, kModels), (Keys{{kName, false}}));
  EXPECT_EQ(MustOrder({"`name` DESC"}, kModels), (Keys{{kName, false}}));
  EXPECT_EQ(MustOrder({"`name`"}, kModels), (Keys{{kName, true}}));
  EXPECT_EQ(MustOrder({"\"timestamp\" desc"}, kModels), (Keys{{kUpdated, false}, {kName, true}}));
  EXPECT_EQ(MustOrder({"name\tASC"}, kModels), (Keys{{kName, true}}));
  EXPECT_EQ(MustOrder({"`version_number` ASC"}, kVersions),
            (Keys{{kVersion, true}, {kName, true}}));
  EXPECT_EQ(MustOrder({"attribute.version_number DESC"}, kVersions),
            (Keys{{kVersion, false}, {kName, true}}));
  EXPECT_EQ(MustOrder({"attribute.`name`"}, kVersions), (Keys{{kName, true}, {kVersion, false}}));
}

TEST(OrderByTest, ModelRejections) {
  EXPECT_EQ(OrderError({"creation_timestamp DESC"}, kModels),
            "Invalid order by key 'creation_timestamp' specified. Valid keys are '{'name', "
            "'timestamp'}'");
  OrderError({"version_number"}, kModels);
  OrderError({"attribute.name"}, kModels);
  OrderError({"Name"}, kModels);
  OrderError({"tags.x"}, kModels);
  EXPECT_EQ(OrderError({"name sideways"}, kModels),
            "Invalid ordering key in order_by clause 'name sideways'.");
  OrderError({"name ASC DESC"}, kModels);
  OrderError({""}, kModels);
  OrderError({"   "}, kModels);
  OrderError({"`name DESC"}, kModels);
  OrderError({"`name`DESC"}, kModels);
  OrderError({"name; DROP TABLE x"}, kModels);
}

TEST(OrderByTest, DuplicatesAreRejectedByColumn) {
  EXPECT_EQ(OrderError({"name ASC", "name DESC"}, kModels),
            "`order_by` contains duplicate fields: ['name ASC', 'name DESC']");
  // timestamp and last_updated_timestamp are the same column.
  OrderError({"timestamp", "last_updated_timestamp DESC"}, kModels);
  OrderError({"version_number", "attribute.version_number"}, kVersions);
  OrderError({"creation_timestamp", "creation_timestamp"}, kVersions);
}

TEST(OrderByTest, VersionDefaultsAndTieBreakers) {
  EXPECT_EQ(MustOrder({}, kVersions), (Keys{{kUpdated, false}, {kName, true}, {kVersion, false}}));
  EXPECT_EQ(MustOrder({"version_number ASC"}, kVersions), (Keys{{kVersion, true}, {kName, true}}));
  EXPECT_EQ(MustOrder({"creation_timestamp DESC"}, kVersions),
            (Keys{{kCreated, false}, {kName, true}, {kVersion, false}}));
  EXPECT_EQ(MustOrder({"name ASC"}, kVersions), (Keys{{kName, true}, {kVersion, false}}));
  EXPECT_EQ(MustOrder({"name DESC", "version_number ASC"}, kVersions),
            (Keys{{kName, false}, {kVersion, true}}));
  EXPECT_EQ(MustOrder({"last_updated_timestamp"}, kVersions),
            (Keys{{kUpdated, true}, {kName, true}, {kVersion, false}}));
}

TEST(OrderByTest, VersionRejections) {
  OrderError({"timestamp"}, kVersions);
  OrderError({"version"}, kVersions);
  OrderError({"current_stage"}, kVersions);
  OrderError({"tag.name"}, kVersions);
  OrderError({"tags.version_number DESC"}, kVersions);
  EXPECT_NE(OrderError({"metric.x"}, kVersions).find("Invalid entity type 'metric'"),
            std::string::npos);
  OrderError({"version_number up"}, kVersions);
  // An invalid clause anywhere fails the whole list.
  OrderError({"name", "bogus"}, kVersions);
}

TEST(OrderByTest, TotalOrderStopsAtTheUniqueKeys) {
  EXPECT_EQ(UpToTotalOrder(MustOrder({"name", "timestamp DESC"}, kModels), kModels),
            (Keys{{kName, true}}));
  EXPECT_EQ(UpToTotalOrder(MustOrder({"timestamp DESC"}, kModels), kModels),
            (Keys{{kUpdated, false}, {kName, true}}));
  EXPECT_EQ(UpToTotalOrder(MustOrder({}, kVersions), kVersions),
            (Keys{{kUpdated, false}, {kName, true}, {kVersion, false}}));
  EXPECT_EQ(UpToTotalOrder(MustOrder({"name", "version_number", "creation_timestamp"}, kVersions),
                           kVersions),
            (Keys{{kName, true}, {kVersion, true}}));
  EXPECT_EQ(
      UpToTotalOrder(MustOrder({"version_number", "last_updated_timestamp"}, kVersions), kVersions),
      (Keys{{kVersion, true}, {kUpdated, true}, {kName, true}}));
  // Only the name alone does not make versions unique.
  EXPECT_EQ(UpToTotalOrder(Keys{{kName, true}, {kCreated, true}}, kVersions),
            (Keys{{kName, true}, {kCreated, true}}));
}

}  // namespace
}  // namespace modelwarden
