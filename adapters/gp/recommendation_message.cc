#include "adapters/gp/recommendation_message.h"

#include "absl/strings/str_cat.h"
#include "adapters/fhir/common_resources.h"
#include "adapters/fhir/medication_request.h"
#include "adapters/fhir/systems.h"
#include "adapters/gp/recommendation_letter.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::gp {
namespace {

using fhir::Json;

}  // namespace

absl::StatusOr<Json> BuildRecommendationMessage(
    const v1::PrescriptionRequest& request, const v1::Referral& referral,
    const fhir::MessageContext& context, bool reminder) {
  domain::Violations v;
  if (request.route() != v1::ROUTE_GP_PRESCRIPTION) {
    v.Add("route", "only GP_PRESCRIPTION requests go to a GP practice");
  }
  if (request.target().ods_code().empty()) {
    v.Add("target.ods_code", "the GP practice is required");
  }
  if (request.patient().nhs_number().empty()) {
    v.Add("patient.nhs_number", "is required");
  }
  if (!v.empty()) return v.ToStatus("cannot build a GP recommendation");

  fhir::MessageBundleBuilder b(
      context,
      reminder ? fhir::kEventRecommendationReminder
               : fhir::kEventRecommendation,
      reminder ? "Reminder: prescription recommendation to GP"
               : "Prescription recommendation to GP");
  if (reminder) {
    b.SetReason(
        fhir::Concept(fhir::Coding(fhir::kMessageReasonSystem,
                                   fhir::kReasonReminder, "Reminder"),
                      "Reminder: no reply was received before the deadline"));
  }
  const std::string patient = b.UrlFor("patient");
  const std::string service = b.UrlFor("service");
  const std::string practice = b.UrlFor("gp-practice");
  const std::string role = b.UrlFor("practitioner-role");
  const std::string practitioner = b.UrlFor("practitioner");
  const std::string focus =
      b.Add("medication-request",
            fhir::BuildMedicationRequest(
                request, "proposal", patient, role, practice,
                RecommendationLetterXhtml(request, referral, reminder)));
  b.Add("patient", fhir::BuildPatient(request.patient(),
                                      referral.gp_practice().ods_code().empty()
                                          ? request.target().ods_code()
                                          : referral.gp_practice().ods_code()));
  b.Add("service",
        fhir::BuildOrganization(request.service(),
                                "Tobacco dependence treatment service"));
  b.Add("gp-practice",
        fhir::BuildOrganization(request.target(), "GP practice"));
  b.Add("practitioner-role",
        fhir::BuildPractitionerRole(practitioner, service,
                                    "Tobacco dependence practitioner"));
  b.Add("practitioner", fhir::BuildPractitioner(request.recommended_by()));
  b.SetSender(service);
  b.SetReceiver(practice);
  b.AddFocus(focus);
  return std::move(b).Build();
}

}  // namespace nhs::tobacco::gp
