#ifndef GATEWAY_PATHWAY_CONSENT_WITHDRAWAL_H_
#define GATEWAY_PATHWAY_CONSENT_WITHDRAWAL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/domain/consent_rules.h"
#include "gateway/domain/delivery_plan.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::pathway {

// What one withdrawal did, for the amendment's timeline note (counts only).
struct WithdrawalEffect {
  int discarded = 0;
  int cancelled = 0;
};

// The patient withdrew consent to share with `party`, in the amendment's
// transaction (`before` and `after` are the referral either side of it):
// every message to the party about the referral that it has not received
// (PENDING or DEAD_LETTER) becomes DISCARDED "consent withdrawn"; then
// every request the withdrawal cancels (domain::CancelledByWithdrawal) is
// CANCELLED with reason CONSENT_WITHDRAWN on its timeline, and a party
// that already received it is sent the cancellation notice (the delivery
// plan, which lets a notice to stop through without consent).
absl::StatusOr<WithdrawalEffect> WithdrawConsent(
    store::WriteTransaction& tx, const v1::Referral& before,
    const v1::Referral& after, domain::ConsentParty party,
    const v1::Actor& actor, const domain::DeliveryRoutes& routes,
    absl::Time now);

// Keeps each request's copy of the registered practice (the access
// policy's kGp relation) equal to what the referral shares: the referral's
// practice while it consents to share with the GP, none otherwise.
absl::Status SyncPracticeOnRequests(store::WriteTransaction& tx,
                                    const v1::Referral& referral,
                                    absl::Time now);

// The practice a request about `referral` carries (see above).
v1::Organisation SharedPractice(const v1::Referral& referral);

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_CONSENT_WITHDRAWAL_H_
