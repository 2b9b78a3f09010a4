#ifndef GATEWAY_PATHWAY_OUTBOX_WORK_H_
#define GATEWAY_PATHWAY_OUTBOX_WORK_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/domain/delivery_attempt.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::pathway {

// What the outbox's dispatcher asks of the pathway: the system work of
// delivering queued messages, done as the gateway principal. A port so the
// dispatcher can be unit-tested against a fake, without a store or sockets.
// Implementations are thread-safe.
class OutboxWork {
 public:
  virtual ~OutboxWork() = default;

  // Claims up to `limit` due messages, never taking a queue (destination
  // and channel) past `max_per_queue` counting `in_flight` (messages
  // already claimed, by queue): counts the try and holds each message for
  // `lease` (a message whose sender died with the gateway is tried again
  // after it). Blocks until durable.
  virtual absl::StatusOr<std::vector<store::OutboxRow>> ClaimDueMessages(
      const absl::flat_hash_map<std::string, int>& in_flight, int max_per_queue,
      int limit, absl::Duration lease) = 0;
  // Makes every pending message due now: at start-up, the claims of a
  // gateway that died mid-send need not wait out their lease. Only for a
  // gateway alone on its database (SQLite): with several instances the
  // others' claims are live. Returns how many.
  virtual absl::StatusOr<int> ReleaseClaims() = 0;
  // Records how a try of a claimed message went, in one transaction.
  // `done` runs on a store thread once durable; it must not block.
  virtual void RecordDelivery(const store::OutboxRow& claimed,
                              const domain::SendResult& result,
                              std::function<void(absl::Status)> done) = 0;
  // Deletes delivered and discarded messages older than `keep`; how many.
  virtual absl::StatusOr<int> PruneDeliveredMessages(absl::Duration keep) = 0;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_OUTBOX_WORK_H_
