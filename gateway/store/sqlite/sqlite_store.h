#ifndef GATEWAY_STORE_SQLITE_SQLITE_STORE_H_
#define GATEWAY_STORE_SQLITE_SQLITE_STORE_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/store/sqlite/instance_lock.h"
#include "gateway/store/sqlite/sqlite_connection.h"
#include "gateway/store/store.h"
#include "gateway/store/store_metrics.h"
#include "gateway/store/write_queue.h"

namespace nhs::tobacco::store {

struct SqliteStoreOptions {
  std::string path;
  int reader_connections = 4;
  // Most writes committed in one transaction.
  int max_batch_size = 256;
  // Writes waiting beyond this are refused with RESOURCE_EXHAUSTED at once
  // instead of queuing without bound.
  int max_queued_writes = 10000;
  // How long a write waits for a lock another process holds.
  absl::Duration busy_timeout = absl::Seconds(5);
  // Largest the database may grow (max_page_count); 0 = no cap.
  int64_t max_database_bytes = 0;
};

// The default store: one SQLite file in WAL mode with synchronous=FULL.
//
// All writes go through one writer thread, which takes every write waiting
// in its queue, runs each inside its own SAVEPOINT of a single transaction
// and commits once; a failing write rolls back alone. A reply thread then
// fdatasyncs the write-ahead log and answers the batch, so concurrent
// requests share one fsync (group commit) and the fsync overlaps the next
// batch's SQL. Reads use a pool of separate connections and never wait for
// the writer. Thread-safe.
class SqliteStore final : public Store, public StoreMetricsSource {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const SqliteStoreOptions& options);
  // Finishes every queued write, then closes.
  ~SqliteStore() override;

  void Write(WriteWork work, WriteDone done) override;
  absl::Status Read(const ReadWork& work) override;
  void SetCommitListener(std::function<void(int64_t)> listener) override;
  StoreStats stats() override;

  // StoreMetricsSource (sqlite_counts.cc).
  absl::StatusOr<PrescriptionCounts> CountPrescriptions() override;
  void SetCommitObserver(CommitObserver observer) override;
  bool full() const override;

 private:
  // One committed batch's replies, delivered in commit order.
  struct Completion {
    std::vector<WriteDone> dones;
    std::vector<absl::Status> results;
    int64_t latest_sequence = 0;
  };

  explicit SqliteStore(const SqliteStoreOptions& options);
  void WriterLoop();
  void CompletionLoop();
  void CommitBatch(std::vector<WriteJob>& batch);
  // Runs `work` on an idle reader connection (waiting for one).
  absl::Status WithReader(
      const std::function<absl::Status(SqliteConnection&)>& work);

  const SqliteStoreOptions options_;
  // First member, so it is released last, after every connection closed.
  std::unique_ptr<InstanceLock> instance_lock_;
  std::unique_ptr<SqliteConnection> writer_;

  WriteQueue queue_;

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_
      ABSL_GUARDED_BY(readers_mu_);

  absl::Mutex listener_mu_;
  std::function<void(int64_t)> listener_ ABSL_GUARDED_BY(listener_mu_);
  // Its own lock: the writer thread takes it on every commit.
  absl::Mutex observer_mu_;
  CommitObserver commit_observer_ ABSL_GUARDED_BY(observer_mu_);

  absl::Mutex completions_mu_;
  std::deque<Completion> completions_ ABSL_GUARDED_BY(completions_mu_);
  bool completions_stopping_ ABSL_GUARDED_BY(completions_mu_) = false;

  int wal_fd_ = -1;
  std::atomic<int64_t> commits_{0};
  std::atomic<int64_t> writes_{0};
  // StoreMetricsSource::full(): when SQLite last refused a write for space
  // (Unix microseconds; 0 = never).
  std::atomic<int64_t> last_full_us_{0};

  std::thread writer_thread_;
  std::thread completion_thread_;
};

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_SQLITE_SQLITE_STORE_H_
