#include "gateway/pathway/event_hub.h"

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::pathway {
namespace {

// Counts wake-ups and lets the test wait for one without sleeping blindly.
class WakeCounter {
 public:
  std::function<void()> Callback() {
    return [this] {
      absl::MutexLock lock(&mu_);
      ++count_;
    };
  }
  int count() const {
    absl::MutexLock lock(&mu_);
    return count_;
  }
  // True once at least `n` wake-ups happened within `timeout`.
  bool AwaitAtLeast(int n, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return count_ >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

 private:
  mutable absl::Mutex mu_;
  int count_ ABSL_GUARDED_BY(mu_) = 0;
};

constexpr absl::Duration kWait = absl::Seconds(10);

TEST(EventHubTest, SubscriberIsWokenAfterAPublish) {
  WakeCounter woken;  // Outlives the hub, whose thread may still call it.
  EventHub hub;
  hub.Subscribe(woken.Callback());
  hub.Publish(1);
  EXPECT_TRUE(woken.AwaitAtLeast(1, kWait));
  EXPECT_EQ(hub.latest(), 1);
}

TEST(EventHubTest, LatestNeverGoesBackwards) {
  EventHub hub;
  hub.Publish(7);
  hub.Publish(3);
  EXPECT_EQ(hub.latest(), 7);
}

TEST(EventHubTest, PublishesFromManyThreadsLeaveTheHighestSequence) {
  WakeCounter woken;  // Outlives the hub, whose thread may still call it.
  EventHub hub;
  hub.Subscribe(woken.Callback());
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&hub, t] {
      for (int64_t i = 1; i <= 250; ++i) hub.Publish(i * 4 + t);
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(hub.latest(), 250 * 4 + 3);
  EXPECT_TRUE(woken.AwaitAtLeast(1, kWait));
}

TEST(EventHubTest, EverySubscriberIsWoken) {
  WakeCounter first;  // Both outlive the hub, whose thread may call them.
  WakeCounter second;
  EventHub hub;
  hub.Subscribe(first.Callback());
  hub.Subscribe(second.Callback());
  hub.Publish(1);
  EXPECT_TRUE(first.AwaitAtLeast(1, kWait));
  EXPECT_TRUE(second.AwaitAtLeast(1, kWait));
}

TEST(EventHubTest, NoWakeAfterUnsubscribeReturnsWhilePublishersRun) {
  EventHub hub;
  std::atomic<bool> unsubscribed{false};
  std::atomic<int> late_wakes{0};
  WakeCounter woken;
  auto count = woken.Callback();
  const int64_t token = hub.Subscribe([&] {
    if (unsubscribed.load()) ++late_wakes;
    count();
  });
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int64_t i = 1; !stop.load(); ++i) hub.Publish(i);
  });
  ASSERT_TRUE(woken.AwaitAtLeast(1, kWait));
  hub.Unsubscribe(token);
  unsubscribed.store(true);
  absl::SleepFor(absl::Milliseconds(300));
  stop.store(true);
  writer.join();
  EXPECT_EQ(late_wakes.load(), 0);
}

TEST(EventHubTest, DestroyingTheHubWhilePublishingStopsItsThread) {
  WakeCounter woken;
  std::atomic<bool> stop{false};
  {
    EventHub hub;
    hub.Subscribe(woken.Callback());
    std::thread writer([&] {
      for (int64_t i = 1; !stop.load(); ++i) hub.Publish(i);
    });
    ASSERT_TRUE(woken.AwaitAtLeast(1, kWait));
    stop.store(true);
    writer.join();
  }
  const int after_destruction = woken.count();
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(woken.count(), after_destruction);
}

}  // namespace
}  // namespace nhs::tobacco::pathway
