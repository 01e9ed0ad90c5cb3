#include "registry/status.h"

namespace modelwarden {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "OK";
    case ErrorCode::kInvalidParameterValue:
      return "INVALID_PARAMETER_VALUE";
    case ErrorCode::kBadRequest:
      return "BAD_REQUEST";
    case ErrorCode::kResourceAlreadyExists:
      return "RESOURCE_ALREADY_EXISTS";
    case ErrorCode::kResourceDoesNotExist:
      return "RESOURCE_DOES_NOT_EXIST";
    case ErrorCode::kEndpointNotFound:
      return "ENDPOINT_NOT_FOUND";
    case ErrorCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case ErrorCode::kUnauthenticated:
      return "UNAUTHENTICATED";
    case ErrorCode::kInvalidState:
      return "INVALID_STATE";
    case ErrorCode::kTemporarilyUnavailable:
      return "TEMPORARILY_UNAVAILABLE";
    case ErrorCode::kNotImplemented:
      return "NOT_IMPLEMENTED";
    case ErrorCode::kAborted:
      return "ABORTED";
    case ErrorCode::kInternalError:
    case ErrorCode::kWouldBlock:
      return "INTERNAL_ERROR";
  }
  return "INTERNAL_ERROR";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(ErrorCodeName(code_)) + ": " + message_;
}

}  // namespace modelwarden
