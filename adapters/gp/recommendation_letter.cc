#include "adapters/gp/recommendation_letter.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "adapters/fhir/common_resources.h"
#include "adapters/fhir/xhtml.h"
#include "adapters/gp/letter_text.h"
#include "gateway/domain/safety_alert_rules.h"

namespace nhs::tobacco::gp {
namespace {

using fhir::EscapeXhtml;

std::string Row(absl::string_view label, absl::string_view value) {
  return absl::StrCat("<tr><th>", label, "</th><td>", EscapeXhtml(value),
                      "</td></tr>");
}

}  // namespace

std::string FormatNhsNumber(const std::string& n) {
  if (n.size() != 10) return n;
  return absl::StrCat(n.substr(0, 3), " ", n.substr(3, 3), " ", n.substr(6));
}

std::string RecommendationLetterXhtml(const v1::PrescriptionRequest& request,
                                      const v1::Referral& referral,
                                      bool reminder) {
  const v1::Patient& patient = request.patient();
  const std::string service = request.service().name().empty()
                                  ? request.service().ods_code()
                                  : request.service().name();
  const std::string practice = request.target().name().empty()
                                   ? request.target().ods_code()
                                   : request.target().name();
  std::string out;
  absl::StrAppend(&out, "<h2>", reminder ? "Reminder: " : "",
                  "Tobacco dependence treatment: request to "
                  "prescribe</h2>");
  if (reminder) {
    absl::StrAppend(
        &out,
        "<p><b>Reminder:</b> we have not had your reply to this request "
        "(our reference ",
        EscapeXhtml(request.prescription_id()),
        ") and it is now overdue. The letter is repeated below; please "
        "reply through your clinical system. This is not a new request.</p>");
  }
  absl::StrAppend(&out, "<p>To: the GP, ", EscapeXhtml(practice), " (ODS ",
                  EscapeXhtml(request.target().ods_code()), ")</p>");
  absl::StrAppend(&out, "<p><b>Re: ", EscapeXhtml(PatientName(patient)),
                  ", NHS number ",
                  EscapeXhtml(FormatNhsNumber(patient.nhs_number())));
  if (!patient.date_of_birth().empty()) {
    absl::StrAppend(&out, ", born ", EscapeXhtml(patient.date_of_birth()));
  }
  absl::StrAppend(&out, "</b></p>");
  absl::StrAppend(
      &out, "<p>Dear colleague,</p><p>", EscapeXhtml(PatientName(patient)),
      " is being supported by ", EscapeXhtml(service),
      " to stop smoking. We recommend the treatment below and ask you to "
      "prescribe it through the Electronic Prescription Service if you "
      "agree.</p>");
  absl::StrAppend(&out, "<table>");
  absl::StrAppend(&out, Row("Product", request.product().display()));
  absl::StrAppend(&out, Row("Dose", request.dose_text()));
  absl::StrAppend(&out, Row("Quantity", QuantityText(request.quantity())));
  absl::StrAppend(
      &out, Row("Duration", absl::StrCat(request.duration_days(), " days")));
  if (!request.reason().empty()) {
    absl::StrAppend(&out, Row("Reason", request.reason()));
  }
  const std::string goal = GoalText(referral.goal());
  if (!goal.empty()) absl::StrAppend(&out, Row("Patient's goal", goal));
  if (referral.smoking().cigarettes_per_day() > 0) {
    std::string history = absl::StrCat(referral.smoking().cigarettes_per_day(),
                                       " cigarettes a day");
    if (referral.smoking().years_smoked() > 0) {
      absl::StrAppend(&history, " for ", referral.smoking().years_smoked(),
                      " years");
    }
    if (referral.smoking().has_co_reading_ppm()) {
      absl::StrAppend(
          &history, "; CO reading ",
          absl::StrFormat("%g", referral.smoking().co_reading_ppm()), " ppm");
    }
    absl::StrAppend(&out, Row("Smoking history", history));
  }
  absl::StrAppend(&out, Row("Our reference", request.prescription_id()));
  absl::StrAppend(&out, "</table>");
  if (fhir::DmdCodeWithheld(request.product())) {
    absl::StrAppend(&out,
                    "<p>The product is named by description only: our "
                    "formulary's dm+d code for it has not been verified.</p>");
  }
  if (request.cyp1a2_safety_alert()) {
    std::vector<std::string> medicines = Cyp1a2Medicines(referral);
    std::string which = medicines.empty() ? "clozapine or olanzapine"
                                          : absl::StrJoin(medicines, ", ");
    absl::StrAppend(
        &out, "<p><b>Safety: the patient takes ", EscapeXhtml(which),
        ".</b> Tobacco smoke (not nicotine) induces CYP1A2, so blood levels "
        "of clozapine and olanzapine rise within days of stopping smoking, "
        "with or without NRT. Please review the dose and arrange level "
        "monitoring with the prescriber and the mental health pharmacy "
        "before and after the quit date. This service does not calculate "
        "doses.</p>");
    // safety: whether and when the prescriber was told, as it happened.
    absl::StrAppend(&out, "<p>",
                    EscapeXhtml(domain::PrescriberAlertStatement(
                        request.safety_alert_notice())),
                    "</p>");
  }
  absl::StrAppend(
      &out,
      "<p>Please reply through your clinical system: prescribe (your EPS "
      "prescription id lets us follow it to the pharmacy), decline with a "
      "reason, or tell us you need to see the patient first.</p>");
  absl::StrAppend(&out, "<p>Yours sincerely,<br/>");
  const v1::Practitioner& by = request.recommended_by();
  absl::StrAppend(&out,
                  EscapeXhtml(by.display_name().empty() ? by.identifier()
                                                        : by.display_name()),
                  "<br/>", EscapeXhtml(service), "</p>");
  return out;
}

}  // namespace nhs::tobacco::gp
