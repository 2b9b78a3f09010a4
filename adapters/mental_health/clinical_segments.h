#ifndef ADAPTERS_MENTAL_HEALTH_CLINICAL_SEGMENTS_H_
#define ADAPTERS_MENTAL_HEALTH_CLINICAL_SEGMENTS_H_

// Readers shared by the inbound translations (REF^I12, ADT^A03): each takes
// a parsed message and fills part of a v1::Referral, adding a violation
// located by HL7 path ("PID-3", "OBX(2)-5") for every bad value. Pure.
//
// OBX observation codes understood (OBX-3.1, any coding system unless
// noted), as the reference examples send them:
//   SMOKSTAT, LOINC 72166-2        smoking status, CE value SNOMED finding
//   CIGPERDAY, SCT 266918002/230056004   cigarettes a day, NM
//   SCT 251900003, COPPM           expired-air CO, NM ppm
//   PSYMED                         psychiatric medicine, CE (text = name)
//   SMI                            severe mental illness register
// and three local codes not in the reference, agreed per trust, for what
// HL7 v2 has no standard place for: SMOKYRS (years smoked, NM), CONSENT
// (CE repeats GP / PHARMACY / MHT), CONTACTPREF (CE repeats TEXT /
// HOMEVISIT), QUITGOAL (CE QUIT_NOW / CUT_DOWN / TEMP_ABSTINENCE).
// RXE segments (RXE-2 give code) are read as current medicines too.
// OBX with result status D (deleted) or W (wrong) is ignored.

#include <string>

#include "absl/strings/string_view.h"
#include "adapters/hl7v2/message.h"
#include "adapters/mental_health/translation_notes.h"
#include "gateway/domain/field_violations.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::mental_health {

// "hl7:<MSH-4.1>:<MSH-10>": the idempotency key of an inbound message, so a
// resend from the same sender is answered from the first result. Over 128
// characters (a long MSH-10), "hl7:sha256:<hex of that key>" instead.
std::string Hl7RequestId(const hl7v2::Message& message);

// PID-3 (the repetition whose CX.5 is NH) and PID-7. The name is left out
// on purpose: the service matches on NHS number and date of birth, and data
// not needed is data not held (UK GDPR data minimisation).
v1::Patient ReadPatient(const hl7v2::Message& message,
                        domain::Violations& violations);

// "YYYYMMDD[HHMM[SS]]..." -> "YYYY-MM-DD"; adds a violation at `location`
// when it is not a calendar date. Empty in, empty out.
std::string Hl7DateToIso(absl::string_view ts, absl::string_view location,
                         domain::Violations& violations);

// DG1-3 of every DG1 -> diagnosis_category (most severe wins) and the SMI
// flag for SMI diagnoses.
void ReadDiagnoses(const hl7v2::Message& message,
                   v1::MentalHealthContext& context);

// OBX and RXE segments -> smoking history, medicines, SMI, consent,
// contact preferences and goal (see the file comment).
// A local QUITGOAL code is kept in `notes`, not refused.
void ReadObservations(const hl7v2::Message& message, v1::Referral& referral,
                      domain::Violations& violations, TranslationNotes& notes);

// True when a coded smoking status (OBX) or a tobacco dependence diagnosis
// (DG1: ICD-10 F17 / Z72.0, SNOMED 89765005 / 56294008) says the patient
// smokes. Vaping is not smoking here.
bool IsFlaggedSmoker(const hl7v2::Message& message);

// True for SNOMED findings meaning "currently smokes tobacco".
bool IsSmokerFinding(absl::string_view snomed_code);

}  // namespace nhs::tobacco::mental_health

#endif  // ADAPTERS_MENTAL_HEALTH_CLINICAL_SEGMENTS_H_
