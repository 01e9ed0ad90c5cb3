// The one table from ErrorCode to MLflow's wire error: the `error_code` string and the HTTP
// status (mlflow/exceptions.py ERROR_CODE_TO_HTTP_STATUS), and the JSON error body.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "registry/status.h"

namespace modelwarden {

struct MlflowError {
  std::string_view error_code;  // e.g. "RESOURCE_DOES_NOT_EXIST".
  int http_status;              // e.g. 404.
};

// kOk is not an error; it maps to INTERNAL_ERROR 500 so a misuse never looks like success.
MlflowError ToMlflowError(ErrorCode code);

// Compact `{"error_code":"...","message":"..."}` for a non-OK status. Invalid UTF-8 in the
// message is replaced, so the body is always valid JSON.
std::string ErrorBody(const Status& status);

}  // namespace modelwarden
