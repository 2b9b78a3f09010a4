#include "adapters/mental_health/safety_alert_builder.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace nhs::tobacco::mental_health {

namespace {

std::string Advice(const v1::SafetyAlert& alert, absl::string_view names) {
  switch (alert.trigger()) {
    case v1::SAFETY_ALERT_TRIGGER_QUIT_DATE:
      return absl::StrCat(
          "Patient on ", names, " has set a quit date of ",
          alert.trigger_date(),
          ". Stopping smoking (not nicotine) removes CYP1A2 induction, so "
          "levels rise within days of it. Please review: baseline level, "
          "monitor for dose-related side effects, involve MH pharmacy. The "
          "service does not adjust doses.");
    case v1::SAFETY_ALERT_TRIGGER_RELAPSE:
      return absl::StrCat(
          "Patient on ", names, " has relapsed to smoking (recorded ",
          alert.trigger_date(),
          "). Smoking induces CYP1A2 again, so levels fall within days: "
          "review any dose reduced after the quit date and check levels. The "
          "service does not adjust doses.");
    default:
      return absl::StrCat(
          "Patient on ", names, " starts stop smoking treatment on ",
          alert.trigger_date(),
          ". Stopping smoking (not nicotine) removes CYP1A2 induction, so "
          "levels rise within days. Please review: baseline level, monitor "
          "for dose-related side effects, involve MH pharmacy. The service "
          "does not adjust doses.");
  }
}

}  // namespace

absl::StatusOr<hl7v2::Message> BuildSafetyAlert(
    const v1::Referral& referral, absl::string_view treatment_start_date,
    const OutboundHeader& header) {
  v1::SafetyAlert alert;
  alert.set_trigger(v1::SAFETY_ALERT_TRIGGER_FIRST_RECOMMENDATION);
  alert.set_trigger_date(std::string(treatment_start_date));
  for (const v1::PsychiatricMedicine& m :
       referral.mental_health().medicines()) {
    if (m.cyp1a2_sensitive()) *alert.add_medicines() = m;
  }
  return BuildSafetyAlert(referral, alert, header);
}

absl::StatusOr<hl7v2::Message> BuildSafetyAlert(const v1::Referral& referral,
                                                const v1::SafetyAlert& alert,
                                                const OutboundHeader& header) {
  if (alert.medicines().empty()) {
    return absl::FailedPreconditionError(
        "no CYP1A2-sensitive medicine on the referral: no safety alert needed");
  }
  hl7v2::Message message = StartMessage(header, "ORU", "R01", "ORU_R01");
  AddPid(message, referral.patient());
  hl7v2::Segment& obr = **message.AddSegment("OBR");
  SetComponents(obr, 1, {"1"});
  SetComponents(
      obr, 2,
      {referral.external_referral_id(), referral.referrer().ods_code()});
  SetComponents(obr, 3,
                {referral.referral_id(), referral.service().ods_code()});
  SetComponents(
      obr, 4,
      {"TDSAFETY", "Smoking cessation: review CYP1A2-sensitive medicine", "L"});
  SetComponents(obr, 7, {IsoDateToHl7(alert.trigger_date())});
  if (!alert.alert_id().empty()) SetComponents(obr, 20, {alert.alert_id()});
  SetComponents(obr, 22, {Hl7Timestamp(header.timestamp)});
  SetComponents(obr, 25, {"F"});
  int set_id = 0;
  std::string names;
  for (const v1::PsychiatricMedicine& m : alert.medicines()) {
    hl7v2::Segment& obx = **message.AddSegment("OBX");
    SetComponents(obx, 1, {absl::StrCat(++set_id)});
    SetComponents(obx, 2, {"CE"});
    SetComponents(obx, 3,
                  {"PSYMED", "Psychiatric medicine affected by smoking", "L"});
    if (m.dmd_code().empty()) {
      SetComponents(obx, 5, {"", m.name()});
    } else {
      SetComponents(obx, 5, {m.dmd_code(), m.name(), "DMD"});
    }
    SetComponents(obx, 11, {"F"});
    absl::StrAppend(&names, names.empty() ? "" : ", ", m.name());
  }
  std::string text = Advice(alert, names);
  if (!alert.alert_id().empty()) {
    absl::StrAppend(&text, " Please acknowledge alert ", alert.alert_id(),
                    " once the prescriber knows.");
  }
  hl7v2::Segment& note = **message.AddSegment("OBX");
  SetComponents(note, 1, {absl::StrCat(++set_id)});
  SetComponents(note, 2, {"TX"});
  SetComponents(note, 3, {"SAFETYNOTE", "Clinical safety note", "L"});
  SetComponents(note, 5, {text});
  SetComponents(note, 8, {"A"});  // abnormal flag: draws the reader's eye
  SetComponents(note, 11, {"F"});
  return message;
}

}  // namespace nhs::tobacco::mental_health
