#include "gateway/security/rate_limiter.h"

#include <algorithm>

namespace nhs::tobacco::security {

bool RateLimiter::Allow(absl::string_view key, absl::Time now) {
  if (per_second_ <= 0) return true;
  absl::MutexLock lock(&mu_);
  auto [it, inserted] =
      buckets_.try_emplace(key, Bucket{static_cast<double>(per_second_), now});
  Bucket& b = it->second;
  const double refill =
      absl::ToDoubleSeconds(now - b.updated) * static_cast<double>(per_second_);
  b.tokens = std::min(static_cast<double>(per_second_), b.tokens + refill);
  b.updated = now;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace nhs::tobacco::security
