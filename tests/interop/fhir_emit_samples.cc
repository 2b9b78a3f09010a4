// Writes every kind of FHIR resource the gateway emits into a folder, one
// JSON file each, so an independent validator (tests/interop, Node
// @medplum/core) can judge them: the GP recommendation and outcome messages,
// the pharmacy supply request and prescription notice, the overdue
// escalation to the service, a cancellation to the GP, a $process-message
// response and
// OperationOutcomes.
//   fhir_emit_samples OUT_DIR
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "adapters/fhir/message_response.h"
#include "adapters/fhir/operation_outcome.h"
#include "adapters/gp/outcome_message.h"
#include "adapters/gp/recommendation_message.h"
#include "adapters/pharmacy/supply_request_message.h"
#include "adapters/service/cancellation_message.h"
#include "adapters/service/overdue_escalation_message.h"
#include "adapters/service/safety_alert_escalation_message.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco {
namespace {

v1::PrescriptionRequest Request(v1::Route route) {
  v1::PrescriptionRequest p;
  p.set_prescription_id("0193a1b2c3d4e5f6");
  p.mutable_patient()->set_nhs_number("9990000018");
  p.mutable_patient()->set_date_of_birth("1984-05-12");
  p.mutable_patient()->set_given_name("Jordan");
  p.mutable_patient()->set_family_name("TESTPATIENT");
  p.mutable_product()->set_display("Nicotine 21mg/24hours transdermal patches");
  p.mutable_product()->set_kind(v1::PRODUCT_KIND_NRT);
  p.set_dose_text("Apply ONE patch each morning");
  p.mutable_quantity()->set_value(28);
  p.mutable_quantity()->set_unit("patch");
  p.set_duration_days(28);
  p.set_route(route);
  p.mutable_target()->set_ods_code(
      route == v1::ROUTE_GP_PRESCRIPTION ? "Y90001" : "FZZ99");
  p.mutable_service()->set_ods_code("RX9");
  p.mutable_service()->set_name("Example Tobacco Dependence Service");
  p.mutable_recommended_by()->set_identifier("99Z9999Z");
  p.mutable_recommended_by()->set_register_(v1::PROFESSIONAL_REGISTER_NMC);
  p.mutable_recommended_by()->set_display_name("Alex EXAMPLE");
  p.set_reason("Smokes 25 a day");
  p.set_cyp1a2_safety_alert(true);
  p.mutable_created_at()->set_seconds(1795861800);
  return p;
}

fhir::MessageContext Context(const std::string& id) {
  fhir::MessageContext c;
  c.message_id = id;
  c.timestamp = absl::FromUnixSeconds(1795861805);
  c.source_endpoint = "https://gateway.example.org/fhir/$process-message";
  c.destination_endpoint = "https://receiver.example.org/fhir/$process-message";
  return c;
}

}  // namespace
}  // namespace nhs::tobacco

