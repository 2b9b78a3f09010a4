#include "gateway/pathway/delivery_timeline.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/adapter_names.h"
#include "gateway/domain/delivery_plan.h"
#include "gateway/domain/identifier_systems.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/record_stamps.h"

namespace nhs::tobacco::pathway {

using domain::PrescriptionAction;

v1::TimelineEvent DeliveryEvent(const v1::OutboundMessage& m, absl::Time now) {
  v1::TimelineEvent e;
  e.set_referral_id(m.referral_id());
  e.set_prescription_id(m.prescription_id());
  *e.mutable_occurred_at() = domain::ToTimestamp(now);
  e.mutable_actor()->mutable_organisation()->set_ods_code(m.destination_ods());
  e.mutable_actor()->set_adapter(
      std::string(domain::AdapterForChannel(m.channel())));
  v1::ExternalId* id = e.add_external_ids();
  id->set_system(domain::kMessageIdSystem);
  id->set_value(m.message_id());
  e.set_reason_code(domain::MessageKindName(m.kind()));
  return e;
}

absl::StatusOr<bool> AdvanceProtocol(store::WriteTransaction& tx,
                                     const v1::OutboundMessage& m,
                                     PrescriptionAction action,
                                     const domain::DeadlinePolicy& deadlines,
                                     absl::Time now) {
  ASSIGN_OR_RETURN(std::optional<v1::PrescriptionRequest> current,
                   tx.GetPrescription(m.prescription_id()));
  if (!current.has_value()) return false;
  absl::StatusOr<v1::PrescriptionStatus> next =
      domain::NextStatus(current->status(), current->route(), action);
  if (!next.ok()) return false;
  v1::PrescriptionRequest updated = Advanced(*current, *next, deadlines, now);
  RETURN_IF_ERROR(tx.UpdatePrescription(updated, current->version()));
  v1::TimelineEvent event = DeliveryEvent(m, now);
  event.set_type(v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED);
  event.set_from_status(current->status());
  event.set_to_status(*next);
  RETURN_IF_ERROR(tx.AppendEvent(event).status());
  return true;
}

absl::Status AppendDeliveryEvent(store::WriteTransaction& tx,
                                 const v1::OutboundMessage& m,
                                 v1::EventType type, absl::string_view note,
                                 absl::Time now) {
  v1::TimelineEvent event = DeliveryEvent(m, now);
  event.set_type(type);
  event.set_note(std::string(note));
  return tx.AppendEvent(event).status();
}

absl::StatusOr<bool> Withdrawn(store::WriteTransaction& tx,
                               store::OutboxRow& row, absl::Time now) {
  if (!domain::AdvancesProtocol(row.message.kind()) ||
      row.message.prescription_id().empty() || row.delivery.handed_over()) {
    return false;
  }
  ASSIGN_OR_RETURN(std::optional<v1::PrescriptionRequest> current,
                   tx.GetPrescription(row.message.prescription_id()));
  if (!current.has_value() ||
      (current->status() != v1::PRESCRIPTION_STATUS_CANCELLED &&
       current->status() != v1::PRESCRIPTION_STATUS_EXPIRED)) {
    return false;
  }
  row.delivery.set_state(v1::DELIVERY_STATE_DISCARDED);
  row.delivery.set_last_error(absl::StrCat(
      "not sent: the request became ", domain::StatusName(current->status()),
      " before it could be delivered"));
  row.delivery.clear_next_attempt_at();
  *row.delivery.mutable_updated_at() = domain::ToTimestamp(now);
  RETURN_IF_ERROR(tx.UpdateDelivery(row.delivery));
  return true;
}

}  // namespace nhs::tobacco::pathway
