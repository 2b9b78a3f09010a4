#include "gateway/domain/delivery_attempt.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "gateway/common/utf8.h"
#include "gateway/domain/timestamps.h"

namespace nhs::tobacco::domain {

absl::Duration BackoffDelay(const RetryPolicy& policy, int attempts,
                            double random01) {
  const int doublings = std::clamp(attempts - 1, 0, 30);
  const absl::Duration full = std::min(
      policy.initial_backoff * std::pow(2.0, doublings), policy.max_backoff);
  const double r = std::clamp(random01, 0.0, 1.0);
  return full / 2 + (full / 2) * r;
}

v1::Delivery AfterAttempt(v1::Delivery delivery, const SendResult& result,
                          const RetryPolicy& policy, absl::Time now,
                          double random01) {
  *delivery.mutable_updated_at() = ToTimestamp(now);
  // The detail quotes the receiver (an ACK's ERR-8, an HTTP body), clipped
  // by bytes: made valid UTF-8 so that the delivery can be stored.
  const std::string detail = ReplaceInvalidUtf8(result.detail);
  if (result.handed_over) delivery.set_handed_over(true);
  switch (result.outcome) {
    case SendOutcome::kConfirmed:
      delivery.set_state(v1::DELIVERY_STATE_DELIVERED);
      delivery.clear_next_attempt_at();
      return delivery;
    case SendOutcome::kPermanent:
      delivery.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
      delivery.set_last_error(
          absl::StrCat("refused by the receiver: ", detail));
      delivery.clear_next_attempt_at();
      return delivery;
    case SendOutcome::kAccepted:
      delivery.set_state(v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT);
      delivery.set_transport_message_id(result.transport_message_id);
      delivery.clear_last_error();
      delivery.set_acknowledgement_overdue(false);
      *delivery.mutable_next_attempt_at() =
          ToTimestamp(now + result.acknowledgement_due_in);
      return delivery;
    case SendOutcome::kTransient:
      break;
  }
  if (delivery.attempts() >= policy.max_attempts) {
    delivery.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
    delivery.set_last_error(absl::StrCat("gave up after ", delivery.attempts(),
                                         " tries; last: ", detail));
    delivery.clear_next_attempt_at();
    return delivery;
  }
  delivery.set_state(v1::DELIVERY_STATE_PENDING);
  delivery.set_last_error(detail);
  *delivery.mutable_next_attempt_at() =
      ToTimestamp(now + BackoffDelay(policy, delivery.attempts(), random01));
  return delivery;
}

}  // namespace nhs::tobacco::domain
