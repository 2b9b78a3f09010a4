#include "gateway/pathway/job_lease.h"

#include <unistd.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace nhs::tobacco::pathway {

JobLease::JobLease(store::Store& store, const Clock& clock, std::string job,
                   std::string holder, absl::Duration ttl)
    : store_(store),
      clock_(clock),
      job_(std::move(job)),
      holder_(std::move(holder)),
      ttl_(ttl) {}

absl::StatusOr<bool> JobLease::Hold() {
  const absl::Time now = clock_.Now();
  auto held = std::make_shared<bool>(false);
  absl::Status written =
      store_.WriteAndWait([this, now, held](store::WriteTransaction& tx) {
        absl::StatusOr<bool> taken =
            tx.TakeJobLease(job_, holder_, now, now + ttl_);
        if (!taken.ok()) return taken.status();
        *held = *taken;
        return absl::OkStatus();
      });
  if (!written.ok()) return written;
  return *held;
}

std::string InstanceName() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  static const int64_t started_us = absl::ToUnixMicros(absl::Now());
  return absl::StrCat(host, "/", ::getpid(), "/", started_us);
}

}  // namespace nhs::tobacco::pathway
