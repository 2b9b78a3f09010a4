#ifndef ADAPTERS_GP_GP_DECISION_H_
#define ADAPTERS_GP_GP_DECISION_H_

#include <string>

#include "absl/status/statusor.h"
#include "adapters/fhir/message_bundle_reader.h"
#include "gateway/domain/prescription_state_machine.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"

namespace nhs::tobacco::gp {

// A GP practice's answer to a recommendation, ready for the pathway.
struct GpDecision {
  // kPrescribe, kDecline or kRequireAppointment; only the matching request
  // below is filled.
  domain::PrescriptionAction action = domain::PrescriptionAction::kPrescribe;
  v1::PrescribeRequest prescribe;
  v1::ReasonedTransitionRequest decline;
  v1::TransitionRequest require_appointment;
  // The patient the GP named, for the edge to match against the request.
  std::string nhs_number;

  const std::string& prescription_id() const;
};

// Translates a `prescription-decision` message. Its focus is a
// MedicationRequest whose basedOn (or identifier) carries our prescription
// id (system kPrescriptionRequestSystem), subject the patient, and the
// MessageHeader.sender the practice. How each decision is expressed:
//
//   prescribed: intent `order`, status active or completed, groupIdentifier =
//               the EPS short-form id (prescription-order-number), checked.
//   declined:   status cancelled or stopped with statusReason.coding[0].code
//               (any system; we publish kStatusReasonSystem codes such as
//               CLINICAL_CONTRAINDICATION, PATIENT_DECLINED).
//   see first:  status on-hold: the GP wants to see the patient before
//               deciding (statusReason optional, e.g. code
//               APPOINTMENT_REQUIRED; its text becomes the note).
//
// request_id = "fhir:" + Bundle id. Pure. INVALID_ARGUMENT listing every
// problem by FHIRPath when the message does not say one of the three.
absl::StatusOr<GpDecision> TranslateGpDecision(
    const fhir::MessageBundle& message);

}  // namespace nhs::tobacco::gp

#endif  // ADAPTERS_GP_GP_DECISION_H_
