#include "compat/errors.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "compat/utf8.h"

namespace modelwarden {

MlflowError ToMlflowError(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidParameterValue:
      return {"INVALID_PARAMETER_VALUE", 400};
    case ErrorCode::kBadRequest:
      return {"BAD_REQUEST", 400};
    // MLflow answers 400, not 409, for a duplicate name (mlflow/exceptions.py).
    case ErrorCode::kResourceAlreadyExists:
      return {"RESOURCE_ALREADY_EXISTS", 400};
    case ErrorCode::kResourceDoesNotExist:
      return {"RESOURCE_DOES_NOT_EXIST", 404};
    case ErrorCode::kEndpointNotFound:
      return {"ENDPOINT_NOT_FOUND", 404};
    case ErrorCode::kUnauthenticated:
      return {"UNAUTHENTICATED", 401};
    case ErrorCode::kPermissionDenied:
      return {"PERMISSION_DENIED", 403};
    case ErrorCode::kNotImplemented:
      return {"NOT_IMPLEMENTED", 501};
    case ErrorCode::kTemporarilyUnavailable:
      return {"TEMPORARILY_UNAVAILABLE", 503};
    case ErrorCode::kInvalidState:
      return {"INVALID_STATE", 500};
    // A move that waits for a second person's approval: 409 is in none of the MLflow client's
    // retry lists (mlflow/utils/request_utils.py), unlike 5xx.
    case ErrorCode::kAborted:
      return {"ABORTED", 409};
    case ErrorCode::kInternalError:
    case ErrorCode::kWouldBlock:  // Never meant to reach a client.
      return {"INTERNAL_ERROR", 500};
    case ErrorCode::kOk:
      break;
  }
  return {"INTERNAL_ERROR", 500};
}

std::string ErrorBody(const Status& status) {
  const MlflowError error = ToMlflowError(status.code());
  const std::string message = ToValidUtf8(status.message());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("error_code");
  writer.String(error.error_code.data(), static_cast<rapidjson::SizeType>(error.error_code.size()));
  writer.Key("message");
  writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace modelwarden
