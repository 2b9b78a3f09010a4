#ifndef GATEWAY_DOMAIN_ACKNOWLEDGEMENT_RULES_H_
#define GATEWAY_DOMAIN_ACKNOWLEDGEMENT_RULES_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "nhs/tobacco/v1/delivery.pb.h"

namespace nhs::tobacco::domain {

// What came back about a message the gateway handed to MESH (issue 17).
enum class AcknowledgementKind {
  // ITK3 infrastructure acknowledgement: the receiver's system took it.
  kInfrastructure,
  // ITK3 business acknowledgement: the practice's system filed it.
  kBusiness,
  // MESH's own report that it could not deliver the message (never
  // downloaded in time, or refused by the recipient's mailbox).
  kNonDelivery,
};

struct Acknowledgement {
  // The outbox message id it is about (the ITK3 message id, and the
  // mex-localid MESH echoes in its reports).
  std::string message_id;
  AcknowledgementKind kind = AcknowledgementKind::kInfrastructure;
  bool positive = false;
  // The receiver's or MESH's code and text, for the dead letter (no
  // patient data: the caller masks NHS numbers).
  std::string code;
  std::string description;
};

// How long each acknowledgement may take (config mesh.*_ack_*).
struct AcknowledgementDeadlines {
  absl::Duration infrastructure = absl::Minutes(60);
  absl::Duration business = absl::Hours(48);
};

// "infrastructure acknowledgement" and so on, for notes.
std::string AcknowledgementName(AcknowledgementKind kind);

// The delivery after `ack`, or nullopt when it changes nothing (a repeat, or
// a message already delivered, dead or discarded). A message still PENDING
// is one MESH took before the gateway could record it (a crash): its
// acknowledgement counts all the same. Positive infrastructure ->
// AWAITING_ACKNOWLEDGEMENT, due `deadlines.business` from now; positive
// business -> DELIVERED; negative or non-delivery -> DEAD_LETTER with the
// reason. Pure.
std::optional<v1::Delivery> AfterAcknowledgement(
    v1::Delivery delivery, const Acknowledgement& ack,
    const AcknowledgementDeadlines& deadlines, absl::Time now);

// The delivery once its awaited acknowledgement missed its deadline:
// flagged overdue, no longer due (so it is flagged once). Pure.
v1::Delivery AcknowledgementOverdue(v1::Delivery delivery, absl::Time now);

// Which acknowledgement an AWAITING_ACKNOWLEDGEMENT delivery waits for.
AcknowledgementKind AwaitedAcknowledgement(const v1::Delivery& delivery);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_ACKNOWLEDGEMENT_RULES_H_
