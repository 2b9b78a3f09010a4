#ifndef GATEWAY_PATHWAY_DEADLINE_SCAN_H_
#define GATEWAY_PATHWAY_DEADLINE_SCAN_H_

#include "absl/status/statusor.h"
#include "gateway/common/clock.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/delivery_plan.h"
#include "gateway/security/audit_chain.h"
#include "gateway/security/principal.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::pathway {

// The deadline scan: system work the gateway does on its own behalf. One
// pass raises OVERDUE once per missed deadline (and queues the escalation
// to the recommending service, and with `chase_gp_on_overdue` the GP
// reminder: domain/gp_chaser.h) and expires requests never acted on.
//
// Audit: one row per request the pass changed, in the same transaction as
// the change, naming the caller (the gateway principal), operation
// "RaiseOverdue" or "Expire", and the prescription id - so the log says
// who moved each request, as it does for a person's change. A pass that
// changes nothing writes no row (the scan runs every few seconds).
// Thread-safe.
class DeadlineScan {
 public:
  // `keys` seals the audit rows and outlives this.
  DeadlineScan(store::Store& store, domain::DeadlinePolicy deadlines,
               domain::DeliveryRoutes routes, const Clock& clock,
               const security::AuditKeyRing& keys,
               bool chase_gp_on_overdue = false);

  // One pass, as `caller`: only the gateway principal (and development
  // mode) may run it; a refusal is audited. Blocks until durable; returns
  // how many requests it changed.
  absl::StatusOr<int> Scan(const security::Principal& caller);

 private:
  // Queues the GP reminder for a request that just went overdue, when the
  // chaser applies, with an event on its timeline.
  absl::Status ChaseGp(store::WriteTransaction& tx,
                       const v1::PrescriptionRequest& request,
                       const v1::TimelineEvent& overdue, absl::Time now) const;

  store::Store& store_;
  const domain::DeadlinePolicy deadlines_;
  const domain::DeliveryRoutes routes_;
  const Clock& clock_;
  const security::AuditKeyRing& keys_;
  const bool chase_gp_on_overdue_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_DEADLINE_SCAN_H_
