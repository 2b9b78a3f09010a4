#ifndef GATEWAY_DOMAIN_PRACTITIONER_RULES_H_
#define GATEWAY_DOMAIN_PRACTITIONER_RULES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gateway/domain/prescription_state_machine.h"
#include "nhs/tobacco/v1/common.pb.h"

namespace nhs::tobacco::domain {

// Who answers for a clinical act done in the web console (issue 13): a
// client certificate names an organisation, not a person, so the console
// must name the practitioner (register, number and name) for the acts a
// professional is accountable for. Programs (gRPC, HL7, FHIR, the JSON API)
// are the organisation's systems and keep today's rules.

// Prescribe, decline, supply, record not supplied and dispense.
bool IsPractitionerAct(PrescriptionAction action);

// Whether `practitioner` names a person: a professional register, a number
// and a display name.
bool NamesPractitioner(const v1::Practitioner& practitioner);

// OK unless a change through `adapter` (Actor.adapter) is a practitioner
// act (`practitioner_act`) from the console that names no person: then
// FAILED_PRECONDITION with a field violation on "practitioner" (the
// google.rpc.BadRequest payload of field_violations.h).
absl::Status CheckPractitionerNamed(absl::string_view adapter,
                                    bool practitioner_act,
                                    const v1::Practitioner& practitioner);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_PRACTITIONER_RULES_H_
