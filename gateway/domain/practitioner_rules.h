#ifndef GATEWAY_DOMAIN_PRACTITIONER_RULES_H_
#define GATEWAY_DOMAIN_PRACTITIONER_RULES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gateway/domain/prescription_state_machine.h"
#include "nhs/tobacco/v1/common.pb.h"
#include "nhs/tobacco/v1/console.pb.h"

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

// The registers a console user may sign in under: GMC, NMC, GPHC, HCPC
// (the professional registers) and LOCAL (a service's own staff id).
bool IsSignInRegister(absl::string_view register_code);

// The self-asserted sign-in form of the console (POST /console/api/session):
// a known register, a number in that register's shape (GMC and GPhC: 7
// digits; NMC: 2 digits, a letter, 4 digits, a letter; HCPC: 2 letters and
// 4-6 digits; LOCAL: 1-32 letters, digits or '-'), and a display name of
// 1-100 printable characters. INVALID_ARGUMENT naming every field
// ("register", "number", "display_name") that is wrong.
absl::Status ValidateSignIn(const v1::ConsolePractitioner& form);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_PRACTITIONER_RULES_H_
