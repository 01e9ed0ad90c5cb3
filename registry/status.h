// Status and Result<T>: how every fallible call in modelwarden reports failure.
//
// An ErrorCode names the MLflow error it becomes at the HTTP edge (compat/errors.cc holds the
// one table from code to MLflow string and HTTP status). Nothing below compat sees either.
// Status and Result are values: copyable, thread-compatible.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace modelwarden {

enum class ErrorCode {
  kOk,
  kInvalidParameterValue,
  kBadRequest,
  kResourceAlreadyExists,
  kResourceDoesNotExist,
  kEndpointNotFound,
  kPermissionDenied,
  kUnauthenticated,
  kInvalidState,
  kTemporarilyUnavailable,
  kNotImplemented,
  // The change was not made because it waits on something else (a pending approval). MLflow's
  // ABORTED: HTTP 409, which its clients do not retry.
  kAborted,
  kInternalError,
  // Internal, never an answer: deciding needs a read that may block (a database row, a KDF, the
  // tracker), and the caller asked not to (AccessControl's Blocking::kNever). Ask again on a
  // thread that may block.
  kWouldBlock,
};

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {ErrorCode::kInvalidParameterValue, std::move(m)};
  }
  static Status AlreadyExists(std::string m) {
    return {ErrorCode::kResourceAlreadyExists, std::move(m)};
  }
  static Status NotFound(std::string m) { return {ErrorCode::kResourceDoesNotExist, std::move(m)}; }
  static Status PermissionDenied(std::string m) {
    return {ErrorCode::kPermissionDenied, std::move(m)};
  }
  static Status Unauthenticated(std::string m) {
    return {ErrorCode::kUnauthenticated, std::move(m)};
  }
  static Status Unavailable(std::string m) {
    return {ErrorCode::kTemporarilyUnavailable, std::move(m)};
  }
  static Status Internal(std::string m) { return {ErrorCode::kInternalError, std::move(m)}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Lets one test matcher serve both Status and Result<T>.
  const Status& status() const { return *this; }
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

const char* ErrorCodeName(ErrorCode code);

// A value of T or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design.
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design.
    assert(!status_.ok());
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace modelwarden

#define MW_CONCAT_INNER(a, b) a##b
#define MW_CONCAT(a, b) MW_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR_IMPL(tmp, expr)                \
  do {                                                 \
    const ::modelwarden::Status tmp = (expr).status(); \
    if (!tmp.ok()) return tmp;                         \
  } while (0)

// Returns early with the Status of `expr` (a Status or a Result) when it is not OK.
#define RETURN_IF_ERROR(expr) RETURN_IF_ERROR_IMPL(MW_CONCAT(mw_status_, __LINE__), expr)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(*tmp)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(MW_CONCAT(mw_result_, __LINE__), lhs, expr)
