#ifndef TESTS_TESTING_FAKE_OUTBOX_WORK_H_
#define TESTS_TESTING_FAKE_OUTBOX_WORK_H_

#include <algorithm>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/common/clock.h"
#include "gateway/pathway/outbox_work.h"
#include "gateway/store/store.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::testing {

// An in-memory outbox with the store's claim rules: a message is offered
// when it is pending, due and not held by a live lease; only the oldest
// pending message about one record to one queue is offered; a claim never
// takes a queue past `max_per_queue` counting the caller's `in_flight`, nor
// more than `limit` messages. Leases run on the given clock. Results are
// acknowledged on a "store thread" of its own, as the real store does, so
// the dispatcher cannot count on `done` running before RecordDelivery
// returns. Thread-safe; every wait has a timeout as a safety net.
class FakeOutboxWork final : public pathway::OutboxWork {
 public:
  explicit FakeOutboxWork(const Clock& clock)
      : clock_(clock), store_thread_([this] { StoreLoop(); }) {}

  ~FakeOutboxWork() override {
    {
      absl::MutexLock lock(&mu_);
      closing_ = true;
    }
    store_thread_.join();
  }

  // Queues a pending message, due now, after every message queued before.
  void Add(const std::string& message_id, const std::string& destination_ods,
           const std::string& record_id,
           v1::DeliveryChannel channel = v1::DELIVERY_CHANNEL_HL7V2_MLLP) {
    Entry e;
    e.row.message.set_message_id(message_id);
    e.row.message.set_destination_ods(destination_ods);
    e.row.message.set_channel(channel);
    e.row.message.set_referral_id(record_id);
    e.row.delivery.set_message_id(message_id);
    e.row.delivery.set_destination_ods(destination_ods);
    e.row.delivery.set_channel(channel);
    e.row.delivery.set_state(v1::DELIVERY_STATE_PENDING);
    e.record = record_id;
    absl::MutexLock lock(&mu_);
    e.due = clock_.Now();
    entries_.push_back(std::move(e));
  }

  // Marks a pending message as claimed by a gateway that died mid-send:
  // held until ReleaseClaims or an hour on the clock.
  void HoldAsIfClaimedEarlier(const std::string& message_id) {
    absl::MutexLock lock(&mu_);
    Find(message_id)->lease_until = clock_.Now() + absl::Hours(1);
  }

  // While set, every claim fails as a locked database would.
  void FailClaims(bool fail) {
    absl::MutexLock lock(&mu_);
    fail_claims_ = fail;
  }

  // -- What the dispatcher did.
  int claim_calls() const {
    absl::MutexLock lock(&mu_);
    return claim_calls_;
  }
  // How often `message_id` was handed out by a claim.
  int claims_of(const std::string& message_id) const {
    absl::MutexLock lock(&mu_);
    auto it = claims_of_.find(message_id);
    return it == claims_of_.end() ? 0 : it->second;
  }
  // Every message handed out by a claim, once each.
  absl::flat_hash_set<std::string> claimed() const {
    absl::MutexLock lock(&mu_);
    absl::flat_hash_set<std::string> out;
    for (const auto& [id, n] : claims_of_) out.insert(id);
    return out;
  }
  // Message ids in the order their results were recorded (one per try).
  std::vector<std::string> recorded() const {
    absl::MutexLock lock(&mu_);
    return recorded_;
  }
  // How many results the store thread has made durable (counted just
  // before their `done` runs).
  int durable() const {
    absl::MutexLock lock(&mu_);
    return durable_;
  }
  // How many `done` callbacks have returned: the dispatcher has taken those
  // results in.
  int acknowledged() const {
    absl::MutexLock lock(&mu_);
    return acknowledged_;
  }
  // The most messages claimed and not yet recorded at any one time.
  int max_outstanding() const {
    absl::MutexLock lock(&mu_);
    return max_outstanding_;
  }
  v1::DeliveryState state_of(const std::string& message_id) {
    absl::MutexLock lock(&mu_);
    return Find(message_id)->row.delivery.state();
  }
  int release_calls() const {
    absl::MutexLock lock(&mu_);
    return release_calls_;
  }
  int prune_calls() const {
    absl::MutexLock lock(&mu_);
    return prune_calls_;
  }
  absl::Duration last_prune_keep() const {
    absl::MutexLock lock(&mu_);
    return last_prune_keep_;
  }
  // "release", "claim" and "prune" in the order they were called.
  std::vector<std::string> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

