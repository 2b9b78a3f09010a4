#ifndef GATEWAY_COMMON_CLOCK_H_
#define GATEWAY_COMMON_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace nhs::tobacco {

// Time source, injected so deadline logic is testable without waiting.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // The process-wide wall clock.
  static const Clock& Real();
};

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

inline const Clock& Clock::Real() {
  static const RealClock clock;
  return clock;
}

}  // namespace nhs::tobacco

#endif  // GATEWAY_COMMON_CLOCK_H_
