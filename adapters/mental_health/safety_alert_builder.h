#ifndef ADAPTERS_MENTAL_HEALTH_SAFETY_ALERT_BUILDER_H_
#define ADAPTERS_MENTAL_HEALTH_SAFETY_ALERT_BUILDER_H_

#include "absl/status/statusor.h"
#include "adapters/hl7v2/message.h"
#include "adapters/mental_health/hl7_segment_writing.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nhs/tobacco/v1/safety_alert.pb.h"

namespace nhs::tobacco::mental_health {

// Tells the trust's mental health prescriber that a patient on clozapine or
// olanzapine (any medicine flagged cyp1a2_sensitive) is starting stop
// smoking treatment, so levels can be reviewed (domain reference section 9:
// tobacco smoke induces CYP1A2, levels rise within days of stopping).
//
// Message type: ORU^R01. Of the types the reference defines (REF/RRI^I12,
// ORU^R01, ADT^A03, ACK), ORU^R01 is the one trust EPRs route to a
// clinician's results inbox, where an unfiled result stays visible until a
// clinician acknowledges it; it carries coded observations (OBX CE per
// medicine) that the receiver can act on, and the reference already shows
// ORU^R01 from the service with a clozapine note. RRI^I12 answers a referral
// once (accept/decline) and is usually filed against the referral, not
// shown to the prescriber; ADT carries no clinical observations.
//
//   MSH PID OBR (OBR-4 TDSAFETY "Smoking cessation: review CYP1A2-sensitive
//   medicine"; OBR-7 the treatment start date)
//   OBX CE PSYMED one per sensitive medicine (name; dm+d code when known)
//   OBX TX SAFETYNOTE the advice text, with the treatment start date
// FAILED_PRECONDITION when no medicine in the referral is flagged. Pure; the
// gateway does not calculate doses.
absl::StatusOr<hl7v2::Message> BuildSafetyAlert(
    const v1::Referral& referral, absl::string_view treatment_start_date,
    const OutboundHeader& header);

// The same for a safety alert record (gateway "safety"): OBR-7 the trigger
// date; the note says what moved (treatment start, quit date set, relapse)
// and quotes the alert id to acknowledge it by (AcknowledgeSafetyAlert,
// tobaccoctl safety-alerts ack); OBR-20 (filler field 1) carries the id too.
// The medicines are the alert's.
absl::StatusOr<hl7v2::Message> BuildSafetyAlert(const v1::Referral& referral,
                                                const v1::SafetyAlert& alert,
                                                const OutboundHeader& header);

}  // namespace nhs::tobacco::mental_health

#endif  // ADAPTERS_MENTAL_HEALTH_SAFETY_ALERT_BUILDER_H_
