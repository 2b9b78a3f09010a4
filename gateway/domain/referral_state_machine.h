#ifndef GATEWAY_DOMAIN_REFERRAL_STATE_MACHINE_H_
#define GATEWAY_DOMAIN_REFERRAL_STATE_MACHINE_H_

#include <string>

#include "absl/status/status.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::domain {

// RECEIVED -> ACCEPTED | DECLINED; ACCEPTED -> IN_TREATMENT | COMPLETED;
// IN_TREATMENT -> COMPLETED; WITHDRAWN from any non-final status.
// DECLINED, COMPLETED and WITHDRAWN are final.
absl::Status CheckReferralTransition(v1::ReferralStatus from,
                                     v1::ReferralStatus to);

std::string ReferralStatusName(v1::ReferralStatus status);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REFERRAL_STATE_MACHINE_H_
