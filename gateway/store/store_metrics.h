#ifndef GATEWAY_STORE_STORE_METRICS_H_
#define GATEWAY_STORE_STORE_METRICS_H_

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nhs/tobacco/v1/prescription.pb.h"

namespace nhs::tobacco::store {

// Prescription requests by status, and how many of those not yet final
// are overdue (a missed deadline not yet resolved).
struct PrescriptionCounts {
  std::vector<std::pair<v1::PrescriptionStatus, int64_t>> by_status;
  int64_t overdue_open = 0;
};

// What a back end can tell an operator cheaply beside the Store port: the
// aggregates behind the Prometheus gauges, and each group commit's timing.
// Kept apart from store.h so metrics do not widen the port every pathway
// and edge compiles against; a back end that cannot answer simply does not
// implement it (its gauges are then absent). Thread-safe.
class StoreMetricsSource {
 public:
  virtual ~StoreMetricsSource() = default;

  // One indexed GROUP BY over the prescriptions (status and overdue
  // indexes), on a reader connection.
  virtual absl::StatusOr<PrescriptionCounts> CountPrescriptions() = 0;

  // `observer` is called on the writer thread after each successful commit
  // with the time from BEGIN to COMMIT and the number of writes in the
  // batch; it must not block. One observer; setting another replaces it.
  using CommitObserver = std::function<void(absl::Duration, int batch_size)>;
  virtual void SetCommitObserver(CommitObserver observer) = 0;

  // True for a minute after a write failed because the database is full
  // (SQLite's SQLITE_FULL: store.max_database_mb reached, or the disk). An
  // empty transaction (the readiness probe) needs no page, so it cannot
  // tell; /readyz asks this.
  virtual bool full() const { return false; }
};

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_STORE_METRICS_H_
