#ifndef GATEWAY_DOMAIN_OUTCOME_CODES_H_
#define GATEWAY_DOMAIN_OUTCOME_CODES_H_

#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/outcome.pb.h"

namespace nhs::tobacco::domain {

// The service's local code for a treatment outcome, the same in every
// message the gateway sends (HL7 ORU^R01, FHIR Observation): no single
// national SNOMED concept for "quit at 4 weeks" is confirmed, so the code
// system is local (reference domain.md section 5).
struct OutcomeCoding {
  absl::string_view code;
  absl::string_view display;
};

// Empty code for OUTCOME_STATUS_UNSPECIFIED.
OutcomeCoding OutcomeCodingFor(v1::OutcomeStatus status);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_OUTCOME_CODES_H_
