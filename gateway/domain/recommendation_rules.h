#ifndef GATEWAY_DOMAIN_RECOMMENDATION_RULES_H_
#define GATEWAY_DOMAIN_RECOMMENDATION_RULES_H_

#include "absl/status/statusor.h"
#include "gateway/domain/formulary.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::domain {

// Who may be asked to act on a recommendation, and what it carries: the
// rules a RecommendPrescription request must meet beyond the shape of its
// fields (request_validation.h). Split in two because the use case checks
// the request against the formulary before it opens the write transaction,
// and the rest against the referral it reads inside that transaction.

// The product the request names, when the formulary has it and allows the
// request's route; otherwise INVALID_ARGUMENT with a violation on
// product_id or route (the route's message lists the allowed routes).
absl::StatusOr<v1::Product> CheckProductAndRoute(
    const v1::RecommendPrescriptionRequest& request,
    const Formulary& formulary);

// What a recommendation on `referral` is, once allowed.
struct Recommendation {
  v1::Product product;
  // The organisation asked to act: the request's target, or for the GP
  // route the referral's GP practice when the request names none.
  v1::Organisation target;
  // The patient takes a medicine whose level rises when smoking stops.
  bool cyp1a2_safety_alert = false;
};

// The checks that need the referral, in this order: its status allows a
// recommendation (not DECLINED, COMPLETED or WITHDRAWN:
// FAILED_PRECONDITION); the GP route has a target (INVALID_ARGUMENT on
// target.ods_code) and consent to share with the GP; the pharmacy route
// has consent to share with a pharmacy (FAILED_PRECONDITION). `product` is
// what CheckProductAndRoute returned.
absl::StatusOr<Recommendation> CheckRecommendationForReferral(
    const v1::Referral& referral,
    const v1::RecommendPrescriptionRequest& request, v1::Product product);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_RECOMMENDATION_RULES_H_
