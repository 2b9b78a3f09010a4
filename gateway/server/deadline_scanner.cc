#include "gateway/server/deadline_scanner.h"

#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"

namespace nhs::tobacco::server {

DeadlineScanner::DeadlineScanner(pathway::DeadlineScan& scan,
                                 absl::Duration interval,
                                 pathway::JobLease* lease)
    : scan_(scan),
      interval_(interval),
      lease_(lease),
      thread_([this] { Run(); }) {}

DeadlineScanner::~DeadlineScanner() {
  stop_.Notify();
  thread_.join();
}

void DeadlineScanner::Run() {
  while (!stop_.WaitForNotificationWithTimeout(interval_)) {
    if (lease_ != nullptr) {
      absl::StatusOr<bool> held = lease_->Hold();
      if (!held.ok()) {
        LogWarning("deadlines", absl::StrCat("cannot take the scan's lease, "
                                             "will retry: ",
                                             held.status().ToString()));
        continue;
      }
      if (!*held) continue;  // another instance scans
    }
    absl::StatusOr<int> changed = scan_.Scan(security::GatewayPrincipal());
    if (!changed.ok()) {
      LogWarning("deadlines", absl::StrCat("scan failed, will retry: ",
                                           changed.status().ToString()));
    } else if (*changed > 0) {
      LogInfo("deadlines",
              absl::StrCat("scan: ", *changed,
                           " prescription requests overdue or expired"));
    }
  }
}

}  // namespace nhs::tobacco::server
