#ifndef ADAPTERS_MENTAL_HEALTH_ADT_A03_TRANSLATOR_H_
#define ADAPTERS_MENTAL_HEALTH_ADT_A03_TRANSLATOR_H_

#include <optional>

#include "absl/status/statusor.h"
#include "adapters/hl7v2/message.h"
#include "adapters/mental_health/translation_notes.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::mental_health {

// ADT^A03 (discharge from an inpatient ward) -> a referral for community
// follow-up by the tobacco dependence service, for a patient flagged as a
// smoker (IsFlaggedSmoker: coded smoking status in OBX or a tobacco
// dependence diagnosis in DG1). Smoking cessation started on a smoke-free
// ward relapses quickly after discharge unless the community picks it up,
// hence this feed.
//
// std::nullopt when the patient is not flagged as a smoker: the discharge
// is valid and simply needs nothing from the service. Whether a trust wants
// these referrals at all is configuration, decided by the caller.
//
//   request_id            "hl7:" MSH-4.1 ":" MSH-10
//   patient               PID-3 (NH), PID-7
//   referrer              MSH-4.1 (the discharging trust)
//   referring_practitioner PV1-7 attending doctor (XCN; register local)
//   service               MSH-6.1 (the caller may fill it from config)
//   source                the sender's configured source, else
//                         inpatient mental health
//   gp_practice           as for REF^I12 (registered_gp.h)
//   external_referral_id  PV1-19.1 visit number (PV1-18 if typed VN)
//   mental_health, smoking as for REF^I12 (DG1, OBX)
//
// Errors as TranslateRefI12: INVALID_ARGUMENT with HL7-located violations.
absl::StatusOr<std::optional<v1::CreateReferralRequest>> TranslateAdtA03(
    const hl7v2::Message& message, const SenderSettings& sender,
    TranslationNotes& notes);
// As above for a sender with no settings, the warnings dropped.
absl::StatusOr<std::optional<v1::CreateReferralRequest>> TranslateAdtA03(
    const hl7v2::Message& message);

}  // namespace nhs::tobacco::mental_health

#endif  // ADAPTERS_MENTAL_HEALTH_ADT_A03_TRANSLATOR_H_
