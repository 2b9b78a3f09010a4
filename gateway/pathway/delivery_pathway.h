#ifndef GATEWAY_PATHWAY_DELIVERY_PATHWAY_H_
#define GATEWAY_PATHWAY_DELIVERY_PATHWAY_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "gateway/common/clock.h"
#include "gateway/domain/acknowledgement_rules.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/delivery_attempt.h"
#include "gateway/domain/delivery_plan.h"
#include "gateway/pathway/acknowledgement_work.h"
#include "gateway/pathway/delivery_use_cases.h"
#include "gateway/pathway/operator_gate.h"
#include "gateway/pathway/outbox_work.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::pathway {

struct DeliveryPathwayOptions {
  int max_page_size = 500;
  int default_page_size = 50;
  int max_text_length = 2000;
  domain::RetryPolicy retry;
  // MESH (issue 17): how long each ITK3 acknowledgement may take, and the
  // routes an overdue one is escalated on.
  domain::AcknowledgementDeadlines acknowledgements;
  domain::DeliveryRoutes routes;
};

// The outbox: the dispatcher's system work (OutboxWork, done as the gateway
// principal and audited as "gateway") and the operators' functions
// (DeliveryUseCases, admin only). Transport-free: the dispatcher
// (gateway/delivery) sends. Thread-safe.
class DeliveryPathway final : public DeliveryUseCases,
                              public OutboxWork,
                              public AcknowledgementWork {
 public:
  // `keys` seals the audit rows and outlives this.
  DeliveryPathway(store::Store& store, domain::DeadlinePolicy deadlines,
                  DeliveryPathwayOptions options, const Clock& clock,
                  const security::AuditKeyRing& keys);

  // --- OutboxWork (see outbox_work.h) ---
  absl::StatusOr<std::vector<store::OutboxRow>> ClaimDueMessages(
      const absl::flat_hash_map<std::string, int>& in_flight, int max_per_queue,
      int limit, absl::Duration lease) override;
  absl::StatusOr<int> ReleaseClaims() override;
  // The delivery state (backoff, dead letter), the timeline (SENT and
  // ACKNOWLEDGED as protocol steps for a recommendation or supply request,
  // MESSAGE_* events for the rest, DELIVERY_FAILED) and the audit row
  // naming the gateway, in one transaction.
  void RecordDelivery(const store::OutboxRow& claimed,
                      const domain::SendResult& result,
                      std::function<void(absl::Status)> done) override;
  // Retention; one audit row naming the gateway per batch that deleted
  // something.
  absl::StatusOr<int> PruneDeliveredMessages(absl::Duration keep) override;

  // --- AcknowledgementWork (acknowledgement_work.h; in
  // delivery_acknowledgements.cc) ---
  absl::StatusOr<bool> RecordAcknowledgement(
      const domain::Acknowledgement& ack) override;
  absl::StatusOr<int> FlagOverdueAcknowledgements() override;

  // --- DeliveryUseCases ---
  void ListDeliveries(const security::Principal& caller,
                      const v1::ListDeliveriesRequest& request,
                      Reply<v1::ListDeliveriesResponse> reply) override;
  void GetDelivery(const security::Principal& caller,
                   const v1::GetDeliveryRequest& request,
                   Reply<v1::Delivery> reply) override;
  void ReplayDelivery(const security::Principal& caller,
                      const v1::ReplayDeliveryRequest& request,
                      Reply<v1::Delivery> reply) override;
  void DiscardDelivery(const security::Principal& caller,
                       const v1::DiscardDeliveryRequest& request,
                       Reply<v1::Delivery> reply) override;
  void DeliveryStats(const security::Principal& caller,
                     const v1::GetDeliveryStatsRequest& request,
                     Reply<v1::GetDeliveryStatsResponse> reply) override;

 private:
  absl::StatusOr<v1::ListDeliveriesResponse> List(
      const v1::ListDeliveriesRequest& request);
  absl::StatusOr<v1::Delivery> Get(absl::string_view message_id);
  absl::StatusOr<v1::GetDeliveryStatsResponse> Stats();
  int PageSize(int requested) const;

  store::Store& store_;
  const domain::DeadlinePolicy deadlines_;
  const DeliveryPathwayOptions options_;
  const Clock& clock_;
  const security::AuditKeyRing& keys_;
  OperatorGate gate_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_DELIVERY_PATHWAY_H_
