#ifndef GATEWAY_PATHWAY_OUTBOX_QUEUE_H_
#define GATEWAY_PATHWAY_OUTBOX_QUEUE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gateway/domain/delivery_plan.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::pathway {

// The records a message is about, as they stand in the causing
// transaction. Null = not part of this message.
struct MessageSubject {
  const v1::Referral* referral = nullptr;
  const v1::PrescriptionRequest* prescription = nullptr;
  const v1::Outcome* outcome = nullptr;
  std::string note;
  // safety: the CYP1A2 safety alert the message carries.
  const v1::SafetyAlert* safety_alert = nullptr;
};

// Writes one outbox row per planned message into `tx`: the transactional
// outbox. Each gets a new message id and is due at once.
absl::Status QueueMessages(store::WriteTransaction& tx,
                           const std::vector<domain::PlannedMessage>& plan,
                           const MessageSubject& subject, absl::Time now);

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_OUTBOX_QUEUE_H_
