#include "gateway/delivery/delivery_dispatcher.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/common/log.h"
#include "gateway/domain/delivery_plan.h"

namespace nhs::tobacco::delivery {

DeliveryDispatcher::DeliveryDispatcher(pathway::OutboxWork& outbox,
                                       MessageSender& sender,
                                       const Clock& clock,
                                       DispatcherOptions options)
    : outbox_(outbox), sender_(sender), clock_(clock), options_(options) {}

DeliveryDispatcher::~DeliveryDispatcher() { Stop(); }

void DeliveryDispatcher::Start() {
  // Nothing is in flight yet: what the last run held is free to go now.
  absl::StatusOr<int> released =
      options_.release_claims_at_start ? outbox_.ReleaseClaims() : 0;
  if (!released.ok()) {
    LogWarning("delivery", absl::StrCat("cannot release earlier claims: ",
                                        released.status().message()));
  } else if (*released > 0) {
    LogInfo("delivery",
            absl::StrCat(*released,
                         " pending messages are due again after the restart"));
  }
  for (int i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  // Started counts as a cycle: its first round comes a poll later.
  last_cycle_us_.store(absl::ToUnixMicros(absl::Now()),
                       std::memory_order_relaxed);
  dispatcher_ = std::thread([this] { DispatchLoop(); });
}

void DeliveryDispatcher::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void DeliveryDispatcher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && !dispatcher_.joinable()) return;
    stopping_ = true;
  }
  if (dispatcher_.joinable()) dispatcher_.join();
  {
    // Only now: the dispatcher's last claim may have queued work after
    // stopping_ was set, and a worker must take it before leaving.
    absl::MutexLock lock(&mu_);
    workers_stopping_ = true;
  }
  for (std::thread& w : workers_) {
    if (w.joinable()) w.join();
  }
  workers_.clear();
  // Results are recorded asynchronously; wait until the last is durable.
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* n) { return *n == 0; }, &in_flight_));
}

void DeliveryDispatcher::DispatchLoop() {
  while (true) {
    absl::flat_hash_map<std::string, int> in_flight;
    int free_slots = 0;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(
          absl::Condition(
              +[](DeliveryDispatcher* d) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                return d->woken_ || d->stopping_;
              },
              this),
          options_.poll_interval);
      if (stopping_) return;
      woken_ = false;
      free_slots = options_.workers - in_flight_;
      in_flight = in_flight_by_queue_;
    }
    last_cycle_us_.store(absl::ToUnixMicros(absl::Now()),
                         std::memory_order_relaxed);
    PruneIfDue();
    if (free_slots <= 0) continue;
    absl::StatusOr<std::vector<store::OutboxRow>> claimed =
        outbox_.ClaimDueMessages(
            in_flight, options_.max_in_flight_per_destination, free_slots,
            sender_.send_timeout() + absl::Seconds(5));
    if (!claimed.ok()) {
      // The store is locked or full: say so every 30 s, not every poll.
      ++failed_claims_;
      const absl::Time now = clock_.Now();
      if (now >= next_claim_warning_) {
        LogWarning("delivery",
                   absl::StrCat("cannot claim due messages (", failed_claims_,
                                " times since the last "
                                "warning): ",
                                claimed.status().message()));
        failed_claims_ = 0;
        next_claim_warning_ = now + absl::Seconds(30);
      }
      continue;
    }
    if (claimed->empty()) continue;
    absl::MutexLock lock(&mu_);
    for (store::OutboxRow& row : *claimed) {
      // A send that outlived its lease and is still under way is ours:
      // never two at once (the new lease covers it; its result is recorded
      // as usual). One that finished while this claim ran was recorded
      // first (a failure's backoff came due, so this is its next try), or,
      // if it outlived its lease, may be sent again under the same id (the
      // result of a message no longer pending is not recorded). Skipping
      // it instead would count a try never made and hold the message for
      // a whole lease (a dead letter one real try early: seen under load).
      if (!in_flight_ids_.insert(row.message.message_id()).second) continue;
      std::string queue = store::DeliveryQueue(row.message.destination_ods(),
                                               row.message.channel());
      ++in_flight_;
      ++in_flight_by_queue_[queue];
      ready_.push_back(Work{std::move(row), std::move(queue)});
    }
    // More may be due than one claim took.
    woken_ = true;
  }
}

void DeliveryDispatcher::WorkerLoop() {
  while (true) {
    Work work;
    {
      absl::MutexLock lock(&mu_);
      // On stop, workers finish what was claimed (at most one message each:
      // claims never exceed the idle workers) and then leave.
      mu_.Await(absl::Condition(
          +[](DeliveryDispatcher* d) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return !d->ready_.empty() || d->workers_stopping_;
          },
          this));
      if (ready_.empty()) return;
      work = std::move(ready_.front());
      ready_.pop_front();
    }
    Deliver(work);
  }
}

void DeliveryDispatcher::Deliver(const Work& work) {
  const v1::OutboundMessage& m = work.row.message;
  // The send's own events (transports, store) name the message too.
  ScopedLogContext log_context{{"message_id", m.message_id()},
                               {"referral_id", m.referral_id()},
                               {"prescription_id", m.prescription_id()}};
  const domain::SendResult result = sender_.Send(m);
  const bool confirmed = result.outcome == domain::SendOutcome::kConfirmed;
  const bool accepted = result.outcome == domain::SendOutcome::kAccepted;
  LogEvent event(confirmed || accepted ? LogLevel::kInfo : LogLevel::kWarning,
                 "delivery");
  event.With("kind", domain::MessageKindName(m.kind()))
      .With("destination", work.queue)
      // The claim counted this try already.
      .With("attempt", work.row.delivery.attempts());
  if (confirmed) {
    event.Write("delivered");
  } else if (accepted) {
    event.Write("handed to MESH; waiting for the receiver's acknowledgements");
  } else {
    event.With("detail", result.detail)
        .Write(result.outcome == domain::SendOutcome::kPermanent
                   ? "refused by the receiver"
                   : "not delivered, will retry");
  }
  const std::string queue = work.queue;
  const std::string id = m.message_id();
  outbox_.RecordDelivery(
      work.row, result, [this, queue, id](const absl::Status& s) {
        if (!s.ok()) {
          // The claim's lease brings it back; nothing is lost.
          LogWarning("delivery", absl::StrCat("cannot record a result for ",
                                              queue, ": ", s.message()));
        }
        Finished(queue, id);
      });
}

void DeliveryDispatcher::Finished(const std::string& queue,
                                  const std::string& message_id) {
  absl::MutexLock lock(&mu_);
  in_flight_ids_.erase(message_id);
  --in_flight_;
  if (--in_flight_by_queue_[queue] <= 0) in_flight_by_queue_.erase(queue);
  // The next message about the same record may now go.
  woken_ = true;
}

void DeliveryDispatcher::PruneIfDue() {
  const absl::Time now = clock_.Now();
  if (now < next_prune_) return;
  next_prune_ = now + absl::Hours(1);
  if (options_.may_prune && !options_.may_prune()) return;
  absl::StatusOr<int> pruned =
      outbox_.PruneDeliveredMessages(options_.retention);
  if (!pruned.ok()) {
    LogWarning("delivery", absl::StrCat("retention prune failed: ",
                                        pruned.status().message()));
  } else if (*pruned > 0) {
    LogInfo("delivery", absl::StrCat("pruned ", *pruned,
                                     " delivered messages past retention"));
  }
}

}  // namespace nhs::tobacco::delivery
