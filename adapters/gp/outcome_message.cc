#include "adapters/gp/outcome_message.h"

#include "absl/strings/str_cat.h"
#include "adapters/fhir/common_resources.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/xhtml.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/outcome_codes.h"

namespace nhs::tobacco::gp {
namespace {

using fhir::Json;

absl::string_view FollowUpText(v1::FollowUpPoint p) {
  switch (p) {
    case v1::FOLLOW_UP_POINT_WEEK_4:
      return "4 weeks";
    case v1::FOLLOW_UP_POINT_WEEK_12:
      return "12 weeks";
    case v1::FOLLOW_UP_POINT_WEEK_52:
      return "52 weeks";
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<Json> BuildOutcomeMessage(const v1::Outcome& outcome,
                                         const v1::Referral& referral,
                                         const fhir::MessageContext& context) {
  domain::Violations v;
  const domain::OutcomeCoding code = domain::OutcomeCodingFor(outcome.status());
  if (code.code.empty()) v.Add("status", "is not a known outcome");
  if (FollowUpText(outcome.follow_up()).empty()) {
    v.Add("follow_up", "must be week 4, 12 or 52");
  }
  if (referral.gp_practice().ods_code().empty()) {
    v.Add("referral.gp_practice.ods_code", "the GP practice is required");
  }
  if (!v.empty()) return v.ToStatus("cannot build an outcome message");

  fhir::MessageBundleBuilder b(context, fhir::kEventOutcome,
                               "Tobacco dependence treatment outcome");
  const std::string patient = b.UrlFor("patient");
  const std::string service = b.UrlFor("service");
  const std::string practice = b.UrlFor("gp-practice");
  const std::string what =
      absl::StrCat("Tobacco dependence treatment outcome at ",
                   FollowUpText(outcome.follow_up()));
  Json obs{{"resourceType", "Observation"},
           {"meta", fhir::Meta(fhir::kProfileObservation)}};
  std::string text = absl::StrCat(fhir::EscapeXhtml(what), ": <b>",
                                  fhir::EscapeXhtml(code.display), "</b>");
  if (outcome.has_co_reading_ppm()) {
    absl::StrAppend(&text, ", CO reading ", outcome.co_reading_ppm(), " ppm");
  }
  if (!outcome.quit_date().empty()) {
    absl::StrAppend(&text, ", quit date ",
                    fhir::EscapeXhtml(outcome.quit_date()));
  }
  obs["text"] = fhir::Narrative(text);
  obs["status"] = "final";
  obs["category"] = Json::array({fhir::Concept(fhir::Coding(
      fhir::kObservationCategorySystem, "social-history", "Social History"))});
  // FOLLOW_UP_4 / FOLLOW_UP_12 / FOLLOW_UP_52.
  std::string weeks(FollowUpText(outcome.follow_up()));
  weeks = weeks.substr(0, weeks.find(' '));
  obs["code"] =
      fhir::Concept(fhir::Coding(fhir::kOutcomeSystem,
                                 absl::StrCat("FOLLOW_UP_", weeks), what),
                    what);
  obs["subject"] = fhir::Reference(patient);
  if (!outcome.recorded_on().empty()) {
    obs["effectiveDateTime"] = outcome.recorded_on();
  }
  obs["performer"] = Json::array({fhir::Reference(service)});
  const bool quit = outcome.status() == v1::OUTCOME_STATUS_QUIT_SELF_REPORTED ||
                    outcome.status() == v1::OUTCOME_STATUS_QUIT_CO_VERIFIED;
  Json value = quit ? fhir::Coding(fhir::kSnomedSystem, "8517006", "Ex-smoker")
                    : fhir::Coding(fhir::kSnomedSystem, "77176002", "Smoker");
  Json value_concept{
      {"coding",
       Json::array({std::move(value), fhir::Coding(fhir::kOutcomeSystem,
                                                   code.code, code.display)})},
      {"text", std::string(code.display)}};
  obs["valueCodeableConcept"] = std::move(value_concept);
  if (!outcome.note().empty()) {
    obs["note"] = Json::array({Json{{"text", outcome.note()}}});
  }
  if (outcome.has_co_reading_ppm()) {
    obs["component"] = Json::array({Json{
        {"code", fhir::TextConcept("Expired carbon monoxide concentration")},
        {"valueQuantity", Json{{"value", outcome.co_reading_ppm()},
                               {"unit", "ppm"},
                               {"system", std::string(fhir::kUcumSystem)},
                               {"code", "[ppm]"}}}}});
  }
  const std::string focus = b.Add("observation", std::move(obs));
  b.Add("patient", fhir::BuildPatient(referral.patient(),
                                      referral.gp_practice().ods_code()));
  v1::Organisation service_org = outcome.recorded_by().organisation();
  if (service_org.ods_code().empty()) service_org = referral.service();
  b.Add("service", fhir::BuildOrganization(
                       service_org, "Tobacco dependence treatment service"));
  b.Add("gp-practice",
        fhir::BuildOrganization(referral.gp_practice(), "GP practice"));
  b.SetSender(service);
  b.SetReceiver(practice);
  b.AddFocus(focus);
  return std::move(b).Build();
}

}  // namespace nhs::tobacco::gp
