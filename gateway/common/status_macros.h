#ifndef GATEWAY_COMMON_STATUS_MACROS_H_
#define GATEWAY_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Early-return helpers for absl::Status / absl::StatusOr, as used across
// Google code bases (Debian's Abseil does not ship them).

#define TOBACCO_STATUS_CONCAT_INNER_(a, b) a##b
#define TOBACCO_STATUS_CONCAT_(a, b) TOBACCO_STATUS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::absl::Status _status_tmp = (expr);       \
    if (!_status_tmp.ok()) return _status_tmp; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  TOBACCO_ASSIGN_OR_RETURN_IMPL_(   \
      TOBACCO_STATUS_CONCAT_(_statusor_tmp_, __LINE__), lhs, expr)

#define TOBACCO_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = *std::move(statusor)

#endif  // GATEWAY_COMMON_STATUS_MACROS_H_
