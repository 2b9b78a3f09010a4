#include "adapters/pharmacy/supply_request_message.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/fhir/common_resources.h"
#include "adapters/fhir/medication_request.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/xhtml.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/safety_alert_rules.h"

namespace nhs::tobacco::pharmacy {
namespace {

using fhir::EscapeXhtml;
using fhir::Json;

std::string Summary(const v1::PrescriptionRequest& r) {
  return absl::StrCat(
      EscapeXhtml(r.product().display()), ": ", EscapeXhtml(r.dose_text()),
      "; ", absl::StrFormat("%g", r.quantity().value()), " ",
      EscapeXhtml(r.quantity().unit()), " for ", r.duration_days(),
      " days. Our reference ", EscapeXhtml(r.prescription_id()), ".");
}

}  // namespace

absl::StatusOr<Json> BuildPharmacyMessage(
    const v1::PrescriptionRequest& request, const v1::Referral& referral,
    const v1::Organisation& pharmacy, const fhir::MessageContext& context) {
  domain::Violations v;
  const bool supply = request.route() == v1::ROUTE_PHARMACY_SUPPLY;
  if (!supply && request.route() != v1::ROUTE_GP_PRESCRIPTION) {
    v.Add("route",
          "only PHARMACY_SUPPLY and GP_PRESCRIPTION involve a "
          "community pharmacy");
  }
  if (pharmacy.ods_code().empty()) {
    v.Add("pharmacy.ods_code", "the pharmacy is required");
  }
  if (!v.empty()) return v.ToStatus("cannot build a pharmacy message");

  fhir::MessageBundleBuilder b(
      context,
      supply ? fhir::kEventSupplyRequest : fhir::kEventPrescriptionNotice,
      supply ? "Supply request to community pharmacy"
             : "Notice of a prescription coming by EPS");
  const std::string patient = b.UrlFor("patient");
  const std::string service = b.UrlFor("service");
  const std::string pharmacy_url = b.UrlFor("pharmacy");
  const std::string role = b.UrlFor("practitioner-role");
  const std::string practitioner = b.UrlFor("practitioner");
  std::string focus;
  if (supply) {
    std::string text = absl::StrCat(
        "<p><b>Please supply</b> under the service's protocol or voucher: ",
        Summary(request), "</p>");
    if (request.cyp1a2_safety_alert()) {
      // safety: only what happened: alerted (and when) or not alerted.
      absl::StrAppend(
          &text,
          "<p><b>Safety:</b> the patient takes a medicine whose levels rise "
          "when smoking stops (e.g. clozapine, olanzapine). ",
          EscapeXhtml(
              domain::PrescriberAlertStatement(request.safety_alert_notice())),
          "</p>");
    }
    focus = b.Add("medication-request",
                  fhir::BuildMedicationRequest(request, "order", patient, role,
                                               pharmacy_url, text));
  } else {
    const std::string mr = b.UrlFor("medication-request");
    Json task{{"resourceType", "Task"},
              {"meta", fhir::Meta(fhir::kProfileTask)},
              {"text", fhir::Narrative(absl::StrCat(
                           "<p>A prescription is coming from the patient's GP "
                           "by EPS once they agree: ",
                           Summary(request), "</p>"))},
              {"identifier",
               Json::array({fhir::Identifier(fhir::kPrescriptionRequestSystem,
                                             request.prescription_id())})}};
    if (!request.eps_prescription_id().empty()) {
      task["basedOn"] = Json::array({Json{
          {"identifier", fhir::Identifier(fhir::kEpsOrderNumberSystem,
                                          request.eps_prescription_id())}}});
    }
    task["status"] = "requested";
    task["intent"] = "order";
    task["description"] =
        "Prescription for tobacco dependence treatment expected by EPS";
    task["focus"] = fhir::Reference(mr);
    task["for"] = fhir::Reference(patient);
    if (context.timestamp != absl::InfinitePast()) {
      task["authoredOn"] = fhir::DateTime(context.timestamp);
    }
    task["requester"] = fhir::Reference(role);
    task["owner"] = fhir::Reference(pharmacy_url);
    focus = b.Add("task", std::move(task));
    b.Add("medication-request",
          fhir::BuildMedicationRequest(
              request, "proposal", patient, role,
              /*performer_url=*/"",
              absl::StrCat("<p>Recommended: ", Summary(request), "</p>")));
  }
  b.Add("patient", fhir::BuildPatient(request.patient(),
                                      referral.gp_practice().ods_code()));
  b.Add("service",
        fhir::BuildOrganization(request.service(),
                                "Tobacco dependence treatment service"));
  b.Add("pharmacy", fhir::BuildOrganization(pharmacy, "Community pharmacy"));
  b.Add("practitioner-role",
        fhir::BuildPractitionerRole(practitioner, service,
                                    "Tobacco dependence practitioner"));
  b.Add("practitioner", fhir::BuildPractitioner(request.recommended_by()));
  b.SetSender(service);
  b.SetReceiver(pharmacy_url);
  b.AddFocus(focus);
  return std::move(b).Build();
}

}  // namespace nhs::tobacco::pharmacy
