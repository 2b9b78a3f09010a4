#include "adapters/service/overdue_escalation_message.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "adapters/fhir/common_resources.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/xhtml.h"
#include "gateway/domain/field_violations.h"
#include "google/protobuf/util/time_util.h"

namespace nhs::tobacco::service {

using fhir::Json;

absl::StatusOr<Json> BuildOverdueEscalationMessage(
    const v1::PrescriptionRequest& request, absl::string_view reason,
    const fhir::MessageContext& context) {
  domain::Violations v;
  if (request.service().ods_code().empty()) {
    v.Add("service.ods_code", "the recommending service is required");
  }
  if (request.prescription_id().empty()) {
    v.Add("prescription_id", "is required");
  }
  if (!v.empty()) return v.ToStatus("cannot build an overdue escalation");

  fhir::MessageBundleBuilder b(context, fhir::kEventOverdueEscalation,
                               "Prescription request overdue");
  const std::string patient = b.UrlFor("patient");
  const std::string service = b.UrlFor("service");
  const std::string target = b.UrlFor("target");
  const std::string status(absl::StripPrefix(
      v1::PrescriptionStatus_Name(request.status()), "PRESCRIPTION_STATUS_"));
  std::string due;
  if (request.has_due_at()) {
    due = google::protobuf::util::TimeUtil::ToString(request.due_at());
  }
  const std::string who = request.target().name().empty()
                              ? request.target().ods_code()
                              : request.target().name();
  std::string text = absl::StrCat(
      "No response from ", who, " (", request.target().ods_code(),
      ") to the request for ", request.product().display(), ": still ", status,
      due.empty() ? "" : absl::StrCat(", due ", due), ".");
  if (!reason.empty()) absl::StrAppend(&text, " ", reason);

  Json comm{{"resourceType", "Communication"},
            {"meta", fhir::Meta(fhir::kProfileCommunication)}};
  comm["text"] = fhir::Narrative(fhir::EscapeXhtml(text));
  comm["status"] = "completed";
  comm["category"] = Json::array({fhir::Concept(
      fhir::Coding(fhir::kCommunicationCategorySystem, "alert", "Alert"))});
  comm["priority"] = "urgent";
  comm["subject"] = fhir::Reference(patient);
  comm["about"] = Json::array(
      {Json{{"identifier", fhir::Identifier(fhir::kPrescriptionRequestSystem,
                                            request.prescription_id())},
            {"display", "Prescription request"}}});
  comm["sent"] = absl::FormatTime("%Y-%m-%dT%H:%M:%S+00:00", context.timestamp,
                                  absl::UTCTimeZone());
  comm["recipient"] = Json::array({fhir::Reference(service)});
  comm["payload"] = Json::array({Json{{"contentString", text}}});
  const std::string focus = b.Add("communication", std::move(comm));
  b.Add("patient", fhir::BuildPatient(request.patient(),
                                      request.gp_practice().ods_code()));
  b.Add("service",
        fhir::BuildOrganization(request.service(),
                                "Tobacco dependence treatment service"));
  b.Add("target",
        fhir::BuildOrganization(request.target(),
                                request.route() == v1::ROUTE_GP_PRESCRIPTION
                                    ? "GP practice"
                                    : "Community pharmacy"));
  b.SetReceiver(service);
  b.AddFocus(focus);
  return std::move(b).Build();
}

}  // namespace nhs::tobacco::service
