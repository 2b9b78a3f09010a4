#ifndef ADAPTERS_MENTAL_HEALTH_REF_I12_TRANSLATOR_H_
#define ADAPTERS_MENTAL_HEALTH_REF_I12_TRANSLATOR_H_

#include "absl/status/statusor.h"
#include "adapters/hl7v2/message.h"
#include "adapters/mental_health/translation_notes.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::mental_health {

// REF^I12 (patient referral) from a mental health trust -> a CreateReferral
// request. Pure: no clock, no store.
//
//   request_id            "hl7:" MSH-4.1 ":" MSH-10 (resend = same request)
//   patient               PID-3 repetition with CX.5 = NH; PID-7
//   referrer              PRD (role RP) PRD-7 repetition of type ODS, else
//                         MSH-4.1
//   referring_practitioner PRD-7 repetition of type GMC/NMC/GPHC/HCPC (or
//                         the first), name from PRD-2
//   service               PRD (role RT) PRD-7 of type ODS, else MSH-6.1
//   source                the sender's configured source
//                         (SenderSettings); unset: RF1-5 I (inpatient) ->
//                         inpatient MH, otherwise community MH
//   external_referral_id  RF1-6.1 (the originating referral identifier)
//   priority              RF1-2 (table 0280): R routine, A urgent (ASAP),
//                         S immediate (STAT), a local code OTHER; absent ->
//                         UNSPECIFIED
//   reason                RF1-10 (table 0336): S, P, W, O, a local code
//                         OTHER
//   gp_practice           PD1-3 or PRD role PP (registered_gp.h), with
//                         OBX CONSENT including GP
//   note                  the local codes kept as sent (translation_notes.h)
//   mental_health         DG1-3 diagnoses, OBX PSYMED / RXE medicines, SMI
//   smoking, consent, contact, goal: OBX (see clinical_segments.h)
//
// A code outside HL7's suggestions for the user-defined tables 0280, 0284
// and 0336 is accepted, kept as sent and warned about (TranslationNotes),
// as is a missing or invalid registered practice. A wrong-typed message
// (MSH-9 not REF^I12) is refused naming MSH-9.
//
// Errors: INVALID_ARGUMENT with one field violation per problem, located
// by HL7 path ("PID-3(1).1", "PID-7", "RF1-6", "OBX(2)-5") for the ACK's
// ERR segments; descriptions never contain patient data.
absl::StatusOr<v1::CreateReferralRequest> TranslateRefI12(
    const hl7v2::Message& message, const SenderSettings& sender,
    TranslationNotes& notes);
// As above for a sender with no settings, the warnings dropped.
absl::StatusOr<v1::CreateReferralRequest> TranslateRefI12(
    const hl7v2::Message& message);

}  // namespace nhs::tobacco::mental_health

#endif  // ADAPTERS_MENTAL_HEALTH_REF_I12_TRANSLATOR_H_
