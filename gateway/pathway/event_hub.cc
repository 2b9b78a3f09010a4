#include "gateway/pathway/event_hub.h"

#include <pthread.h>

#include <vector>

namespace nhs::tobacco::pathway {

EventHub::EventHub()
    : thread_([this] {
        pthread_setname_np(pthread_self(), "event-hub");
        Run();
      }) {}

EventHub::~EventHub() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void EventHub::Publish(int64_t sequence) {
  absl::MutexLock lock(&mu_);
  if (sequence > latest_) latest_ = sequence;
}

int64_t EventHub::latest() const {
  absl::MutexLock lock(&mu_);
  return latest_;
}

int64_t EventHub::Subscribe(std::function<void()> wake) {
  absl::MutexLock lock(&mu_);
  const int64_t token = next_token_++;
  subscribers_.emplace(token, std::move(wake));
  return token;
}

void EventHub::Unsubscribe(int64_t token) {
  absl::MutexLock dispatch(&dispatch_mu_);
  absl::MutexLock lock(&mu_);
  subscribers_.erase(token);
}

void EventHub::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(
          absl::Condition(
              +[](EventHub* h) ABSL_EXCLUSIVE_LOCKS_REQUIRED(h->mu_) {
                return h->stopping_ || h->latest_ > h->woken_;
              },
              this),
          absl::Milliseconds(200));
      if (stopping_) return;
      if (latest_ == woken_) continue;
      woken_ = latest_;
    }
    // Subscribers are erased only under dispatch_mu_, so the pointers stay
    // valid while they are called.
    absl::MutexLock dispatch(&dispatch_mu_);
    std::vector<std::function<void()>*> wake;
    {
      absl::MutexLock lock(&mu_);
      for (auto& [token, fn] : subscribers_) wake.push_back(&fn);
    }
    for (auto* fn : wake) (*fn)();
  }
}

}  // namespace nhs::tobacco::pathway