  // Safety-net waits: false when the condition did not hold in time.
  bool AwaitClaimCalls(int n, absl::Duration timeout = absl::Seconds(5)) {
    return AwaitCount(&claim_calls_, n, timeout);
  }
  bool AwaitClaimsOf(const std::string& message_id, int n,
                     absl::Duration timeout = absl::Seconds(5)) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, &message_id, n]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      auto it = claims_of_.find(message_id);
      return it != claims_of_.end() && it->second >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  bool AwaitAcknowledged(int n, absl::Duration timeout = absl::Seconds(5)) {
    return AwaitCount(&acknowledged_, n, timeout);
  }
  bool AwaitPruneCalls(int n, absl::Duration timeout = absl::Seconds(5)) {
    return AwaitCount(&prune_calls_, n, timeout);
  }

  // -- pathway::OutboxWork
  absl::StatusOr<std::vector<store::OutboxRow>> ClaimDueMessages(
      const absl::flat_hash_map<std::string, int>& in_flight, int max_per_queue,
      int limit, absl::Duration lease) override {
    absl::MutexLock lock(&mu_);
    ++claim_calls_;
    calls_.push_back("claim");
    if (fail_claims_) return absl::UnavailableError("database is locked");
    const absl::Time now = clock_.Now();
    absl::flat_hash_map<std::string, int> taken = in_flight;
    // (record, queue) pairs with an older message still pending.
    absl::flat_hash_set<std::string> blocked;
    std::vector<store::OutboxRow> out;
    for (Entry& e : entries_) {
      if (e.row.delivery.state() != v1::DELIVERY_STATE_PENDING) continue;
      const std::string queue = QueueOf(e);
      if (!blocked.insert(absl::StrCat(e.record, "|", queue)).second) continue;
      if (static_cast<int>(out.size()) >= limit) break;
      if (e.due > now || e.lease_until > now) continue;
      if (taken[queue] >= max_per_queue) continue;
      ++taken[queue];
      e.lease_until = now + lease;
      e.row.delivery.set_attempts(e.row.delivery.attempts() + 1);
      ++claims_of_[e.row.message.message_id()];
      outstanding_.insert(e.row.message.message_id());
      out.push_back(e.row);
    }
    max_outstanding_ =
        std::max(max_outstanding_, static_cast<int>(outstanding_.size()));
    return out;
  }

  absl::StatusOr<int> ReleaseClaims() override {
    absl::MutexLock lock(&mu_);
    ++release_calls_;
    calls_.push_back("release");
    int released = 0;
    for (Entry& e : entries_) {
      if (e.row.delivery.state() != v1::DELIVERY_STATE_PENDING) continue;
      if (e.lease_until > clock_.Now()) ++released;
      e.lease_until = absl::InfinitePast();
    }
    return released;
  }

  void RecordDelivery(const store::OutboxRow& claimed,
                      const domain::SendResult& result,
                      std::function<void(absl::Status)> done) override {
    absl::MutexLock lock(&mu_);
    Entry* e = Find(claimed.message.message_id());
    recorded_.push_back(claimed.message.message_id());
    outstanding_.erase(claimed.message.message_id());
    e->lease_until = absl::InfinitePast();
    switch (result.outcome) {
      case domain::SendOutcome::kConfirmed:
        e->row.delivery.set_state(v1::DELIVERY_STATE_DELIVERED);
        break;
      case domain::SendOutcome::kPermanent:
        e->row.delivery.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
        break;
      case domain::SendOutcome::kAccepted:
        // MESH took it: no longer the dispatcher's to send.
        e->row.delivery.set_state(v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT);
        break;
      case domain::SendOutcome::kTransient:
        // Due again after a backoff the test moves the clock past.
        e->due = clock_.Now() + absl::Minutes(1);
        break;
    }
    acks_.push_back(std::move(done));
  }

  absl::StatusOr<int> PruneDeliveredMessages(absl::Duration keep) override {
    absl::MutexLock lock(&mu_);
    ++prune_calls_;
    calls_.push_back("prune");
    last_prune_keep_ = keep;
    return 0;
  }

 private:
  struct Entry {
    store::OutboxRow row;
    std::string record;
    absl::Time due = absl::InfinitePast();
    absl::Time lease_until = absl::InfinitePast();
  };

  static std::string QueueOf(const Entry& e) {
    return store::DeliveryQueue(e.row.message.destination_ods(),
                                e.row.message.channel());
  }

  Entry* Find(const std::string& message_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (Entry& e : entries_) {
      if (e.row.message.message_id() == message_id) return &e;
    }
    ADD_FAILURE() << "no message " << message_id;
    static Entry none;
    return &none;
  }

  bool AwaitCount(const int* count, int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [count, n]() { return *count >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

  // Runs `done` callbacks in order, outside the lock, like a store's
  // commit thread; finishes the queue before the fake goes away.
  void StoreLoop() {
    while (true) {
      std::function<void(absl::Status)> done;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](FakeOutboxWork* f) ABSL_NO_THREAD_SAFETY_ANALYSIS {
              return !f->acks_.empty() || f->closing_;
            },
            this));
        if (acks_.empty()) return;
        done = std::move(acks_.front());
        acks_.pop_front();
      }
      {
        // Counted first: once `done` runs, the dispatcher may report
        // itself stopped.
        absl::MutexLock lock(&mu_);
        ++durable_;
      }
      done(absl::OkStatus());
      absl::MutexLock lock(&mu_);
      ++acknowledged_;
    }
  }

  const Clock& clock_;
  mutable absl::Mutex mu_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);
  bool fail_claims_ ABSL_GUARDED_BY(mu_) = false;
  int claim_calls_ ABSL_GUARDED_BY(mu_) = 0;
  int release_calls_ ABSL_GUARDED_BY(mu_) = 0;
  int prune_calls_ ABSL_GUARDED_BY(mu_) = 0;
  int durable_ ABSL_GUARDED_BY(mu_) = 0;
  int acknowledged_ ABSL_GUARDED_BY(mu_) = 0;
  int max_outstanding_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Duration last_prune_keep_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int> claims_of_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> outstanding_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> recorded_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
  std::deque<std::function<void(absl::Status)>> acks_ ABSL_GUARDED_BY(mu_);
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  std::thread store_thread_;
};

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_FAKE_OUTBOX_WORK_H_
