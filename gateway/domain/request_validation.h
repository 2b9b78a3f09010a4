#ifndef GATEWAY_DOMAIN_REQUEST_VALIDATION_H_
#define GATEWAY_DOMAIN_REQUEST_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "nhs/tobacco/v1/outcome_service.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::domain {

struct ValidationLimits {
  int max_text_length = 2000;
  // Today's date in the service's calendar: dates of birth and outcome dates
  // may not be later.
  absl::CivilDay today;
};

// Each function checks one request shape and reports *every* violation with
// its field path (INVALID_ARGUMENT + BadRequest payload), or OK. Output-only
// fields are ignored. Pure.
absl::Status ValidateCreateReferral(const v1::CreateReferralRequest& request,
                                    const ValidationLimits& limits);
absl::Status ValidateUpdateReferralStatus(
    const v1::UpdateReferralStatusRequest& request,
    const ValidationLimits& limits);
absl::Status ValidateRecommendPrescription(
    const v1::RecommendPrescriptionRequest& request,
    const ValidationLimits& limits);
absl::Status ValidateTransition(const v1::TransitionRequest& request,
                                const ValidationLimits& limits);
absl::Status ValidatePrescribe(const v1::PrescribeRequest& request,
                               const ValidationLimits& limits);
absl::Status ValidateReasonedTransition(
    const v1::ReasonedTransitionRequest& request,
    const ValidationLimits& limits);
absl::Status ValidateRecordOutcome(const v1::RecordOutcomeRequest& request,
                                   const ValidationLimits& limits);

// CO readings under this (ppm) at follow-up make a quit CO-verified.
inline constexpr double kCoVerifiedBelowPpm = 10.0;

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REQUEST_VALIDATION_H_