int main(int argc, char** argv) {
  using namespace nhs::tobacco;
  if (argc != 2) {
    std::cerr << "usage: fhir_emit_samples OUT_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  v1::Referral referral;
  *referral.mutable_patient() = Request(v1::ROUTE_GP_PRESCRIPTION).patient();
  referral.mutable_gp_practice()->set_ods_code("Y90001");
  referral.mutable_service()->set_ods_code("RX9");
  referral.mutable_smoking()->set_cigarettes_per_day(25);
  auto* med = referral.mutable_mental_health()->add_medicines();
  med->set_name("Clozapine");
  med->set_cyp1a2_sensitive(true);
  v1::Organisation pharmacy;
  pharmacy.set_ods_code("FZZ99");
  v1::Outcome outcome;
  outcome.set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
  outcome.set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  outcome.set_co_reading_ppm(4);
  outcome.set_recorded_on("2026-11-29");
  outcome.mutable_recorded_by()->mutable_organisation()->set_ods_code("RX9");
  domain::Violations bad;
  bad.Add("Bundle.entry[2].resource.identifier[0].value",
          "fails the Modulus 11 check");

  std::vector<std::pair<std::string, absl::StatusOr<fhir::Json>>> out;
  out.emplace_back("gp_recommendation",
                   gp::BuildRecommendationMessage(
                       Request(v1::ROUTE_GP_PRESCRIPTION), referral,
                       Context("0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0001")));
  out.emplace_back(
      "gp_outcome",
      gp::BuildOutcomeMessage(outcome, referral,
                              Context("0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0002")));
  out.emplace_back("pharmacy_supply_request",
                   pharmacy::BuildPharmacyMessage(
                       Request(v1::ROUTE_PHARMACY_SUPPLY), referral, pharmacy,
                       Context("0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0003")));
  out.emplace_back("pharmacy_prescription_notice",
                   pharmacy::BuildPharmacyMessage(
                       Request(v1::ROUTE_GP_PRESCRIPTION), referral, pharmacy,
                       Context("0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0004")));
  // Sent two days before the escalation, due a day before it and still
  // SENT: what the deadline scan finds.
  v1::PrescriptionRequest overdue = Request(v1::ROUTE_GP_PRESCRIPTION);
  overdue.set_status(v1::PRESCRIPTION_STATUS_SENT);
  overdue.mutable_target()->set_name("Example Medical Practice");
  overdue.mutable_gp_practice()->set_ods_code("Y90001");
  overdue.mutable_created_at()->set_seconds(1795861800 - 2 * 86400);
  overdue.mutable_due_at()->set_seconds(1795861800 - 86400);
  out.emplace_back(
      "service_overdue_escalation",
      service::BuildOverdueEscalationMessage(
          overdue, "Escalated after 1 working day without an answer.",
          Context("0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0005")));
  // safety: a CYP1A2 safety alert nobody acknowledged in time.
  v1::SafetyAlert alert;
  alert.set_alert_id("sa-0193a1b2c3d4e5f6");
  alert.set_referral_id("ref-0193a1b2");
  alert.set_trigger(v1::SAFETY_ALERT_TRIGGER_QUIT_DATE);
  alert.set_trigger_date("2026-11-27");
  alert.set_state(v1::SAFETY_ALERT_STATE_OVERDUE);
  alert.mutable_prescriber()->set_ods_code("RX9");
  alert.mutable_service()->set_ods_code("TDS01");
  out.emplace_back(
      "service_safety_alert_overdue",
      service::BuildSafetyAlertEscalationMessage(
          alert, referral,
          "CYP1A2 safety alert to the prescriber RX9 (their system took it) "
          "not acknowledged by a person in time: contact the prescriber.",
          Context("0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0009")));
  v1::PrescriptionRequest cancelled = Request(v1::ROUTE_GP_PRESCRIPTION);
  cancelled.set_status(v1::PRESCRIPTION_STATUS_CANCELLED);
  cancelled.set_status_reason("PATIENT_DECLINED");
  out.emplace_back("gp_cancellation",
                   service::BuildCancellationMessage(
                       cancelled, referral, cancelled.target(),
                       Context("0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0006")));
  // GP silence (issue 12): the chaser's reminder, the letter again.
  v1::PrescriptionRequest chased = Request(v1::ROUTE_GP_PRESCRIPTION);
  chased.set_status(v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  chased.set_overdue(true);
  out.emplace_back(
      "gp_recommendation_reminder",
      gp::BuildRecommendationMessage(
          chased, referral, Context("0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0007"),
          /*reminder=*/true));
  out.emplace_back("response_ok",
                   fhir::BuildOkResponse(
                       {"bc1f4a2e-0011", "7c1f4a2e-0011-4d1a-9a11-000000000011",
                        "prescription-decision"},
                       absl::FromUnixSeconds(1795861805),
                       "https://gateway.example.org/fhir/$process-message",
                       "Prescription request 0193a1b2c3d4e5f6 is PRESCRIBED"));
  out.emplace_back("operation_outcome_violations",
                   fhir::BuildOperationOutcome(bad.ToStatus("bad"), "oo-1"));
  out.emplace_back(
      "operation_outcome_conflict",
      fhir::BuildOperationOutcome(
          absl::FailedPreconditionError("cannot dispense"), "oo-2"));
  for (auto& [name, json] : out) {
    if (!json.ok()) {
      std::cerr << name << ": " << json.status() << "\n";
      return 1;
    }
    std::ofstream(absl::StrCat(dir, "/", name, ".json")) << json->dump(2);
  }
  return 0;
}
