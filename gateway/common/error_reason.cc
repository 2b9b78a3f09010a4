#include "gateway/common/error_reason.h"

#include <cmath>
#include <string>

#include "absl/base/const_init.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace nhs::tobacco {
namespace {

absl::Mutex domain_mu(absl::kConstInit);
std::string* domain ABSL_GUARDED_BY(domain_mu) = nullptr;

}  // namespace

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  if (status.ok()) return status;
  status.SetPayload(kReasonPayloadUrl, absl::Cord(reason));
  return status;
}

absl::Status WithRetryAfter(absl::Status status, absl::Duration delay) {
  if (status.ok()) return status;
  status.SetPayload(kRetryAfterPayloadUrl,
                    absl::Cord(absl::StrCat(absl::ToInt64Milliseconds(delay))));
  return status;
}

absl::string_view DefaultReason(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return "";
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return reason::kValidationFailed;
    case absl::StatusCode::kFailedPrecondition:
      return reason::kRuleNotMet;
    case absl::StatusCode::kAlreadyExists:
      return reason::kAlreadyExists;
    case absl::StatusCode::kAborted:
      return reason::kVersionConflict;
    case absl::StatusCode::kResourceExhausted:
      return reason::kOverloaded;
    case absl::StatusCode::kUnavailable:
      // The store is what answers UNAVAILABLE inside the gateway (busy,
      // locked, full, shutting down).
      return reason::kStoreUnavailable;
    case absl::StatusCode::kPermissionDenied:
      return reason::kNotEntitled;
    case absl::StatusCode::kUnauthenticated:
      return reason::kCertificateRequired;
    case absl::StatusCode::kNotFound:
      return reason::kNotFound;
    case absl::StatusCode::kDeadlineExceeded:
      return reason::kDeadlineExceeded;
    default:
      return reason::kInternal;
  }
}

std::string ReasonOf(const absl::Status& status) {
  if (status.ok()) return "";
  if (auto payload = status.GetPayload(kReasonPayloadUrl)) {
    return std::string(*payload);
  }
  return std::string(DefaultReason(status.code()));
}

bool IsRetryable(absl::StatusCode code) {
  return code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kResourceExhausted;
}

std::optional<absl::Duration> RetryDelayOf(const absl::Status& status) {
  if (!IsRetryable(status.code())) return std::nullopt;
  if (auto payload = status.GetPayload(kRetryAfterPayloadUrl)) {
    int64_t ms = 0;
    if (absl::SimpleAtoi(std::string(*payload), &ms) && ms >= 0) {
      return absl::Milliseconds(ms);
    }
  }
  return status.code() == absl::StatusCode::kResourceExhausted
             ? absl::Seconds(1)
             : absl::Seconds(2);
}

void SetErrorDomain(absl::string_view new_domain) {
  absl::MutexLock lock(&domain_mu);
  if (domain == nullptr) domain = new std::string;
  *domain = new_domain.empty() ? std::string(kDefaultErrorDomain)
                               : std::string(new_domain);
}

std::string ErrorDomain() {
  absl::MutexLock lock(&domain_mu);
  return domain == nullptr ? std::string(kDefaultErrorDomain) : *domain;
}

}  // namespace nhs::tobacco
