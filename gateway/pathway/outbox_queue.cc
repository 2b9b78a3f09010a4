#include "gateway/pathway/outbox_queue.h"

#include "gateway/common/random_uuid.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/record_stamps.h"

namespace nhs::tobacco::pathway {

absl::Status QueueMessages(store::WriteTransaction& tx,
                           const std::vector<domain::PlannedMessage>& plan,
                           const MessageSubject& subject, absl::Time now) {
  for (const domain::PlannedMessage& planned : plan) {
    store::OutboxRow row;
    v1::OutboundMessage& m = row.message;
    // A UUID, as FHIR needs; HL7 MSH-10 takes its first 20 hex digits.
    m.set_message_id(RandomUuid());
    m.set_kind(planned.kind);
    m.set_channel(domain::ChannelOf(planned));
    m.set_destination_ods(planned.destination_ods);
    *m.mutable_caused_at() = domain::ToTimestamp(now);
    if (subject.referral != nullptr) *m.mutable_referral() = *subject.referral;
    if (subject.prescription != nullptr) {
      *m.mutable_prescription() = *subject.prescription;
      m.set_prescription_id(subject.prescription->prescription_id());
      m.set_referral_id(subject.prescription->referral_id());
    }
    if (subject.outcome != nullptr) *m.mutable_outcome() = *subject.outcome;
    if (m.referral_id().empty() && subject.referral != nullptr) {
      m.set_referral_id(subject.referral->referral_id());
    }
    m.set_note(subject.note);
    if (subject.safety_alert != nullptr) {
      *m.mutable_safety_alert() = *subject.safety_alert;
      if (m.referral_id().empty()) {
        m.set_referral_id(subject.safety_alert->referral_id());
      }
    }

    v1::Delivery& d = row.delivery;
    d.set_message_id(m.message_id());
    d.set_kind(m.kind());
    d.set_channel(m.channel());
    d.set_destination_ods(m.destination_ods());
    d.set_referral_id(m.referral_id());
    d.set_prescription_id(m.prescription_id());
    d.set_state(v1::DELIVERY_STATE_PENDING);
    *d.mutable_created_at() = domain::ToTimestamp(now);
    *d.mutable_updated_at() = domain::ToTimestamp(now);
    *d.mutable_next_attempt_at() = domain::ToTimestamp(now);
    RETURN_IF_ERROR(tx.InsertOutboxMessage(row));
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::pathway
