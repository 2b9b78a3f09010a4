#ifndef ADAPTERS_PHARMACY_SUPPLY_REQUEST_MESSAGE_H_
#define ADAPTERS_PHARMACY_SUPPLY_REQUEST_MESSAGE_H_

#include "absl/status/statusor.h"
#include "adapters/fhir/message_bundle_builder.h"
#include "adapters/fhir/resource_json.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::pharmacy {

// The message a community pharmacy receives for a prescription request:
//
//   PHARMACY_SUPPLY: event supply-request; a MedicationRequest intent
//     `order` (the service's request to supply under a protocol or voucher:
//     product, dose, quantity, duration) with performer = the pharmacy.
//   GP_PRESCRIPTION: event prescription-notice; a Task (status requested,
//     intent order, owner = the pharmacy) telling the nominated pharmacy a
//     prescription is coming, focus = the recommended MedicationRequest
//     (intent proposal), basedOn the EPS id once the GP has prescribed.
//
// Both carry the Patient, the service and the pharmacy Organizations and the
// recommending practitioner. Pure. INVALID_ARGUMENT for SERVICE_SUPPLY (the
// service supplies itself: nothing to send) or a missing pharmacy.
absl::StatusOr<fhir::Json> BuildPharmacyMessage(
    const v1::PrescriptionRequest& request, const v1::Referral& referral,
    const v1::Organisation& pharmacy, const fhir::MessageContext& context);

}  // namespace nhs::tobacco::pharmacy

#endif  // ADAPTERS_PHARMACY_SUPPLY_REQUEST_MESSAGE_H_
