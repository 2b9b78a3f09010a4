#include "adapters/gp_connect/gp_letters.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "adapters/fhir/common_resources.h"
#include "adapters/gp/letter_text.h"
#include "adapters/gp/recommendation_letter.h"
#include "gateway/domain/outcome_codes.h"
#include "gateway/domain/safety_alert_rules.h"
#include "gateway/domain/timestamps.h"

namespace nhs::tobacco::gp_connect {
namespace {

using gp::Cyp1a2Medicines;
using gp::GoalText;
using gp::PatientName;
using gp::QuantityText;

// The wording follows gp::RecommendationLetterXhtml sentence for sentence
// where the two letters say the same thing; change both together.

std::string OrgName(const v1::Organisation& org) {
  return org.name().empty() ? org.ods_code() : org.name();
}

std::string OrgLine(absl::string_view label, const v1::Organisation& org) {
  if (org.ods_code().empty()) return absl::StrCat(label, OrgName(org));
  return absl::StrCat(label, OrgName(org), " (ODS ", org.ods_code(), ")");
}

std::string PatientLine(const v1::Patient& p) {
  std::string line = absl::StrCat("Patient: ", PatientName(p), ", NHS number ",
                                  gp::FormatNhsNumber(p.nhs_number()));
  if (!p.date_of_birth().empty()) {
    absl::StrAppend(&line, ", born ", p.date_of_birth());
  }
  return line;
}

// "2026-11-28", or empty when the timestamp is unset.
std::string DateOf(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d", domain::FromTimestamp(ts),
                          absl::UTCTimeZone());
}

std::string WhichMedicines(const v1::Referral& referral) {
  std::vector<std::string> medicines = Cyp1a2Medicines(referral);
  return medicines.empty() ? "clozapine or olanzapine"
                           : absl::StrJoin(medicines, ", ");
}

std::string SmokingHistory(const v1::SmokingHistory& s) {
  if (s.cigarettes_per_day() <= 0) return "";
  std::string history =
      absl::StrCat(s.cigarettes_per_day(), " cigarettes a day");
  if (s.years_smoked() > 0) {
    absl::StrAppend(&history, " for ", s.years_smoked(), " years");
  }
  if (s.has_co_reading_ppm()) {
    absl::StrAppend(&history, "; CO reading ",
                    absl::StrFormat("%g", s.co_reading_ppm()), " ppm");
  }
  return history;
}

std::string Signatory(const v1::Practitioner& by) {
  return by.display_name().empty() ? by.identifier() : by.display_name();
}

std::string Footer(absl::string_view service, absl::string_view reference) {
  return absl::StrCat("Sent by ", service,
                      " through the tobacco dependence gateway. Our "
                      "reference ",
                      reference, ".");
}

}  // namespace

Letter RecommendationLetter(const v1::PrescriptionRequest& request,
                            const v1::Referral& referral, bool reminder) {
  const v1::Patient& patient = request.patient();
  const std::string service = OrgName(request.service());
  Letter letter;
  letter.title = reminder ? "Reminder: stop smoking medicine recommendation"
                          : "Stop smoking medicine recommendation";
  letter.header_lines.push_back(OrgLine("From: ", request.service()));
  letter.header_lines.push_back(OrgLine("To: the GP, ", request.target()));
  const std::string date = DateOf(request.created_at());
  if (!date.empty()) letter.header_lines.push_back("Date: " + date);
  letter.header_lines.push_back(PatientLine(patient));
  letter.header_lines.push_back("Our reference: " + request.prescription_id());

  if (reminder) {
    letter.sections.push_back(
        {"Reminder",
         {absl::StrCat("We have not had your reply to this request (our "
                       "reference ",
                       request.prescription_id(),
                       ") and it is now overdue. The letter is repeated "
                       "below; please reply through your clinical system. "
                       "This is not a new request.")}});
  }
  letter.sections.push_back(
      {"",
       {"Dear colleague,",
        absl::StrCat(PatientName(patient), " is being supported by ", service,
                     " to stop smoking. We recommend the treatment below and "
                     "ask you to prescribe it through the Electronic "
                     "Prescription Service if you agree.")}});

  LetterSection what{"What we recommend", {}};
  what.paragraphs.push_back("Product: " + request.product().display());
  what.paragraphs.push_back("Dose: " + request.dose_text());
  what.paragraphs.push_back("Quantity: " + QuantityText(request.quantity()));
  what.paragraphs.push_back(
      absl::StrCat("Duration: ", request.duration_days(), " days"));
  if (!request.reason().empty()) {
    what.paragraphs.push_back("Reason: " + request.reason());
  }
  const std::string goal = GoalText(referral.goal());
  if (!goal.empty()) what.paragraphs.push_back("Patient's goal: " + goal);
  if (fhir::DmdCodeWithheld(request.product())) {
    what.paragraphs.push_back(
        "The product is named by description only: our formulary's dm+d "
        "code for it has not been verified.");
  }
  letter.sections.push_back(std::move(what));

  const std::string history = SmokingHistory(referral.smoking());
  if (!history.empty()) {
    letter.sections.push_back({"Smoking history", {history}});
  }

  if (request.cyp1a2_safety_alert()) {
    // safety: the same warning as the FHIR letter, and only what happened
    // to the prescriber alert (domain::PrescriberAlertStatement).
    letter.safety_note = absl::StrCat(
        "Safety: the patient takes ", WhichMedicines(referral),
        ". Tobacco smoke (not nicotine) induces CYP1A2, so blood levels of "
        "clozapine and olanzapine rise within days of stopping smoking, with "
        "or without NRT. Please review the dose and arrange level monitoring "
        "with the prescriber and the mental health pharmacy before and after "
        "the quit date. This service does not calculate doses. ",
        domain::PrescriberAlertStatement(request.safety_alert_notice()));
  }

  letter.sections.push_back(
      {"What to reply",
       {"Please reply through your clinical system: prescribe (your EPS "
        "prescription id lets us follow it to the pharmacy), decline with a "
        "reason, or tell us you need to see the patient first."}});
  letter.sections.push_back(
      {"", {"Yours sincerely,", Signatory(request.recommended_by()), service}});
  letter.footer = Footer(service, request.prescription_id());
  return letter;
}

