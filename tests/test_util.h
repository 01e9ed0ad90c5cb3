// Shared test helpers: Status/Result matchers and a controllable clock.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <ostream>
#include <string>

#include "registry/auth_entities.h"
#include "registry/clock.h"
#include "registry/status.h"

namespace modelwarden {
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace modelwarden

namespace modelwarden::testing {

MATCHER(IsOk, "") {
  *result_listener << arg.status().ToString();
  return arg.status().ok();
}

MATCHER_P(HasCode, code, "") {
  *result_listener << arg.status().ToString();
  return arg.status().code() == code;
}

// Starts at a fixed time and advances one millisecond per reading, so consecutive operations
// get distinct, ordered timestamps.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start = 1'700'000'000'000) : now_(start) {}
  int64_t NowMillis() const override { return now_.fetch_add(1); }
  int64_t Peek() const { return now_.load(); }
  // Moves time forward, e.g. past a cache lifetime or a token's expiration.
  void Advance(int64_t millis) { now_.fetch_add(millis); }

 private:
  mutable std::atomic<int64_t> now_;
};

// A grant as the store and the permission rules take it (subject_id is looked up by name);
// `permission` is one of MLflow's four names or "PROMOTE".
inline Grant MakeGrant(SubjectType subject_type, const std::string& subject,
                       ResourceType resource_type, const std::string& resource,
                       const std::string& permission) {
  Grant grant;
  grant.subject_type = subject_type;
  grant.subject_name = subject;
  grant.resource_type = resource_type;
  grant.resource = resource;
  EXPECT_TRUE(SetGrantPermission(permission, grant)) << permission;
  return grant;
}

}  // namespace modelwarden::testing

#define ASSERT_OK(expr) ASSERT_THAT(expr, ::modelwarden::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT(expr, ::modelwarden::testing::IsOk())
#define EXPECT_CODE(expr, code) EXPECT_THAT(expr, ::modelwarden::testing::HasCode(code))
