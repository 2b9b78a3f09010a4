// The outbox use cases of Pathway: claiming due messages for the delivery
// workers, recording how each try went, and the operators' dead-letter
// functions. Transport-free: the workers (gateway/delivery) send.
#include <memory>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gateway/common/nhs_number_mask.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/delivery_plan.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/pathway.h"
#include "gateway/pathway/record_stamps.h"

namespace nhs::tobacco::pathway {
namespace {

using domain::PrescriptionAction;

constexpr absl::string_view kMessageIdSystem =
    "https://example.org/fhir/Id/td-message";

std::string AdapterOf(v1::DeliveryChannel channel) {
  return channel == v1::DELIVERY_CHANNEL_HL7V2_MLLP ? "hl7v2" : "fhir";
}

// The fields every delivery event shares.
v1::TimelineEvent DeliveryEvent(const v1::OutboundMessage& m, absl::Time now) {
  v1::TimelineEvent e;
  e.set_referral_id(m.referral_id());
  e.set_prescription_id(m.prescription_id());
  *e.mutable_occurred_at() = domain::ToTimestamp(now);
  e.mutable_actor()->mutable_organisation()->set_ods_code(m.destination_ods());
  e.mutable_actor()->set_adapter(AdapterOf(m.channel()));
  v1::ExternalId* id = e.add_external_ids();
  id->set_system(std::string(kMessageIdSystem));
  id->set_value(m.message_id());
  e.set_reason_code(domain::MessageKindName(m.kind()));
  return e;
}

// Moves the request the message carries one protocol step (MarkSent or
// Acknowledge) when that step is still legal; false when the request has
// moved on (the GP answered before our ACK was recorded, say).
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

// A recommendation or supply request not yet sent whose request was
// cancelled or expired meanwhile must not reach the GP or pharmacy as if
// it stood: it is discarded with the reason (the timeline already shows
// the cancellation). True when it was.
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

absl::Status ValidateMessageId(absl::string_view message_id) {
  if (message_id.empty()) {
    return domain::InvalidArgumentWithViolations(
        "invalid delivery request", {{"message_id", "is required"}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<store::OutboxRow>> Pathway::ClaimDueMessages(
    const absl::flat_hash_map<std::string, int>& in_flight, int max_per_queue,
    int limit, absl::Duration lease) {
  const absl::Time now = clock_.Now();
  std::vector<std::string> full;
  for (const auto& [queue, n] : in_flight) {
    if (n >= max_per_queue) full.push_back(queue);
  }
  auto claimed = std::make_shared<std::vector<store::OutboxRow>>();
  RETURN_IF_ERROR(store_.WriteAndWait(
      [&, claimed](store::WriteTransaction& tx) -> absl::Status {
        // Over-read: rows for queues that fill up on the way are skipped.
        ASSIGN_OR_RETURN(std::vector<store::OutboxRow> due,
                         tx.ListDueMessages(now, full, limit * 4));
        absl::flat_hash_map<std::string, int> taken = in_flight;
        for (store::OutboxRow& row : due) {
          if (static_cast<int>(claimed->size()) >= limit) break;
          int& n = taken[store::DeliveryQueue(row.message.destination_ods(),
                                              row.message.channel())];
          if (n >= max_per_queue) continue;
          ASSIGN_OR_RETURN(bool withdrawn, Withdrawn(tx, row, now));
          if (withdrawn) continue;
          ++n;
          row.delivery.set_attempts(row.delivery.attempts() + 1);
          *row.delivery.mutable_next_attempt_at() =
              domain::ToTimestamp(now + lease);
          *row.delivery.mutable_updated_at() = domain::ToTimestamp(now);
          RETURN_IF_ERROR(tx.UpdateDelivery(row.delivery));
          claimed->push_back(std::move(row));
        }
        return absl::OkStatus();
      }));
  return std::move(*claimed);
}

absl::StatusOr<int> Pathway::ReleaseClaims() {
  const absl::Time now = clock_.Now();
  int released = 0;
  while (true) {
    auto batch = std::make_shared<int>(0);
    RETURN_IF_ERROR(store_.WriteAndWait(
        [now, batch](store::WriteTransaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(std::vector<v1::Delivery> waiting,
                           tx.ListPendingNotDue(now, 1000));
          for (v1::Delivery& d : waiting) {
            *d.mutable_next_attempt_at() = domain::ToTimestamp(now);
            RETURN_IF_ERROR(tx.UpdateDelivery(d));
          }
          *batch = static_cast<int>(waiting.size());
          return absl::OkStatus();
        }));
    released += *batch;
    if (*batch == 0) return released;
  }
}

void Pathway::RecordDelivery(const store::OutboxRow& claimed,
                             const domain::SendResult& sent,
                             std::function<void(absl::Status)> done) {
  const absl::Time now = clock_.Now();
  domain::SendResult result = sent;
  result.detail = MaskNhsNumbersIn(result.detail);
  store_.Write(
      [this, message = claimed.message, result,
       now](store::WriteTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<store::OutboxRow> row,
                         tx.GetOutboxRow(message.message_id()));
        // An operator discarded it while it was in flight: keep their word.
        if (!row.has_value() ||
            row->delivery.state() != v1::DELIVERY_STATE_PENDING) {
          return absl::OkStatus();
        }
        thread_local absl::BitGen gen;
        const v1::Delivery next =
            domain::AfterAttempt(row->delivery, result, options_.retry, now,
                                 absl::Uniform<double>(gen, 0.0, 1.0));
        RETURN_IF_ERROR(tx.UpdateDelivery(next));
        const bool protocol = domain::AdvancesProtocol(message.kind()) &&
                              !message.prescription_id().empty();
        if (result.handed_over && !row->delivery.handed_over()) {
          bool advanced = false;
          if (protocol) {
            ASSIGN_OR_RETURN(
                advanced,
                AdvanceProtocol(tx, message, PrescriptionAction::kMarkSent,
                                deadlines_, now));
          }
          if (!advanced) {
            RETURN_IF_ERROR(AppendDeliveryEvent(
                tx, message, v1::EVENT_TYPE_MESSAGE_SENT, "", now));
          }
        }
        if (next.state() == v1::DELIVERY_STATE_DELIVERED) {
          bool advanced = false;
          if (protocol) {
            ASSIGN_OR_RETURN(
                advanced,
                AdvanceProtocol(tx, message, PrescriptionAction::kAcknowledge,
                                deadlines_, now));
          }
          if (!advanced) {
            RETURN_IF_ERROR(AppendDeliveryEvent(
                tx, message, v1::EVENT_TYPE_MESSAGE_ACKNOWLEDGED, "", now));
          }
        } else if (next.state() == v1::DELIVERY_STATE_DEAD_LETTER) {
          RETURN_IF_ERROR(AppendDeliveryEvent(tx, message,
                                              v1::EVENT_TYPE_DELIVERY_FAILED,
                                              next.last_error(), now));
        }
        return AppendAudit(
            tx, GatewayPrincipal(),
            absl::StrCat("Deliver", domain::MessageKindName(message.kind())),
            message.message_id(),
            std::string(absl::StripPrefix(v1::DeliveryState_Name(next.state()),
                                          "DELIVERY_STATE_")),
            now);
      },
      std::move(done));
}

absl::StatusOr<v1::ListDeliveriesResponse> Pathway::ListDeliveries(
    const v1::ListDeliveriesRequest& request) {
  domain::Violations v;
  if (!v1::DeliveryState_IsValid(request.state())) {
    v.Add("state", "is not a known delivery state");
  }
  if (request.page_size() < 0) v.Add("page_size", "must not be negative");
  RETURN_IF_ERROR(v.ToStatus("invalid list request"));
  store::DeliveryQuery query;
  query.state = request.state();
  query.destination_ods = request.destination_ods();
  query.limit = PageSize(request.page_size());
  query.cursor = request.page_token();
  v1::ListDeliveriesResponse response;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Page<v1::Delivery> page, tx.ListDeliveries(query));
    for (auto& d : page.items) *response.add_deliveries() = std::move(d);
    response.set_next_page_token(page.next_cursor);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::Delivery> Pathway::GetDelivery(
    absl::string_view message_id) {
  RETURN_IF_ERROR(ValidateMessageId(message_id));
  std::optional<store::OutboxRow> row;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(row, tx.GetOutboxRow(message_id));
    return absl::OkStatus();
  }));
  if (!row.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("outbound message ", message_id, " not found"));
  }
  return std::move(row->delivery);
}

namespace {

// Replay and discard: an operator's change to one delivery, audited.
using DeliveryChange =
    std::function<absl::Status(v1::Delivery&, absl::Time now)>;

void ChangeDelivery(store::Store& store, const Clock& clock,
                    const std::string& message_id, const std::string& operation,
                    const DeliveryChange& change, Reply<v1::Delivery> reply,
                    const security::Principal& caller) {
  const absl::Time now = clock.Now();
  auto result = std::make_shared<v1::Delivery>();
  store.Write(
      [=](store::WriteTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<store::OutboxRow> row,
                         tx.GetOutboxRow(message_id));
        if (!row.has_value()) {
          return absl::NotFoundError(
              absl::StrCat("outbound message ", message_id, " not found"));
        }
        v1::Delivery d = row->delivery;
        RETURN_IF_ERROR(change(d, now));
        *d.mutable_updated_at() = domain::ToTimestamp(now);
        RETURN_IF_ERROR(tx.UpdateDelivery(d));
        *result = d;
        return AppendAudit(tx, caller, operation, message_id, "OK", now);
      },
      [result, reply = std::move(reply)](absl::Status status) {
        if (!status.ok()) {
          reply(std::move(status));
        } else {
          reply(std::move(*result));
        }
      });
}

}  // namespace

