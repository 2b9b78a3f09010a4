#ifndef ADAPTERS_GP_OUTCOME_MESSAGE_H_
#define ADAPTERS_GP_OUTCOME_MESSAGE_H_

#include "absl/status/statusor.h"
#include "adapters/fhir/message_bundle_builder.h"
#include "adapters/fhir/resource_json.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::gp {

// A treatment outcome as a FHIR message to the GP record (event
// outcome-notification): an Observation (category social-history) whose code
// is the service's outcome at the follow-up point (local code system: there
// is no confirmed national "4-week quit" concept), valued with SNOMED CT
// Ex-smoker (8517006) for a quit and Smoker (77176002) for not quit or
// relapsed, and the CO reading as a component in UCUM ppm. The CO concept id
// is unconfirmed (domain.md section 5), so it travels as text only. Pure.
absl::StatusOr<fhir::Json> BuildOutcomeMessage(
    const v1::Outcome& outcome, const v1::Referral& referral,
    const fhir::MessageContext& context);

}  // namespace nhs::tobacco::gp

#endif  // ADAPTERS_GP_OUTCOME_MESSAGE_H_
