#ifndef ADAPTERS_SERVICE_CANCELLATION_MESSAGE_H_
#define ADAPTERS_SERVICE_CANCELLATION_MESSAGE_H_

#include "absl/status/statusor.h"
#include "adapters/fhir/message_bundle_builder.h"
#include "adapters/fhir/resource_json.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::service {

// The service withdraws a request a GP practice or pharmacy already holds
// (event prescription-cancellation), so nobody prescribes or supplies on a
// letter that no longer stands: the MedicationRequest under the same
// identifier as before, status cancelled with the reason as statusReason,
// intent proposal (GP route, and the notice a nominated pharmacy got) or
// order (pharmacy supply), from the service to `receiver`, with the
// Patient, both Organizations and the recommending practitioner. Pure.
// INVALID_ARGUMENT unless the request is CANCELLED.
absl::StatusOr<fhir::Json> BuildCancellationMessage(
    const v1::PrescriptionRequest& request, const v1::Referral& referral,
    const v1::Organisation& receiver, const fhir::MessageContext& context);

}  // namespace nhs::tobacco::service

#endif  // ADAPTERS_SERVICE_CANCELLATION_MESSAGE_H_
