#ifndef GATEWAY_DOMAIN_OUTCOME_RULES_H_
#define GATEWAY_DOMAIN_OUTCOME_RULES_H_

#include <string>

#include "nhs/tobacco/v1/event.pb.h"
#include "nhs/tobacco/v1/outcome.pb.h"

namespace nhs::tobacco::domain {

// What recording an outcome means beyond the shape of its fields
// (request_validation.h). The referral it belongs to must exist; the use
// case checks that against the store.

// The reason code on the OUTCOME_RECORDED timeline event: the status's
// enum name without its prefix ("QUIT_CO_VERIFIED"), so a timeline reader
// sees the result without decoding the outcome.
std::string OutcomeReasonCode(v1::OutcomeStatus status);

// The OUTCOME_RECORDED event for a recorded `outcome` (its id, created_at
// and recorded_by already set): on the referral's timeline, acted by
// whoever recorded it, with OutcomeReasonCode as its reason code.
v1::TimelineEvent OutcomeRecordedEvent(const v1::Outcome& outcome);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_OUTCOME_RULES_H_
