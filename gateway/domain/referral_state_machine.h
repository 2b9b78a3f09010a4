#ifndef GATEWAY_DOMAIN_REFERRAL_STATE_MACHINE_H_
#define GATEWAY_DOMAIN_REFERRAL_STATE_MACHINE_H_

#include <string>

#include "absl/status/status.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::domain {

// RECEIVED -> ACCEPTED | DECLINED; ACCEPTED -> IN_TREATMENT | COMPLETED;
// IN_TREATMENT -> COMPLETED; WITHDRAWN from any non-final status.
// DECLINED, COMPLETED and WITHDRAWN are final. ACCEPTED and IN_TREATMENT
// may go ON_HOLD; ON_HOLD goes back to ACCEPTED or IN_TREATMENT (which
// one: CheckReferralStatusChange) or is WITHDRAWN.
absl::Status CheckReferralTransition(v1::ReferralStatus from,
                                     v1::ReferralStatus to);

std::string ReferralStatusName(v1::ReferralStatus status);

// care (issue 12): the status change as the referral sees it. A referral
// ON_HOLD reopens only to the status it left (referral.held_from):
// FAILED_PRECONDITION naming that status otherwise.
absl::Status CheckReferralStatusChange(const v1::Referral& referral,
                                       v1::ReferralStatus to);

// Moves `referral` to `to` (already checked): going ON_HOLD keeps the
// status it left in held_from; leaving ON_HOLD clears it.
void ApplyReferralStatus(v1::Referral& referral, v1::ReferralStatus to);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REFERRAL_STATE_MACHINE_H_
