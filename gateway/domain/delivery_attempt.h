#ifndef GATEWAY_DOMAIN_DELIVERY_ATTEMPT_H_
#define GATEWAY_DOMAIN_DELIVERY_ATTEMPT_H_

#include <string>

#include "absl/time/time.h"
#include "nhs/tobacco/v1/delivery.pb.h"

namespace nhs::tobacco::domain {

struct RetryPolicy {
  int max_attempts = 12;
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(5);
};

// How one try went, as the transport saw it.
enum class SendOutcome {
  // The receiver confirmed it (HL7 AA/CA, HTTP 2xx, 409 = had it already).
  kConfirmed,
  // Worth another try: unreachable, timed out, reset, HL7 AE/CE, HTTP 5xx,
  // 408, 429.
  kTransient,
  // Refused for good: HL7 AR/CR, HTTP 4xx. Retrying the same bytes cannot
  // help; an operator must look.
  kPermanent,
  // A store-and-forward service (MESH) took it for the receiver, who
  // acknowledges later: AWAITING_ACKNOWLEDGEMENT until then
  // (acknowledgement_rules.h).
  kAccepted,
};

struct SendResult {
  SendOutcome outcome = SendOutcome::kTransient;
  // The receiver took the bytes (the MLLP frame was written, an HTTP
  // response came back), whatever it then said.
  bool handed_over = false;
  // What went wrong, for the dead letter and the log. No patient data: the
  // transports report codes, and receivers' texts are masked.
  std::string detail;
  // kAccepted: the service's id for the message (MESH's message id), and
  // how long the receiver's first acknowledgement may take.
  std::string transport_message_id;
  absl::Duration acknowledgement_due_in = absl::ZeroDuration();
};

// The wait before try number `attempts + 1`, after `attempts` tries:
// initial * 2^(attempts-1), capped, half of it fixed and half random
// ("equal jitter": receivers recovering from an outage are not hit by every
// sender at once, yet the wait never collapses to zero). `random01` is in
// [0, 1). Pure.
absl::Duration BackoffDelay(const RetryPolicy& policy, int attempts,
                            double random01);

// The delivery after a try whose claim already counted it in `attempts`.
// Confirmed -> DELIVERED; accepted -> AWAITING_ACKNOWLEDGEMENT, due
// acknowledgement_due_in from now; permanent, or transient with no tries
// left -> DEAD_LETTER; otherwise PENDING again after the backoff. Pure.
v1::Delivery AfterAttempt(v1::Delivery delivery, const SendResult& result,
                          const RetryPolicy& policy, absl::Time now,
                          double random01);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_DELIVERY_ATTEMPT_H_
