#ifndef GATEWAY_PATHWAY_PATHWAY_H_
#define GATEWAY_PATHWAY_PATHWAY_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "gateway/common/clock.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/delivery_attempt.h"
#include "gateway/domain/delivery_plan.h"
#include "gateway/domain/formulary.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/pathway/caller.h"
#include "gateway/pathway/outbox_work.h"
#include "gateway/pathway/pathway_options.h"
#include "gateway/security/principal.h"
#include "gateway/store/store.h"
#include "nhs/tobacco/v1/admin_service.pb.h"
#include "nhs/tobacco/v1/outcome_service.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::pathway {

// The gateway acting on its own behalf (deadline scans, the outbox), as the
// audit log records it: security::GatewayPrincipal().
const security::Principal& GatewayPrincipal();

// What remains of the gateway's first, single use-case class once the
// referral, prescription and outcome use cases moved out (ReferralPathway,
// PrescriptionPathway, OutcomePathway behind *UseCases interfaces): the
// audit log's operator reads, the outbox (pathway_delivery.cc) and the
// deadline scan. Writes answer through `reply` once durable, on a store
// thread; reads answer on the calling thread. Thread-safe.
class Pathway : public OutboxWork {
 public:
  Pathway(store::Store& store, domain::Formulary formulary,
          domain::DeadlinePolicy deadlines, PathwayOptions options,
          const Clock& clock);

  // Records a read, or a refusal, in the audit log (asynchronously: the
  // caller's answer does not wait for it).
  void Audit(const security::Principal& caller, absl::string_view operation,
             absl::string_view record_id, const absl::Status& result);

  // Walks the whole audit chain and reports the first broken row.
  absl::StatusOr<v1::VerifyAuditChainResponse> VerifyAuditChain();
  absl::StatusOr<v1::ListAuditRecordsResponse> ListAuditRecords(
      const v1::ListAuditRecordsRequest& request);

  // --- The outbox (pathway_delivery.cc) ---

  // Claims up to `limit` due messages, never taking a queue (destination
  // and channel) past `max_per_queue` counting `in_flight` (messages
  // already claimed, by queue): counts the try and holds each message for
  // `lease` (a message whose sender died with the gateway is tried again
  // after it). Blocks until durable.
  absl::StatusOr<std::vector<store::OutboxRow>> ClaimDueMessages(
      const absl::flat_hash_map<std::string, int>& in_flight, int max_per_queue,
      int limit, absl::Duration lease) override;
  // Makes every pending message due now: at start-up, the claims of a
  // gateway that died mid-send need not wait out their lease (and a
  // message backing off gets one early try). Only one gateway may run per
  // database. Returns how many.
  absl::StatusOr<int> ReleaseClaims() override;
  // Records how a try of a claimed message went, in one transaction: its
  // delivery state (backoff, dead letter), the timeline (SENT and
  // ACKNOWLEDGED as protocol steps for a recommendation or supply request,
  // MESSAGE_* events for the rest, DELIVERY_FAILED) and the audit row.
  // `done` runs on a store thread once durable.
  void RecordDelivery(const store::OutboxRow& claimed,
                      const domain::SendResult& result,
                      std::function<void(absl::Status)> done) override;
  absl::StatusOr<v1::ListDeliveriesResponse> ListDeliveries(
      const v1::ListDeliveriesRequest& request);
  absl::StatusOr<v1::Delivery> GetDelivery(absl::string_view message_id);
  void ReplayDelivery(const v1::ReplayDeliveryRequest& request,
                      Reply<v1::Delivery> reply,
                      const security::Principal& caller);
  void DiscardDelivery(const v1::DiscardDeliveryRequest& request,
                       Reply<v1::Delivery> reply,
                       const security::Principal& caller);
  absl::StatusOr<v1::GetDeliveryStatsResponse> DeliveryStats();
  // Deletes delivered messages older than `keep` (retention); how many.
  absl::StatusOr<int> PruneDeliveredMessages(absl::Duration keep) override;

  // One pass of the deadline scan: raises OVERDUE once per missed deadline
  // and expires requests never acted on. Blocks until durable; returns how
  // many requests it changed.
  absl::StatusOr<int> ScanDeadlines();

 private:
  int PageSize(int requested) const;

  store::Store& store_;
  const domain::Formulary formulary_;
  const domain::DeadlinePolicy deadlines_;
  const PathwayOptions options_;
  const Clock& clock_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_PATHWAY_H_