Letter OutcomeLetter(const v1::Outcome& outcome, const v1::Referral& referral) {
  const std::string service = OrgName(referral.service());
  const domain::OutcomeCoding coding =
      domain::OutcomeCodingFor(outcome.status());
  Letter letter;
  letter.title = "Stop smoking treatment outcome";
  letter.header_lines.push_back(OrgLine("From: ", referral.service()));
  letter.header_lines.push_back(
      OrgLine("To: the GP, ", referral.gp_practice()));
  if (!outcome.recorded_on().empty()) {
    letter.header_lines.push_back("Date: " + outcome.recorded_on());
  }
  letter.header_lines.push_back(PatientLine(referral.patient()));
  letter.header_lines.push_back("Our reference: " + outcome.outcome_id());

  std::string point;
  switch (outcome.follow_up()) {
    case v1::FOLLOW_UP_POINT_WEEK_4:
      point = "4 weeks";
      break;
    case v1::FOLLOW_UP_POINT_WEEK_12:
      point = "12 weeks";
      break;
    case v1::FOLLOW_UP_POINT_WEEK_52:
      point = "52 weeks";
      break;
    default:
      break;
  }
  LetterSection result{"Outcome", {}};
  result.paragraphs.push_back(absl::StrCat(
      point.empty() ? "At follow-up" : absl::StrCat("At ", point), ": ",
      coding.display.empty() ? "not recorded" : coding.display, "."));
  if (outcome.has_co_reading_ppm()) {
    result.paragraphs.push_back(absl::StrCat(
        "CO reading: ", absl::StrFormat("%g", outcome.co_reading_ppm()),
        " ppm."));
  }
  if (!outcome.quit_date().empty()) {
    result.paragraphs.push_back("Quit date: " + outcome.quit_date() + ".");
  }
  if (!outcome.note().empty()) result.paragraphs.push_back(outcome.note());
  letter.sections.push_back(
      {"",
       {"Dear colleague,", absl::StrCat("This is the stop smoking "
                                        "treatment outcome ",
                                        service,
                                        " recorded for your "
                                        "patient.")}});
  letter.sections.push_back(std::move(result));

  const bool stopped =
      outcome.status() == v1::OUTCOME_STATUS_QUIT_SELF_REPORTED ||
      outcome.status() == v1::OUTCOME_STATUS_QUIT_CO_VERIFIED ||
      outcome.status() == v1::OUTCOME_STATUS_REDUCED;
  const bool restarted = outcome.status() == v1::OUTCOME_STATUS_RELAPSED;
  if (!Cyp1a2Medicines(referral).empty() && (stopped || restarted)) {
    // safety: smoking less raises clozapine/olanzapine levels; smoking
    // again lowers them. Either way the dose needs a review.
    letter.safety_note = absl::StrCat(
        "Safety: the patient takes ", WhichMedicines(referral), ". ",
        stopped ? "Tobacco smoke (not nicotine) induces CYP1A2, so blood "
                  "levels of clozapine and olanzapine rise when smoking "
                  "stops or falls."
                : "Smoking again induces CYP1A2, so blood levels of "
                  "clozapine and olanzapine can fall.",
        " Please review the dose and level monitoring with the prescriber "
        "and the mental health pharmacy. This service does not calculate "
        "doses.");
  }
  letter.sections.push_back({"", {"Yours sincerely,", service}});
  letter.footer = Footer(service, outcome.outcome_id());
  return letter;
}

Letter CancellationLetter(const v1::PrescriptionRequest& request,
                          const v1::Referral& referral) {
  (void)referral;  // the request carries all this letter says
  const std::string service = OrgName(request.service());
  Letter letter;
  letter.title = "Stop smoking medicine recommendation withdrawn";
  letter.header_lines.push_back(OrgLine("From: ", request.service()));
  letter.header_lines.push_back(OrgLine("To: the GP, ", request.target()));
  letter.header_lines.push_back(PatientLine(request.patient()));
  letter.header_lines.push_back("Our reference: " + request.prescription_id());
  std::string withdrawn = absl::StrCat(
      "We have withdrawn our recommendation of ", request.product().display());
  const std::string date = DateOf(request.created_at());
  if (!date.empty()) absl::StrAppend(&withdrawn, " dated ", date);
  absl::StrAppend(&withdrawn,
                  ". Please do not prescribe it. If you have already issued a "
                  "prescription, please cancel it through the Electronic "
                  "Prescription Service.");
  letter.sections.push_back({"", {"Dear colleague,", withdrawn}});
  const std::string reason = request.status_reason_display().empty()
                                 ? request.status_reason()
                                 : request.status_reason_display();
  if (!reason.empty()) letter.sections.push_back({"Reason", {reason}});
  letter.sections.push_back(
      {"", {"Yours sincerely,", Signatory(request.recommended_by()), service}});
  letter.footer = Footer(service, request.prescription_id());
  return letter;
}

}  // namespace nhs::tobacco::gp_connect
