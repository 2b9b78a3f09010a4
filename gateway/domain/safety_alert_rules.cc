#include "gateway/domain/safety_alert_rules.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gateway/domain/timestamps.h"

namespace nhs::tobacco::domain {

absl::StatusOr<v1::SafetyAlertState> NextSafetyAlertState(
    v1::SafetyAlertState current, SafetyAlertStep step) {
  using S = v1::SafetyAlertState;
  const bool known = current == v1::SAFETY_ALERT_STATE_RAISED ||
                     current == v1::SAFETY_ALERT_STATE_SENT ||
                     current == v1::SAFETY_ALERT_STATE_ACKNOWLEDGED ||
                     current == v1::SAFETY_ALERT_STATE_OVERDUE;
  if (!known) {
    return absl::FailedPreconditionError(
        absl::StrCat("safety alert in unknown state ", current));
  }
  switch (step) {
    case SafetyAlertStep::kDelivered:
      // An interface taking the message is never a person's word.
      return current == v1::SAFETY_ALERT_STATE_RAISED
                 ? S{v1::SAFETY_ALERT_STATE_SENT}
                 : current;
    case SafetyAlertStep::kAcknowledge:
      if (current == v1::SAFETY_ALERT_STATE_ACKNOWLEDGED) {
        return absl::FailedPreconditionError(
            "the safety alert is already ACKNOWLEDGED");
      }
      return S{v1::SAFETY_ALERT_STATE_ACKNOWLEDGED};
    case SafetyAlertStep::kDeadlinePassed:
      return current == v1::SAFETY_ALERT_STATE_RAISED ||
                     current == v1::SAFETY_ALERT_STATE_SENT
                 ? S{v1::SAFETY_ALERT_STATE_OVERDUE}
                 : current;
  }
  return absl::InternalError("unknown safety alert step");
}

v1::Organisation PrescriberOf(const v1::Referral& referral,
                              const DeliveryRoutes& routes) {
  const v1::Organisation& referrer = referral.referrer();
  // Every message to the trust needs the patient's consent to share with
  // the mental health team; without it nobody is alerted, and the alert
  // goes overdue to the service, which can act itself.
  if (!referral.consent().share_with_mental_health_team()) return {};
  if (!referrer.ods_code().empty() &&
      routes.Has(referrer.ods_code(),
                 ChannelOf(v1::MESSAGE_KIND_SAFETY_ALERT))) {
    return referrer;
  }
  return v1::Organisation();
}

std::optional<v1::SafetyAlertTrigger> TriggerForOutcome(
    const v1::Outcome& outcome) {
  if (outcome.status() == v1::OUTCOME_STATUS_RELAPSED) {
    return v1::SAFETY_ALERT_TRIGGER_RELAPSE;
  }
  return std::nullopt;
}

std::optional<v1::SafetyAlert> NewSafetyAlert(
    const v1::Referral& referral, v1::SafetyAlertTrigger trigger,
    absl::string_view trigger_date, const DeliveryRoutes& routes,
    absl::Time now, absl::Duration acknowledge_within) {
  v1::SafetyAlert alert;
  for (const v1::PsychiatricMedicine& m :
       referral.mental_health().medicines()) {
    if (m.cyp1a2_sensitive()) *alert.add_medicines() = m;
  }
  if (alert.medicines().empty()) return std::nullopt;
  alert.set_referral_id(referral.referral_id());
  alert.set_trigger(trigger);
  alert.set_trigger_date(std::string(trigger_date));
  alert.set_state(v1::SAFETY_ALERT_STATE_RAISED);
  *alert.mutable_raised_at() = ToTimestamp(now);
  *alert.mutable_due_at() = ToTimestamp(now + acknowledge_within);
  *alert.mutable_prescriber() = PrescriberOf(referral, routes);
  *alert.mutable_service() = referral.service();
  alert.set_version(1);
  return alert;
}

absl::Duration AcknowledgeWithin(int hours, int seconds) {
  if (seconds > 0) return absl::Seconds(seconds);
  if (hours > 0) return absl::Hours(hours);
  return absl::Hours(48);
}

std::string PrescriberAlertStatement(const v1::SafetyAlertNotice& notice) {
  const std::string& ods = notice.prescriber().ods_code();
  if (ods.empty()) {
    return "The patient's mental health prescriber was not alerted (no route "
           "to the prescriber): please make sure they know before the quit "
           "date.";
  }
  auto day = [](const google::protobuf::Timestamp& ts) {
    return absl::FormatTime("%Y-%m-%d", FromTimestamp(ts), absl::UTCTimeZone());
  };
  if (notice.has_sent_at()) {
    return absl::StrCat("The patient's mental health prescriber (", ods,
                        ") was alerted on ", day(notice.sent_at()),
                        notice.state() == v1::SAFETY_ALERT_STATE_ACKNOWLEDGED
                            ? " and has acknowledged the alert."
                            : "; no acknowledgement yet.");
  }
  if (notice.state() == v1::SAFETY_ALERT_STATE_ACKNOWLEDGED) {
    return absl::StrCat("The patient's mental health prescriber (", ods,
                        ") has acknowledged a safety alert raised on ",
                        day(notice.raised_at()), ".");
  }
  return absl::StrCat(
      "A safety alert to the patient's mental health prescriber (", ods,
      ") was raised on ", day(notice.raised_at()),
      "; their system has not yet confirmed receiving it.");
}

std::string SafetyAlertTriggerName(v1::SafetyAlertTrigger trigger) {
  return std::string(absl::StripPrefix(v1::SafetyAlertTrigger_Name(trigger),
                                       "SAFETY_ALERT_TRIGGER_"));
}

std::string SafetyAlertStateName(v1::SafetyAlertState state) {
  return std::string(absl::StripPrefix(v1::SafetyAlertState_Name(state),
                                       "SAFETY_ALERT_STATE_"));
}

}  // namespace nhs::tobacco::domain
