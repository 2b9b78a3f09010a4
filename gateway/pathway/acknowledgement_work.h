#ifndef GATEWAY_PATHWAY_ACKNOWLEDGEMENT_WORK_H_
#define GATEWAY_PATHWAY_ACKNOWLEDGEMENT_WORK_H_

#include "absl/status/statusor.h"
#include "gateway/domain/acknowledgement_rules.h"

namespace nhs::tobacco::pathway {

// What MESH's inbox poller (gateway/delivery) asks of the pathway: the
// gateway's own work on the acknowledgements of messages it handed to MESH
// (issue 17), done as the gateway principal. A port so the poller can be
// tested against a fake. Thread-safe.
class AcknowledgementWork {
 public:
  virtual ~AcknowledgementWork() = default;

  // Records `ack` against its message: the delivery's state, the timeline
  // (RECEIVED; ACKNOWLEDGED, as the protocol step for a recommendation;
  // DELIVERY_FAILED) and the audit row, in one transaction, durable on
  // return. False when it changed nothing (a repeat or a late one);
  // NOT_FOUND when no outbox message has that id.
  virtual absl::StatusOr<bool> RecordAcknowledgement(
      const domain::Acknowledgement& ack) = 0;
  // Every awaited acknowledgement past its deadline: flagged once, an
  // ACKNOWLEDGEMENT_OVERDUE event, and the request's service told (an
  // OVERDUE_ESCALATION on its route). How many.
  virtual absl::StatusOr<int> FlagOverdueAcknowledgements() = 0;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_ACKNOWLEDGEMENT_WORK_H_
