#ifndef GATEWAY_STORE_WRITE_QUEUE_H_
#define GATEWAY_STORE_WRITE_QUEUE_H_

#include <cstdint>
#include <deque>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::store {

// One write waiting for the writer thread.
struct WriteJob {
  WriteWork work;
  WriteDone done;
};

// The queue between Store::Write and a back end's writer thread, which
// takes the writes in batches (group commit). Bounded: a write beyond
// `max_queued` is refused RESOURCE_EXHAUSTED at once rather than queued
// without end. Thread-safe.
class WriteQueue {
 public:
  WriteQueue(int max_queued, int max_batch)
      : max_queued_(max_queued), max_batch_(max_batch) {}

  // Queues the write, or calls `done` at once with UNAVAILABLE (stopping)
  // or RESOURCE_EXHAUSTED (full).
  void Push(WriteWork work, WriteDone done);

  // Waits for writes and moves up to max_batch of them into `batch`, oldest
  // first; false once stopping and drained (the writer thread then ends).
  bool NextBatch(std::vector<WriteJob>& batch);

  // Refuses new writes; NextBatch still hands out what was queued.
  void Stop();

  int64_t size();

 private:
  const int max_queued_;
  const int max_batch_;
  absl::Mutex mu_;
  std::deque<WriteJob> jobs_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_WRITE_QUEUE_H_
