#ifndef GATEWAY_DOMAIN_REFERRER_REDACTION_H_
#define GATEWAY_DOMAIN_REFERRER_REDACTION_H_

#include "nhs/tobacco/v1/event.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"

namespace nhs::tobacco::domain {

// What an organisation that only referred the patient is shown of the
// prescription requests that follow its referral: what happened (status,
// product, route, who acted and when, reason codes, deadlines), not the
// clinical letter text the service wrote for the GP or pharmacy (the
// request's free-text `reason`) nor the free-text notes the parties wrote on
// its timeline. Each field removed is cleared, so a client sees it as unset.
// The use case decides who gets this (security::RelatesOnlyAsReferrer).
void RedactForReferrer(v1::PrescriptionRequest& request);
void RedactForReferrer(v1::TimelineEvent& event);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REFERRER_REDACTION_H_