void Pathway::ReplayDelivery(const v1::ReplayDeliveryRequest& request,
                             Reply<v1::Delivery> reply,
                             const security::Principal& caller) {
  if (absl::Status s = ValidateMessageId(request.message_id()); !s.ok()) {
    reply(s);
    return;
  }
  ChangeDelivery(
      store_, clock_, request.message_id(), "ReplayDelivery",
      [](v1::Delivery& d, absl::Time now) -> absl::Status {
        if (d.state() != v1::DELIVERY_STATE_DEAD_LETTER &&
            d.state() != v1::DELIVERY_STATE_DISCARDED) {
          return absl::FailedPreconditionError(absl::StrCat(
              "only a dead letter or discarded message can be replayed; "
              "this one is ",
              absl::StripPrefix(v1::DeliveryState_Name(d.state()),
                                "DELIVERY_STATE_")));
        }
        d.set_state(v1::DELIVERY_STATE_PENDING);
        d.set_attempts(0);
        *d.mutable_next_attempt_at() = domain::ToTimestamp(now);
        return absl::OkStatus();
      },
      std::move(reply), caller);
}

void Pathway::DiscardDelivery(const v1::DiscardDeliveryRequest& request,
                              Reply<v1::Delivery> reply,
                              const security::Principal& caller) {
  domain::Violations v;
  if (request.message_id().empty()) v.Add("message_id", "is required");
  if (request.reason().empty()) v.Add("reason", "is required");
  if (static_cast<int>(request.reason().size()) > options_.max_text_length) {
    v.Add("reason", absl::StrCat("is longer than ", options_.max_text_length,
                                 " characters"));
  }
  if (absl::Status s = v.ToStatus("invalid discard request"); !s.ok()) {
    reply(s);
    return;
  }
  ChangeDelivery(
      store_, clock_, request.message_id(), "DiscardDelivery",
      [reason = MaskNhsNumbersIn(request.reason())](
          v1::Delivery& d, absl::Time) -> absl::Status {
        if (d.state() != v1::DELIVERY_STATE_DEAD_LETTER) {
          return absl::FailedPreconditionError(
              absl::StrCat("only a dead letter can be discarded; this one is ",
                           absl::StripPrefix(v1::DeliveryState_Name(d.state()),
                                             "DELIVERY_STATE_")));
        }
        d.set_state(v1::DELIVERY_STATE_DISCARDED);
        d.set_last_error(absl::StrCat("discarded by an operator: ", reason));
        d.clear_next_attempt_at();
        return absl::OkStatus();
      },
      std::move(reply), caller);
}

absl::StatusOr<v1::GetDeliveryStatsResponse> Pathway::DeliveryStats() {
  v1::GetDeliveryStatsResponse response;
  const absl::Time now = clock_.Now();
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<v1::DestinationStats> stats,
                     tx.DeliveryStats(now));
    for (auto& s : stats) *response.add_destinations() = std::move(s);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<int> Pathway::PruneDeliveredMessages(absl::Duration keep) {
  const absl::Time before = clock_.Now() - keep;
  // In batches, each its own short transaction, so requests queue behind
  // one batch at most.
  constexpr int kBatch = 5000;
  int total = 0;
  while (true) {
    auto pruned = std::make_shared<int>(0);
    RETURN_IF_ERROR(store_.WriteAndWait(
        [before, pruned](store::WriteTransaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(*pruned, tx.PruneDelivered(before, kBatch));
          return absl::OkStatus();
        }));
    total += *pruned;
    if (*pruned < kBatch) return total;
  }
}

}  // namespace nhs::tobacco::pathway
