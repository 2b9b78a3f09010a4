#include "gateway/pathway/deadline_scan.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/gp_chaser.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/outbox_queue.h"
#include "gateway/pathway/record_stamps.h"
#include "gateway/pathway/safety_alerts.h"
#include "gateway/security/access_policy.h"

namespace nhs::tobacco::pathway {
namespace {

using domain::PrescriptionAction;

// Audit operations of the scan's changes.
constexpr absl::string_view kRaiseOverdue = "RaiseOverdue";
constexpr absl::string_view kExpire = "Expire";
constexpr absl::string_view kScanDeadlines = "ScanDeadlines";

}  // namespace

absl::Status DeadlineScan::ChaseGp(store::WriteTransaction& tx,
                                   const v1::PrescriptionRequest& request,
                                   const v1::TimelineEvent& overdue,
                                   absl::Time now) const {
  // Cheap checks first: the referral is read only for a GP-route request.
  if (!chase_gp_on_overdue_ || request.route() != v1::ROUTE_GP_PRESCRIPTION) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                   tx.GetReferral(request.referral_id()));
  if (!referral.has_value()) return absl::OkStatus();
  const std::vector<domain::PlannedMessage> plan =
      domain::PlanGpReminder(request, *referral, chase_gp_on_overdue_, routes_);
  if (plan.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(QueueMessages(
      tx, plan, {.referral = &*referral, .prescription = &request}, now));
  v1::TimelineEvent event = overdue;
  event.set_type(v1::EVENT_TYPE_GP_REMINDER_QUEUED);
  event.clear_to_status();
  event.clear_from_status();
  event.set_reason_code(domain::MessageKindName(v1::MESSAGE_KIND_GP_REMINDER));
  event.set_note(absl::StrCat("Reminder queued for the GP practice ",
                              request.target().ods_code(),
                              ": the recommendation letter again"));
  return tx.AppendEvent(event).status();
}

DeadlineScan::DeadlineScan(store::Store& store,
                           domain::DeadlinePolicy deadlines,
                           domain::DeliveryRoutes routes, const Clock& clock,
                           const security::AuditKeyRing& keys,
                           bool chase_gp_on_overdue)
    : store_(store),
      deadlines_(std::move(deadlines)),
      routes_(std::move(routes)),
      clock_(clock),
      keys_(keys),
      chase_gp_on_overdue_(chase_gp_on_overdue) {}

absl::StatusOr<int> DeadlineScan::Scan(const security::Principal& caller) {
  absl::Status allowed = security::AuthorizeSystemWork(caller);
  if (!allowed.ok()) {
    const absl::Time now = clock_.Now();
    RETURN_IF_ERROR(
        store_.WriteAndWait([this, &caller, now](store::WriteTransaction& tx) {
          return AppendAudit(tx, keys_, caller, kScanDeadlines, "",
                             "PERMISSION_DENIED", now);
        }));
    return allowed;
  }
  const absl::Time now = clock_.Now();
  auto changed = std::make_shared<int>(0);
  RETURN_IF_ERROR(
      store_.WriteAndWait([this, now, changed, who = caller](
                              store::WriteTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(
            std::vector<v1::PrescriptionRequest> candidates,
            tx.ListDeadlineCandidates(now, deadlines_.ExpiryCutoff(now),
                                      /*limit=*/1000));
        for (const v1::PrescriptionRequest& p : candidates) {
          const domain::DeadlineVerdict verdict = deadlines_.Evaluate(p, now);
          if (verdict == domain::DeadlineVerdict::kNone) continue;
          v1::PrescriptionRequest updated = p;
          updated.set_version(p.version() + 1);
          *updated.mutable_updated_at() = domain::ToTimestamp(now);
          v1::TimelineEvent event;
          event.set_referral_id(p.referral_id());
          event.set_prescription_id(p.prescription_id());
          event.set_from_status(p.status());
          *event.mutable_occurred_at() = updated.updated_at();
          event.mutable_actor()->set_adapter("gateway");
          if (verdict == domain::DeadlineVerdict::kOverdue) {
            updated.set_overdue(true);
            StampFirstOverdue(updated);
            event.set_type(v1::EVENT_TYPE_OVERDUE);
            event.set_to_status(p.status());
            *event.mutable_due_at() = p.due_at();
            *event.mutable_actor()->mutable_organisation() = p.target();
            event.set_note(absl::StrCat("No response while ",
                                        domain::StatusName(p.status()),
                                        " before the deadline"));
          } else {
            ASSIGN_OR_RETURN(v1::PrescriptionStatus next,
                             domain::NextStatus(p.status(), p.route(),
                                                PrescriptionAction::kExpire));
            updated.set_status(next);
            updated.set_status_reason("EXPIRED_NOT_ACTED_ON");
            updated.clear_due_at();
            event.set_type(v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED);
            event.set_to_status(next);
            event.set_reason_code("EXPIRED_NOT_ACTED_ON");
          }
          RETURN_IF_ERROR(tx.UpdatePrescription(updated, p.version()));
          RETURN_IF_ERROR(tx.AppendEvent(event).status());
          RETURN_IF_ERROR(AppendAudit(
              tx, keys_, who,
              verdict == domain::DeadlineVerdict::kOverdue ? kRaiseOverdue
                                                           : kExpire,
              p.prescription_id(), "OK", now));
          if (verdict == domain::DeadlineVerdict::kOverdue) {
            // Escalate to the recommending service on its channel too;
            // watchers already see the OVERDUE event.
            RETURN_IF_ERROR(QueueMessages(
                tx, domain::PlanOverdue(updated, routes_),
                {.prescription = &updated, .note = event.note()}, now));
            RETURN_IF_ERROR(ChaseGp(tx, updated, event, now));
          }
          ++*changed;
        }
        // safety: CYP1A2 safety alerts nobody acknowledged in time.
        ASSIGN_OR_RETURN(
            int alerts, RaiseOverdueSafetyAlerts(tx, routes_, keys_, who, now));
        *changed += alerts;
        return absl::OkStatus();
      }));
  return *changed;
}

}  // namespace nhs::tobacco::pathway
