#ifndef GATEWAY_COMMON_ERROR_REASON_H_
#define GATEWAY_COMMON_ERROR_REASON_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// Why the gateway refused, as a stable machine-readable reason that an
// integrator can branch on (the code alone cannot tell an illegal transition
// from missing consent: both are FAILED_PRECONDITION). The reason is attached
// to the absl::Status where the refusal is decided and rendered once by each
// edge: gRPC as google.rpc.ErrorInfo (api/grpc_status.cc), the JSON API in
// google.rpc.Status details (jsonapi/json_errors.cc). README "Error reasons"
// lists them; a reason, once published, never changes meaning.
//
// Usage:
//   return WithReason(absl::FailedPreconditionError("..."),
//                     reason::kIllegalTransition);
//   std::string why = ReasonOf(status);  // attached, or the code's default
namespace nhs::tobacco {

namespace reason {
// FAILED_PRECONDITION: the record's state does not allow the action.
inline constexpr absl::string_view kIllegalTransition = "ILLEGAL_TRANSITION";
// FAILED_PRECONDITION: the patient has not consented to share with the
// party the action needs (GP or pharmacy).
inline constexpr absl::string_view kConsentRequired = "CONSENT_REQUIRED";
// FAILED_PRECONDITION: another clinical or business rule is not met.
inline constexpr absl::string_view kRuleNotMet = "RULE_NOT_MET";
// ALREADY_EXISTS: the request_id was used for a different request.
inline constexpr absl::string_view kRequestIdReused = "REQUEST_ID_REUSED";
// ALREADY_EXISTS: the record (or message id) exists already.
inline constexpr absl::string_view kAlreadyExists = "ALREADY_EXISTS";
// ABORTED: the record changed since the caller read it.
inline constexpr absl::string_view kVersionConflict = "VERSION_CONFLICT";
// RESOURCE_EXHAUSTED: this caller's request rate is over its limit.
inline constexpr absl::string_view kRateLimited = "RATE_LIMITED";
// RESOURCE_EXHAUSTED: a gateway-wide or per-organisation cap (streams,
// connections, sizes) is full.
inline constexpr absl::string_view kOverloaded = "OVERLOADED";
// UNAVAILABLE: the store (or the audit log in it) could not take the
// read or write; retry.
inline constexpr absl::string_view kStoreUnavailable = "STORE_UNAVAILABLE";
// INVALID_ARGUMENT: the input breaks validation; BadRequest lists fields.
inline constexpr absl::string_view kValidationFailed = "VALIDATION_FAILED";
// PERMISSION_DENIED: the caller's organisation or role may not do this.
inline constexpr absl::string_view kNotEntitled = "NOT_ENTITLED";
// UNAUTHENTICATED: no usable client certificate.
inline constexpr absl::string_view kCertificateRequired =
    "CLIENT_CERTIFICATE_REQUIRED";
// NOT_FOUND: no such record visible to the caller.
inline constexpr absl::string_view kNotFound = "NOT_FOUND";
// DEADLINE_EXCEEDED: the gateway did not finish in time.
inline constexpr absl::string_view kDeadlineExceeded = "DEADLINE_EXCEEDED";
// Anything else: a fault in the gateway, not in the request.
inline constexpr absl::string_view kInternal = "INTERNAL";
}  // namespace reason

// Payload type URLs (our own: these never leave the process as such).
inline constexpr absl::string_view kReasonPayloadUrl =
    "type.nhs-tobacco.local/gateway.ErrorReason";
inline constexpr absl::string_view kRetryAfterPayloadUrl =
    "type.nhs-tobacco.local/gateway.RetryAfter";

// `status` with `reason` attached (an OK status is returned unchanged).
absl::Status WithReason(absl::Status status, absl::string_view reason);

// `status` with a hint of how long to wait before retrying.
absl::Status WithRetryAfter(absl::Status status, absl::Duration delay);

// The reason attached to `status`, or the default for its code (see
// DefaultReason). Empty for OK.
std::string ReasonOf(const absl::Status& status);

// The reason of a status nothing attached one to: one per code.
absl::string_view DefaultReason(absl::StatusCode code);

// Whether a caller may retry the same request unchanged and expect it to
// work later: UNAVAILABLE and RESOURCE_EXHAUSTED.
bool IsRetryable(absl::StatusCode code);

// The wait to advise on a retryable status: the attached hint, else one
// second for RESOURCE_EXHAUSTED and two for UNAVAILABLE; nullopt when the
// status is not retryable.
std::optional<absl::Duration> RetryDelayOf(const absl::Status& status);

// ErrorInfo.domain: set once from the config at start-up (before any
// listener serves), read by the edges. Default kDefaultErrorDomain.
inline constexpr absl::string_view kDefaultErrorDomain = "tobacco-gateway";
void SetErrorDomain(absl::string_view domain);
std::string ErrorDomain();

}  // namespace nhs::tobacco

#endif  // GATEWAY_COMMON_ERROR_REASON_H_
