#ifndef GATEWAY_SECURITY_RATE_LIMITER_H_
#define GATEWAY_SECURITY_RATE_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace nhs::tobacco::security {

// A token bucket per principal: `per_second` calls a second on average,
// bursts up to one second's worth. Over the limit, Allow() says no at once
// so an overloaded caller gets RESOURCE_EXHAUSTED instead of a queue.
// 0 disables limiting. Thread-safe.
class RateLimiter {
 public:
  explicit RateLimiter(int per_second) : per_second_(per_second) {}

  bool Allow(absl::string_view key, absl::Time now);

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  const int per_second_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nhs::tobacco::security

#endif  // GATEWAY_SECURITY_RATE_LIMITER_H_
