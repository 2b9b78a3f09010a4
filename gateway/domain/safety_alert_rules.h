#ifndef GATEWAY_DOMAIN_SAFETY_ALERT_RULES_H_
#define GATEWAY_DOMAIN_SAFETY_ALERT_RULES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/domain/delivery_plan.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nhs/tobacco/v1/safety_alert.pb.h"

namespace nhs::tobacco::domain {

// The CYP1A2 safety loop's rules (README "The CYP1A2 safety loop"). Pure.

// What happens to an alert.
enum class SafetyAlertStep {
  // The prescriber's system took the message (AA/CA, HTTP 2xx).
  kDelivered,
  // A named person said the prescriber knows.
  kAcknowledge,
  // due_at passed with nobody acknowledging.
  kDeadlinePassed,
};

// The state `step` leaves an alert in:
//   RAISED -delivered-> SENT -deadline-> OVERDUE; RAISED -deadline-> OVERDUE;
//   RAISED|SENT|OVERDUE -acknowledge-> ACKNOWLEDGED.
// A delivery never acknowledges: in OVERDUE or ACKNOWLEDGED it changes no
// state (the pathway still records when the system took it). A deadline
// after OVERDUE or ACKNOWLEDGED changes nothing. FAILED_PRECONDITION for a
// step that cannot happen (acknowledging twice), naming the state.
absl::StatusOr<v1::SafetyAlertState> NextSafetyAlertState(
    v1::SafetyAlertState current, SafetyAlertStep step);

// The patient's mental health prescriber as the gateway can reach them: the
// referring organisation when it has an HL7 v2 route (the trust's engine),
// whatever the referral's source, with the patient's consent to share with
// the mental health team. Empty when none: nobody can be alerted.
v1::Organisation PrescriberOf(const v1::Referral& referral,
                              const DeliveryRoutes& routes);

// The trigger a relapse outcome fires: RELAPSE for OUTCOME_STATUS_RELAPSED,
// nothing for any other status.
std::optional<v1::SafetyAlertTrigger> TriggerForOutcome(
    const v1::Outcome& outcome);

// A new alert for `referral` (RAISED, due `acknowledge_within` after
// `now`), or nothing when no medicine on the referral is CYP1A2-sensitive.
// The caller sets alert_id, the causing record's id and message_id.
std::optional<v1::SafetyAlert> NewSafetyAlert(
    const v1::Referral& referral, v1::SafetyAlertTrigger trigger,
    absl::string_view trigger_date, const DeliveryRoutes& routes,
    absl::Time now, absl::Duration acknowledge_within);

// How long an alert may wait for a person (config.safety): seconds when
// set, else hours, else 48 hours.
absl::Duration AcknowledgeWithin(int hours, int seconds);

// What a letter or supply request says about the alert: only what
// happened. "The patient's mental health prescriber (RX9) was alerted on
// 2026-11-30." / "... was not alerted (no route to the prescriber) ..."; never
// that a prescriber was asked to review levels unless their system took it.
std::string PrescriberAlertStatement(const v1::SafetyAlertNotice& notice);

// "QUIT_DATE" etc., for notes and tables.
std::string SafetyAlertTriggerName(v1::SafetyAlertTrigger trigger);
std::string SafetyAlertStateName(v1::SafetyAlertState state);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_SAFETY_ALERT_RULES_H_
