#include "adapters/service/cancellation_message.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "adapters/fhir/common_resources.h"
#include "adapters/fhir/medication_request.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/xhtml.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::service {

using fhir::Json;

absl::StatusOr<Json> BuildCancellationMessage(
    const v1::PrescriptionRequest& request, const v1::Referral& referral,
    const v1::Organisation& receiver, const fhir::MessageContext& context) {
  domain::Violations v;
  if (request.status() != v1::PRESCRIPTION_STATUS_CANCELLED) {
    v.Add("status", "must be CANCELLED");
  }
  if (receiver.ods_code().empty()) {
    v.Add("receiver.ods_code", "the receiving organisation is required");
  }
  if (request.service().ods_code().empty()) {
    v.Add("service.ods_code", "the recommending service is required");
  }
  if (!v.empty()) return v.ToStatus("cannot build a cancellation");

  fhir::MessageBundleBuilder b(context, fhir::kEventCancellation,
                               "Prescription request cancelled");
  const std::string patient = b.UrlFor("patient");
  const std::string service = b.UrlFor("service");
  const std::string receiver_url = b.UrlFor("receiver");
  const std::string role = b.UrlFor("practitioner-role");
  const std::string practitioner = b.UrlFor("practitioner");
  const std::string reason = request.status_reason().empty()
                                 ? std::string("no reason given")
                                 : request.status_reason();
  const std::string text = absl::StrCat(
      "The tobacco dependence service has cancelled its request for ",
      request.product().display(), " (reason: ", reason,
      "). Please do not prescribe or supply it.");
  const bool supply = request.route() == v1::ROUTE_PHARMACY_SUPPLY;
  Json mr = fhir::BuildMedicationRequest(
      request, supply ? "order" : "proposal", patient, role,
      supply ? receiver_url : std::string(),
      absl::StrCat("<p><b>Cancelled.</b> ", fhir::EscapeXhtml(text), "</p>"));
  mr["status"] = "cancelled";
  mr["statusReason"] = fhir::Concept(
      fhir::Coding(fhir::kStatusReasonSystem, reason, reason), text);
  const std::string focus = b.Add("medication-request", std::move(mr));
  b.Add("patient", fhir::BuildPatient(request.patient(),
                                      referral.gp_practice().ods_code()));
  b.Add("service",
        fhir::BuildOrganization(request.service(),
                                "Tobacco dependence treatment service"));
  b.Add("receiver",
        fhir::BuildOrganization(
            receiver, request.route() == v1::ROUTE_GP_PRESCRIPTION &&
                              receiver.ods_code() == request.target().ods_code()
                          ? "GP practice"
                          : "Community pharmacy"));
  b.Add("practitioner-role",
        fhir::BuildPractitionerRole(practitioner, service,
                                    "Tobacco dependence practitioner"));
  b.Add("practitioner", fhir::BuildPractitioner(request.recommended_by()));
  b.SetSender(service);
  b.SetReceiver(receiver_url);
  b.AddFocus(focus);
  return std::move(b).Build();
}

}  // namespace nhs::tobacco::service
