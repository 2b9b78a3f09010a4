#ifndef ADAPTERS_FHIR_COMMON_RESOURCES_H_
#define ADAPTERS_FHIR_COMMON_RESOURCES_H_

#include "absl/strings/string_view.h"
#include "adapters/fhir/resource_json.h"
#include "nhs/tobacco/v1/common.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"

// The UK Core resources every outbound message carries (who the patient is,
// which organisations and practitioner), built from the domain messages.
namespace nhs::tobacco::fhir {

// UKCore-Patient: NHS number (official system), name and birth date when
// known, and the registered GP practice by ODS code when known.
Json BuildPatient(const v1::Patient& patient, absl::string_view gp_ods_code);

// UKCore-Organization identified by its ODS code; `kind` is shown as type
// text ("GP practice", "Community pharmacy").
Json BuildOrganization(const v1::Organisation& org, absl::string_view kind);

// UKCore-Practitioner with the identifier system of its register.
Json BuildPractitioner(const v1::Practitioner& practitioner);

// UKCore-PractitionerRole linking a practitioner to an organisation.
Json BuildPractitionerRole(absl::string_view practitioner_url,
                           absl::string_view organisation_url,
                           absl::string_view role_text);

// The identifier system of a professional register.
absl::string_view RegisterSystem(v1::ProfessionalRegister reg);

// medicationCodeableConcept for a catalogue product. A verified dm+d code is
// sent as a dm+d coding; an unverified one is not sent at all (text only,
// so no receiver files a code nobody checked); a vape kit, not a medicine,
// carries its local code. The gateway never invents a code.
Json MedicationConcept(const v1::Product& product);

// True when MedicationConcept sends no code for a product that has one in
// the catalogue (the letter says so).
bool DmdCodeWithheld(const v1::Product& product);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_COMMON_RESOURCES_H_
