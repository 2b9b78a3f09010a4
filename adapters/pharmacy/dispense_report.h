#ifndef ADAPTERS_PHARMACY_DISPENSE_REPORT_H_
#define ADAPTERS_PHARMACY_DISPENSE_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "adapters/fhir/message_bundle_reader.h"
#include "gateway/domain/prescription_state_machine.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"

namespace nhs::tobacco::pharmacy {

// A community pharmacy's report on a prescription request, ready for the
// pathway once the route is known.
struct DispenseReport {
  // True for MedicationDispense status completed; false for declined.
  bool completed = false;
  // request_id, prescription_id, actor (the pharmacy), note (what was handed
  // over and when), external ids (dispense ids, the message id).
  v1::TransitionRequest transition;
  // Set when declined: statusReasonCodeableConcept.coding[0].code.
  std::string reason_code;
  std::string eps_prescription_id;
  std::string nhs_number;
};

// Translates a `dispense-notification` message whose focus is a
// MedicationDispense. Our prescription id comes from
// authorizingPrescription[].identifier (system kPrescriptionRequestSystem);
// an EPS-only reference (prescription-order-number) is kept in
// eps_prescription_id with prescription_id empty, for the edge to resolve.
// status completed -> completed; declined, cancelled or stopped with
// statusReasonCodeableConcept coded -> not completed. request_id = "fhir:" +
// Bundle id. Pure. INVALID_ARGUMENT listing every problem by FHIRPath.
absl::StatusOr<DispenseReport> TranslateDispenseReport(
    const fhir::MessageBundle& message);

// The pathway action for a report on a request of `route`: a completed
// dispense of a GP prescription is kDispense, a direct supply kSupply; a
// declined one is kRecordNotSupplied (whose state machine refuses it on the
// GP route).
domain::PrescriptionAction ActionFor(const DispenseReport& report,
                                     v1::Route route);

// The ReasonedTransitionRequest for a declined report.
v1::ReasonedTransitionRequest NotSuppliedRequest(const DispenseReport& report);

}  // namespace nhs::tobacco::pharmacy

#endif  // ADAPTERS_PHARMACY_DISPENSE_REPORT_H_
