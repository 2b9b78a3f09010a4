#include "gateway/pathway/consent_withdrawal.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/outbox_queue.h"

namespace nhs::tobacco::pathway {
namespace {

using domain::ConsentParty;

absl::StatusOr<std::vector<v1::PrescriptionRequest>> RequestsOf(
    store::WriteTransaction& tx, const std::string& referral_id) {
  std::vector<v1::PrescriptionRequest> all;
  store::PrescriptionQuery query;
  query.referral_id = referral_id;
  query.limit = 200;
  while (true) {
    ASSIGN_OR_RETURN(store::Page<v1::PrescriptionRequest> page,
                     tx.ListPrescriptions(query));
    for (auto& p : page.items) all.push_back(std::move(p));
    if (page.next_cursor.empty()) return all;
    query.cursor = page.next_cursor;
  }
}

absl::StatusOr<int> DiscardUndelivered(store::WriteTransaction& tx,
                                       const std::string& referral_id,
                                       const std::string& destination,
                                       ConsentParty party, absl::Time now) {
  ASSIGN_OR_RETURN(std::vector<store::OutboxRow> rows,
                   tx.ListOutboxRowsAbout(referral_id, destination));
  int discarded = 0;
  for (store::OutboxRow& row : rows) {
    v1::Delivery& d = row.delivery;
    if ((d.state() != v1::DELIVERY_STATE_PENDING &&
         d.state() != v1::DELIVERY_STATE_DEAD_LETTER) ||
        domain::ConsentPartyOf(row.message.kind()) != party) {
      continue;
    }
    d.set_state(v1::DELIVERY_STATE_DISCARDED);
    d.set_last_error(std::string(domain::kConsentWithdrawnNote));
    d.clear_next_attempt_at();
    *d.mutable_updated_at() = domain::ToTimestamp(now);
    RETURN_IF_ERROR(tx.UpdateDelivery(d));
    ++discarded;
  }
  return discarded;
}

}  // namespace

v1::Organisation SharedPractice(const v1::Referral& referral) {
  if (!referral.consent().share_with_gp()) return v1::Organisation();
  return referral.gp_practice();
}

absl::StatusOr<WithdrawalEffect> WithdrawConsent(
    store::WriteTransaction& tx, const v1::Referral& before,
    const v1::Referral& after, ConsentParty party, const v1::Actor& actor,
    const domain::DeliveryRoutes& routes, absl::Time now) {
  ASSIGN_OR_RETURN(std::vector<v1::PrescriptionRequest> requests,
                   RequestsOf(tx, before.referral_id()));
  // Everyone who hears as this party: the referral's own organisation for
  // it and the organisations its requests ask to act.
  std::vector<std::string> destinations =
      domain::PartyOrganisations(before, party);
  for (const v1::PrescriptionRequest& p : requests) {
    std::string target = domain::PartyTargetOf(p, party);
    if (!target.empty() && std::find(destinations.begin(), destinations.end(),
                                     target) == destinations.end()) {
      destinations.push_back(std::move(target));
    }
  }
  WithdrawalEffect effect;
  // Discard first: the cancellation notices queued below must go.
  for (const std::string& destination : destinations) {
    ASSIGN_OR_RETURN(int n, DiscardUndelivered(tx, before.referral_id(),
                                               destination, party, now));
    effect.discarded += n;
  }
  for (const v1::PrescriptionRequest& current : requests) {
    if (!domain::CancelledByWithdrawal(current, party)) continue;
    // As record_stamps.h Advanced(): CANCELLED is final, with no deadline.
    v1::PrescriptionRequest cancelled = current;
    cancelled.set_status(v1::PRESCRIPTION_STATUS_CANCELLED);
    cancelled.set_version(current.version() + 1);
    *cancelled.mutable_updated_at() = domain::ToTimestamp(now);
    cancelled.set_overdue(false);
    cancelled.clear_due_at();
    cancelled.set_status_reason(std::string(domain::kConsentWithdrawnReason));
    RETURN_IF_ERROR(tx.UpdatePrescription(cancelled, current.version()));
    v1::TimelineEvent event;
    event.set_type(v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED);
    event.set_referral_id(cancelled.referral_id());
    event.set_prescription_id(cancelled.prescription_id());
    event.set_from_status(current.status());
    event.set_to_status(cancelled.status());
    *event.mutable_occurred_at() = cancelled.updated_at();
    *event.mutable_actor() = actor;
    event.set_reason_code(std::string(domain::kConsentWithdrawnReason));
    event.set_note(absl::StrCat("the patient withdrew consent to share with ",
                                domain::ConsentPartyName(party)));
    RETURN_IF_ERROR(tx.AppendEvent(event).status());
    RETURN_IF_ERROR(QueueMessages(
        tx, domain::PlanPrescriptionChange(current, cancelled, after, routes),
        {.referral = &after, .prescription = &cancelled}, now));
    ++effect.cancelled;
  }
  return effect;
}

absl::Status SyncPracticeOnRequests(store::WriteTransaction& tx,
                                    const v1::Referral& referral,
                                    absl::Time now) {
  ASSIGN_OR_RETURN(std::vector<v1::PrescriptionRequest> requests,
                   RequestsOf(tx, referral.referral_id()));
  const v1::Organisation shared = SharedPractice(referral);
  for (const v1::PrescriptionRequest& current : requests) {
    if (current.gp_practice().SerializeAsString() ==
        shared.SerializeAsString()) {
      continue;
    }
    v1::PrescriptionRequest updated = current;
    *updated.mutable_gp_practice() = shared;
    updated.set_version(current.version() + 1);
    *updated.mutable_updated_at() = domain::ToTimestamp(now);
    RETURN_IF_ERROR(tx.UpdatePrescription(updated, current.version()));
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::pathway
