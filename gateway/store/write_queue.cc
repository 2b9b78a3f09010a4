#include "gateway/store/write_queue.h"

#include <algorithm>
#include <utility>

namespace nhs::tobacco::store {

void WriteQueue::Push(WriteWork work, WriteDone done) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      refused = absl::UnavailableError("store is shutting down");
    } else if (static_cast<int>(jobs_.size()) >= max_queued_) {
      refused = absl::ResourceExhaustedError(
          "too many writes waiting for the database; retry shortly");
    } else {
      jobs_.push_back(WriteJob{std::move(work), std::move(done)});
      return;
    }
  }
  done(refused);
}

bool WriteQueue::NextBatch(std::vector<WriteJob>& batch) {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](WriteQueue* q) ABSL_EXCLUSIVE_LOCKS_REQUIRED(q->mu_) {
        return q->stopping_ || !q->jobs_.empty();
      },
      this));
  if (jobs_.empty()) return false;  // stopping and drained
  const size_t take =
      std::min<size_t>(jobs_.size(), static_cast<size_t>(max_batch_));
  for (size_t i = 0; i < take; ++i) {
    batch.push_back(std::move(jobs_.front()));
    jobs_.pop_front();
  }
  return true;
}

void WriteQueue::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
}

int64_t WriteQueue::size() {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(jobs_.size());
}

}  // namespace nhs::tobacco::store
