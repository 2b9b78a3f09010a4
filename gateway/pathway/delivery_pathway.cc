// The outbox's use cases: claiming due messages for the dispatcher and
// recording how each try went (system work, as the gateway principal), and
// the operators' functions over deliveries (admin only, through the gate).
#include "gateway/pathway/delivery_pathway.h"

#include <memory>
#include <optional>
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
#include "gateway/pathway/delivery_timeline.h"
#include "gateway/pathway/record_stamps.h"
#include "gateway/pathway/safety_alerts.h"

namespace nhs::tobacco::pathway {
namespace {

using domain::PrescriptionAction;

absl::Status ValidateMessageId(absl::string_view message_id) {
  if (message_id.empty()) {
    return domain::InvalidArgumentWithViolations(
        "invalid delivery request", {{"message_id", "is required"}});
  }
  return absl::OkStatus();
}

std::string StateName(v1::DeliveryState state) {
  return std::string(
      absl::StripPrefix(v1::DeliveryState_Name(state), "DELIVERY_STATE_"));
}

// The delivery `message_id` as it stands in `tx`, or NOT_FOUND.
absl::StatusOr<v1::Delivery> DeliveryIn(store::WriteTransaction& tx,
                                        const std::string& message_id) {
  ASSIGN_OR_RETURN(std::optional<store::OutboxRow> row,
                   tx.GetOutboxRow(message_id));
  if (!row.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("outbound message ", message_id, " not found"));
  }
  return std::move(row->delivery);
}

}  // namespace

DeliveryPathway::DeliveryPathway(store::Store& store,
                                 domain::DeadlinePolicy deadlines,
                                 DeliveryPathwayOptions options,
                                 const Clock& clock,
                                 const security::AuditKeyRing& keys)
    : store_(store),
      deadlines_(std::move(deadlines)),
      options_(std::move(options)),
      clock_(clock),
      keys_(keys),
      gate_(store, clock, keys) {}

int DeliveryPathway::PageSize(int requested) const {
  if (requested <= 0) {
    return std::min(options_.default_page_size, options_.max_page_size);
  }
  return std::min(requested, options_.max_page_size);
}

absl::StatusOr<std::vector<store::OutboxRow>> DeliveryPathway::ClaimDueMessages(
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

absl::StatusOr<int> DeliveryPathway::ReleaseClaims() {
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

void DeliveryPathway::RecordDelivery(const store::OutboxRow& claimed,
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
        if (next.state() == v1::DELIVERY_STATE_DELIVERED &&
            message.kind() == v1::MESSAGE_KIND_SAFETY_ALERT) {
          // safety: the receiving system took the alert: SENT, never
          // ACKNOWLEDGED (only a person acknowledges).
          RETURN_IF_ERROR(RecordSafetyAlertDelivered(tx, message, now));
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
            tx, keys_, security::GatewayPrincipal(),
            absl::StrCat("Deliver", domain::MessageKindName(message.kind())),
            message.message_id(),
            std::string(absl::StripPrefix(v1::DeliveryState_Name(next.state()),
                                          "DELIVERY_STATE_")),
            now);
      },
      std::move(done));
}

absl::StatusOr<int> DeliveryPathway::PruneDeliveredMessages(
    absl::Duration keep) {
  const absl::Time now = clock_.Now();
  const absl::Time before = now - keep;
  // In batches, each its own short transaction, so requests queue behind
  // one batch at most.
  constexpr int kBatch = 5000;
  int total = 0;
  while (true) {
    auto pruned = std::make_shared<int>(0);
    RETURN_IF_ERROR(
        store_.WriteAndWait([this, before, now, pruned](
                                store::WriteTransaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(*pruned, tx.PruneDelivered(before, kBatch));
          // Retention is the gateway's own work: a batch that deleted
          // something says so in the audit log (how many: in the log line
          // of the dispatcher; the row has no record to name).
          if (*pruned == 0) return absl::OkStatus();
          return AppendAudit(tx, keys_, security::GatewayPrincipal(),
                             "PruneDelivered", "", "OK", now);
        }));
    total += *pruned;
    if (*pruned < kBatch) return total;
  }
}

