#include "gateway/pathway/safety_alerts.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/cyp1a2_medicines.h"
#include "gateway/domain/identifier_systems.h"
#include "gateway/domain/safety_alert_rules.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/outbox_queue.h"
#include "gateway/pathway/record_ids.h"
#include "gateway/pathway/record_stamps.h"

namespace nhs::tobacco::pathway {
namespace {

constexpr absl::string_view kRaiseSafetyAlertOverdue =
    "RaiseSafetyAlertOverdue";

// The fields every event about an alert shares: referral-level (the alert
// is the referral's), naming the alert.
v1::TimelineEvent AlertEvent(const v1::SafetyAlert& alert, v1::EventType type,
                             absl::Time now) {
  v1::TimelineEvent e;
  e.set_type(type);
  e.set_referral_id(alert.referral_id());
  e.set_safety_alert_id(alert.alert_id());
  *e.mutable_occurred_at() = domain::ToTimestamp(now);
  e.set_reason_code(domain::SafetyAlertTriggerName(alert.trigger()));
  return e;
}

}  // namespace

absl::StatusOr<std::optional<v1::SafetyAlert>> RaiseSafetyAlert(
    store::WriteTransaction& tx, const v1::Referral& referral,
    const SafetyAlertCause& cause, const domain::DeliveryRoutes& routes,
    absl::Duration acknowledge_within, absl::Time now) {
  std::optional<v1::SafetyAlert> alert =
      domain::NewSafetyAlert(referral, cause.trigger, cause.trigger_date,
                             routes, now, acknowledge_within);
  if (!alert.has_value()) return alert;
  alert->set_alert_id(NewRecordId("sa"));
  if (cause.prescription != nullptr) {
    alert->set_prescription_id(cause.prescription->prescription_id());
  }
  alert->set_outcome_id(cause.outcome_id);
  RETURN_IF_ERROR(tx.InsertSafetyAlert(*alert));

  // The raise event keeps today's reason code and note (the medicine
  // class, never the patient); the trigger is in the note.
  v1::TimelineEvent event;
  event.set_type(v1::EVENT_TYPE_SAFETY_ALERT);
  event.set_referral_id(referral.referral_id());
  if (cause.prescription != nullptr) {
    event.set_prescription_id(cause.prescription->prescription_id());
  }
  event.set_safety_alert_id(alert->alert_id());
  event.set_outcome_id(cause.outcome_id);
  *event.mutable_occurred_at() = alert->raised_at();
  *event.mutable_actor() = cause.actor;
  event.set_reason_code(std::string(domain::kCyp1a2AlertReasonCode));
  event.set_note(absl::StrCat(
      domain::kCyp1a2AlertNote,
      " Trigger: ", domain::SafetyAlertTriggerName(alert->trigger()), " (",
      alert->trigger_date(), "). ",
      alert->prescriber().ods_code().empty()
          ? "No route to the prescriber: nobody was alerted."
          : absl::StrCat("Sent to the prescriber ",
                         alert->prescriber().ods_code(), ".")));
  *event.mutable_due_at() = alert->due_at();
  RETURN_IF_ERROR(tx.AppendEvent(event).status());
  RETURN_IF_ERROR(QueueMessages(tx, domain::PlanSafetyAlert(*alert, routes),
                                {.referral = &referral,
                                 .prescription = cause.prescription,
                                 .safety_alert = &*alert},
                                now));
  return alert;
}

absl::StatusOr<std::optional<v1::SafetyAlertNotice>> SafetyAlertNoticeFor(
    store::ReadTransaction& tx, absl::string_view referral_id) {
  store::SafetyAlertQuery query;
  query.referral_id = std::string(referral_id);
  query.limit = 50;
  ASSIGN_OR_RETURN(store::Page<v1::SafetyAlert> page,
                   tx.ListSafetyAlerts(query));
  if (page.items.empty()) return std::optional<v1::SafetyAlertNotice>();
  const v1::SafetyAlert& newest = page.items.front();
  v1::SafetyAlertNotice notice;
  notice.set_alert_id(newest.alert_id());
  *notice.mutable_prescriber() = newest.prescriber();
  notice.set_state(newest.state());
  *notice.mutable_raised_at() = newest.raised_at();
  *notice.mutable_medicines() = newest.medicines();
  for (const v1::SafetyAlert& a : page.items) {
    if (a.has_sent_at() &&
        a.prescriber().ods_code() == newest.prescriber().ods_code()) {
      *notice.mutable_sent_at() = a.sent_at();
      break;
    }
  }
  return notice;
}

absl::Status RecordSafetyAlertDelivered(store::WriteTransaction& tx,
                                        const v1::OutboundMessage& message,
                                        absl::Time now) {
  if (message.safety_alert().alert_id().empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::optional<v1::SafetyAlert> current,
                   tx.GetSafetyAlert(message.safety_alert().alert_id()));
  if (!current.has_value() || current->has_sent_at()) return absl::OkStatus();
  ASSIGN_OR_RETURN(v1::SafetyAlertState next,
                   domain::NextSafetyAlertState(
                       current->state(), domain::SafetyAlertStep::kDelivered));
  v1::SafetyAlert updated = *current;
  updated.set_state(next);
  *updated.mutable_sent_at() = domain::ToTimestamp(now);
  updated.set_message_id(message.message_id());
  updated.set_version(current->version() + 1);
  RETURN_IF_ERROR(tx.UpdateSafetyAlert(updated, current->version()));
  v1::TimelineEvent event =
      AlertEvent(updated, v1::EVENT_TYPE_SAFETY_ALERT_SENT, now);
  // The receiving system, not a person: the organisation alone.
  *event.mutable_actor()->mutable_organisation() = updated.prescriber();
  event.mutable_actor()->set_adapter("hl7v2");
  v1::ExternalId* id = event.add_external_ids();
  id->set_system(std::string(domain::kMessageIdSystem));
  id->set_value(message.message_id());
  event.set_note(
      "The prescriber's system accepted the alert (an interface's "
      "acknowledgement: not yet a person's).");
  return tx.AppendEvent(event).status();
}

absl::StatusOr<int> RaiseOverdueSafetyAlerts(
    store::WriteTransaction& tx, const domain::DeliveryRoutes& routes,
    const security::AuditKeyRing& keys, const security::Principal& who,
    absl::Time now) {
  ASSIGN_OR_RETURN(std::vector<v1::SafetyAlert> due,
                   tx.ListDueSafetyAlerts(now, /*limit=*/1000));
  int changed = 0;
  for (const v1::SafetyAlert& alert : due) {
    ASSIGN_OR_RETURN(
        v1::SafetyAlertState next,
        domain::NextSafetyAlertState(alert.state(),
                                     domain::SafetyAlertStep::kDeadlinePassed));
    if (next == alert.state()) continue;
    v1::SafetyAlert updated = alert;
    updated.set_state(next);
    *updated.mutable_overdue_at() = domain::ToTimestamp(now);
    updated.set_version(alert.version() + 1);
    RETURN_IF_ERROR(tx.UpdateSafetyAlert(updated, alert.version()));
    v1::TimelineEvent event =
        AlertEvent(updated, v1::EVENT_TYPE_SAFETY_ALERT_OVERDUE, now);
    event.mutable_actor()->set_adapter("gateway");
    *event.mutable_due_at() = alert.due_at();
    const std::string note =
        updated.prescriber().ods_code().empty()
            ? "CYP1A2 safety alert not acknowledged in time; no prescriber "
              "could be alerted (no route): tell the prescriber and "
              "acknowledge it."
            : absl::StrCat("CYP1A2 safety alert to the prescriber ",
                           updated.prescriber().ods_code(),
                           updated.has_sent_at()
                               ? " (their system took it)"
                               : " (not yet taken by their system)",
                           " not acknowledged by a person in time: contact "
                           "the prescriber.");
    event.set_note(note);
    RETURN_IF_ERROR(tx.AppendEvent(event).status());
    RETURN_IF_ERROR(AppendAudit(tx, keys, who, kRaiseSafetyAlertOverdue,
                                updated.alert_id(), "OK", now));
    ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                     tx.GetReferral(updated.referral_id()));
    RETURN_IF_ERROR(
        QueueMessages(tx, domain::PlanSafetyAlertOverdue(updated, routes),
                      {.referral = referral.has_value() ? &*referral : nullptr,
                       .note = note,
                       .safety_alert = &updated},
                      now));
    ++changed;
  }
  return changed;
}

}  // namespace nhs::tobacco::pathway
