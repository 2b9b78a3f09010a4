#ifndef TESTS_TESTING_FAKE_MESSAGE_SENDER_H_
#define TESTS_TESTING_FAKE_MESSAGE_SENDER_H_

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/delivery/message_sender.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::testing {

// A MessageSender the test controls: while the gate is closed every send
// waits for Open() (a slow receiver); each send answers what SetResult said
// for its message (confirmed by default). It measures how many sends run at
// once, in all and per destination queue. Thread-safe.
class FakeMessageSender final : public delivery::MessageSender {
 public:
  // Longest a blocked send waits when a test forgets to open the gate.
  static constexpr absl::Duration kSafetyNet = absl::Seconds(10);

  void Close() {
    absl::MutexLock lock(&mu_);
    open_ = false;
  }
  void Open() {
    absl::MutexLock lock(&mu_);
    open_ = true;
  }
  void SetResult(const std::string& message_id, domain::SendResult result) {
    absl::MutexLock lock(&mu_);
    results_[message_id] = std::move(result);
  }

  // Message ids in the order their sends began.
  std::vector<std::string> started() const {
    absl::MutexLock lock(&mu_);
    return started_;
  }
  int sends_of(const std::string& message_id) const {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(
        std::count(started_.begin(), started_.end(), message_id));
  }
  int max_in_flight() const {
    absl::MutexLock lock(&mu_);
    return max_in_flight_;
  }
  int max_in_flight_in(const std::string& queue) const {
    absl::MutexLock lock(&mu_);
    auto it = max_by_queue_.find(queue);
    return it == max_by_queue_.end() ? 0 : it->second;
  }
  // Waits until `n` sends are under way at once.
  bool AwaitInFlight(int n, absl::Duration timeout = absl::Seconds(5)) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return in_flight_ >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

  domain::SendResult Send(const v1::OutboundMessage& message) override {
    const std::string queue =
        store::DeliveryQueue(message.destination_ods(), message.channel());
    absl::MutexLock lock(&mu_);
    started_.push_back(message.message_id());
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    int& n = in_flight_by_queue_[queue];
    ++n;
    max_by_queue_[queue] = std::max(max_by_queue_[queue], n);
    mu_.AwaitWithTimeout(absl::Condition(&open_), kSafetyNet);
    --in_flight_;
    --in_flight_by_queue_[queue];
    auto it = results_.find(message.message_id());
    return it == results_.end()
               ? domain::SendResult{domain::SendOutcome::kConfirmed, true, ""}
               : it->second;
  }
  absl::Duration send_timeout() const override { return absl::Seconds(10); }

 private:
  mutable absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = true;
  absl::flat_hash_map<std::string, domain::SendResult> results_
      ABSL_GUARDED_BY(mu_);
  std::vector<std::string> started_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int max_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, int> in_flight_by_queue_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int> max_by_queue_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_FAKE_MESSAGE_SENDER_H_
