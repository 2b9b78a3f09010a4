#ifndef GATEWAY_PATHWAY_JOB_LEASE_H_
#define GATEWAY_PATHWAY_JOB_LEASE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/common/clock.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::pathway {

// The lease on a job that must run on one gateway instance at a time (the
// deadline scan), kept in the store so that every instance on a database
// agrees who holds it. Each Hold() of its holder renews it for `ttl`; when
// the holder dies it stops renewing, and another instance's Hold() takes
// the job over once `ttl` has passed. Thread-safe.
class JobLease {
 public:
  // `holder` names this instance (InstanceName()).
  JobLease(store::Store& store, const Clock& clock, std::string job,
           std::string holder, absl::Duration ttl);

  // True when this instance holds the lease for the next `ttl`: taken,
  // renewed or taken over. Blocks until durable.
  absl::StatusOr<bool> Hold();

 private:
  store::Store& store_;
  const Clock& clock_;
  const std::string job_;
  const std::string holder_;
  const absl::Duration ttl_;
};

// A name for this process among the instances on one database: host, pid
// and start time (a restarted process is a new holder).
std::string InstanceName();

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_JOB_LEASE_H_
