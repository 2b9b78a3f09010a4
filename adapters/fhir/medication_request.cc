#include "adapters/fhir/medication_request.h"

#include "absl/strings/str_cat.h"
#include "adapters/fhir/common_resources.h"
#include "adapters/fhir/systems.h"
#include "gateway/domain/safety_alert_rules.h"
#include "google/protobuf/util/time_util.h"

namespace nhs::tobacco::fhir {
namespace {

constexpr absl::string_view kSafetyNote =
    "Safety: the patient takes clozapine or olanzapine. Tobacco smoke "
    "induces CYP1A2; levels rise after stopping smoking. Review the dose and "
    "monitor levels with the prescriber and mental health pharmacy.";

}  // namespace

Json BuildMedicationRequest(const v1::PrescriptionRequest& request,
                            absl::string_view intent,
                            absl::string_view patient_url,
                            absl::string_view requester_url,
                            absl::string_view performer_url,
                            absl::string_view narrative_xhtml) {
  Json mr{
      {"resourceType", "MedicationRequest"},
      {"meta", Meta(kProfileMedicationRequest)},
      {"text", Narrative(narrative_xhtml)},
      {"identifier", Json::array({Identifier(kPrescriptionRequestSystem,
                                             request.prescription_id())})},
      {"status", "active"},
      {"intent", std::string(intent)},
      {"category", Json::array({Concept(Coding(kMedicationRequestCategorySystem,
                                               "community", "Community"))})},
      {"medicationCodeableConcept", MedicationConcept(request.product())},
      {"subject", Reference(patient_url)}};
  if (request.has_created_at()) {
    mr["authoredOn"] = DateTime(absl::FromUnixMillis(
        google::protobuf::util::TimeUtil::TimestampToMilliseconds(
            request.created_at())));
  }
  mr["requester"] = Reference(requester_url);
  if (!performer_url.empty()) mr["performer"] = Reference(performer_url);
  mr["reasonCode"] = Json::array(
      {Concept(Coding(kSnomedSystem, "77176002", "Smoker"), request.reason())});
  Json notes = Json::array();
  if (request.cyp1a2_safety_alert()) {
    // safety: and whether the prescriber was alerted, only as it happened.
    notes.push_back(
        Json{{"text", absl::StrCat(kSafetyNote, " ",
                                   domain::PrescriberAlertStatement(
                                       request.safety_alert_notice()))}});
  }
  if (DmdCodeWithheld(request.product())) {
    notes.push_back(Json{{"text",
                          "Product named by description only: the "
                          "formulary's dm+d code is not verified."}});
  }
  if (!notes.empty()) mr["note"] = std::move(notes);
  mr["dosageInstruction"] =
      Json::array({Json{{"sequence", 1}, {"text", request.dose_text()}}});
  Json dispense{{"quantity", Json{{"value", request.quantity().value()},
                                  {"unit", request.quantity().unit()}}}};
  if (request.duration_days() > 0) {
    dispense["expectedSupplyDuration"] = Days(request.duration_days());
  }
  dispense["numberOfRepeatsAllowed"] = 0;
  mr["dispenseRequest"] = std::move(dispense);
  return mr;
}

}  // namespace nhs::tobacco::fhir
