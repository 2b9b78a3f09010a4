#ifndef GATEWAY_PATHWAY_DELIVERY_TIMELINE_H_
#define GATEWAY_PATHWAY_DELIVERY_TIMELINE_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::pathway {

// What a delivery does to the records its message is about, inside the
// transaction that records the try.

// Moves the request the message carries one protocol step (MarkSent or
// Acknowledge) when that step is still legal; false when the request has
// moved on (the GP answered before our ACK was recorded, say).
absl::StatusOr<bool> AdvanceProtocol(store::WriteTransaction& tx,
                                     const v1::OutboundMessage& m,
                                     domain::PrescriptionAction action,
                                     const domain::DeadlinePolicy& deadlines,
                                     absl::Time now);

// The fields every event about a message shares: its record, the time,
// the receiver and the channel's adapter as actor, the message id, and its
// kind as reason code.
v1::TimelineEvent DeliveryEvent(const v1::OutboundMessage& m, absl::Time now);

// A MESSAGE_* or DELIVERY_FAILED event on the message's timeline.
absl::Status AppendDeliveryEvent(store::WriteTransaction& tx,
                                 const v1::OutboundMessage& m,
                                 v1::EventType type, absl::string_view note,
                                 absl::Time now);

// A recommendation or supply request not yet sent whose request was
// cancelled or expired meanwhile must not reach the GP or pharmacy as if
// it stood: it is discarded with the reason (the timeline already shows
// the cancellation). True when it was.
absl::StatusOr<bool> Withdrawn(store::WriteTransaction& tx,
                               store::OutboxRow& row, absl::Time now);

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_DELIVERY_TIMELINE_H_
