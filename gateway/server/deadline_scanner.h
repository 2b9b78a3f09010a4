#ifndef GATEWAY_SERVER_DEADLINE_SCANNER_H_
#define GATEWAY_SERVER_DEADLINE_SCANNER_H_

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gateway/pathway/deadline_scan.h"
#include "gateway/pathway/job_lease.h"

namespace nhs::tobacco::server {

// Runs the deadline scan every `interval` on its own thread until
// destroyed, as the gateway principal. Each scan is one durable write, so a
// restart resumes where it stopped and an OVERDUE event is never raised twice.
// With `lease`, a pass runs only while this instance holds it: of several
// instances on one database one scans, and another takes over within the
// lease's time when it dies.
class DeadlineScanner {
 public:
  DeadlineScanner(pathway::DeadlineScan& scan, absl::Duration interval,
                  pathway::JobLease* lease = nullptr);
  ~DeadlineScanner();

 private:
  void Run();

  pathway::DeadlineScan& scan_;
  const absl::Duration interval_;
  pathway::JobLease* const lease_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_DEADLINE_SCANNER_H_
