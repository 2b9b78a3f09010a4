#include "gateway/domain/acknowledgement_rules.h"

#include "absl/strings/str_cat.h"
#include "gateway/common/utf8.h"
#include "gateway/domain/timestamps.h"

namespace nhs::tobacco::domain {

std::string AcknowledgementName(AcknowledgementKind kind) {
  switch (kind) {
    case AcknowledgementKind::kInfrastructure:
      return "ITK3 infrastructure acknowledgement";
    case AcknowledgementKind::kBusiness:
      return "ITK3 business acknowledgement";
    case AcknowledgementKind::kNonDelivery:
      return "MESH non-delivery report";
  }
  return "acknowledgement";
}

std::optional<v1::Delivery> AfterAcknowledgement(
    v1::Delivery delivery, const Acknowledgement& ack,
    const AcknowledgementDeadlines& deadlines, absl::Time now) {
  if (delivery.state() != v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT &&
      delivery.state() != v1::DELIVERY_STATE_PENDING) {
    return std::nullopt;
  }
  *delivery.mutable_updated_at() = ToTimestamp(now);
  if (!ack.positive || ack.kind == AcknowledgementKind::kNonDelivery) {
    delivery.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
    std::string reason = absl::StrCat(AcknowledgementName(ack.kind), ": ",
                                      ack.code.empty() ? "no code" : ack.code);
    if (!ack.description.empty()) {
      absl::StrAppend(&reason, " ", ack.description);
    }
    delivery.set_last_error(ReplaceInvalidUtf8(reason));
    delivery.clear_next_attempt_at();
    return delivery;
  }
  // MESH delivered it to the receiver, whatever the gateway recorded.
  delivery.set_handed_over(true);
  delivery.set_acknowledgement_overdue(false);
  delivery.clear_last_error();
  if (ack.kind == AcknowledgementKind::kBusiness) {
    if (!delivery.has_infrastructure_acknowledged_at()) {
      // The business acknowledgement implies the other, which MESH may
      // still bring later (and is then a repeat).
      *delivery.mutable_infrastructure_acknowledged_at() = ToTimestamp(now);
    }
    delivery.set_state(v1::DELIVERY_STATE_DELIVERED);
    delivery.clear_next_attempt_at();
    return delivery;
  }
  if (delivery.has_infrastructure_acknowledged_at()) return std::nullopt;
  *delivery.mutable_infrastructure_acknowledged_at() = ToTimestamp(now);
  delivery.set_state(v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT);
  *delivery.mutable_next_attempt_at() = ToTimestamp(now + deadlines.business);
  return delivery;
}

v1::Delivery AcknowledgementOverdue(v1::Delivery delivery, absl::Time now) {
  delivery.set_acknowledgement_overdue(true);
  // Unset = never due again (the store's scan skips it) until the next
  // acknowledgement sets a new deadline.
  delivery.clear_next_attempt_at();
  *delivery.mutable_updated_at() = ToTimestamp(now);
  return delivery;
}

AcknowledgementKind AwaitedAcknowledgement(const v1::Delivery& delivery) {
  return delivery.has_infrastructure_acknowledged_at()
             ? AcknowledgementKind::kBusiness
             : AcknowledgementKind::kInfrastructure;
}

}  // namespace nhs::tobacco::domain
