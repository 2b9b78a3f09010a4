#ifndef TESTS_TESTING_FAKE_CLOCK_H_
#define TESTS_TESTING_FAKE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/common/clock.h"

namespace nhs::tobacco::testing {

// A clock tests move by hand. It also counts how often it was read, so a
// test can wait until a background loop has come round again (each pass of
// such a loop reads the clock) instead of sleeping.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    ++reads_;
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  int reads() const {
    absl::MutexLock lock(&mu_);
    return reads_;
  }
  // Waits until the clock has been read at least `n` times in all; false
  // if that takes longer than `timeout` (a safety net, not a schedule).
  bool AwaitReads(int n, absl::Duration timeout = absl::Seconds(5)) const {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]()
                       ABSL_NO_THREAD_SAFETY_ANALYSIS { return reads_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  mutable int reads_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_FAKE_CLOCK_H_
