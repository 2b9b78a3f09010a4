#ifndef ADAPTERS_FHIR_MEDICATION_REQUEST_H_
#define ADAPTERS_FHIR_MEDICATION_REQUEST_H_

#include "absl/strings/string_view.h"
#include "adapters/fhir/resource_json.h"
#include "nhs/tobacco/v1/prescription.pb.h"

namespace nhs::tobacco::fhir {

// UKCore-MedicationRequest for a prescription request, shared by the GP
// recommendation (intent proposal) and the pharmacy messages (order for a
// supply request, proposal inside a prescription notice): our id as
// identifier, the product (MedicationConcept), dose text, quantity and
// supply duration, reason (SNOMED Smoker + the practitioner's text), the
// CYP1A2 safety note when the request carries the alert. `performer_url` is
// left out when empty; `narrative_xhtml` is already escaped.
Json BuildMedicationRequest(const v1::PrescriptionRequest& request,
                            absl::string_view intent,
                            absl::string_view patient_url,
                            absl::string_view requester_url,
                            absl::string_view performer_url,
                            absl::string_view narrative_xhtml);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_MEDICATION_REQUEST_H_
