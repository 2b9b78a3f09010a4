#ifndef GATEWAY_PATHWAY_OPERATIONS_SNAPSHOT_H_
#define GATEWAY_PATHWAY_OPERATIONS_SNAPSHOT_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/common/clock.h"
#include "gateway/store/store.h"
#include "gateway/store/store_metrics.h"
#include "nhs/tobacco/v1/delivery.pb.h"

namespace nhs::tobacco::pathway {

// The figures an operator watches, read at one moment: the outbox per
// destination and channel, prescription requests by status and overdue,
// and the store's own counters.
struct OperationsSnapshot {
  std::vector<v1::DestinationStats> destinations;
  // Absent when the store back end cannot count cheaply.
  std::optional<store::PrescriptionCounts> prescriptions;
  store::StoreStats store;
};

// The read use case behind the Prometheus gauges (computed at scrape
// time, so they are never stale). Aggregate counts only: no record, no
// patient identifier, so no principal and no audit row; the admin
// endpoint that calls it is itself reachable only on loopback or with an
// admin certificate. Thread-safe.
class OperationsSnapshotReader {
 public:
  // `counts` may be null (the back end does not implement it).
  OperationsSnapshotReader(store::Store& store,
                           store::StoreMetricsSource* counts,
                           const Clock& clock)
      : store_(store), counts_(counts), clock_(clock) {}

  absl::StatusOr<OperationsSnapshot> Read() const;

 private:
  store::Store& store_;
  store::StoreMetricsSource* const counts_;
  const Clock& clock_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_OPERATIONS_SNAPSHOT_H_
