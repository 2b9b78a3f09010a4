#include "gateway/server/deadline_scanner.h"

#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"

namespace nhs::tobacco::server {

DeadlineScanner::DeadlineScanner(pathway::DeadlineScan& scan,
                                 absl::Duration interval)
    : scan_(scan), interval_(interval), thread_([this] { Run(); }) {}

DeadlineScanner::~DeadlineScanner() {
  stop_.Notify();
  thread_.join();
}

void DeadlineScanner::Run() {
  while (!stop_.WaitForNotificationWithTimeout(interval_)) {
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
