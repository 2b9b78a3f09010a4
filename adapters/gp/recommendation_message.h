#ifndef ADAPTERS_GP_RECOMMENDATION_MESSAGE_H_
#define ADAPTERS_GP_RECOMMENDATION_MESSAGE_H_

#include "absl/status/statusor.h"
#include "adapters/fhir/message_bundle_builder.h"
#include "adapters/fhir/resource_json.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::gp {

// A practitioner's recommendation as a FHIR message to the patient's GP
// practice (event prescription-recommendation): MedicationRequest intent
// `proposal` (product, dose, quantity, duration, reason, requester = the
// recommending PractitionerRole, performer = the practice) whose narrative is
// the letter, the Patient, both Organizations, the PractitionerRole and
// Practitioner. Pure; the same input gives the same bytes. INVALID_ARGUMENT
// when the request is not on the GP route or lacks what a GP needs.
//
// `reminder` (the GP chaser, issue 12): the same letter again, said to be a
// reminder in its narrative, in MessageHeader.reason and in the event
// (prescription-recommendation-reminder), so a practice system can tell it
// from a new request. The MedicationRequest keeps our request's identifier.
absl::StatusOr<fhir::Json> BuildRecommendationMessage(
    const v1::PrescriptionRequest& request, const v1::Referral& referral,
    const fhir::MessageContext& context, bool reminder = false);

}  // namespace nhs::tobacco::gp

#endif  // ADAPTERS_GP_RECOMMENDATION_MESSAGE_H_
