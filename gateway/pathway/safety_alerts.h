#ifndef GATEWAY_PATHWAY_SAFETY_ALERTS_H_
#define GATEWAY_PATHWAY_SAFETY_ALERTS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/domain/delivery_plan.h"
#include "gateway/security/audit_chain.h"
#include "gateway/security/principal.h"
#include "gateway/store/store.h"
#include "nhs/tobacco/v1/safety_alert.pb.h"

namespace nhs::tobacco::pathway {

// safety: the steps of the CYP1A2 safety loop that other use cases take in
// their own transactions (README "The CYP1A2 safety loop").

// What raised an alert, and who made the change that did.
struct SafetyAlertCause {
  v1::SafetyAlertTrigger trigger = v1::SAFETY_ALERT_TRIGGER_UNSPECIFIED;
  // YYYY-MM-DD: the treatment start, quit date or relapse date.
  std::string trigger_date;
  // The recommendation that raised it (first recommendation), if any: the
  // raise event is then on its timeline too, and the message snapshot
  // carries it.
  const v1::PrescriptionRequest* prescription = nullptr;
  std::string outcome_id;
  v1::Actor actor;
};

// Raises an alert for `referral` when it needs one (a CYP1A2-sensitive
// medicine): the record (RAISED), the EVENT_TYPE_SAFETY_ALERT event and the
// HL7 v2 message to the prescriber when there is a route, all in `tx`.
// Nothing when no medicine is sensitive.
absl::StatusOr<std::optional<v1::SafetyAlert>> RaiseSafetyAlert(
    store::WriteTransaction& tx, const v1::Referral& referral,
    const SafetyAlertCause& cause, const domain::DeliveryRoutes& routes,
    absl::Duration acknowledge_within, absl::Time now);

// What a letter or supply request about `referral` may say of its alerts:
// the newest alert, with when the prescriber's system took the newest one
// that was taken. Nothing when the referral has no alert.
absl::StatusOr<std::optional<v1::SafetyAlertNotice>> SafetyAlertNoticeFor(
    store::ReadTransaction& tx, absl::string_view referral_id);

// The outbox delivered a SAFETY_ALERT message (the receiving system's
// AA/CA): the alert records when (SENT if it was RAISED; never
// ACKNOWLEDGED) with an EVENT_TYPE_SAFETY_ALERT_SENT event. No-op for a
// message that carries no alert (queued before alerts were records).
absl::Status RecordSafetyAlertDelivered(store::WriteTransaction& tx,
                                        const v1::OutboundMessage& message,
                                        absl::Time now);

// The deadline scan's part: every alert still RAISED or SENT past its due
// time goes OVERDUE (event, escalation to the service, one audit row each,
// as `who`). Returns how many.
absl::StatusOr<int> RaiseOverdueSafetyAlerts(
    store::WriteTransaction& tx, const domain::DeliveryRoutes& routes,
    const security::AuditKeyRing& keys, const security::Principal& who,
    absl::Time now);

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_SAFETY_ALERTS_H_
