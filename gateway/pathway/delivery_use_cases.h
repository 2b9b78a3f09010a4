#ifndef GATEWAY_PATHWAY_DELIVERY_USE_CASES_H_
#define GATEWAY_PATHWAY_DELIVERY_USE_CASES_H_

#include "gateway/pathway/reply.h"
#include "gateway/security/principal.h"
#include "nhs/tobacco/v1/admin_service.pb.h"

namespace nhs::tobacco::pathway {

// The operators' view of the outbox: what is queued, delivered or dead, and
// the two ways to act on a dead letter. Every operation needs the admin
// role; the use case authorises `caller` and writes the audit row (for a
// refusal too) before it replies. Replies may run on a store thread and
// must not block. Thread-safe.
class DeliveryUseCases {
 public:
  virtual ~DeliveryUseCases() = default;

  virtual void ListDeliveries(const security::Principal& caller,
                              const v1::ListDeliveriesRequest& request,
                              Reply<v1::ListDeliveriesResponse> reply) = 0;
  virtual void GetDelivery(const security::Principal& caller,
                           const v1::GetDeliveryRequest& request,
                           Reply<v1::Delivery> reply) = 0;
  // A dead letter or discarded message becomes due again, its tries reset.
  virtual void ReplayDelivery(const security::Principal& caller,
                              const v1::ReplayDeliveryRequest& request,
                              Reply<v1::Delivery> reply) = 0;
  // A dead letter is given up on, with the operator's reason.
  virtual void DiscardDelivery(const security::Principal& caller,
                               const v1::DiscardDeliveryRequest& request,
                               Reply<v1::Delivery> reply) = 0;
  virtual void DeliveryStats(const security::Principal& caller,
                             const v1::GetDeliveryStatsRequest& request,
                             Reply<v1::GetDeliveryStatsResponse> reply) = 0;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_DELIVERY_USE_CASES_H_
