#include "adapters/service/safety_alert_escalation_message.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "adapters/fhir/common_resources.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/xhtml.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::service {

using fhir::Json;

// The alert's own identifier system: the id AcknowledgeSafetyAlert takes.
constexpr char kSafetyAlertSystem[] =
    "https://example.org/fhir/Id/td-safety-alert";

absl::StatusOr<Json> BuildSafetyAlertEscalationMessage(
    const v1::SafetyAlert& alert, const v1::Referral& referral,
    absl::string_view reason, const fhir::MessageContext& context) {
  domain::Violations v;
  if (alert.service().ods_code().empty()) {
    v.Add("safety_alert.service.ods_code", "the treating service is required");
  }
  if (alert.alert_id().empty()) v.Add("safety_alert.alert_id", "is required");
  if (!v.empty()) return v.ToStatus("cannot build a safety alert escalation");

  fhir::MessageBundleBuilder b(context, fhir::kEventSafetyAlertOverdue,
                               "CYP1A2 safety alert not acknowledged");
  const std::string patient = b.UrlFor("patient");
  const std::string service = b.UrlFor("service");
  std::string text =
      absl::StrCat("CYP1A2 safety alert ", alert.alert_id(), " (raised for ",
                   alert.trigger_date(), ") has not been acknowledged.");
  if (!reason.empty()) absl::StrAppend(&text, " ", reason);

  Json comm{{"resourceType", "Communication"},
            {"meta", fhir::Meta(fhir::kProfileCommunication)}};
  comm["text"] = fhir::Narrative(fhir::EscapeXhtml(text));
  comm["status"] = "completed";
  comm["category"] = Json::array({fhir::Concept(
      fhir::Coding(fhir::kCommunicationCategorySystem, "alert", "Alert"))});
  comm["priority"] = "urgent";
  comm["subject"] = fhir::Reference(patient);
  comm["about"] = Json::array({Json{
      {"identifier", fhir::Identifier(kSafetyAlertSystem, alert.alert_id())},
      {"display", "CYP1A2 safety alert"}}});
  comm["sent"] = absl::FormatTime("%Y-%m-%dT%H:%M:%S+00:00", context.timestamp,
                                  absl::UTCTimeZone());
  comm["recipient"] = Json::array({fhir::Reference(service)});
  comm["payload"] = Json::array({Json{{"contentString", text}}});
  const std::string focus = b.Add("communication", std::move(comm));
  b.Add("patient", fhir::BuildPatient(referral.patient(),
                                      referral.gp_practice().ods_code()));
  b.Add("service",
        fhir::BuildOrganization(alert.service(),
                                "Tobacco dependence treatment service"));
  b.SetReceiver(service);
  b.AddFocus(focus);
  return std::move(b).Build();
}

}  // namespace nhs::tobacco::service