absl::StatusOr<v1::ListDeliveriesResponse> DeliveryPathway::List(
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

absl::StatusOr<v1::Delivery> DeliveryPathway::Get(
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

absl::StatusOr<v1::GetDeliveryStatsResponse> DeliveryPathway::Stats() {
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

void DeliveryPathway::ListDeliveries(const security::Principal& caller,
                                     const v1::ListDeliveriesRequest& request,
                                     Reply<v1::ListDeliveriesResponse> reply) {
  gate_.Read<v1::ListDeliveriesResponse>(
      caller, security::Operation::kListDeliveries, "",
      [&] { return List(request); }, std::move(reply));
}

void DeliveryPathway::GetDelivery(const security::Principal& caller,
                                  const v1::GetDeliveryRequest& request,
                                  Reply<v1::Delivery> reply) {
  gate_.Read<v1::Delivery>(
      caller, security::Operation::kGetDelivery, request.message_id(),
      [&] { return Get(request.message_id()); }, std::move(reply));
}

void DeliveryPathway::DeliveryStats(const security::Principal& caller,
                                    const v1::GetDeliveryStatsRequest&,
                                    Reply<v1::GetDeliveryStatsResponse> reply) {
  gate_.Read<v1::GetDeliveryStatsResponse>(
      caller, security::Operation::kGetDeliveryStats, "",
      [&] { return Stats(); }, std::move(reply));
}

void DeliveryPathway::ReplayDelivery(const security::Principal& caller,
                                     const v1::ReplayDeliveryRequest& request,
                                     Reply<v1::Delivery> reply) {
  gate_.Change<v1::Delivery>(
      caller, security::Operation::kReplayDelivery, request.message_id(),
      ValidateMessageId(request.message_id()),
      [message_id = request.message_id()](
          store::WriteTransaction& tx,
          absl::Time now) -> absl::StatusOr<v1::Delivery> {
        ASSIGN_OR_RETURN(v1::Delivery d, DeliveryIn(tx, message_id));
        if (d.state() != v1::DELIVERY_STATE_DEAD_LETTER &&
            d.state() != v1::DELIVERY_STATE_DISCARDED) {
          return absl::FailedPreconditionError(absl::StrCat(
              "only a dead letter or discarded message can be replayed; "
              "this one is ",
              StateName(d.state())));
        }
        d.set_state(v1::DELIVERY_STATE_PENDING);
        d.set_attempts(0);
        *d.mutable_next_attempt_at() = domain::ToTimestamp(now);
        *d.mutable_updated_at() = domain::ToTimestamp(now);
        RETURN_IF_ERROR(tx.UpdateDelivery(d));
        return d;
      },
      std::move(reply));
}

void DeliveryPathway::DiscardDelivery(const security::Principal& caller,
                                      const v1::DiscardDeliveryRequest& request,
                                      Reply<v1::Delivery> reply) {
  domain::Violations v;
  if (request.message_id().empty()) v.Add("message_id", "is required");
  if (request.reason().empty()) v.Add("reason", "is required");
  if (static_cast<int>(request.reason().size()) > options_.max_text_length) {
    v.Add("reason", absl::StrCat("is longer than ", options_.max_text_length,
                                 " characters"));
  }
  gate_.Change<v1::Delivery>(
      caller, security::Operation::kDiscardDelivery, request.message_id(),
      v.ToStatus("invalid discard request"),
      [message_id = request.message_id(),
       reason = MaskNhsNumbersIn(request.reason())](
          store::WriteTransaction& tx,
          absl::Time now) -> absl::StatusOr<v1::Delivery> {
        ASSIGN_OR_RETURN(v1::Delivery d, DeliveryIn(tx, message_id));
        if (d.state() != v1::DELIVERY_STATE_DEAD_LETTER) {
          return absl::FailedPreconditionError(
              absl::StrCat("only a dead letter can be discarded; this one is ",
                           StateName(d.state())));
        }
        d.set_state(v1::DELIVERY_STATE_DISCARDED);
        d.set_last_error(absl::StrCat("discarded by an operator: ", reason));
        d.clear_next_attempt_at();
        *d.mutable_updated_at() = domain::ToTimestamp(now);
        RETURN_IF_ERROR(tx.UpdateDelivery(d));
        return d;
      },
      std::move(reply));
}

}  // namespace nhs::tobacco::pathway
