#ifndef GATEWAY_SERVER_DEADLINE_SCANNER_H_
#define GATEWAY_SERVER_DEADLINE_SCANNER_H_

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gateway/pathway/pathway.h"

namespace nhs::tobacco::server {

// Runs the pathway's deadline scan every `interval` on its own thread until
// destroyed. Each scan is one durable write, so a restart resumes where it
// stopped and an OVERDUE event is never raised twice.
class DeadlineScanner {
 public:
  DeadlineScanner(pathway::Pathway& pathway, absl::Duration interval);
  ~DeadlineScanner();

 private:
  void Run();

  pathway::Pathway& pathway_;
  const absl::Duration interval_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_DEADLINE_SCANNER_H_
