#ifndef GATEWAY_DELIVERY_DELIVERY_DISPATCHER_H_
#define GATEWAY_DELIVERY_DELIVERY_DISPATCHER_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/common/clock.h"
#include "gateway/delivery/message_sender.h"
#include "gateway/pathway/outbox_work.h"

namespace nhs::tobacco::delivery {

struct DispatcherOptions {
  int workers = 8;
  int max_in_flight_per_destination = 4;
  absl::Duration poll_interval = absl::Milliseconds(250);
  absl::Duration retention = absl::Hours(24 * 30);
  // At start, make every claim due again (the claims of this gateway's
  // previous run need not wait out their lease). Only when this gateway is
  // the only one on its database: with several instances (PostgreSQL)
  // another instance's claims are live, and a dead one's expire with their
  // lease.
  bool release_claims_at_start = true;
  // Asked before each hourly retention prune; false skips it. With several
  // instances on one database one of them prunes (the gateway passes its
  // job lease here); unset, every prune runs.
  std::function<bool()> may_prune;
};

// The outbox's delivery workers. One dispatcher thread claims due messages
// (at most `workers` in flight, at most max_in_flight_per_destination per
// destination queue) and hands them to worker threads, which send each
// through the MessageSender and record the result through the outbox port
// (backoff, dead letters, timeline). It claims on Wake() (a commit may have
// queued messages), when a recorded result frees a queue, and every
// poll_interval (retries come due). Messages about one record to one
// destination leave in order: the outbox only offers the oldest pending one.
// `clock` schedules the retention prune and spaces out warnings; the poll
// itself waits in real time.
class DeliveryDispatcher {
 public:
  DeliveryDispatcher(pathway::OutboxWork& outbox, MessageSender& sender,
                     const Clock& clock, DispatcherOptions options);
  // Stops: no new claims, waits for the sends in flight and their results.
  ~DeliveryDispatcher();

  void Start();
  void Wake();
  // Returns once nothing is in flight and every result is durable.
  void Stop();

  // When the dispatch loop last went round (real time; InfinitePast before
  // Start). It goes round at least every poll_interval plus one claim, so a
  // loop silent for much longer is stalled (readiness, issue 15).
  absl::Time last_cycle() const {
    return absl::FromUnixMicros(last_cycle_us_.load(std::memory_order_relaxed));
  }
  bool running() const { return dispatcher_.joinable(); }
  absl::Duration poll_interval() const { return options_.poll_interval; }

 private:
  struct Work {
    store::OutboxRow row;
    std::string queue;
  };

  void DispatchLoop();
  void WorkerLoop();
  void Deliver(const Work& work);
  void Finished(const std::string& queue, const std::string& message_id);
  void PruneIfDue();

  pathway::OutboxWork& outbox_;
  MessageSender& sender_;
  const Clock& clock_;
  const DispatcherOptions options_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Set once the dispatcher thread has exited: workers drain ready_ first.
  bool workers_stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, int> in_flight_by_queue_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> in_flight_ids_ ABSL_GUARDED_BY(mu_);
  std::deque<Work> ready_ ABSL_GUARDED_BY(mu_);
  // Dispatcher thread only.
  absl::Time next_prune_ = absl::InfinitePast();
  absl::Time next_claim_warning_ = absl::InfinitePast();
  int failed_claims_ = 0;

  std::atomic<int64_t> last_cycle_us_{absl::ToUnixMicros(absl::InfinitePast())};
  std::thread dispatcher_;
  std::vector<std::thread> workers_;
};

}  // namespace nhs::tobacco::delivery

#endif  // GATEWAY_DELIVERY_DELIVERY_DISPATCHER_H_
