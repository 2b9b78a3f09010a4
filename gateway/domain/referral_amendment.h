#ifndef GATEWAY_DOMAIN_REFERRAL_AMENDMENT_H_
#define GATEWAY_DOMAIN_REFERRAL_AMENDMENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "gateway/domain/consent_rules.h"
#include "gateway/domain/request_validation.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::domain {

// What UpdateReferral may change: the facts of the patient's situation that
// move while they are in treatment. Identity, the referrer, the service,
// the source and status are not amendable (status has its own RPC).
absl::Span<const absl::string_view> AmendablePaths();

// The referral after an amendment, what changed (field mask paths, never
// values: they go on the timeline) and whose consent was withdrawn.
struct Amendment {
  v1::Referral amended;
  std::vector<std::string> changed_paths;
  std::vector<ConsentParty> withdrawn;
};

// Checks `request` (request_id, referral_id, a non-empty mask of amendable
// paths, valid values at those paths) and applies it to `current`:
// INVALID_ARGUMENT with a field violation per problem, naming
// "update_mask.paths[i]" or the value's path under "referral.". Medicines
// are flagged cyp1a2_sensitive from `cyp1a2_medicines` as on creation.
// Pure: the caller stores the result.
absl::StatusOr<Amendment> AmendReferral(
    const v1::Referral& current, const v1::UpdateReferralRequest& request,
    const ValidationLimits& limits,
    const std::vector<std::string>& cyp1a2_medicines);

// Only the request's own fields (request_id, referral_id, the mask's
// paths), before the referral is read.
absl::Status ValidateUpdateReferral(const v1::UpdateReferralRequest& request);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REFERRAL_AMENDMENT_H_
