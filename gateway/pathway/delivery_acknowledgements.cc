// MESH (issue 17): the ITK3 acknowledgements of messages the gateway handed
// to MESH, and the deadlines they keep. System work, as the gateway
// principal: the poller that downloads them has no caller of its own.
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gateway/common/nhs_number_mask.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/delivery_plan.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/pathway/delivery_pathway.h"
#include "gateway/pathway/delivery_timeline.h"
#include "gateway/pathway/outbox_queue.h"
#include "gateway/pathway/record_stamps.h"

namespace nhs::tobacco::pathway {
namespace {

using domain::AcknowledgementKind;
using domain::PrescriptionAction;

// "The GP recommendation" and so on, for notes a person reads.
std::string WhatWasSent(v1::MessageKind kind) {
  switch (kind) {
    case v1::MESSAGE_KIND_GP_RECOMMENDATION:
      return "recommendation letter";
    case v1::MESSAGE_KIND_GP_REMINDER:
      return "reminder letter";
    case v1::MESSAGE_KIND_GP_OUTCOME:
      return "outcome letter";
    case v1::MESSAGE_KIND_CANCELLATION_NOTICE:
      return "cancellation letter";
    default:
      return "message";
  }
}

std::string DeadlineText(absl::Duration d) {
  if (d >= absl::Hours(1) && d % absl::Hours(1) == absl::ZeroDuration()) {
    return absl::StrCat(absl::ToInt64Hours(d), " hours");
  }
  return absl::StrCat(absl::ToInt64Minutes(d), " minutes");
}

}  // namespace

absl::StatusOr<bool> DeliveryPathway::RecordAcknowledgement(
    const domain::Acknowledgement& received) {
  const absl::Time now = clock_.Now();
  domain::Acknowledgement ack = received;
  ack.description = MaskNhsNumbersIn(ack.description);
  ack.code = MaskNhsNumbersIn(ack.code);
  auto changed = std::make_shared<bool>(false);
  RETURN_IF_ERROR(store_.WriteAndWait(
      [this, ack, now, changed](store::WriteTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<store::OutboxRow> row,
                         tx.GetOutboxRow(ack.message_id));
        if (!row.has_value()) {
          return absl::NotFoundError(
              absl::StrCat("no outbound message ", ack.message_id, " for the ",
                           domain::AcknowledgementName(ack.kind)));
        }
        const v1::OutboundMessage& m = row->message;
        std::optional<v1::Delivery> next = domain::AfterAcknowledgement(
            row->delivery, ack, options_.acknowledgements, now);
        if (!next.has_value()) return absl::OkStatus();
        RETURN_IF_ERROR(tx.UpdateDelivery(*next));
        *changed = true;
        const bool protocol =
            domain::AdvancesProtocol(m.kind()) && !m.prescription_id().empty();
        // Taken by MESH before the gateway could record it (a crash): the
        // SENT step first.
        if (next->handed_over() && !row->delivery.handed_over()) {
          bool advanced = false;
          if (protocol) {
            ASSIGN_OR_RETURN(
                advanced, AdvanceProtocol(tx, m, PrescriptionAction::kMarkSent,
                                          deadlines_, now));
          }
          if (!advanced) {
            RETURN_IF_ERROR(AppendDeliveryEvent(
                tx, m, v1::EVENT_TYPE_MESSAGE_SENT, "", now));
          }
        }
        if (next->state() == v1::DELIVERY_STATE_DEAD_LETTER) {
          RETURN_IF_ERROR(AppendDeliveryEvent(
              tx, m, v1::EVENT_TYPE_DELIVERY_FAILED, next->last_error(), now));
        } else if (next->state() == v1::DELIVERY_STATE_DELIVERED) {
          bool advanced = false;
          if (protocol) {
            ASSIGN_OR_RETURN(
                advanced,
                AdvanceProtocol(tx, m, PrescriptionAction::kAcknowledge,
                                deadlines_, now));
          }
          if (!advanced) {
            RETURN_IF_ERROR(AppendDeliveryEvent(
                tx, m, v1::EVENT_TYPE_MESSAGE_ACKNOWLEDGED,
                domain::AcknowledgementName(ack.kind), now));
          }
        } else {
          RETURN_IF_ERROR(
              AppendDeliveryEvent(tx, m, v1::EVENT_TYPE_MESSAGE_RECEIVED,
                                  domain::AcknowledgementName(ack.kind), now));
        }
        return AppendAudit(
            tx, keys_, security::GatewayPrincipal(),
            absl::StrCat("Acknowledge", domain::MessageKindName(m.kind())),
            m.message_id(),
            std::string(absl::StripPrefix(v1::DeliveryState_Name(next->state()),
                                          "DELIVERY_STATE_")),
            now);
      }));
  return *changed;
}

absl::StatusOr<int> DeliveryPathway::FlagOverdueAcknowledgements() {
  const absl::Time now = clock_.Now();
  auto flagged = std::make_shared<int>(0);
  RETURN_IF_ERROR(store_.WriteAndWait(
      [this, now, flagged](store::WriteTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<store::OutboxRow> due,
                         tx.ListAcknowledgementsDue(now, /*limit=*/500));
        for (const store::OutboxRow& row : due) {
          const v1::OutboundMessage& m = row.message;
          const AcknowledgementKind awaited =
              domain::AwaitedAcknowledgement(row.delivery);
          const absl::Duration allowed =
              awaited == AcknowledgementKind::kBusiness
                  ? options_.acknowledgements.business
                  : options_.acknowledgements.infrastructure;
          RETURN_IF_ERROR(tx.UpdateDelivery(
              domain::AcknowledgementOverdue(row.delivery, now)));
          const std::string note = absl::StrCat(
              "No ", domain::AcknowledgementName(awaited), " from ",
              m.destination_ods(), " for the ", WhatWasSent(m.kind()),
              " sent over MESH within ", DeadlineText(allowed),
              ": check with the practice that it arrived");
          v1::TimelineEvent event = DeliveryEvent(m, now);
          event.set_type(v1::EVENT_TYPE_ACKNOWLEDGEMENT_OVERDUE);
          *event.mutable_due_at() = row.delivery.next_attempt_at();
          event.mutable_actor()->set_adapter("gateway");
          event.set_note(note);
          RETURN_IF_ERROR(tx.AppendEvent(event).status());
          // The service is told on its own route, as for a missed
          // prescription deadline; a letter about no request (an outcome)
          // has the timeline event only.
          if (m.has_prescription()) {
            RETURN_IF_ERROR(QueueMessages(
                tx, domain::PlanOverdue(m.prescription(), options_.routes),
                {.prescription = &m.prescription(), .note = note}, now));
          }
          RETURN_IF_ERROR(AppendAudit(tx, keys_, security::GatewayPrincipal(),
                                      "RaiseAcknowledgementOverdue",
                                      m.message_id(), "OK", now));
          ++*flagged;
        }
        return absl::OkStatus();
      }));
  return *flagged;
}

}  // namespace nhs::tobacco::pathway
