#include "compat/errors.h"

#include <gtest/gtest.h>

#include <string>

namespace modelwarden {
namespace {

struct Expected {
  ErrorCode code;
  const char* error_code;
  int http_status;
};

// Every ErrorCode but kOk; a new enumerator must be added here (the switch in errors.cc
// gets a -Wswitch warning too).
constexpr Expected kTable[] = {
    {ErrorCode::kInvalidParameterValue, "INVALID_PARAMETER_VALUE", 400},
    {ErrorCode::kBadRequest, "BAD_REQUEST", 400},
    {ErrorCode::kResourceAlreadyExists, "RESOURCE_ALREADY_EXISTS", 400},
    {ErrorCode::kResourceDoesNotExist, "RESOURCE_DOES_NOT_EXIST", 404},
    {ErrorCode::kEndpointNotFound, "ENDPOINT_NOT_FOUND", 404},
    {ErrorCode::kPermissionDenied, "PERMISSION_DENIED", 403},
    {ErrorCode::kUnauthenticated, "UNAUTHENTICATED", 401},
    {ErrorCode::kInvalidState, "INVALID_STATE", 500},
    {ErrorCode::kTemporarilyUnavailable, "TEMPORARILY_UNAVAILABLE", 503},
    {ErrorCode::kNotImplemented, "NOT_IMPLEMENTED", 501},
    {ErrorCode::kAborted, "ABORTED", 409},
    {ErrorCode::kInternalError, "INTERNAL_ERROR", 500},
};

TEST(ErrorsTest, MapsEveryErrorCode) {
  for (const Expected& expected : kTable) {
    const MlflowError error = ToMlflowError(expected.code);
    EXPECT_EQ(error.error_code, expected.error_code);
    EXPECT_EQ(error.http_status, expected.http_status) << expected.error_code;
  }
}

TEST(ErrorsTest, TableCoversEveryEnumerator) {
  // kInternalError is the last enumerator of ErrorCode.
  EXPECT_EQ(std::size(kTable), static_cast<size_t>(ErrorCode::kInternalError));
}

TEST(ErrorsTest, ErrorCodeStringMatchesStatusName) {
  for (const Expected& expected : kTable) {
    EXPECT_EQ(ToMlflowError(expected.code).error_code, ErrorCodeName(expected.code));
  }
}

TEST(ErrorsTest, AlreadyExistsIsBadRequestNotConflict) {
  EXPECT_EQ(ToMlflowError(ErrorCode::kResourceAlreadyExists).http_status, 400);
}

TEST(ErrorsTest, OkIsNeverReportedAsSuccess) {
  const MlflowError error = ToMlflowError(ErrorCode::kOk);
  EXPECT_EQ(error.error_code, "INTERNAL_ERROR");
  EXPECT_EQ(error.http_status, 500);
}

TEST(ErrorsTest, BodyIsCompactJson) {
  EXPECT_EQ(ErrorBody(Status::NotFound("Registered Model with name=m not found")),
            R"({"error_code":"RESOURCE_DOES_NOT_EXIST",)"
            R"("message":"Registered Model with name=m not found"})");
}

TEST(ErrorsTest, BodyEscapesMessage) {
  EXPECT_EQ(ErrorBody(Status::InvalidArgument("Invalid value \"x\"\n")),
            R"({"error_code":"INVALID_PARAMETER_VALUE","message":"Invalid value \"x\"\n"})");
}

TEST(ErrorsTest, BodyReplacesInvalidUtf8) {
  EXPECT_EQ(ErrorBody(Status::NotFound("name=\xff")),
            "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"name=\xEF\xBF\xBD\"}");
}

}  // namespace
}  // namespace modelwarden
