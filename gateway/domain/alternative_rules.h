#ifndef GATEWAY_DOMAIN_ALTERNATIVE_RULES_H_
#define GATEWAY_DOMAIN_ALTERNATIVE_RULES_H_

#include "absl/status/status.h"
#include "nhs/tobacco/v1/prescription.pb.h"

namespace nhs::tobacco::domain {

// RecommendAlternative's own rules; the new request must also meet every
// rule of RecommendPrescription (recommendation_rules.h), which the use
// case applies unchanged.

// The old request may be replaced: it was DECLINED or NOT_SUPPLIED
// (FAILED_PRECONDITION naming its status otherwise).
absl::Status CheckReplaceable(const v1::PrescriptionRequest& old);

// It was not replaced yet (FAILED_PRECONDITION naming the request that
// replaced it). Apart from CheckReplaceable because a retried call (same
// request_id) must still get its first answer.
absl::Status CheckNotReplaced(const v1::PrescriptionRequest& old);

// The alternative goes another way: another route, or the same route to
// another target (INVALID_ARGUMENT on target.ods_code otherwise: asking
// the same organisation again is a new recommendation, not an alternative).
// `target_ods` is the new request's effective target.
absl::Status CheckAlternativeDiffers(const v1::PrescriptionRequest& old,
                                     v1::Route route,
                                     absl::string_view target_ods);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_ALTERNATIVE_RULES_H_
